import dataclasses
import io
import json
import re
from pathlib import Path

import pytest
import torch

from biobridge_train.model import load_state_dict_file
from biobridge_train.train import TrainConfig, build_parser, main, parse_args, train


def tiny_config(data: Path, out: Path, **overrides) -> TrainConfig:
    values = dict(
        data=str(data),
        out=str(out),
        preset="tiny",
        split="inductive-leakfree",
        epochs=2,
        seed=11,
        threads=1,
        valid_fraction=0.15,
        checkpoint_every=5,
        log_every_seconds=0.0,
    )
    values.update(overrides)
    return TrainConfig(**values)


def test_loss_decreases_and_validation_beats_chance(fresh_export_dir: Path, tmp_path: Path) -> None:
    log = io.StringIO()
    result = train(tiny_config(fresh_export_dir, tmp_path / "run", epochs=12, learning_rate=5e-3), log=log)
    assert result.status == "finished"
    early, late = result.losses[:10], result.losses[-10:]
    assert sum(late) / len(late) < 0.8 * (sum(early) / len(early))
    # Chance MRR with ~40-60 candidates is below 0.1.
    assert result.best_metrics is not None and result.best_metrics["mrr"] > 0.15
    assert re.search(r"step \d+/\d+ epoch \d+/12 loss \d+\.\d+ lr \S+ [\d,]+ triples/s eta \S+", log.getvalue())
    for name in ("run.json", "checkpoint.pt", "metrics.jsonl", "best/pytorch_model.bin", "final/training.json"):
        assert (tmp_path / "run" / name).is_file(), name
    run = json.loads((tmp_path / "run" / "run.json").read_text())
    assert run["split"]["kind"] == "inductive-leakfree"
    assert {kind["relation"] for kind in run["edgeKinds"]} == {"target", "ppi", "associated with", "indication"}


@pytest.mark.parametrize("negatives", ["paired", "both"])
def test_resume_gives_the_same_model_as_an_uninterrupted_run(
    fresh_export_dir: Path, tmp_path: Path, negatives: str
) -> None:
    quiet = io.StringIO()
    whole = train(tiny_config(fresh_export_dir, tmp_path / "whole", negatives=negatives), log=quiet)
    first = train(tiny_config(fresh_export_dir, tmp_path / "parts", negatives=negatives, stop_after_steps=7), log=quiet)
    assert first.status == "stopped" and first.step == 7
    second = train(tiny_config(fresh_export_dir, tmp_path / "parts", negatives=negatives, resume=True), log=quiet)
    assert second.status == "finished" and second.step == whole.step
    assert second.losses == whole.losses[7:]
    expected = load_state_dict_file(str(tmp_path / "whole" / "final" / "pytorch_model.bin"))
    actual = load_state_dict_file(str(tmp_path / "parts" / "final" / "pytorch_model.bin"))
    assert expected.keys() == actual.keys()
    for key in expected:
        assert torch.equal(expected[key], actual[key]), key
    assert second.final_metrics == whole.final_metrics


def test_resume_refuses_changed_settings(fresh_export_dir: Path, tmp_path: Path) -> None:
    quiet = io.StringIO()
    train(tiny_config(fresh_export_dir, tmp_path / "run", stop_after_steps=3), log=quiet)
    with pytest.raises(ValueError, match="learning_rate"):
        train(tiny_config(fresh_export_dir, tmp_path / "run", resume=True, learning_rate=0.5), log=quiet)
    with pytest.raises(FileExistsError, match="--resume"):
        train(tiny_config(fresh_export_dir, tmp_path / "run"), log=quiet)


def test_cli_runs_with_max_steps_and_in_batch_negatives(
    fresh_export_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    code = main(
        [
            "--data",
            str(fresh_export_dir),
            "--out",
            str(tmp_path / "cli"),
            "--preset",
            "tiny",
            "--split",
            "transductive",
            "--negatives",
            "in-batch",
            "--max-steps",
            "4",
            "--threads",
            "1",
        ]
    )
    assert code == 0
    run = json.loads((tmp_path / "cli" / "run.json").read_text())
    assert run["steps"]["total"] == 4
    assert run["config"]["negatives"] == "in-batch"
    assert "finished 4 steps" in capsys.readouterr().err
    assert main(["--data", str(tmp_path / "missing"), "--out", str(tmp_path / "x"), "--preset", "tiny"]) == 2


def test_cli_resume_after_interruption_matches_an_uninterrupted_run(fresh_export_dir: Path, tmp_path: Path) -> None:
    common = [
        "--data",
        str(fresh_export_dir),
        "--preset",
        "tiny",
        "--split",
        "inductive-leakfree",
        "--epochs",
        "2",
        "--seed",
        "11",
        "--threads",
        "1",
        "--valid-fraction",
        "0.15",
        "--checkpoint-every",
        "5",
    ]
    assert main([*common, "--out", str(tmp_path / "whole")]) == 0
    assert main([*common, "--out", str(tmp_path / "parts"), "--stop-after-steps", "6"]) == 0
    assert main([*common, "--out", str(tmp_path / "parts")]) == 2  # refuses to overwrite without --resume
    assert main([*common, "--out", str(tmp_path / "parts"), "--resume"]) == 0
    expected = load_state_dict_file(str(tmp_path / "whole" / "final" / "pytorch_model.bin"))
    actual = load_state_dict_file(str(tmp_path / "parts" / "final" / "pytorch_model.bin"))
    for key in expected:
        assert torch.equal(expected[key], actual[key]), key


def test_parser_is_generated_from_train_config() -> None:
    config = parse_args(["--data", "d", "--out", "o"])
    assert config == TrainConfig(data="d", out="o")
    help_text = build_parser().format_help()
    for field in dataclasses.fields(TrainConfig):
        assert "--" + field.name.replace("_", "-") in help_text, field.name
    assert parse_args(["--data", "d", "--out", "o", "--batch-size", "7", "--resume"]).batch_size == 7
    with pytest.raises(SystemExit):
        parse_args(["--data", "d", "--out", "o", "--negatives", "nonsense"])
