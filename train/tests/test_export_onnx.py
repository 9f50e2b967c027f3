import io
import json
from pathlib import Path

import onnx
import pytest

from biobridge_train import export_onnx
from biobridge_train.convert_official import convert_official
from biobridge_train.export_onnx import export_bridge, main
from biobridge_train.train import TrainConfig, train
from official_layout import save_official_checkpoint, small_official_config


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from biobridge_train.synthetic import TINY, make_synthetic_export

    root = tmp_path_factory.mktemp("onnx")
    make_synthetic_export(root / "export", TINY, seed=3)
    train(
        TrainConfig(data=str(root / "export"), out=str(root / "run"), preset="tiny", max_steps=6, threads=1),
        log=io.StringIO(),
    )
    return root / "run"


def test_export_writes_valid_onnx_and_metadata(trained_run: Path, tmp_path: Path) -> None:
    target = export_bridge(trained_run / "best", tmp_path / "index", log=io.StringIO())
    assert target == tmp_path / "index" / "bridge"
    for name in ("transform.onnx", "project.onnx"):
        onnx.checker.check_model(onnx.load(str(target / name)))
    transform = onnx.load(str(target / "transform.onnx"))
    assert [item.name for item in transform.graph.input] == ["head", "head_type", "relation", "tail_type"]
    assert transform.graph.input[0].type.tensor_type.shape.dim[1].dim_value == 24
    assert transform.opset_import[0].version == 17
    metadata = json.loads((target / "bridge.json").read_text())
    run = json.loads((trained_run / "run.json").read_text())
    assert metadata["format"] == "biobridge-bridge" and metadata["source"] == "trained"
    assert metadata["inputDim"] == 24 and metadata["hiddenDim"] == 32
    assert [entry["name"] for entry in metadata["nodeTypes"]] == ["gene/protein", "disease", "drug"]
    assert metadata["nodeTypes"][0]["encoderConfigHash"] == "synthetic-gene-protein-24"
    assert metadata["dataHash"] == run["data"]["dataHash"]
    assert metadata["training"]["preset"] == "tiny"
    assert metadata["metrics"] is not None and "mrr" in metadata["metrics"]
    assert metadata["verification"]["maxAbsDiffTorch"] < 1e-5
    assert metadata["onnx"]["transform"]["output"] == "transformed"


def test_failed_export_keeps_the_previous_bridge(trained_run: Path, tmp_path: Path, monkeypatch) -> None:
    target = export_bridge(trained_run / "best", tmp_path / "index", log=io.StringIO())
    before = (target / "bridge.json").read_bytes()

    def broken(*args, **kwargs):
        raise RuntimeError("exporter crashed")

    monkeypatch.setattr(export_onnx, "_export", broken)
    with pytest.raises(RuntimeError, match="exporter crashed"):
        export_bridge(trained_run / "best", tmp_path / "index", log=io.StringIO())
    assert (target / "bridge.json").read_bytes() == before
    assert sorted(path.name for path in (tmp_path / "index").iterdir()) == ["bridge"]


def test_cli_reports_missing_model(tmp_path: Path, capsys) -> None:
    assert main(["--model", str(tmp_path / "nope"), "--out", str(tmp_path / "bridge")]) == 2
    assert "model_config.json: missing" in capsys.readouterr().err


def test_official_checkpoint_converts(tmp_path: Path) -> None:
    config = small_official_config()
    save_official_checkpoint(tmp_path / "official", config, seed=5)
    target = convert_official(tmp_path / "official", tmp_path / "bridge", into_index=False, log=io.StringIO())
    for name in ("transform.onnx", "project.onnx"):
        onnx.checker.check_model(onnx.load(str(target / name)))
    metadata = json.loads((target / "bridge.json").read_text())
    assert metadata["source"] == "official"
    assert len(metadata["registry"]["nodeTypes"]) == 10 and len(metadata["registry"]["relations"]) == 18
    assert metadata["registry"]["nodeTypes"][1] == "gene/protein"
    assert [(entry["name"], entry["dim"]) for entry in metadata["nodeTypes"]] == [
        ("biological_process", 16),
        ("gene/protein", 40),
        ("disease", 16),
        ("molecular_function", 16),
        ("drug", 12),
        ("cellular_component", 16),
    ]
    assert metadata["inputDim"] == 40 and metadata["model"]["heads"] == 12 and metadata["model"]["layers"] == 2
    assert all(entry["encoderConfigHash"] is None for entry in metadata["nodeTypes"])
    assert metadata["verification"]["maxAbsDiffTorch"] < 1e-5


def test_official_checkpoint_with_wrong_layout_fails_loudly(tmp_path: Path) -> None:
    config = small_official_config()
    save_official_checkpoint(tmp_path / "official", config)
    config["n_layer"] = 3
    (tmp_path / "official" / "model_config.json").write_text(json.dumps(config))
    with pytest.raises(ValueError, match="pytorch_model.bin: does not match model_config.json"):
        convert_official(tmp_path / "official", tmp_path / "bridge", into_index=False, log=io.StringIO())


def test_untrained_baseline_exports_to_a_given_directory(tmp_path: Path) -> None:
    from biobridge_train.synthetic import TINY, make_synthetic_export
    from biobridge_train.train import main as train_main

    make_synthetic_export(tmp_path / "export", TINY, seed=3)
    code = train_main(
        [
            "--data",
            str(tmp_path / "export"),
            "--out",
            str(tmp_path / "run"),
            "--preset",
            "tiny",
            "--max-steps",
            "0",
            "--threads",
            "1",
            "--export-bridge-dir",
            str(tmp_path / "bridge-untrained"),
        ]
    )
    assert code == 0
    metadata = json.loads((tmp_path / "bridge-untrained" / "bridge.json").read_text())
    assert metadata["training"]["step"] == 0 and metadata["training"]["maxSteps"] == 0
    assert metadata["metrics"]["triples"] > 0
    run = json.loads((tmp_path / "run" / "run.json").read_text())
    assert run["steps"]["total"] == 0
