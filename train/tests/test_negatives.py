import numpy as np

from biobridge_train.negatives import candidate_pools, draw_negatives, sample_negative_pool
from biobridge_train.splits import make_split


def test_pool_has_tail_type_and_excludes_known_tails(tiny_export) -> None:
    split = make_split(tiny_export, "inductive")
    pool = sample_negative_pool(tiny_export, split.train, pool_size=50, seed=3)
    assert pool.shape == (len(split.train), 50)
    tail_types = tiny_export.tail_types[split.train]
    assert (tiny_export.node_type_of[pool] == tail_types[:, None]).all()
    known = {}
    for head, _, tail in tiny_export.triples.tolist():
        known.setdefault(head, set()).add(tail)
    heads = tiny_export.heads[split.train]
    for row, head in enumerate(heads.tolist()):
        assert not known[head] & set(pool[row].tolist())
        assert head not in pool[row]


def test_pool_uses_training_nodes_only_and_is_reproducible(tiny_export) -> None:
    split = make_split(tiny_export, "inductive-leakfree")
    pool = sample_negative_pool(tiny_export, split.train, pool_size=20, seed=3)
    assert not np.isin(pool, split.held_out_nodes).any()
    allowed = np.concatenate(list(candidate_pools(tiny_export, split.train).values()))
    assert np.isin(pool, allowed).all()
    assert np.array_equal(pool, sample_negative_pool(tiny_export, split.train, pool_size=20, seed=3))
    assert not np.array_equal(pool, sample_negative_pool(tiny_export, split.train, pool_size=20, seed=4))


def test_pool_rows_are_distinct_when_candidates_allow(tiny_export) -> None:
    split = make_split(tiny_export, "inductive")
    pool = sample_negative_pool(tiny_export, split.train, pool_size=10, seed=1)
    assert all(len(set(row)) == 10 for row in pool.tolist())


def test_draw_is_keyed_by_step() -> None:
    pool = np.arange(200).reshape(4, 50)
    first = draw_negatives(pool, 5, seed=1, step=7)
    assert first.shape == (4, 5)
    assert np.array_equal(first, draw_negatives(pool, 5, seed=1, step=7))
    assert not np.array_equal(first, draw_negatives(pool, 5, seed=1, step=8))
    for row in range(4):
        assert set(first[row]) <= set(pool[row]) and len(set(first[row])) == 5
