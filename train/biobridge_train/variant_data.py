"""GWAS variant data for the learned variant encoder: features, links, split and featurisation.

Reads the KG directory (``variant_features.csv.gz``, ``edge_attributes.csv.gz``, ``kg.csv.gz``,
``nodes.csv.gz``) and the encoder vectors of genes, diseases and phenotypes from an index's
training export. The featurisation here is mirrored token for token by
``src/encoders/variant-features.ts``; FORMAT.md § 4 names the tokens.
"""

from __future__ import annotations

import csv
import gzip
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np

from .export_format import read_export

VARIANT = "variant"
DISEASE = "disease"
GENE = "gene/protein"
PHENOTYPE = "effect/phenotype"
TAIL_TYPES = (DISEASE, GENE, PHENOTYPE)

#: Width of the two position bins: ~1 Mb (regional) and 100 kb (about an LD block).
POSITION_BINS = (1_000_000, 100_000)
ALLELES = ("A", "C", "G", "T")
#: Token groups; the featuriser spreads weight 1 over the tokens of each group present.
#: `gdis` (diseases the KG links to the mapped genes) and `near` (diseases of the nearest reference
#: variants on the chromosome, weighted 1/rank) come from the KG rather than from the variant itself.
TOKEN_GROUPS = ("chr", "bin1000000", "bin100000", "gene", "ctx", "allele", "gdis", "near")
#: Reference variants consulted for the `near` group.
NEAR_VARIANTS = 10


@dataclass
class VariantRecord:
    node_index: int
    rsid: str
    chrom: str
    pos: Optional[int]
    mapped_gene: str
    context: str
    risk_allele: str


@dataclass
class VariantData:
    variants: List[VariantRecord]
    gene_symbols: Dict[str, int]  # gene/protein name → node_index
    # (variant node, disease node, −log10 p, or_beta or nan, pubmed id) per association
    associations: List[Tuple[int, int, float, float, str]]
    variant_genes: Dict[int, List[int]]  # variant → gene nodes (variant_protein edges)
    disease_phenotypes: Dict[int, List[int]]  # disease → phenotypes (disease_phenotype_positive)
    disease_genes: Dict[int, List[int]]  # disease → genes (disease_protein)
    nodes_of_type: Dict[str, np.ndarray] = field(default_factory=dict)  # ascending node indices


def _rows(path: Path) -> Iterable[Dict[str, str]]:
    with gzip.open(path, "rt", newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


def split_genes(mapped_gene: str) -> List[str]:
    """Symbols of ``mapped_gene``: "A - B" (flanking genes of an intergenic SNP) or "A, B" / "A;B"."""
    text = mapped_gene.strip()
    if not text:
        return []
    parts = re.split(r"\s+-\s+", text) if " - " in text else re.split(r"[;,]\s*", text)
    seen: List[str] = []
    for part in (item.strip() for item in parts):
        if part and part not in seen:
            seen.append(part)
    return seen


def variant_tokens(
    chrom: str, pos: Optional[int], mapped_gene: str, context: str, risk_allele: str
) -> Dict[str, List[str]]:
    """Tokens of one variant by group (see TOKEN_GROUPS); empty fields give no tokens."""
    chrom = normal_chrom(chrom)
    groups: Dict[str, List[str]] = {name: [] for name in TOKEN_GROUPS if name not in ("gdis", "near")}
    if chrom:
        groups["chr"].append(f"chr:{chrom}")
        if pos is not None and pos >= 0:
            for width in POSITION_BINS:
                groups[f"bin{width}"].append(f"bin{width}:{chrom}:{pos // width}")
    groups["gene"] = [f"gene:{symbol.upper()}" for symbol in split_genes(mapped_gene)]
    contexts: List[str] = []
    for part in (item.strip() for item in re.split(r"[;,]", context)):
        if part and f"ctx:{part}" not in contexts:
            contexts.append(f"ctx:{part}")
    groups["ctx"] = contexts
    allele = risk_allele.strip().upper()
    groups["allele"] = [f"allele:{allele if allele in ALLELES else '?'}"]
    return groups


def normal_chrom(chrom: str) -> str:
    return chrom.strip().upper().removeprefix("CHR")


def gene_disease_tokens(
    symbols: Sequence[str], gene_symbols: Dict[str, int], gene_diseases: Dict[int, List[int]]
) -> List[str]:
    """`gdis:<disease node_index>` for every disease the KG links to a mapped gene (ascending, unique)."""
    diseases = set()
    for symbol in symbols:
        gene = gene_symbols.get(symbol.upper())
        if gene is not None:
            diseases.update(gene_diseases.get(gene, []))
    return [f"gdis:{disease}" for disease in sorted(diseases)]


class NearIndex:
    """Reference variants by chromosome, for the `near` group: diseases of the nearest ones."""

    def __init__(self, references: Sequence[VariantRecord], diseases_of: Dict[int, List[int]]):
        self.by_chrom: Dict[str, List[Tuple[int, int]]] = {}
        self.diseases_of = diseases_of
        for record in references:
            if record.pos is not None and normal_chrom(record.chrom):
                self.by_chrom.setdefault(normal_chrom(record.chrom), []).append((record.pos, record.node_index))

    def tokens(self, chrom: str, pos: Optional[int], exclude: Optional[int] = None) -> Dict[str, float]:
        if pos is None:
            return {}
        candidates = [item for item in self.by_chrom.get(normal_chrom(chrom), []) if item[1] != exclude]
        nearest = sorted(candidates, key=lambda item: (abs(item[0] - pos), item[1]))[:NEAR_VARIANTS]
        weights: Dict[str, float] = {}
        for rank, (_, node) in enumerate(nearest):
            for disease in sorted(set(self.diseases_of.get(node, []))):
                token = f"near:{disease}"
                weights[token] = weights.get(token, 0.0) + 1.0 / (rank + 1)
        return weights


def load_variant_data(kg_dir: Path) -> VariantData:
    names: Dict[str, int] = {}
    nodes_of_type: Dict[str, List[int]] = {DISEASE: [], GENE: [], PHENOTYPE: [], VARIANT: []}
    for row in _rows(kg_dir / "nodes.csv.gz"):
        node_type = row["node_type"]
        if node_type in nodes_of_type:
            nodes_of_type[node_type].append(int(row["node_index"]))
        if node_type == GENE:
            names.setdefault(row["node_name"].upper(), int(row["node_index"]))
    variants = []
    for row in _rows(kg_dir / "variant_features.csv.gz"):
        pos = row["pos"].strip()
        variants.append(
            VariantRecord(
                node_index=int(row["node_index"]),
                rsid=row["rsid"],
                chrom=row["chrom"],
                pos=int(pos) if pos.isdigit() else None,
                mapped_gene=row["mapped_gene"],
                context=row["context"],
                risk_allele=row["risk_allele"],
            )
        )
    variants.sort(key=lambda record: record.node_index)
    associations = []
    for row in _rows(kg_dir / "edge_attributes.csv.gz"):
        if row["relation"] != "variant_disease":
            continue
        mlog = float(row["pvalue_mlog"]) if row["pvalue_mlog"] else math.nan
        beta = float(row["or_beta"]) if row["or_beta"] else math.nan
        associations.append((int(row["x_index"]), int(row["y_index"]), mlog, beta, row["pubmed_id"]))
    variant_genes: Dict[int, List[int]] = {}
    disease_phenotypes: Dict[int, List[int]] = {}
    disease_genes: Dict[int, List[int]] = {}
    wanted = {
        ("variant_protein", VARIANT): variant_genes,
        ("disease_phenotype_positive", DISEASE): disease_phenotypes,
        ("disease_protein", DISEASE): disease_genes,
    }
    for row in _rows(kg_dir / "kg.csv.gz"):
        target = wanted.get((row["relation"], row["x_type"]))
        if target is not None:
            target.setdefault(int(row["x_index"]), []).append(int(row["y_index"]))
    return VariantData(
        variants=variants,
        gene_symbols=names,
        associations=associations,
        variant_genes=variant_genes,
        disease_phenotypes=disease_phenotypes,
        disease_genes=disease_genes,
        nodes_of_type={name: np.array(sorted(indices), dtype=np.int64) for name, indices in nodes_of_type.items()},
    )


@dataclass
class VariantSplit:
    seed: int
    train: np.ndarray  # variant node indices
    valid: np.ndarray
    test: np.ndarray


def split_variants(
    variants: Sequence[int], seed: int, test_fraction: float = 0.1, valid_fraction: float = 0.1
) -> VariantSplit:
    """Unseen-variant split: held-out variants lose all their edges (disease, gene, phenotype)."""
    ordered = np.array(sorted(variants), dtype=np.int64)
    order = np.random.default_rng([seed, 12]).permutation(len(ordered))
    n_test = int(math.floor(test_fraction * len(ordered)))
    n_valid = int(math.floor(valid_fraction * len(ordered)))
    test = np.sort(ordered[order[:n_test]])
    valid = np.sort(ordered[order[n_test : n_test + n_valid]])
    train = np.sort(ordered[order[n_test + n_valid :]])
    return VariantSplit(seed=seed, train=train, valid=valid, test=test)


@dataclass
class Vocabulary:
    tokens: List[str]
    column: Dict[str, int]

    @staticmethod
    def build(token_lists: Iterable[Dict[str, Any]]) -> "Vocabulary":
        seen = sorted({token for groups in token_lists for tokens in groups.values() for token in tokens})
        return Vocabulary(tokens=seen, column={token: i for i, token in enumerate(seen)})


def featurise(
    groups: Dict[str, Any],
    vocabulary: Vocabulary,
    gene_vector: Optional[np.ndarray],
    gene_dim: int,
) -> np.ndarray:
    """[tokens | mean gene vector].

    Each group's known tokens share weight 1: equally for a list, by weight for a dict.
    """
    row = np.zeros(len(vocabulary.tokens) + gene_dim, dtype=np.float32)
    for tokens in groups.values():
        weighted = tokens if isinstance(tokens, dict) else {token: 1.0 for token in tokens}
        known = {token: weight for token, weight in weighted.items() if token in vocabulary.column and weight > 0}
        total = sum(known.values())
        for token, weight in known.items():
            row[vocabulary.column[token]] += weight / total
    if gene_vector is not None:
        row[len(vocabulary.tokens) :] = gene_vector
    return row


@dataclass
class EncoderVectors:
    """Encoder vectors of the tail types (and genes for the variant's mapped-gene input)."""

    by_type: Dict[str, Tuple[np.ndarray, np.ndarray, str]]  # type → (node indices, vectors, configHash)

    def lookup(self, node_type: str) -> Dict[int, int]:
        indices = self.by_type[node_type][0]
        return {int(node): row for row, node in enumerate(indices)}


def load_encoder_vectors(export_dir: Path) -> EncoderVectors:
    export = read_export(export_dir, verify_hashes=False)
    result: Dict[str, Tuple[np.ndarray, np.ndarray, str]] = {}
    for table in export.tables.values():
        if table.type in TAIL_TYPES:
            result[table.type] = (
                table.node_indices.astype(np.int64),
                table.vectors.astype(np.float32),
                table.encoder_config_hash,
            )
    missing = [name for name in TAIL_TYPES if name not in result]
    if missing:
        raise ValueError(f"{export_dir}: the training export has no vectors for {', '.join(missing)}")
    return EncoderVectors(by_type=result)


def mean_gene_vector(
    symbols: Sequence[str], gene_symbols: Dict[str, int], gene_rows: Dict[int, int], gene_vectors: np.ndarray
) -> Optional[np.ndarray]:
    rows = [
        gene_rows[gene_symbols[s.upper()]]
        for s in symbols
        if s.upper() in gene_symbols and gene_symbols[s.upper()] in gene_rows
    ]
    if not rows:
        return None
    return gene_vectors[rows].mean(axis=0)
