import json
from pathlib import Path

import numpy as np
import pytest

from biobridge_train.export_format import read_export
from biobridge_train.splits import (
    SplitError,
    carve_validation,
    load_or_create_split,
    make_split,
    read_split,
    write_split,
)


def test_inductive_split_is_reproducible_and_seed_dependent(tiny_export) -> None:
    first = make_split(tiny_export, "inductive", seed=42)
    again = make_split(tiny_export, "inductive", seed=42)
    other = make_split(tiny_export, "inductive", seed=43)
    assert np.array_equal(first.held_out_nodes, again.held_out_nodes)
    assert np.array_equal(first.train, again.train) and np.array_equal(first.test, again.test)
    assert not np.array_equal(first.held_out_nodes, other.held_out_nodes)


def test_inductive_holds_out_ten_percent_of_heads_per_type(tiny_export) -> None:
    split = make_split(tiny_export, "inductive")
    heads = np.unique(tiny_export.heads)
    for type_id in np.unique(tiny_export.node_type_of[heads]):
        of_type = heads[tiny_export.node_type_of[heads] == type_id]
        held = split.held_out_nodes[tiny_export.node_type_of[split.held_out_nodes] == type_id]
        assert len(held) == int(0.1 * len(of_type))
    held = set(split.held_out_nodes.tolist())
    assert all(head in held for head in tiny_export.heads[split.test].tolist())
    assert not any(head in held for head in tiny_export.heads[split.train].tolist())
    assert len(split.train) + len(split.test) == len(tiny_export.triples)
    # Paper-faithful: training keeps edges whose tail is a held-out node.
    assert np.isin(tiny_export.tails[split.train], split.held_out_nodes).any()


def test_leakfree_training_never_touches_held_out_nodes(tiny_export) -> None:
    paper = make_split(tiny_export, "inductive")
    split = make_split(tiny_export, "inductive-leakfree")
    assert np.array_equal(split.held_out_nodes, paper.held_out_nodes)
    assert np.array_equal(split.test, paper.test)
    assert not np.isin(tiny_export.heads[split.train], split.held_out_nodes).any()
    assert not np.isin(tiny_export.tails[split.train], split.held_out_nodes).any()
    assert len(split.train) < len(paper.train)


def test_transductive_keeps_both_directions_together(tiny_export) -> None:
    split = make_split(tiny_export, "transductive", seed=5)
    parts = np.full(len(tiny_export.triples), -1)
    for index, rows in enumerate((split.train, split.valid, split.test)):
        assert (parts[rows] == -1).all()
        parts[rows] = index
    assert (parts >= 0).all()
    where = {tuple(row): parts[i] for i, row in enumerate(tiny_export.triples.tolist())}
    for (head, relation, tail), part in where.items():
        assert where[(tail, relation, head)] == part
    assert 0.7 < len(split.train) / len(tiny_export.triples) < 0.9


def test_split_files_round_trip(fresh_export_dir: Path) -> None:
    export = read_export(fresh_export_dir)
    split = make_split(export, "inductive-leakfree")
    path = write_split(export, split)
    meta = json.loads(path.read_text())
    assert meta["counts"]["test"] == len(split.test)
    assert meta["files"]["train"] == "inductive-leakfree.train.i32"
    loaded = read_split(export, "inductive-leakfree")
    assert np.array_equal(loaded.train, split.train) and np.array_equal(loaded.held_out_nodes, split.held_out_nodes)
    assert load_or_create_split(export, "inductive-leakfree").kind == "inductive-leakfree"


def test_split_for_other_data_is_rejected(fresh_export_dir: Path) -> None:
    export = read_export(fresh_export_dir)
    write_split(export, make_split(export, "inductive"))
    path = fresh_export_dir / "splits" / "inductive.json"
    meta = json.loads(path.read_text())
    meta["dataHash"] = "0" * 64
    path.write_text(json.dumps(meta))
    with pytest.raises(SplitError, match="dataHash"):
        read_split(export, "inductive")


def test_validation_heads_leave_training(tiny_export) -> None:
    split = make_split(tiny_export, "inductive-leakfree")
    train, valid = carve_validation(tiny_export, split, 0.2, seed=42)
    assert len(valid) > 0
    valid_heads = np.unique(tiny_export.heads[valid])
    assert not np.isin(tiny_export.heads[train], valid_heads).any()
    assert not np.isin(tiny_export.tails[train], valid_heads).any()
    assert set(train.tolist()) | set(valid.tolist()) <= set(split.train.tolist())
    unchanged, none = carve_validation(tiny_export, split, 0.0, seed=42)
    assert np.array_equal(unchanged, split.train) and len(none) == 0
