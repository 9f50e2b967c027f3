"""Builds the tiny ONNX bridge used by test/bridge/parity.test.ts.

The committed fixture in test/fixtures/bridge/ is written when missing or when
BIOBRIDGE_UPDATE_FIXTURES=1; otherwise the fresh build must reproduce its reference outputs.
"""

import json
import os
import shutil
from pathlib import Path

import onnx

from biobridge_train.parity_fixture import build_parity_fixture

FIXTURE = Path(__file__).resolve().parents[2] / "test" / "fixtures" / "bridge"


def test_parity_fixture(tmp_path: Path) -> None:
    fresh = tmp_path / "bridge"
    parity = build_parity_fixture(fresh, log=open(os.devnull, "w"))
    for name in ("transform.onnx", "project.onnx"):
        onnx.checker.check_model(onnx.load(str(fresh / name)))
    assert sum(path.stat().st_size for path in fresh.iterdir()) < 1_000_000
    assert len(parity["transform"]) >= 4 and all(case["rows"] >= 1 for case in parity["transform"])
    assert any(case["rows"] > 1 for case in parity["transform"])
    assert len({case["headType"] for case in parity["transform"]}) == 3
    assert len(parity["transform"][0]["expected"]) == parity["transform"][0]["rows"] * 32

    if os.environ.get("BIOBRIDGE_UPDATE_FIXTURES") == "1" or not (FIXTURE / "parity.json").is_file():
        if FIXTURE.exists():
            shutil.rmtree(FIXTURE)
        shutil.copytree(fresh, FIXTURE)
        return
    committed = json.loads((FIXTURE / "parity.json").read_text())
    for kind in ("transform", "project"):
        assert len(committed[kind]) == len(parity[kind])
        for old, new in zip(committed[kind], parity[kind]):
            assert old["vectors"] == new["vectors"]
            worst = max(abs(a - b) for a, b in zip(old["expected"], new["expected"]))
            assert worst < 1e-5, f"{kind} {old.get('headType', old.get('type'))}: drifted by {worst}"
