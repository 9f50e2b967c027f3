import json
from pathlib import Path

import numpy as np
import pytest

from biobridge_train.ranking_metrics import bootstrap_interval, rank_query, summarize

FIXTURE = Path(__file__).resolve().parents[2] / "test" / "fixtures" / "eval" / "ranking-metrics.json"


def test_port_matches_the_typescript_metrics_on_the_shared_fixture() -> None:
    fixture = json.loads(FIXTURE.read_text())
    rankings = [
        rank_query(
            np.array(query["scores"], dtype=np.float32),
            query["positives"],
            None if query.get("allowed") is None else np.array(query["allowed"], dtype=np.uint8),
        )
        for query in fixture["queries"]
    ]
    for ranking, expected in zip(rankings, fixture["expected"]["rankings"]):
        assert ranking.first_rank == expected["firstRank"]
        assert ranking.recall_hits == pytest.approx(expected["recallHits"], abs=1e-12)
        assert ranking.positives == expected["positives"]
    summary = summarize(rankings, fixture["candidates"])
    for key, value in fixture["expected"]["summary"].items():
        assert summary[key] == pytest.approx(value, abs=1e-12), key


def test_bootstrap_interval_brackets_the_mean_and_narrows_with_more_queries() -> None:
    generator = np.random.RandomState(3)
    small = bootstrap_interval(generator.rand(30))
    large = bootstrap_interval(generator.rand(3000))
    assert small["low"] < small["mean"] < small["high"]
    assert large["high"] - large["low"] < (small["high"] - small["low"]) / 5
    assert bootstrap_interval(np.ones(10)) == {"mean": 1.0, "low": 1.0, "high": 1.0}
