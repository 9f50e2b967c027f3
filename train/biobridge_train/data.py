"""Batches of training triples, grouped so that each batch projects with one matrix.

Triples are bucketed by (head type, relation, tail type). Every epoch shuffles each bucket with a
generator keyed by (seed, epoch, bucket), cuts it into batches, and shuffles the batch order with
a generator keyed by (seed, epoch): the order is a pure function of the seed and the epoch, so a
resumed run skips to the same batch without saved loader state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

import numpy as np
import torch

from .export_format import TrainingExport
from .negatives import draw_negatives

BucketKey = Tuple[int, int, int]


@dataclass
class Batch:
    key: BucketKey
    positions: np.ndarray  # indices into TrainingTriples arrays
    head: torch.Tensor  # [B, D_head]
    tail: torch.Tensor  # [B, D_tail]
    negatives: Optional[torch.Tensor]  # [B, K, D_tail]
    in_batch_mask: Optional[torch.Tensor]  # bool [B, B]

    @property
    def size(self) -> int:
        return len(self.positions)


class NodeVectors:
    """Per-type vector tables as tensors on the training device."""

    def __init__(self, export: TrainingExport, device: torch.device) -> None:
        self.export = export
        self.device = device
        self.tables: Dict[int, torch.Tensor] = {
            type_id: torch.from_numpy(np.ascontiguousarray(table.vectors)).to(device)
            for type_id, table in export.tables.items()
        }

    def rows(self, type_id: int, node_indices: np.ndarray) -> torch.Tensor:
        rows = torch.from_numpy(self.export.node_row_of[node_indices]).to(self.device)
        return self.tables[type_id].index_select(0, rows.reshape(-1)).reshape(*node_indices.shape, -1)


class TrainingTriples:
    def __init__(
        self,
        export: TrainingExport,
        rows: np.ndarray,
        negative_pool: Optional[np.ndarray] = None,
        known_pairs: Optional[np.ndarray] = None,
    ) -> None:
        self.export = export
        self.rows = np.asarray(rows, dtype=np.int64)
        self.heads = export.heads[self.rows].astype(np.int64)
        self.relations = export.relations[self.rows].astype(np.int64)
        self.tails = export.tails[self.rows].astype(np.int64)
        self.head_types = export.node_type_of[self.heads]
        self.tail_types = export.node_type_of[self.tails]
        self.negative_pool = negative_pool
        self.known_pairs = known_pairs
        keys = np.stack([self.head_types, self.relations, self.tail_types], axis=1)
        unique, inverse = np.unique(keys, axis=0, return_inverse=True)
        inverse = inverse.reshape(-1)
        self.buckets: Dict[BucketKey, np.ndarray] = {
            (int(key[0]), int(key[1]), int(key[2])): np.flatnonzero(inverse == index)
            for index, key in enumerate(unique)
        }

    def __len__(self) -> int:
        return len(self.rows)

    def batches_per_epoch(self, batch_size: int) -> int:
        return sum(-(-len(members) // batch_size) for members in self.buckets.values())

    def epoch_plan(self, epoch: int, batch_size: int, seed: int) -> List[Tuple[BucketKey, np.ndarray]]:
        plan: List[Tuple[BucketKey, np.ndarray]] = []
        for bucket_index, key in enumerate(sorted(self.buckets)):
            members = self.buckets[key]
            shuffled = members[np.random.default_rng([seed, epoch, bucket_index]).permutation(len(members))]
            for start in range(0, len(shuffled), batch_size):
                plan.append((key, shuffled[start : start + batch_size]))
        order = np.random.default_rng([seed, epoch]).permutation(len(plan))
        return [plan[index] for index in order]

    def edge_kinds(self) -> List[Dict[str, object]]:
        registry = self.export.registry
        return [
            {
                "headType": registry.node_types[key[0]],
                "relation": registry.relations[key[1]],
                "tailType": registry.node_types[key[2]],
                "triples": int(len(members)),
            }
            for key, members in sorted(self.buckets.items())
        ]

    def make_batch(
        self,
        vectors: NodeVectors,
        key: BucketKey,
        positions: np.ndarray,
        step: int,
        seed: int,
        negatives_per_step: int,
        in_batch: bool,
    ) -> Batch:
        head_type, _, tail_type = key
        negatives = None
        if negatives_per_step > 0:
            if self.negative_pool is None:
                raise ValueError("paired negatives need a negative pool")
            drawn = draw_negatives(self.negative_pool[positions], negatives_per_step, seed, step)
            negatives = vectors.rows(tail_type, drawn)
        mask = None
        if in_batch:
            tails = self.tails[positions]
            same_tail = tails[:, None] == tails[None, :]
            known = np.zeros_like(same_tail)
            if self.known_pairs is not None:
                stride = np.int64(len(self.export.node_type_of))
                pair_keys = self.heads[positions][:, None] * stride + tails[None, :]
                found = np.minimum(np.searchsorted(self.known_pairs, pair_keys), len(self.known_pairs) - 1)
                known = self.known_pairs[found] == pair_keys
            mask = torch.from_numpy(same_tail | known).to(vectors.device)
        return Batch(
            key=key,
            positions=positions,
            head=vectors.rows(head_type, self.heads[positions]),
            tail=vectors.rows(tail_type, self.tails[positions]),
            negatives=negatives,
            in_batch_mask=mask,
        )
