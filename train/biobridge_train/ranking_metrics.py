"""Ranking metrics: a line-for-line port of ``src/eval/metrics.ts`` (the retrieval benchmark's code).

- MRR: mean over queries of 1 / rank of the first true tail among all candidates.
- Hits@k: share of queries whose first true tail ranks <= k.
- Recall@k: |top-k ∩ true tails| / |true tails|, averaged over queries.
Ties are ranked at the mean of their positions; a true candidate tied with the k-th score counts by
its expected share of the top-k slots left to the tie. ``tests/test_ranking_metrics.py`` checks this
port against values the TypeScript code computed on a shared fixture
(``test/fixtures/ranking-metrics.json``; ``test/eval/ranking-metrics-fixture.test.ts``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence

import numpy as np

HITS_AT = (1, 3, 10)
RECALL_AT = (1, 5, 10, 20)
_TOP_K = max(*HITS_AT, *RECALL_AT)


@dataclass
class QueryRanking:
    first_rank: float
    recall_hits: List[float]
    positives: int


def rank_query(scores: np.ndarray, positive: Sequence[int], allowed: Optional[np.ndarray] = None) -> QueryRanking:
    """Ranks one query. ``scores`` is float32 per candidate; candidates outside ``allowed`` are ignored."""
    scores = np.asarray(scores, dtype=np.float32)
    positive = np.asarray(positive, dtype=np.int64)
    considered = scores if allowed is None else scores[np.asarray(allowed, dtype=bool)]
    best = scores[positive].max()
    greater = int(np.count_nonzero(considered > best))
    equal = int(np.count_nonzero(considered == best))
    first_rank = 1 + greater + (equal - 1) / 2
    # The _TOP_K best scores, without sorting every candidate.
    if len(considered) > _TOP_K:
        top = np.sort(np.partition(considered, len(considered) - _TOP_K)[-_TOP_K:])[::-1]
    else:
        top = np.sort(considered)[::-1]
    recall_hits: List[float] = []
    for k in RECALL_AT:
        threshold = top[k - 1] if k <= len(top) else -np.inf
        positive_scores = scores[positive]
        above = int(np.count_nonzero(positive_scores > threshold))
        tied = int(np.count_nonzero(positive_scores == threshold))
        if tied == 0 or threshold == -np.inf:
            recall_hits.append(float(min(above + tied, k)))
            continue
        candidates_above = int(np.count_nonzero(considered > threshold))
        candidates_tied = int(np.count_nonzero(considered == threshold))
        recall_hits.append(above + tied * (k - candidates_above) / candidates_tied)
    return QueryRanking(first_rank, recall_hits, len(positive))


def summarize(rankings: Sequence[QueryRanking], candidates: int) -> Dict[str, float]:
    n = len(rankings)
    ranks = np.array([ranking.first_rank for ranking in rankings], dtype=np.float64)

    def mean(values: np.ndarray) -> float:
        return float(values.mean()) if n else 0.0

    summary: Dict[str, float] = {"queries": n, "mrr": mean(1.0 / ranks) if n else 0.0}
    for k in HITS_AT:
        summary[f"hits@{k}"] = mean(ranks <= k)
    for position, k in enumerate(RECALL_AT):
        summary[f"recall@{k}"] = mean(np.array([r.recall_hits[position] / r.positives for r in rankings]))
    summary["medianRank"] = float(np.median(ranks)) if n else 0.0
    summary["candidates"] = candidates
    return summary


def bootstrap_interval(
    values: np.ndarray, resamples: int = 1000, seed: int = 0, confidence: float = 0.95
) -> Dict[str, float]:
    """Percentile bootstrap of the mean of per-query ``values`` (queries resampled with replacement)."""
    values = np.asarray(values, dtype=np.float64)
    if len(values) == 0:
        return {"mean": 0.0, "low": 0.0, "high": 0.0}
    generator = np.random.RandomState(seed)
    means = values[generator.randint(0, len(values), size=(resamples, len(values)))].mean(axis=1)
    tail = (1 - confidence) / 2 * 100
    return {
        "mean": float(values.mean()),
        "low": float(np.percentile(means, tail)),
        "high": float(np.percentile(means, 100 - tail)),
    }
