"""Negative tails: a seeded pool per training triple, and a seeded draw from it at every step.

As in the official BioBridge data (dataset/build_negative_samples.py), each training triple gets a
fixed pool of nodes of its tail's type that are not known tails of its head; every step draws a
few of them. Known tails are taken over all triples of the export (every split, every relation),
so no pool ever contains a true edge. Candidates are the nodes of the tail type that occur in the
training triples, so held-out and validation nodes never appear as negatives.
"""

from __future__ import annotations

from typing import Dict

import numpy as np

from .export_format import TrainingExport


class NegativeSamplingError(ValueError):
    pass


def known_pair_keys(export: TrainingExport) -> np.ndarray:
    """Sorted ``head * stride + tail`` keys of every triple (any relation)."""
    stride = np.int64(len(export.node_type_of))
    keys = export.heads.astype(np.int64) * stride + export.tails.astype(np.int64)
    return np.unique(keys)


def _is_known(keys: np.ndarray, known: np.ndarray) -> np.ndarray:
    if len(known) == 0:
        return np.zeros(keys.shape, dtype=bool)
    position = np.searchsorted(known, keys)
    position = np.minimum(position, len(known) - 1)
    return known[position] == keys


def candidate_pools(export: TrainingExport, train_rows: np.ndarray) -> Dict[int, np.ndarray]:
    """Per node type: the sorted nodes that occur (as head or tail) in the training triples."""
    nodes = np.unique(np.concatenate([export.heads[train_rows], export.tails[train_rows]]))
    types = export.node_type_of[nodes]
    return {int(type_id): nodes[types == type_id].astype(np.int64) for type_id in np.unique(types)}


def sample_negative_pool(
    export: TrainingExport,
    train_rows: np.ndarray,
    pool_size: int = 50,
    seed: int = 0,
    max_rounds: int = 30,
) -> np.ndarray:
    """int32 [len(train_rows), pool_size] node indices: negatives of the tail's type per triple.

    Negatives are distinct within a row when the candidate set allows it; when a head has fewer
    eligible candidates than ``pool_size`` (tiny graphs), eligible ones repeat.
    """
    known = known_pair_keys(export)
    stride = np.int64(len(export.node_type_of))
    known_tail_types = export.node_type_of[known % stride]
    pools = candidate_pools(export, train_rows)
    heads = export.heads[train_rows].astype(np.int64)
    tail_types = export.tail_types[train_rows]
    # int32 halves the memory of the pool (25M entries for 500k triples).
    result = np.empty((len(train_rows), pool_size), dtype=np.int32)
    for type_id in np.unique(tail_types):
        members = np.flatnonzero(tail_types == type_id)
        pool = pools[int(type_id)]
        known_here = known[known_tail_types == type_id]
        generator = np.random.default_rng([seed, int(type_id)])
        chosen = pool[generator.integers(0, len(pool), size=(len(members), pool_size))]
        member_heads = heads[members][:, None]
        # Collisions are rare, so after the first pass only rows that had one are checked again.
        pending = np.arange(len(members))
        for _ in range(max_rounds):
            invalid = _invalid(chosen[pending], member_heads[pending], known_here, stride)
            flagged = invalid.any(axis=1)
            pending, invalid = pending[flagged], invalid[flagged]
            if len(pending) == 0:
                break
            rows = chosen[pending]
            rows[invalid] = pool[generator.integers(0, len(pool), size=int(invalid.sum()))]
            chosen[pending] = rows
        else:
            still = _invalid(chosen[pending], member_heads[pending], known_here, stride).any(axis=1)
            for row in pending[still]:
                chosen[row] = _fill_row_slowly(
                    int(member_heads[row, 0]), pool, pool_size, known_here, stride, generator
                )
        result[members] = chosen
    return result


def _invalid(chosen: np.ndarray, heads: np.ndarray, known: np.ndarray, stride: np.int64) -> np.ndarray:
    invalid = _is_known(heads * stride + chosen, known) | (chosen == heads)
    order = np.argsort(chosen, axis=1, kind="stable")
    ordered = np.take_along_axis(chosen, order, axis=1)
    repeated = ordered[:, 1:] == ordered[:, :-1]
    rows, columns = np.nonzero(repeated)
    invalid[rows, order[rows, columns + 1]] = True
    return invalid


def _fill_row_slowly(
    head: int, pool: np.ndarray, pool_size: int, known: np.ndarray, stride: np.int64, generator: np.random.Generator
) -> np.ndarray:
    eligible = pool[~_is_known(head * stride + pool, known) & (pool != head)]
    if len(eligible) == 0:
        raise NegativeSamplingError(
            f"head node {head} is linked to every candidate tail of its tail type; no negative exists"
        )
    return generator.choice(eligible, size=pool_size, replace=len(eligible) < pool_size)


def draw_negatives(pool: np.ndarray, count: int, seed: int, step: int) -> np.ndarray:
    """``count`` distinct columns of each pool row, from a generator keyed by (seed, step) so that
    a resumed run draws exactly what an uninterrupted one would."""
    if count > pool.shape[1]:
        raise NegativeSamplingError(f"cannot draw {count} negatives from pools of {pool.shape[1]}")
    generator = np.random.default_rng([seed, step, 3])
    columns = np.argsort(generator.random(pool.shape), axis=1)[:, :count]
    return np.take_along_axis(pool, columns, axis=1)
