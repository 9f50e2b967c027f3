"""InfoNCE over cosine similarity, as in the official BioBridge ``src/losses.py`` (temperature 0.1).

"paired": each query has its own negatives [B, K, H]. "in-batch" ("unpaired" in the official
code): the other queries' positives are the negatives. Both can be combined. Unlike the official
in-batch loss, entries that are not real negatives (the same tail node, or a known edge of the
query's head) can be masked out.
"""

from __future__ import annotations

from typing import Optional

import torch
import torch.nn.functional as F


def info_nce(
    query: torch.Tensor,
    positive: torch.Tensor,
    negatives: Optional[torch.Tensor] = None,
    in_batch: bool = False,
    in_batch_mask: Optional[torch.Tensor] = None,
    temperature: float = 0.1,
) -> torch.Tensor:
    """Mean cross-entropy with the positive in column 0.

    query, positive: [B, H]; negatives: [B, K, H] or None; in_batch_mask: bool [B, B], True where
    ``positive[j]`` must not count as a negative of ``query[i]`` (the diagonal is always excluded).
    """
    if negatives is None and not in_batch:
        raise ValueError("info_nce needs paired negatives, in-batch negatives, or both")
    query = F.normalize(query, dim=-1)
    positive = F.normalize(positive, dim=-1)
    columns = [torch.sum(query * positive, dim=-1, keepdim=True)]
    if negatives is not None:
        negatives = F.normalize(negatives, dim=-1)
        columns.append(torch.matmul(negatives, query.unsqueeze(-1)).squeeze(-1))
    if in_batch:
        others = query @ positive.transpose(0, 1)
        excluded = torch.eye(len(query), dtype=torch.bool, device=query.device)
        if in_batch_mask is not None:
            excluded = excluded | in_batch_mask
        columns.append(others.masked_fill(excluded, float("-inf")))
    logits = torch.cat(columns, dim=1) / temperature
    labels = torch.zeros(len(query), dtype=torch.long, device=query.device)
    return F.cross_entropy(logits, labels)
