"""Validation study of the kernel head for new molecules (README "Target-side smoothing and other
kernel variants"): does anything beat kernel ridge over the mean Tanimoto on the held-out drugs?

Scores every query drug of a split part (``valid`` by default; ``test`` once, for the chosen
variant) against every protein, exactly as the benchmark ranks them (the first true target's rank,
ties counted half, all proteins of the tail type), for:

- ``kernel``: the served head, ``clip(k A, 0, 1)`` with ``A = (K + λ I)⁻¹ Y`` (``ligand_kernel.py``);
- ``smooth-<source>``: target-side smoothing ``S + a · S N``, ``N`` each training target's ``k``
  most similar proteins (similarity^p, rows summing to 1), over a protein similarity ``source``:
  ``mf``/``bp``/``pathway`` (IDF-weighted cosine of shared GO terms or pathways, KG training
  edges), ``ppi`` (shared interaction partners), ``kmer`` (the protein encoder's vectors) or
  ``cotarget`` (cosine of the training drugs that hit both);
- ``parts``: per-fingerprint kernel weights instead of the mean (one weight dropped or halved);
- ``subsample``: the kernel fitted on 89 % of the training drugs, to see what more drugs buy.

Each line gives MRR and Hits@10 with the paired-bootstrap 95 % interval of the Hits@10 difference
from the kernel head. Python only (NumPy and torch for sparse products); minutes on two cores.

    python3 -m biobridge_train.ligand_study --index <index> [--split unseen-drug] [--part valid]
        [--studies smooth,parts,subsample]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence

import numpy as np
import torch

from .ligand_kernel import DEFAULT_RIDGE, part_slices
from .ligand_model import load_ligand_data, training_links

SMOOTHING_SOURCES = ("mf", "bp", "pathway", "ppi", "kmer", "cotarget")
# Where each KG source of protein similarity lives: (tail node type, relation).
KG_SOURCES = {
    "mf": ("molecular_function", "interacts with"),
    "bp": ("biological_process", "interacts with"),
    "pathway": ("pathway", "interacts with"),
    "ppi": ("gene/protein", "ppi"),
}


def first_ranks(scores: np.ndarray, positives: Sequence[np.ndarray]) -> np.ndarray:
    """Rank of each query's best-scored true candidate, ties counted half (``src/eval/metrics.ts``)."""
    ranks = np.empty(len(positives))
    for row, columns in enumerate(positives):
        best = scores[row, columns].max()
        greater = int((scores[row] > best).sum())
        equal = int((scores[row] == best).sum())
        ranks[row] = 1 + greater + (equal - 1) / 2
    return ranks


def neighbour_matrix(similarity: np.ndarray, columns: np.ndarray, k: int, power: float) -> np.ndarray:
    """[targets, proteins]: each target's k most similar other proteins, similarity^power, rows summing to 1."""
    similar = np.maximum(similarity, 0).astype(np.float32)
    similar[np.arange(len(columns)), columns] = 0
    chosen = np.argpartition(-similar, k, axis=1)[:, :k]
    rows = np.arange(len(similar))[:, None]
    neighbours = np.zeros_like(similar)
    neighbours[rows, chosen] = similar[rows, chosen] ** power
    return neighbours / np.maximum(neighbours.sum(1, keepdims=True), 1e-12)


def neighbour_flow(scores: np.ndarray, neighbours: np.ndarray) -> np.ndarray:
    """S N [queries, proteins]: each target's score flows to its similar proteins; smoothing adds a · S N."""
    return scores @ neighbours


def paired_interval(delta: np.ndarray, resamples: int = 1000, seed: int = 7) -> tuple:
    """Mean of a per-query difference with its 95 % percentile bootstrap interval."""
    draws = np.random.default_rng(seed).integers(0, len(delta), (resamples, len(delta)))
    means = delta[draws].mean(1)
    return float(delta.mean()), float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


@dataclass
class StudyData:
    train_kernels: np.ndarray  # [parts, train, train] Tanimoto per fingerprint part
    query_kernels: np.ndarray  # [parts, queries, train]
    labels: np.ndarray  # [train, targets] 0/1 over the training drugs' targets
    columns: np.ndarray  # protein column of each target
    positives: List[np.ndarray]  # protein columns of each query's true targets
    proteins: np.ndarray  # node index of each protein column
    index: Path
    train_rows: np.ndarray  # triple rows of the split's training part


def part_kernels(left: np.ndarray, right: np.ndarray, slices: Sequence[slice]) -> np.ndarray:
    """[parts, left, right] Tanimoto per part (0 where neither sets a bit)."""
    kernels = []
    for part in slices:
        a, b = left[:, part], right[:, part]
        both = a @ b.T
        either = a.sum(1)[:, None] + b.sum(1)[None, :] - both
        kernels.append(np.where(either > 0, both / np.maximum(either, 1), 0).astype(np.float32))
    return np.stack(kernels)


def load_study_data(index: Path, split: str, part: str) -> StudyData:
    """The split's training drugs (as the kernel head learns them) and the query drugs of ``part``."""
    data = load_ligand_data(index, split)
    export = index / "export"
    manifest = json.loads((export / "manifest.json").read_text())
    tables = {table["type"]: table for table in manifest["nodeTables"]}
    proteins = np.fromfile(export / tables["gene/protein"]["nodeIndices"], dtype=np.int32)
    drugs = set(np.fromfile(export / tables["drug"]["nodeIndices"], dtype=np.int32).tolist())
    triples = np.fromfile(export / manifest["triples"]["file"], dtype=np.int32).reshape(-1, 3)
    files = json.loads((export / "splits" / f"{split}.json").read_text())["files"]
    rows = np.fromfile(export / "splits" / files[part], dtype=np.int32)
    relation = manifest["registry"]["relations"].index("target")
    links = training_links(triples, rows, relation, drugs, set(proteins.tolist()), set())
    ligand_nodes = np.fromfile(index / "ligands" / "nodes.i32", dtype=np.int32)
    row_of = {int(node): row for row, node in enumerate(ligand_nodes)}
    queries = sorted(drug for drug in links if drug in row_of)
    packed = np.fromfile(index / "ligands" / "fingerprints.u8", dtype=np.uint8).reshape(len(ligand_nodes), -1)
    query_bits = np.unpackbits(packed[[row_of[drug] for drug in queries]], axis=1, bitorder="little")
    slices = part_slices(data.parts, data.bytes_per_molecule)
    column_of = {int(node): column for column, node in enumerate(proteins)}
    return StudyData(
        train_kernels=part_kernels(data.bits, data.bits, slices),
        query_kernels=part_kernels(query_bits.astype(np.float32), data.bits, slices),
        labels=data.labels,
        columns=np.array([column_of[int(tail)] for tail in data.tails]),
        positives=[np.array([column_of[tail] for tail in sorted(links[drug])]) for drug in queries],
        proteins=proteins,
        index=index,
        train_rows=np.fromfile(export / "splits" / files["train"], dtype=np.int32),
    )


def kernel_scores(data: StudyData, weights: np.ndarray, ridge: float, keep: Optional[np.ndarray] = None):
    """[queries, targets] kernel-ridge scores with per-part kernel weights (the mean: all equal)."""
    weights = weights / weights.sum()
    train = np.tensordot(weights, data.train_kernels, 1).astype(np.float64)
    query = np.tensordot(weights, data.query_kernels, 1).astype(np.float64)
    keep = np.ones(len(train), dtype=bool) if keep is None else keep
    system = train[np.ix_(keep, keep)]
    system[np.diag_indices_from(system)] += ridge
    solved = np.linalg.solve(system, data.labels[keep].astype(np.float64))
    return np.clip(query[:, keep] @ solved, 0, 1)


def full_scores(data: StudyData, scores: np.ndarray) -> np.ndarray:
    """[queries, all proteins] from target scores (0 for proteins no training drug hits)."""
    full = np.zeros((len(scores), len(data.proteins)), dtype=np.float64)
    full[:, data.columns] = scores
    return full


def protein_similarity(data: StudyData, source: str) -> np.ndarray:
    """[targets, proteins] similarity of each training target to every protein under ``source``."""
    if source == "cotarget":
        labels = np.zeros((len(data.labels), len(data.proteins)), dtype=np.float32)
        labels[:, data.columns] = data.labels
        labels /= np.maximum(np.linalg.norm(labels, axis=0, keepdims=True), 1e-9)
        return labels[:, data.columns].T @ labels
    export = data.index / "export"
    manifest = json.loads((export / "manifest.json").read_text())
    tables = {table["type"]: table for table in manifest["nodeTables"]}
    if source == "kmer":
        vectors = np.fromfile(export / tables["gene/protein"]["vectors"], dtype=np.float32)
        vectors = vectors.reshape(len(data.proteins), -1)
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
        return vectors[data.columns] @ vectors.T
    node_type, relation = KG_SOURCES[source]
    triples = np.fromfile(export / manifest["triples"]["file"], dtype=np.int32).reshape(-1, 3)[data.train_rows]
    terms = np.fromfile(export / tables[node_type]["nodeIndices"], dtype=np.int32)
    return shared_term_cosine(triples, manifest["registry"]["relations"].index(relation), data, terms)


def shared_term_cosine(triples: np.ndarray, relation: int, data: StudyData, terms: np.ndarray) -> np.ndarray:
    """IDF-weighted cosine of the terms (GO terms, pathways, partners) two proteins link to."""
    size = int(max(triples.max(), data.proteins.max(), terms.max())) + 1
    protein_column = np.full(size, -1)
    protein_column[data.proteins] = np.arange(len(data.proteins))
    term_column = np.full(size, -1)
    term_column[terms] = np.arange(len(terms))
    chosen = triples[(triples[:, 1] == relation) & (protein_column[triples[:, 0]] >= 0)]
    chosen = chosen[term_column[chosen[:, 2]] >= 0]
    pairs = np.unique(np.stack([protein_column[chosen[:, 0]], term_column[chosen[:, 2]]]), axis=1)
    idf = np.log((len(data.proteins) + 1) / (1 + np.bincount(pairs[1], minlength=len(terms))))
    values = idf[pairs[1]]
    norms = np.sqrt(np.bincount(pairs[0], weights=values**2, minlength=len(data.proteins)))
    values = values / np.maximum(norms[pairs[0]], 1e-12)
    matrix = torch.sparse_coo_tensor(
        torch.from_numpy(pairs).long(), torch.from_numpy(values).float(), (len(data.proteins), len(terms))
    )
    target_of = np.full(len(data.proteins), -1)
    target_of[data.columns] = np.arange(len(data.columns))
    dense = torch.zeros(len(terms), len(data.columns))
    mine = target_of[pairs[0]] >= 0
    dense[pairs[1][mine], target_of[pairs[0][mine]]] = torch.from_numpy(values[mine]).float()
    return torch.sparse.mm(matrix.coalesce(), dense).numpy().T.copy()


class Reporter:
    """Prints each variant's MRR, Hits@10 and its paired Hits@10 difference from the kernel head."""

    def __init__(self, data: StudyData, baseline: np.ndarray):
        self.data = data
        self.baseline = first_ranks(full_scores(data, baseline), data.positives)

    def __call__(self, name: str, scores: np.ndarray) -> None:
        ranks = first_ranks(
            scores if scores.shape[1] == len(self.data.proteins) else full_scores(self.data, scores),
            self.data.positives,
        )
        hits, base_hits = (ranks <= 10).astype(float), (self.baseline <= 10).astype(float)
        delta, low, high = paired_interval(hits - base_hits)
        print(
            f"{name:44s} MRR {np.mean(1 / ranks):.3f}  Hits@10 {hits.mean():.3f}  "
            f"ΔHits@10 {delta:+.3f} [{low:+.3f}, {high:+.3f}]",
            flush=True,
        )


def smoothing_study(data: StudyData, kernel: np.ndarray, report: Callable) -> None:
    for source in SMOOTHING_SOURCES:
        similarity = protein_similarity(data, source)
        for k in (5, 20):
            for power in (1, 3):
                flow = neighbour_flow(kernel, neighbour_matrix(similarity, data.columns, k, power))
                for weight in (0.03, 0.1, 0.3, 1.0):
                    report(f"smooth-{source} k {k} p {power} a {weight}", full_scores(data, kernel) + weight * flow)


def parts_study(data: StudyData, report: Callable) -> None:
    for part in range(len(data.train_kernels)):
        for factor in (0.0, 0.5, 2.0):
            weights = np.ones(len(data.train_kernels))
            weights[part] *= factor
            report(f"parts {weights.tolist()}", kernel_scores(data, weights, DEFAULT_RIDGE))


def subsample_study(data: StudyData, report: Callable) -> None:
    for seed in (0, 1):
        keep = np.random.default_rng(seed).random(len(data.labels)) < 0.89
        report(
            f"subsample 89 % seed {seed}", kernel_scores(data, np.ones(len(data.train_kernels)), DEFAULT_RIDGE, keep)
        )


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", required=True, type=Path)
    parser.add_argument("--split", default="unseen-drug")
    parser.add_argument("--part", default="valid", choices=("valid", "test"))
    parser.add_argument("--studies", default="smooth,parts,subsample")
    args = parser.parse_args(argv)
    studies = [study.strip() for study in args.studies.split(",") if study.strip()]
    unknown = sorted(set(studies) - {"smooth", "parts", "subsample"})
    if unknown:
        raise SystemExit(f"--studies: unknown {unknown}; expected a subset of smooth,parts,subsample")
    started = time.time()
    data = load_study_data(args.index, args.split, args.part)
    print(
        f"{len(data.labels)} training drugs, {len(data.positives)} {args.part} drugs "
        f"({time.time() - started:.0f} s)",
        flush=True,
    )
    kernel = kernel_scores(data, np.ones(len(data.train_kernels)), DEFAULT_RIDGE)
    report = Reporter(data, kernel)
    report("kernel (mean Tanimoto, λ 0.3)", kernel)
    runs: Dict[str, Callable[[], None]] = {
        "smooth": lambda: smoothing_study(data, kernel, report),
        "parts": lambda: parts_study(data, report),
        "subsample": lambda: subsample_study(data, report),
    }
    for study in studies:
        runs[study]()
    return 0


if __name__ == "__main__":
    sys.exit(main())
