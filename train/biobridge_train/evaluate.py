"""Filtered link-prediction metrics for a bridge on a set of triples.

For a triple (h, r, t) the query is ``transform(h, r, type(t))``; candidates are all nodes of
t's type in the export, scored by cosine similarity to their projection. Other known tails of
(h, r) (in any split) are removed from the ranking ("filtered" setting).
"""

from __future__ import annotations

from typing import Dict, List

import numpy as np
import torch
import torch.nn.functional as F

from .export_format import TrainingExport
from .model import BindingModel


@torch.no_grad()
def evaluate_ranking(
    model: BindingModel,
    export: TrainingExport,
    rows: np.ndarray,
    device: torch.device,
    batch_size: int = 512,
) -> Dict[str, float]:
    if len(rows) == 0:
        return {}
    was_training = model.training
    model.eval()
    heads = export.heads[rows].astype(np.int64)
    relations = export.relations[rows].astype(np.int64)
    tails = export.tails[rows].astype(np.int64)
    head_types = export.node_type_of[heads]
    tail_types = export.node_type_of[tails]
    head_relation_keys = _head_relation_keys(export)
    relation_count = len(export.registry.relations)
    candidates: Dict[int, torch.Tensor] = {}
    ranks: List[np.ndarray] = []
    keys = np.stack([head_types, relations, tail_types], axis=1)
    for key in np.unique(keys, axis=0):
        head_type, relation, tail_type = (int(value) for value in key)
        members = np.flatnonzero(np.all(keys == key, axis=1))
        if str(tail_type) not in model.proj_layer or str(head_type) not in model.proj_layer:
            continue
        if tail_type not in candidates:
            table = torch.from_numpy(export.tables[tail_type].vectors).to(device)
            projected = torch.cat(
                [model.project(table[start : start + 4096], tail_type) for start in range(0, len(table), 4096)]
            )
            candidates[tail_type] = F.normalize(projected, dim=-1)
        candidate_matrix = candidates[tail_type]
        head_table = torch.from_numpy(export.tables[head_type].vectors).to(device)
        for start in range(0, len(members), batch_size):
            chunk = members[start : start + batch_size]
            head_rows = torch.from_numpy(export.node_row_of[heads[chunk]]).to(device)
            queries = F.normalize(model.transform(head_table[head_rows], head_type, relation, tail_type), dim=-1)
            scores = (queries @ candidate_matrix.T).float().cpu().numpy()
            true_columns = export.node_row_of[tails[chunk]]
            true_scores = scores[np.arange(len(chunk)), true_columns].copy()
            wanted = heads[chunk] * relation_count + relation
            lows = np.searchsorted(head_relation_keys, wanted, side="left")
            highs = np.searchsorted(head_relation_keys, wanted, side="right")
            for offset in range(len(chunk)):
                others = export.tails[lows[offset] : highs[offset]]
                # One relation can reach several tail types (gene/protein "interacts with" BP, MF, CC).
                others = others[export.node_type_of[others] == tail_type]
                scores[offset, export.node_row_of[others]] = -np.inf
            ranks.append(1 + np.sum(scores > true_scores[:, None], axis=1))
    model.train(was_training)
    if not ranks:
        return {}
    all_ranks = np.concatenate(ranks).astype(np.float64)
    return {
        "mrr": float(np.mean(1.0 / all_ranks)),
        "hits@1": float(np.mean(all_ranks <= 1)),
        "hits@10": float(np.mean(all_ranks <= 10)),
        "meanRank": float(np.mean(all_ranks)),
        "triples": int(len(all_ranks)),
    }


def _head_relation_keys(export: TrainingExport) -> np.ndarray:
    """``head * relations + relation`` per triple; ascending because triples.i32 is sorted."""
    cached = getattr(export, "_head_relation_keys", None)
    if cached is None:
        cached = export.heads.astype(np.int64) * len(export.registry.relations) + export.relations
        export._head_relation_keys = cached  # type: ignore[attr-defined]
    return cached
