"""Learned variant model: featurisation, the KG-context groups, training and export."""

import json
import sys
from pathlib import Path

import numpy as np
import onnx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))

from make_tiny_variant_model import synthetic  # noqa: E402

from biobridge_train.variant_data import (  # noqa: E402
    NearIndex,
    VariantRecord,
    Vocabulary,
    featurise,
    split_genes,
    split_variants,
    variant_tokens,
)
from biobridge_train.variants import (
    VariantTrainConfig,
    export_variant_model,
    prepare,
    train_variant_model,
)  # noqa: E402


def tiny_config(**overrides) -> VariantTrainConfig:
    """A model small enough to train in a test on the synthetic data."""
    values = dict(
        hidden_dim=16, embedding_dim=8, gene_basis_dim=4, epochs=2, batch_size=4, learning_rate=0.05, dropout=0.0
    )
    values.update(overrides)
    return VariantTrainConfig(**values)


def test_tokens_and_group_weights():
    groups = variant_tokens("chr10", 112_998_590, "TCF7L2 - VTI1A", "intron;intron", "c")
    assert groups["chr"] == ["chr:10"]
    assert groups["bin100000"] == ["bin100000:10:1129"]
    assert groups["gene"] == ["gene:TCF7L2", "gene:VTI1A"]
    assert groups["ctx"] == ["ctx:intron"]
    assert groups["allele"] == ["allele:C"]
    assert split_genes("HLA-DRB1, HLA-DQA1") == ["HLA-DRB1", "HLA-DQA1"]
    vocabulary = Vocabulary.build([{"gene": ["gene:TCF7L2", "gene:VTI1A"], "near": {"near:1": 1.0, "near:2": 1.0}}])
    row = featurise(
        {"gene": ["gene:TCF7L2", "gene:VTI1A", "gene:X"], "near": {"near:1": 3.0, "near:2": 1.0, "near:3": 5.0}},
        vocabulary,
        np.ones(2, dtype=np.float32),
        2,
    )
    assert row.tolist() == [0.5, 0.5, 0.75, 0.25, 1.0, 1.0]


def test_near_index_ranks_by_distance_and_never_counts_the_variant_itself():
    records = [VariantRecord(i, f"rs{i}", "1", 1000 * i, "", "", "") for i in range(1, 5)]
    near = NearIndex(records, {1: [30], 2: [31], 3: [30, 32], 4: [33]})
    tokens = near.tokens("chr1", 2100, exclude=2)
    assert tokens["near:30"] == 1.0 + 1.0 / 2  # rank 1 is variant 3 (900 away), rank 2 variant 1 (1100 away)
    assert "near:31" not in tokens
    assert near.tokens("2", 100) == {} and near.tokens("1", None) == {}


def test_split_holds_out_disjoint_variants_reproducibly():
    a = split_variants(range(100), seed=42)
    b = split_variants(list(reversed(range(100))), seed=42)
    assert a.test.tolist() == b.test.tolist() and len(a.test) == 10 and len(a.valid) == 10
    assert not set(a.test) & set(a.train) and not set(a.valid) & set(a.train)


def test_training_never_sees_held_out_edges_and_export_is_complete(tmp_path: Path):
    data, vectors = synthetic()
    config = tiny_config()
    prepared = prepare(data, vectors, config)
    held = set(prepared.split.valid.tolist()) | set(prepared.split.test.tolist())
    for targets in prepared.targets.values():
        assert not held & set(targets)
    model, training = train_variant_model(prepared, config, log=lambda line: None)
    directory = export_variant_model(tmp_path, model, prepared, config, training)
    metadata = json.loads((directory / "variant-model.json").read_text())
    assert metadata["format"] == "biobridge-variant-model" and metadata["inputWidth"] == metadata["tokens"] + 8
    assert metadata["split"]["test"] == prepared.split.test.tolist()
    for table in metadata["tables"].values():
        vectors_file = np.fromfile(directory / table["vectors"], dtype="<f4").reshape(table["rows"], table["dim"])
        assert np.allclose(np.linalg.norm(vectors_file, axis=1), 1.0, atol=1e-5)
    graph = onnx.load(str(directory / "encode.onnx"))
    assert [item.name for item in graph.graph.input] == ["features"]
    assert graph.graph.input[0].type.tensor_type.shape.dim[0].dim_param == "batch"


def test_context_copy_and_dropped_groups_are_frozen_into_the_export(tmp_path: Path):
    import torch

    from biobridge_train.variants import ExportedTower

    data, vectors = synthetic()
    config = tiny_config(context_copy=True, dropped_groups=("bin1000000", "bin100000", "gene"))
    prepared = prepare(data, vectors, config)
    assert not [t for t in prepared.vocabulary.tokens if t.startswith(("bin", "gene:"))]
    assert [t for t in prepared.vocabulary.tokens if t.startswith(("near:", "gdis:"))]
    model, training = train_variant_model(prepared, config, log=lambda line: None)
    assert len(model.copy_columns) > 0
    rows = torch.from_numpy(np.stack([prepared.features[int(v)] for v in prepared.split.train[:6]]))
    model.eval()
    with torch.no_grad():
        learned = model.variant(rows)
        frozen = ExportedTower(model)(rows)
        without_copy = model.tower(rows)
    assert torch.allclose(learned, frozen, atol=1e-6)
    assert not torch.allclose(learned, without_copy, atol=1e-3)
    directory = export_variant_model(tmp_path, model, prepared, config, training)
    metadata = json.loads((directory / "variant-model.json").read_text())
    assert metadata["contextCopy"] is True
    assert metadata["droppedGroups"] == ["bin1000000", "bin100000", "gene"]
    exported = np.fromfile(directory / "variants.f32", dtype="<f4").reshape(-1, 8)
    nodes = np.fromfile(directory / "variants.i32", dtype="<i4").tolist()
    first = nodes.index(int(prepared.split.train[0]))
    assert np.allclose(exported[first], learned[0].numpy(), atol=1e-6)
