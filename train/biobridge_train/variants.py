"""Learned variant embeddings (GENEREL-style multi-task contrastive learning) and their export.

A variant tower embeds a SNP from features that unseen variants have too (mapped genes and their
encoder vectors, context, chromosome, position bins, risk allele). Tail towers embed diseases,
genes and phenotypes from their encoder vectors plus a node embedding (zero for nodes never seen
as a training positive, so unseen tails still score through their encoder vectors). Loss: per
variant, a softmax over every node of a tail type whose target puts weight on the positives in
proportion to their association strength (−log10 p for diseases; disease→phenotype links inherit
the disease's weight). Variants are split into train / valid / test; held-out variants lose all
their edges. The epoch with the best validation Hits@10 is exported.

    python3 -m biobridge_train.variants --kg ../shared/kg --index /work/idx/x [--epochs 40]

writes ``<index>/variants/`` (FORMAT.md § 4), read by ``src/encoders/variant-learned.ts``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .atomic import build_directory_atomic
from .variant_data import (
    NEAR_VARIANTS,
    DISEASE,
    NearIndex,
    gene_disease_tokens,
    GENE,
    PHENOTYPE,
    POSITION_BINS,
    TAIL_TYPES,
    TOKEN_GROUPS,
    EncoderVectors,
    VariantData,
    VariantSplit,
    Vocabulary,
    featurise,
    load_encoder_vectors,
    load_variant_data,
    mean_gene_vector,
    split_genes,
    split_variants,
    variant_tokens,
)

FORMAT_NAME = "biobridge-variant-model"
FORMAT_VERSION = 1
TABLE_FILES = {DISEASE: "disease", GENE: "gene_protein", PHENOTYPE: "effect_phenotype"}


@dataclass
class VariantTrainConfig:
    hidden_dim: int = 256
    embedding_dim: int = 128
    gene_basis_dim: int = 128
    dropout: float = 0.2
    # Drops single input tokens in training, so no one source (genes, bins, KG context) carries a variant alone.
    input_dropout: float = 0.0
    epochs: int = 8
    batch_size: int = 256
    sampled_tails: int = 2048  # random negatives per step for gene and phenotype tails (diseases: all)
    learning_rate: float = 3e-3
    weight_decay: float = 1e-4
    temperature: float = 0.1  # 0.05 / 0.1 / 0.2: validation Hits@10 0.483 / 0.502 / 0.491 (README)
    weight_cap: float = 30.0  # −log10 p above this counts as this (a handful of huge studies)
    task_weights: Tuple[float, float, float] = (1.0, 0.5, 0.25)  # disease, gene, phenotype
    # Pulls the cosine of a known variant–disease pair towards a level that rises with −log10 p, so
    # that scores are comparable across variants (the softmax alone only orders within a variant).
    strength_weight: float = 5.0
    # Adds the (learned) disease embeddings of the `near` and `gdis` diseases to the variant's
    # embedding, each group scaled by a learned weight: the positional and gene-proxy signals enter
    # the space directly instead of through one learned column per disease token (rare diseases).
    context_copy: bool = True
    copy_init: float = 1.0  # initial scale of each copied group (Adam moves it slowly: ~lr per step)
    # Token groups left out of the vocabulary (the featuriser's tokens of these groups are then
    # ignored). Position bins and gene symbols act as variant identities in training — a bin or gene
    # with one training variant memorises its labels — while `near` and `gdis` leave the variant out.
    dropped_groups: Tuple[str, ...] = ("bin1000000", "bin100000", "gene")
    seed: int = 0
    split_seed: int = 42
    threads: int = 1


def association_weight(mlog: float, cap: float) -> float:
    """Positive weight of one GWAS association: its −log10 p, capped; unknown p counts as 5 (≈ the catalog floor)."""
    if not math.isfinite(mlog):
        return 5.0
    return float(min(max(mlog, 1.0), cap))


def pca_basis(vectors: np.ndarray, dim: int, seed: int) -> Tuple[np.ndarray, np.ndarray]:
    mean = vectors.mean(axis=0)
    torch.manual_seed(seed)
    _, _, v = torch.pca_lowrank(torch.from_numpy(vectors - mean), q=min(dim, vectors.shape[1]), center=False)
    return mean.astype(np.float32), v.numpy().astype(np.float32)


class VariantTower(nn.Module):
    """features [batch, tokens + geneDim] → L2-normalised embedding [batch, embeddingDim]."""

    def __init__(self, tokens: int, gene_mean: np.ndarray, gene_basis: np.ndarray, config: VariantTrainConfig):
        super().__init__()
        self.tokens = tokens
        self.input_dropout = nn.Dropout(config.input_dropout)
        self.register_buffer("gene_mean", torch.from_numpy(gene_mean))
        self.register_buffer("gene_basis", torch.from_numpy(gene_basis))
        self.token_layer = nn.Linear(tokens, config.hidden_dim, bias=False)
        self.gene_layer = nn.Linear(gene_basis.shape[1], config.hidden_dim)
        self.output = nn.Sequential(
            nn.GELU(), nn.Dropout(config.dropout), nn.Linear(config.hidden_dim, config.embedding_dim)
        )
        nn.init.normal_(self.token_layer.weight, std=0.1)

    def forward(self, features: torch.Tensor, copy: Optional[torch.Tensor] = None) -> torch.Tensor:
        """``copy`` [tokens, embeddingDim]: what each token adds to the embedding directly (context copy)."""
        token_part = self.input_dropout(features[:, : self.tokens])
        genes = features[:, self.tokens :]
        # A variant without a mapped gene vector has zeros there; keep it at zero after centring.
        has_gene = (genes.abs().sum(dim=1, keepdim=True) > 0).to(genes.dtype)
        gene_part = ((genes - self.gene_mean) @ self.gene_basis) * has_gene
        hidden = self.token_layer(token_part) + self.gene_layer(gene_part)
        embedded = self.output(hidden)
        if copy is not None:
            embedded = embedded + token_part @ copy
        return F.normalize(embedded, dim=1)


class TailTower(nn.Module):
    """Embeds every node of one tail type: Linear(encoder vector) + node embedding (zero-initialised)."""

    def __init__(self, inputs: np.ndarray, config: VariantTrainConfig):
        super().__init__()
        self.register_buffer("inputs", torch.from_numpy(inputs))
        self.layer = nn.Linear(inputs.shape[1], config.embedding_dim)
        self.nodes = nn.Embedding(inputs.shape[0], config.embedding_dim)
        nn.init.zeros_(self.nodes.weight)

    def forward(self, rows: Optional[torch.Tensor] = None) -> torch.Tensor:
        if rows is None:
            return F.normalize(self.layer(self.inputs) + self.nodes.weight, dim=1)
        return F.normalize(self.layer(self.inputs[rows]) + self.nodes(rows), dim=1)


@dataclass
class KgContext:
    """What the featuriser reads from the KG besides the variant itself (FORMAT.md § 4)."""

    gene_symbols: Dict[str, int]
    gene_diseases: Dict[int, List[int]]
    near: NearIndex

    def groups(
        self,
        chrom: str,
        pos: Optional[int],
        mapped_gene: str,
        context: str,
        risk_allele: str,
        exclude: Optional[int] = None,
    ) -> Dict[str, Any]:
        groups: Dict[str, Any] = dict(variant_tokens(chrom, pos, mapped_gene, context, risk_allele))
        groups["gdis"] = gene_disease_tokens(split_genes(mapped_gene), self.gene_symbols, self.gene_diseases)
        groups["near"] = self.near.tokens(chrom, pos, exclude=exclude)
        return groups


@dataclass
class Prepared:
    data: VariantData
    split: VariantSplit
    vocabulary: Vocabulary
    features: Dict[int, np.ndarray]  # variant node → feature row
    gene_dim: int
    tail_nodes: Dict[str, np.ndarray]  # type → node indices (rows of the tail tower)
    tail_inputs: Dict[str, np.ndarray]  # type → tower input per row
    gene_mean: np.ndarray
    gene_basis: np.ndarray
    targets: Dict[str, Dict[int, List[Tuple[int, float]]]]  # type → variant → (tail row, weight)
    encoder_hashes: Dict[str, str]
    context: KgContext


def prepare(data: VariantData, vectors: EncoderVectors, config: VariantTrainConfig) -> Prepared:
    split = split_variants([record.node_index for record in data.variants], config.split_seed)
    train_set = set(int(v) for v in split.train)
    gene_diseases: Dict[int, List[int]] = {}
    for disease, genes in data.disease_genes.items():
        for gene in genes:
            gene_diseases.setdefault(gene, []).append(disease)
    variant_diseases: Dict[int, List[int]] = {}
    for variant, disease, _, _, _ in data.associations:
        variant_diseases.setdefault(variant, []).append(disease)
    # Reference variants for `near` are the training variants; a training variant never sees itself.
    near = NearIndex([record for record in data.variants if record.node_index in train_set], variant_diseases)
    context = KgContext(data.gene_symbols, gene_diseases, near)
    tokens = {
        record.node_index: context.groups(
            record.chrom, record.pos, record.mapped_gene, record.context, record.risk_allele, exclude=record.node_index
        )
        for record in data.variants
    }
    vocabulary = Vocabulary.build(
        {group: items for group, items in tokens[node].items() if group not in config.dropped_groups}
        for node in train_set
    )
    gene_nodes, gene_vectors, _ = vectors.by_type[GENE]
    gene_rows = vectors.lookup(GENE)
    gene_dim = gene_vectors.shape[1]
    features = {}
    for record in data.variants:
        gene_vector = mean_gene_vector(split_genes(record.mapped_gene), data.gene_symbols, gene_rows, gene_vectors)
        features[record.node_index] = featurise(tokens[record.node_index], vocabulary, gene_vector, gene_dim)
    gene_mean, gene_basis = pca_basis(gene_vectors, config.gene_basis_dim, config.seed)

    tail_nodes: Dict[str, np.ndarray] = {}
    tail_inputs: Dict[str, np.ndarray] = {}
    for tail_type in TAIL_TYPES:
        nodes = data.nodes_of_type[tail_type]
        source_nodes, source_vectors, _ = vectors.by_type[tail_type]
        if tail_type == GENE:
            source_vectors = (source_vectors - gene_mean) @ gene_basis
        rows = {int(node): row for row, node in enumerate(source_nodes)}
        inputs = np.zeros((len(nodes), source_vectors.shape[1]), dtype=np.float32)
        for row, node in enumerate(nodes):
            if int(node) in rows:
                inputs[row] = source_vectors[rows[int(node)]]
        tail_nodes[tail_type] = nodes
        tail_inputs[tail_type] = inputs

    row_of = {tail_type: {int(node): row for row, node in enumerate(nodes)} for tail_type, nodes in tail_nodes.items()}
    targets: Dict[str, Dict[int, List[Tuple[int, float]]]] = {tail_type: {} for tail_type in TAIL_TYPES}
    for variant, disease, mlog, _, _ in data.associations:
        if variant in train_set and disease in row_of[DISEASE]:
            weight = association_weight(mlog, config.weight_cap)
            targets[DISEASE].setdefault(variant, []).append((row_of[DISEASE][disease], weight))
            phenotypes = data.disease_phenotypes.get(disease, [])
            for phenotype in phenotypes:
                if phenotype in row_of[PHENOTYPE]:
                    targets[PHENOTYPE].setdefault(variant, []).append(
                        (row_of[PHENOTYPE][phenotype], weight / len(phenotypes))
                    )
    for variant, genes in data.variant_genes.items():
        if variant in train_set:
            targets[GENE][variant] = [(row_of[GENE][gene], 1.0) for gene in genes if gene in row_of[GENE]]
    return Prepared(
        data=data,
        split=split,
        vocabulary=vocabulary,
        features=features,
        gene_dim=gene_dim,
        tail_nodes=tail_nodes,
        tail_inputs=tail_inputs,
        gene_mean=gene_mean,
        gene_basis=gene_basis,
        targets=targets,
        encoder_hashes={tail_type: vectors.by_type[tail_type][2] for tail_type in TAIL_TYPES},
        context=context,
    )


#: Token groups whose tokens name a disease node (`gdis:<node>`, `near:<node>`), for the context copy.
COPY_GROUPS = ("near", "gdis")


class VariantModel(nn.Module):
    def __init__(self, prepared: Prepared, config: VariantTrainConfig):
        super().__init__()
        self.tower = VariantTower(len(prepared.vocabulary.tokens), prepared.gene_mean, prepared.gene_basis, config)
        self.tails = nn.ModuleDict({TABLE_FILES[t]: TailTower(prepared.tail_inputs[t], config) for t in TAIL_TYPES})
        self.tokens = len(prepared.vocabulary.tokens)
        columns: List[int] = []
        rows: List[int] = []
        groups: List[int] = []
        if config.context_copy:
            disease_row = {int(node): row for row, node in enumerate(prepared.tail_nodes[DISEASE])}
            for column, token in enumerate(prepared.vocabulary.tokens):
                group, _, node = token.partition(":")
                if group in COPY_GROUPS and node.isdigit() and int(node) in disease_row:
                    columns.append(column)
                    rows.append(disease_row[int(node)])
                    groups.append(COPY_GROUPS.index(group))
        self.register_buffer("copy_columns", torch.tensor(columns, dtype=torch.long))
        self.register_buffer("copy_rows", torch.tensor(rows, dtype=torch.long))
        self.register_buffer("copy_groups", torch.tensor(groups, dtype=torch.long))
        self.copy_scale = nn.Parameter(torch.full((len(COPY_GROUPS),), float(config.copy_init)))

    def tail(self, tail_type: str, rows: Optional[torch.Tensor] = None) -> torch.Tensor:
        return self.tails[TABLE_FILES[tail_type]](rows)

    def copy_matrix(self, diseases: Optional[torch.Tensor] = None) -> Optional[torch.Tensor]:
        """[tokens, embeddingDim]: scale(group) × the disease embedding for `near`/`gdis` tokens, 0 elsewhere."""
        if len(self.copy_columns) == 0:
            return None
        diseases = self.tail(DISEASE) if diseases is None else diseases
        added = self.copy_scale[self.copy_groups].unsqueeze(1) * diseases[self.copy_rows]
        return torch.zeros(self.tokens, diseases.shape[1]).index_add(0, self.copy_columns, added)

    def variant(self, features: torch.Tensor, diseases: Optional[torch.Tensor] = None) -> torch.Tensor:
        """Variant embeddings; ``diseases``: this step's disease table, when already computed."""
        return self.tower(features, self.copy_matrix(diseases))


def _target_matrix(
    variants: Sequence[int], links: Dict[int, List[Tuple[int, float]]], columns: int
) -> Tuple[torch.Tensor, torch.Tensor]:
    """Per-variant target distribution over the tail type's nodes (weights normalised to sum 1)."""
    pairs = [(row, np.asarray(links[v], dtype=np.float64)) for row, v in enumerate(variants) if links.get(v)]
    target = torch.zeros(len(variants), columns)
    if pairs:
        rows = np.concatenate([np.full(len(array), row) for row, array in pairs])
        stacked = np.concatenate([array for _, array in pairs])
        target.index_put_(
            (torch.from_numpy(rows), torch.from_numpy(stacked[:, 0].astype(np.int64))),
            torch.from_numpy(stacked[:, 1].astype(np.float32)),
            accumulate=True,
        )
    totals = target.sum(dim=1, keepdim=True)
    has = totals.squeeze(1) > 0
    return target / totals.clamp_min(1e-12), has


def _candidate_columns(
    target: torch.Tensor, columns: int, sampled: int, rng: np.random.Generator
) -> Optional[torch.Tensor]:
    """Columns scored for a large tail type: the batch's positives plus `sampled` random nodes (None: all)."""
    if columns <= sampled * 4:
        return None
    positives = torch.nonzero(target.sum(dim=0) > 0).squeeze(1).numpy()
    drawn = rng.choice(columns, size=sampled, replace=False)
    return torch.from_numpy(np.union1d(positives, drawn))


def strength_target(mlog: np.ndarray, cap: float) -> np.ndarray:
    """Cosine level for a known association: 0.3 at the catalog floor (−log10 p = 5) up to 0.9 at the cap."""
    clipped = np.clip(np.nan_to_num(mlog, nan=5.0), 5.0, cap)
    return 0.3 + 0.6 * (clipped - 5.0) / (cap - 5.0)


def _strength_loss(
    embedded: torch.Tensor, diseases: torch.Tensor, batch: Sequence[int], prepared: Prepared, config: VariantTrainConfig
) -> torch.Tensor:
    rows: List[int] = []
    columns: List[int] = []
    levels: List[float] = []
    for row, variant in enumerate(batch):
        for column, weight in prepared.targets[DISEASE].get(variant, []):
            rows.append(row)
            columns.append(column)
            levels.append(float(strength_target(np.array([weight]), config.weight_cap)[0]))
    if not rows:
        return torch.zeros(())
    cosine = (embedded[torch.tensor(rows)] * diseases[torch.tensor(columns)]).sum(dim=1)
    return ((cosine - torch.tensor(levels)) ** 2).mean()


def train_epoch(
    model: VariantModel,
    prepared: Prepared,
    optimiser: torch.optim.Optimizer,
    config: VariantTrainConfig,
    rng: np.random.Generator,
) -> float:
    model.train()
    order = rng.permutation(prepared.split.train)
    total, batches = 0.0, 0
    for start in range(0, len(order), config.batch_size):
        batch = [int(v) for v in order[start : start + config.batch_size]]
        features = torch.from_numpy(np.stack([prepared.features[v] for v in batch]))
        # The disease table is scored against in full (it is small), so the copy reuses it.
        disease_table = model.tail(DISEASE)
        embedded = model.variant(features, disease_table)
        loss = torch.zeros(())
        for weight, tail_type in zip(config.task_weights, TAIL_TYPES):
            columns = len(prepared.tail_nodes[tail_type])
            target, has = _target_matrix(batch, prepared.targets[tail_type], columns)
            if not bool(has.any()):
                continue
            kept = _candidate_columns(target, columns, config.sampled_tails, rng)
            tails = disease_table if tail_type == DISEASE and kept is None else model.tail(tail_type, kept)
            if kept is not None:
                target = target[:, kept]
            logits = embedded @ tails.T / config.temperature
            per_row = -(target * F.log_softmax(logits, dim=1)).sum(dim=1)
            loss = loss + weight * per_row[has].mean()
            if tail_type == DISEASE and config.strength_weight > 0:
                loss = loss + config.strength_weight * _strength_loss(embedded, tails, batch, prepared, config)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        total += float(loss)
        batches += 1
    return total / max(batches, 1)


@torch.no_grad()
def embed_variants(model: VariantModel, prepared: Prepared, variants: Sequence[int]) -> torch.Tensor:
    model.eval()
    return model.variant(torch.from_numpy(np.stack([prepared.features[int(v)] for v in variants])))


@torch.no_grad()
def rank_metrics(model: VariantModel, prepared: Prepared, variants: np.ndarray) -> Dict[str, float]:
    """Filtered ranks of every held-out variant → disease link among all diseases."""
    diseases = prepared.tail_nodes[DISEASE]
    row_of = {int(node): row for row, node in enumerate(diseases)}
    truth: Dict[int, List[int]] = {}
    for variant, disease, _, _, _ in prepared.data.associations:
        truth.setdefault(variant, []).append(row_of[disease])
    held = [int(v) for v in variants if int(v) in truth]
    scores = embed_variants(model, prepared, held) @ model.tail(DISEASE).T
    ranks: List[int] = []
    for row, variant in enumerate(held):
        true_rows = truth[variant]
        s = scores[row]
        for column in true_rows:
            others = torch.tensor([c for c in true_rows if c != column], dtype=torch.long)
            higher = s > s[column]
            if len(others):
                higher[others] = False
            ranks.append(int(higher.sum()) + 1)
    r = np.array(ranks, dtype=np.float64)
    return {
        "mrr": float((1 / r).mean()),
        "hits@10": float((r <= 10).mean()),
        "recall@50": float((r <= 50).mean()),
        "links": int(len(r)),
    }


def train_variant_model(
    prepared: Prepared, config: VariantTrainConfig, log=print
) -> Tuple[VariantModel, Dict[str, Any]]:
    torch.manual_seed(config.seed)
    torch.set_num_threads(config.threads)
    model = VariantModel(prepared, config)
    optimiser = torch.optim.AdamW(model.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimiser, T_max=config.epochs)
    rng = np.random.default_rng(config.seed)
    best: Optional[Dict[str, Any]] = None
    history = []
    for epoch in range(1, config.epochs + 1):
        started = time.time()
        loss = train_epoch(model, prepared, optimiser, config, rng)
        schedule.step()
        valid = rank_metrics(model, prepared, prepared.split.valid)
        history.append({"epoch": epoch, "loss": loss, **valid})
        log(
            f"epoch {epoch}/{config.epochs} loss {loss:.4f} valid mrr {valid['mrr']:.4f} "
            f"hits@10 {valid['hits@10']:.4f} ({time.time() - started:.1f}s)"
        )
        if best is None or valid["hits@10"] > best["metrics"]["hits@10"]:
            best = {"epoch": epoch, "metrics": valid, "state": {k: v.clone() for k, v in model.state_dict().items()}}
    assert best is not None
    model.load_state_dict(best["state"])
    return model, {"bestEpoch": best["epoch"], "valid": best["metrics"], "history": history}


class ExportedTower(nn.Module):
    """The variant tower with the context copy frozen into a constant (the ONNX input stays `features`)."""

    def __init__(self, model: VariantModel):
        super().__init__()
        self.tower = model.tower
        copy = model.copy_matrix()
        self.has_copy = copy is not None
        self.register_buffer("copy", copy.detach().clone() if copy is not None else torch.zeros(0))

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return self.tower(features, self.copy if self.has_copy else None)


def _write_matrix(directory: Path, name: str, nodes: np.ndarray, vectors: np.ndarray) -> Dict[str, Any]:
    (directory / f"{name}.f32").write_bytes(np.ascontiguousarray(vectors, dtype="<f4").tobytes())
    (directory / f"{name}.i32").write_bytes(np.ascontiguousarray(nodes, dtype="<i4").tobytes())
    return {
        "vectors": f"{name}.f32",
        "nodeIndices": f"{name}.i32",
        "rows": int(len(nodes)),
        "dim": int(vectors.shape[1]),
    }


def export_variant_model(
    index: Path,
    model: VariantModel,
    prepared: Prepared,
    config: VariantTrainConfig,
    training: Dict[str, Any],
    opset: int = 17,
) -> Path:
    import inspect

    import onnx

    model.eval()
    width = len(prepared.vocabulary.tokens) + prepared.gene_dim
    with build_directory_atomic(index / "variants") as staging:
        sample = torch.from_numpy(np.stack([prepared.features[int(v)] for v in prepared.split.test[:5]]))
        options: Dict[str, Any] = {
            "input_names": ["features"],
            "output_names": ["embedding"],
            "dynamic_axes": {"features": {0: "batch"}, "embedding": {0: "batch"}},
            "opset_version": opset,
            "do_constant_folding": True,
        }
        if "dynamo" in inspect.signature(torch.onnx.export).parameters:
            options["dynamo"] = False
        with torch.no_grad():
            torch.onnx.export(ExportedTower(model), (sample,), str(staging / "encode.onnx"), **options)
        onnx.checker.check_model(onnx.load(str(staging / "encode.onnx")))
        (staging / "vocabulary.json").write_text(json.dumps(prepared.vocabulary.tokens) + "\n")
        # The features of the KG's variants, so TypeScript can re-embed them (parity, evaluation).
        features = [
            {
                "nodeIndex": r.node_index,
                "rsid": r.rsid,
                "chrom": r.chrom,
                "pos": r.pos,
                "mappedGene": r.mapped_gene,
                "context": r.context,
                "riskAllele": r.risk_allele,
            }
            for r in prepared.data.variants
        ]
        (staging / "variant-features.json").write_text(json.dumps(features) + "\n")
        tables: Dict[str, Any] = {}
        with torch.no_grad():
            for tail_type in TAIL_TYPES:
                tables[tail_type] = _write_matrix(
                    staging,
                    f"tail-{TABLE_FILES[tail_type]}",
                    prepared.tail_nodes[tail_type],
                    model.tail(tail_type).numpy(),
                )
        variants = np.array(sorted(prepared.features), dtype=np.int64)
        tables["variant"] = _write_matrix(
            staging, "variants", variants, embed_variants(model, prepared, variants).numpy()
        )
        test = rank_metrics(model, prepared, prepared.split.test)
        metadata = {
            "format": FORMAT_NAME,
            "formatVersion": FORMAT_VERSION,
            "createdAt": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "embeddingDim": config.embedding_dim,
            "inputWidth": width,
            "tokens": len(prepared.vocabulary.tokens),
            "geneDim": prepared.gene_dim,
            "tokenGroups": list(TOKEN_GROUPS),
            "droppedGroups": list(config.dropped_groups),
            "contextCopy": config.context_copy,
            "positionBins": list(POSITION_BINS),
            "nearVariants": NEAR_VARIANTS,
            "referenceVariants": "training variants (every KG variant not in split.valid or split.test)",
            "encoderConfigHashes": prepared.encoder_hashes,
            "onnx": {
                "file": "encode.onnx",
                "opset": opset,
                "torch": torch.__version__,
                "sha256": hashlib.sha256((staging / "encode.onnx").read_bytes()).hexdigest(),
                "input": "features",
                "output": "embedding",
            },
            "vocabulary": "vocabulary.json",
            "variantFeatures": "variant-features.json",
            "tables": tables,
            "split": {
                "seed": prepared.split.seed,
                "counts": {
                    "train": len(prepared.split.train),
                    "valid": len(prepared.split.valid),
                    "test": len(prepared.split.test),
                },
                "valid": [int(v) for v in prepared.split.valid],
                "test": [int(v) for v in prepared.split.test],
            },
            "training": {
                "config": asdict(config),
                **{k: v for k, v in training.items() if k != "history"},
                "history": training.get("history", []),
            },
            "metrics": {"valid": training["valid"], "test": test},
        }
        (staging / "variant-model.json").write_text(json.dumps(metadata, indent=2) + "\n")
    return index / "variants"


# The settings of VariantTrainConfig that the command line exposes, by type.
_INT_OPTIONS = ("epochs", "batch_size", "seed", "split_seed", "threads", "hidden_dim", "embedding_dim")
_FLOAT_OPTIONS = (
    "learning_rate",
    "temperature",
    "dropout",
    "weight_cap",
    "input_dropout",
    "weight_decay",
    "copy_init",
    "strength_weight",
)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--kg",
        required=True,
        type=Path,
        help="KG directory (variant_features.csv.gz, edge_attributes.csv.gz, kg.csv.gz, nodes.csv.gz)",
    )
    parser.add_argument(
        "--index",
        required=True,
        type=Path,
        help="index directory; its export/ gives encoder vectors, variants/ is written",
    )
    parser.add_argument("--export", type=Path, help="training export directory (default <index>/export)")
    defaults = VariantTrainConfig()
    for name in _INT_OPTIONS:
        parser.add_argument(f"--{name.replace('_', '-')}", type=int, default=getattr(defaults, name))
    for name in _FLOAT_OPTIONS:
        parser.add_argument(f"--{name.replace('_', '-')}", type=float, default=getattr(defaults, name))
    parser.add_argument(
        "--context-copy",
        action=argparse.BooleanOptionalAction,
        default=defaults.context_copy,
        help="add the near/gdis diseases' embeddings to the variant embedding (learned weight per group)",
    )
    parser.add_argument(
        "--dropped-groups",
        default=",".join(defaults.dropped_groups),
        help=f"comma-separated token groups to leave out of the vocabulary (of {', '.join(TOKEN_GROUPS)})",
    )
    args = parser.parse_args(argv)
    args.dropped_groups = tuple(group for group in args.dropped_groups.split(",") if group)
    unknown = [group for group in args.dropped_groups if group not in TOKEN_GROUPS]
    if unknown:
        parser.error(f"--dropped-groups: unknown group {', '.join(unknown)} (groups: {', '.join(TOKEN_GROUPS)})")
    options = _INT_OPTIONS + _FLOAT_OPTIONS + ("context_copy", "dropped_groups")
    config = VariantTrainConfig(**{name: getattr(args, name) for name in options})
    started = time.time()
    data = load_variant_data(args.kg)
    vectors = load_encoder_vectors(args.export or args.index / "export")
    prepared = prepare(data, vectors, config)
    print(
        f"{len(data.variants)} variants, {len(prepared.vocabulary.tokens)} tokens, "
        f"{len(data.associations)} associations; split {len(prepared.split.train)}/"
        f"{len(prepared.split.valid)}/{len(prepared.split.test)} ({time.time() - started:.0f}s)",
        flush=True,
    )
    model, training = train_variant_model(prepared, config, log=lambda line: print(line, flush=True))
    out = export_variant_model(args.index, model, prepared, config, training)
    print(f"wrote {out} (best epoch {training['bestEpoch']}, valid {training['valid']})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
