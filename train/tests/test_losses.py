import torch
import torch.nn.functional as F

from biobridge_train.losses import info_nce


def test_paired_matches_the_official_formula() -> None:
    torch.manual_seed(0)
    query, positive, negatives = torch.randn(4, 8), torch.randn(4, 8), torch.randn(4, 5, 8)
    q, p, n = F.normalize(query, dim=-1), F.normalize(positive, dim=-1), F.normalize(negatives, dim=-1)
    logits = torch.cat([(q * p).sum(-1, keepdim=True), (q.unsqueeze(1) @ n.transpose(-2, -1)).squeeze(1)], dim=1)
    expected = F.cross_entropy(logits / 0.1, torch.zeros(4, dtype=torch.long))
    assert torch.allclose(info_nce(query, positive, negatives), expected, atol=1e-6)


def test_in_batch_matches_the_official_unpaired_formula() -> None:
    torch.manual_seed(0)
    query, positive = torch.randn(6, 8), torch.randn(6, 8)
    logits = F.normalize(query, dim=-1) @ F.normalize(positive, dim=-1).T
    expected = F.cross_entropy(logits / 0.1, torch.arange(6))
    assert torch.allclose(info_nce(query, positive, in_batch=True), expected, atol=1e-6)


def test_masked_in_batch_entries_do_not_count() -> None:
    torch.manual_seed(0)
    query, positive = torch.randn(3, 8), torch.randn(3, 8)
    mask = torch.zeros(3, 3, dtype=torch.bool)
    mask[0, 1] = True
    masked = info_nce(query, positive, in_batch=True, in_batch_mask=mask)
    # Moving positive[1] anywhere cannot change query 0's term once masked.
    moved = positive.clone()
    moved[1] = query[0] * 10
    logits = F.normalize(query, dim=-1) @ F.normalize(moved, dim=-1).T
    logits[0, 1] = float("-inf")
    expected = F.cross_entropy(logits / 0.1, torch.arange(3))
    assert torch.allclose(info_nce(query, moved, in_batch=True, in_batch_mask=mask), expected, atol=1e-6)
    assert not torch.allclose(masked, info_nce(query, positive, in_batch=True), atol=1e-6)


def test_combined_negatives_have_more_terms() -> None:
    torch.manual_seed(0)
    query, positive, negatives = torch.randn(4, 8), torch.randn(4, 8), torch.randn(4, 2, 8)
    paired = info_nce(query, positive, negatives)
    both = info_nce(query, positive, negatives, in_batch=True)
    assert both > paired
