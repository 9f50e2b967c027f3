import json
from pathlib import Path

import numpy as np
import pytest

from biobridge_train.export_format import ExportFormatError, NodeTable, read_export, write_export
from biobridge_train.registry import Registry


def small_tables(registry: Registry):
    return [
        NodeTable(
            "drug",
            registry.type_id("drug"),
            np.arange(6, dtype=np.float32).reshape(3, 2),
            np.array([9, 3, 5]),
            "hash-drug",
        ),
        NodeTable(
            "gene/protein",
            registry.type_id("gene/protein"),
            np.ones((2, 4), np.float32),
            np.array([10, 11]),
            "hash-gene",
        ),
    ]


def test_round_trip_sorts_rows_and_triples(tmp_path: Path) -> None:
    registry = Registry.default()
    target = registry.relation_id("target")
    triples = np.array([[9, target, 11], [3, target, 10], [3, target, 10], [10, target, 3]])
    write_export(tmp_path / "e", registry, small_tables(registry), triples)
    export = read_export(tmp_path / "e")
    drug = export.tables[registry.type_id("drug")]
    assert drug.node_indices.tolist() == [3, 5, 9]
    # Row order follows node_index: node 9 was the first row written.
    assert drug.vectors[2].tolist() == [0.0, 1.0]
    assert export.triples.tolist() == [[3, target, 10], [9, target, 11], [10, target, 3]]
    assert export.head_types.tolist() == [6, 6, 1]
    assert export.tail_types.tolist() == [1, 1, 6]
    manifest = json.loads((tmp_path / "e" / "manifest.json").read_text())
    assert manifest["nodeTables"][0]["vectors"] == "vectors/gene_protein.f32"
    assert manifest["triples"]["count"] == 3
    assert len(manifest["dataHash"]) == 64


def test_data_hash_depends_on_content_only(tmp_path: Path) -> None:
    registry = Registry.default()
    triples = np.array([[3, 10, 10]])
    write_export(tmp_path / "a", registry, small_tables(registry), triples)
    write_export(tmp_path / "b", registry, small_tables(registry), triples)
    tables = small_tables(registry)
    tables[0].vectors[0, 0] = 42.0
    write_export(tmp_path / "c", registry, tables, triples)
    hashes = [read_export(tmp_path / name).data_hash for name in "abc"]
    assert hashes[0] == hashes[1]
    assert hashes[0] != hashes[2]


def test_rejects_truncated_vectors_naming_the_file(tmp_path: Path) -> None:
    registry = Registry.default()
    write_export(tmp_path / "e", registry, small_tables(registry), np.array([[3, 10, 10]]))
    path = tmp_path / "e" / "vectors" / "drug.f32"
    path.write_bytes(path.read_bytes()[:-4])
    with pytest.raises(ExportFormatError, match=r"drug\.f32: expected 24 bytes"):
        read_export(tmp_path / "e")


def test_rejects_triples_with_nodes_without_vectors(tmp_path: Path) -> None:
    registry = Registry.default()
    with pytest.raises(ExportFormatError, match="tail node 77 has no vector"):
        write_export(tmp_path / "e", registry, small_tables(registry), np.array([[3, 10, 77]]))
    assert not (tmp_path / "e").exists()


def test_rejects_unsorted_triples_and_bad_hashes(tmp_path: Path) -> None:
    registry = Registry.default()
    write_export(tmp_path / "e", registry, small_tables(registry), np.array([[3, 10, 10], [9, 10, 11]]))
    path = tmp_path / "e" / "triples.i32"
    path.write_bytes(np.array([[9, 10, 11], [3, 10, 10]], dtype="<i4").tobytes())
    with pytest.raises(ExportFormatError, match="triples.sha256"):
        read_export(tmp_path / "e")
    with pytest.raises(ExportFormatError, match="row 1: triples must be sorted"):
        read_export(tmp_path / "e", verify_hashes=False)


def test_rejects_type_id_that_disagrees_with_registry(tmp_path: Path) -> None:
    registry = Registry.default()
    write_export(tmp_path / "e", registry, small_tables(registry), np.array([[3, 10, 10]]))
    manifest_path = tmp_path / "e" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["nodeTables"][0]["typeId"] = 3
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(ExportFormatError, match=r"nodeTables\[0\]\.typeId: 3 does not match"):
        read_export(tmp_path / "e")


def test_synthetic_export_is_valid(tiny_export) -> None:
    assert set(tiny_export.tables) == {1, 2, 6}
    assert tiny_export.tables[1].dim == 24
    assert len(tiny_export.triples) > 300
    # Every edge is present in both directions.
    forward = {tuple(row) for row in tiny_export.triples.tolist()}
    assert all((t, r, h) in forward for h, r, t in forward)
