import io
import json
from pathlib import Path

import numpy as np
import pytest
import torch

from biobridge_train.export_format import read_export
from biobridge_train.kge import MODELS, Entities, KgeConfig, KgeModel, build_task_queries, main, run_kge
from biobridge_train.splits import load_or_create_split
from biobridge_train.train import TrainConfig, train

TASKS = [
    {"name": "drug->protein", "headType": "drug", "relation": "target", "tailType": "gene/protein"},
    {"name": "protein->drug", "headType": "gene/protein", "relation": "target", "tailType": "drug"},
    {"name": "disease->protein", "headType": "disease", "relation": "associated with", "tailType": "gene/protein"},
    {"name": "missing", "headType": "drug", "relation": "no such relation", "tailType": "disease"},
]


def test_queries_hold_test_tails_as_positives_and_filter_other_known_tails(fresh_export_dir: Path) -> None:
    export = read_export(fresh_export_dir)
    split = load_or_create_split(export, "transductive", 42)
    entities = Entities(export)
    tasks = build_task_queries(export, entities, split.test, TASKS)
    assert [task.name for task in tasks] == ["drug->protein", "protein->drug", "disease->protein"]
    test_pairs = {(int(export.heads[row]), int(export.relations[row]), int(export.tails[row])) for row in split.test}
    target = export.registry.relations.index("target")
    for task in tasks[:1]:
        offset = entities.offset[task.tail_type]
        node_of = {int(entities.entity_of_node[node]): node for node in np.flatnonzero(entities.entity_of_node >= 0)}
        for query in task.queries:
            head = node_of[query.head]
            for position in query.positives:
                assert (head, target, node_of[int(position) + offset]) in test_pairs
            for position in query.known:
                assert (head, target, node_of[int(position) + offset]) not in test_pairs
            assert not set(query.positives) & set(query.known)
    drug, protein = export.registry.node_types.index("drug"), export.registry.node_types.index("gene/protein")
    expected = sum(
        1
        for row in split.test
        if export.relations[row] == target
        and export.node_type_of[export.heads[row]] == drug
        and export.node_type_of[export.tails[row]] == protein
    )
    assert sum(len(query.positives) for query in tasks[0].queries) == expected > 0


@pytest.mark.parametrize("kind", MODELS)
def test_each_model_scores_pairs_as_it_scores_candidate_matrices(kind: str) -> None:
    torch.manual_seed(0)
    model = KgeModel(kind, entities=10, relations=3, dim=8)
    queries = model.query(torch.tensor([0, 1, 2]), torch.tensor([0, 1, 2]))
    tails = model.entity(torch.tensor([3, 4, 5]))
    assert torch.allclose(model.score(queries, tails).diagonal(), model.score_pairs(queries, tails), atol=1e-5)


def test_kge_models_beat_chance_and_the_bridge_is_scored_on_the_same_queries(
    fresh_export_dir: Path, tmp_path: Path
) -> None:
    quiet = io.StringIO()
    train(TrainConfig(data=str(fresh_export_dir), out=str(tmp_path / "bridge"), preset="tiny", split="transductive",
                      epochs=4, threads=1, learning_rate=5e-3), log=quiet)  # fmt: skip
    config = KgeConfig(data=str(fresh_export_dir), tasks=json.dumps(TASKS), models="distmult,transe", dim=32,
                       epochs=30, batch_size=64, negatives=16, learning_rate=0.02, bridge_run=str(tmp_path / "bridge"),
                       bootstrap=200, threads=1)  # fmt: skip
    report = run_kge(config, log=quiet)
    assert set(report["tasks"]) == {"drug->protein", "protein->drug", "disease->protein"}
    for task in report["tasks"].values():
        assert set(task["methods"]) == {"distmult", "transe", "bridge"}
        for entry in task["methods"].values():
            assert entry["queries"] == task["queries"]
            assert entry["ci95"]["mrr"]["low"] <= entry["mrr"] <= entry["ci95"]["mrr"]["high"]
        assert "bridgeMinusBestKge" in task
    # 60 protein candidates: chance MRR is below 0.1. The synthetic graph is generated from latent
    # factors, so a trained factorisation finds structure.
    drug_protein = report["tasks"]["drug->protein"]["methods"]
    assert drug_protein["distmult"]["mrr"] > 0.15
    assert report["inductive"].startswith("not applicable")


def test_cli_writes_json_and_markdown_reports_and_refuses_a_bridge_of_another_split(
    fresh_export_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    quiet = io.StringIO()
    train(TrainConfig(data=str(fresh_export_dir), out=str(tmp_path / "inductive"), preset="tiny", max_steps=2,
                      threads=1), log=quiet)  # fmt: skip
    common = ["--data", str(fresh_export_dir), "--tasks", json.dumps(TASKS), "--models", "complex,rotate",
              "--dim", "16", "--epochs", "2", "--batch-size", "64", "--negatives", "8",
              "--bootstrap", "50"]  # fmt: skip
    assert main([*common, "--bridge-run", str(tmp_path / "inductive")]) == 2
    assert "not transductive" in capsys.readouterr().err
    assert main([*common, "--report-dir", str(tmp_path / "reports")]) == 0
    [json_path] = list((tmp_path / "reports").glob("kge-transductive-*.json"))
    report = json.loads(json_path.read_text())
    assert set(report["training"]) == {"complex", "rotate"}
    markdown = json_path.with_suffix(".md").read_text()
    assert "| drug->protein |" in markdown and "not applicable" in markdown
