"""Kernel ridge regression from ligand similarity to targets: the ``kernel`` head of the ligand model.

The kernel between two drugs is the mean Tanimoto similarity over the parts of their packed ligand
fingerprint, exactly what ``createLigandFingerprintLibrary`` (``src/chem/ligand-fingerprint.ts``)
computes at query time; a part that neither drug sets contributes 0. With ``K`` the kernel among
the training drugs and ``Y`` their multi-hot targets, the head stores ``A = (K + λ I)⁻¹ Y`` and
scores a query with similarities ``k`` to the training drugs as ``clip(k A, 0, 1)``: a regression
estimate of each link. Unlike nearest-neighbour votes every training drug contributes, and drugs that
resemble each other share their weight instead of voting twice, which ranks the first true target
higher (validation drugs of the unseen-drug split: MRR 0.644 vs 0.581 for the votes, README).
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Sequence

import numpy as np
import torch
from torch import nn

from .export_onnx import _check_onnx as check_onnx
from .export_onnx import _export as export_traced

# Bytes of each part of the packed fingerprint, as LIGAND_FINGERPRINT_PARTS declares them.
PART_BYTES: Dict[str, int] = {
    "morgan2-count": 512,
    "atom-pair": 256,
    "topological-torsion": 256,
    "maccs": 24,
    "rdkit-path5": 256,
}

# Chosen on the validation drugs of the unseen-drug split of ../shared/kg (README "Ligand-target
# model"): λ ∈ {0.1, 0.3, 1, 3} × similarity power ∈ {1, 2, 3}; λ = 0.3, power 1 had the best MRR.
DEFAULT_RIDGE = 0.3


def part_slices(parts: Sequence[str], bytes_per_molecule: int) -> List[slice]:
    """Bit ranges of each part inside the unpacked fingerprint."""
    unknown = [part for part in parts if part not in PART_BYTES]
    if unknown:
        raise SystemExit(f"ligand fingerprints: unknown parts {unknown}; known {sorted(PART_BYTES)}")
    total = sum(PART_BYTES[part] for part in parts)
    if total != bytes_per_molecule:
        raise SystemExit(
            f"ligand fingerprints: parts {parts} make {total} bytes, ligands.json says {bytes_per_molecule}"
        )
    slices, start = [], 0
    for part in parts:
        end = start + PART_BYTES[part] * 8
        slices.append(slice(start, end))
        start = end
    return slices


def mean_tanimoto(left: np.ndarray, right: np.ndarray, slices: Sequence[slice]) -> np.ndarray:
    """[left, right] mean over parts of the Tanimoto similarity of 0/1 float bit rows."""
    total = np.zeros((len(left), len(right)), dtype=np.float64)
    for part in slices:
        a, b = left[:, part], right[:, part]
        both = a @ b.T
        either = a.sum(1)[:, None] + b.sum(1)[None, :] - both
        total += np.where(either > 0, both / np.maximum(either, 1), 0)
    return (total / len(slices)).astype(np.float32)


def fit_kernel_weights(bits: np.ndarray, labels: np.ndarray, slices: Sequence[slice], ridge: float) -> np.ndarray:
    """A = (K + ridge · I)⁻¹ Y over the training drugs, float32 [drugs, tails]."""
    kernel = mean_tanimoto(bits, bits, slices).astype(np.float64)
    kernel[np.diag_indices_from(kernel)] += ridge
    return np.linalg.solve(kernel, labels.astype(np.float64)).astype(np.float32)


class KernelHead(nn.Module):
    """What ``kernel.onnx`` holds: similarities [batch, drugs] → clip(similarities · A, 0, 1)."""

    def __init__(self, weights: np.ndarray):
        super().__init__()
        self.register_buffer("weights", torch.from_numpy(weights))

    def forward(self, similarities: torch.Tensor) -> torch.Tensor:
        return torch.clamp(similarities @ self.weights, 0.0, 1.0)


def export_kernel_head(weights: np.ndarray, path: Path, opset: int = 17) -> None:
    """Writes the head as ONNX (input ``similarities``, output ``scores``) and checks the graph."""
    sample = torch.zeros((1, weights.shape[0]), dtype=torch.float32)
    export_traced(KernelHead(weights).eval(), (sample,), path, ["similarities"], "scores", opset)
    check_onnx(path, ["similarities"], "scores")
