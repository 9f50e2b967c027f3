"""Train/valid/test splits of an export's triples, reproducible from a seed.

Kinds (FORMAT.md § Splits):
  inductive           the paper's split: 10% of the heads of each head type are held out; test =
                      triples whose head is held out; train = the rest (it may still contain edges
                      whose tail is a held-out node, as in the official BioBridge code).
  inductive-leakfree  same held-out heads and test; train drops every triple touching a held-out node.
  transductive        random 80/10/10 split of undirected pairs (both directions stay together).

    python3 -m biobridge_train.splits --data <export dir> [--kind all] [--seed 42]
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, Optional, Sequence, Tuple

import numpy as np

from .atomic import write_bytes_atomic, write_json_atomic
from .export_format import TrainingExport, read_export

SPLIT_FORMAT = "biobridge-split"
SPLIT_FORMAT_VERSION = 1
KINDS = ("inductive", "inductive-leakfree", "transductive")
DEFAULT_SEED = 42


class SplitError(ValueError):
    pass


@dataclass
class Split:
    name: str
    kind: str
    seed: int
    data_hash: str
    # Row indices into triples.i32, ascending.
    train: np.ndarray
    valid: np.ndarray
    test: np.ndarray
    # Node indices held out as heads (empty for transductive), ascending.
    held_out_nodes: np.ndarray
    parameters: Dict[str, float] = field(default_factory=dict)

    def counts(self) -> Dict[str, int]:
        return {
            "train": int(len(self.train)),
            "valid": int(len(self.valid)),
            "test": int(len(self.test)),
            "heldOutNodes": int(len(self.held_out_nodes)),
        }


def split_name(kind: str, seed: int) -> str:
    return kind if seed == DEFAULT_SEED else f"{kind}-seed{seed}"


def make_split(
    export: TrainingExport,
    kind: str,
    seed: int = DEFAULT_SEED,
    held_out_fraction: float = 0.1,
    transductive_fractions: Tuple[float, float] = (0.8, 0.1),
) -> Split:
    if kind not in KINDS:
        raise SplitError(f'unknown split kind "{kind}"; known: {", ".join(KINDS)}')
    rows = np.arange(len(export.triples), dtype=np.int64)
    empty = np.zeros(0, dtype=np.int64)
    if kind == "transductive":
        train_fraction, valid_fraction = transductive_fractions
        keys = _undirected_pair_keys(export)
        unique_keys, inverse = np.unique(keys, return_inverse=True)
        order = np.random.default_rng([seed]).permutation(len(unique_keys))
        part_of_pair = np.empty(len(unique_keys), dtype=np.int8)
        train_end = int(round(train_fraction * len(unique_keys)))
        valid_end = train_end + int(round(valid_fraction * len(unique_keys)))
        part_of_pair[order[:train_end]] = 0
        part_of_pair[order[train_end:valid_end]] = 1
        part_of_pair[order[valid_end:]] = 2
        part = part_of_pair[inverse]
        return Split(
            name=split_name(kind, seed),
            kind=kind,
            seed=seed,
            data_hash=export.data_hash,
            train=rows[part == 0],
            valid=rows[part == 1],
            test=rows[part == 2],
            held_out_nodes=empty,
            parameters={"trainFraction": train_fraction, "validFraction": valid_fraction},
        )

    held_out = hold_out_heads(export, export.heads, seed, held_out_fraction)
    head_held = np.isin(export.heads, held_out)
    test = rows[head_held]
    if kind == "inductive":
        train = rows[~head_held]
    else:
        train = rows[~head_held & ~np.isin(export.tails, held_out)]
    return Split(
        name=split_name(kind, seed),
        kind=kind,
        seed=seed,
        data_hash=export.data_hash,
        train=train,
        valid=empty,
        test=test,
        held_out_nodes=held_out,
        parameters={"heldOutFraction": held_out_fraction},
    )


def hold_out_heads(export: TrainingExport, heads: np.ndarray, seed: int, fraction: float, salt: int = 0) -> np.ndarray:
    """``int(fraction * n)`` of the distinct heads of each head type, as the official code does.

    Heads are sorted before sampling and each type has its own generator, so the choice depends on
    the set of heads only (not on triple order or on which other types exist).
    """
    chosen = []
    distinct = np.unique(heads)
    types = export.node_type_of[distinct]
    for type_id in np.unique(types):
        candidates = distinct[types == type_id]
        size = int(fraction * len(candidates))
        if size == 0:
            continue
        generator = np.random.default_rng([seed, salt, int(type_id)])
        chosen.append(generator.choice(candidates, size=size, replace=False))
    if not chosen:
        return np.zeros(0, dtype=np.int64)
    return np.sort(np.concatenate(chosen)).astype(np.int64)


def carve_validation(
    export: TrainingExport,
    split: Split,
    fraction: float,
    seed: int,
    max_triples: Optional[int] = None,
) -> Tuple[np.ndarray, np.ndarray]:
    """Training rows and validation rows for one run.

    Transductive splits bring their own valid part. For inductive kinds, ``fraction`` of the
    training heads of each type become validation heads: their triples leave training (for the
    leak-free kind, triples with such a node as tail leave too). ``fraction`` 0 keeps the split's
    training set unchanged (the paper's setting).
    """
    if split.kind == "transductive" or fraction <= 0:
        valid = split.valid
        train = split.train
    else:
        train_heads = export.heads[split.train]
        valid_heads = hold_out_heads(export, train_heads, seed, fraction, salt=1)
        head_valid = np.isin(train_heads, valid_heads)
        valid = split.train[head_valid]
        keep = ~head_valid
        if split.kind == "inductive-leakfree":
            keep &= ~np.isin(export.tails[split.train], valid_heads)
        train = split.train[keep]
    if max_triples is not None and len(valid) > max_triples:
        generator = np.random.default_rng([seed, 2])
        valid = np.sort(generator.choice(valid, size=max_triples, replace=False))
    return train, valid


def _undirected_pair_keys(export: TrainingExport) -> np.ndarray:
    heads = export.heads.astype(np.int64)
    tails = export.tails.astype(np.int64)
    low, high = np.minimum(heads, tails), np.maximum(heads, tails)
    stride = int(export.node_type_of.shape[0]) + 1
    relations = export.relations.astype(np.int64)
    return (low * len(export.registry.relations) + relations) * stride + high


def split_paths(export_dir: Path, name: str) -> Dict[str, Path]:
    base = export_dir / "splits"
    return {
        "json": base / f"{name}.json",
        "train": base / f"{name}.train.i32",
        "valid": base / f"{name}.valid.i32",
        "test": base / f"{name}.test.i32",
        "heldOutNodes": base / f"{name}.held-out-nodes.i32",
    }


def write_split(export: TrainingExport, split: Split) -> Path:
    paths = split_paths(export.directory, split.name)
    for key, values in (
        ("train", split.train),
        ("valid", split.valid),
        ("test", split.test),
        ("heldOutNodes", split.held_out_nodes),
    ):
        write_bytes_atomic(paths[key], np.ascontiguousarray(values, dtype="<i4").tobytes())
    held_by_type: Dict[str, int] = {}
    for type_id, count in zip(*np.unique(export.node_type_of[split.held_out_nodes], return_counts=True)):
        held_by_type[export.registry.node_types[int(type_id)]] = int(count)
    # The JSON is written last: its presence means the binary parts are complete.
    write_json_atomic(
        paths["json"],
        {
            "format": SPLIT_FORMAT,
            "formatVersion": SPLIT_FORMAT_VERSION,
            "name": split.name,
            "kind": split.kind,
            "seed": split.seed,
            "dataHash": split.data_hash,
            "parameters": split.parameters,
            "counts": split.counts(),
            "heldOutByType": held_by_type,
            "files": {key: path.name for key, path in paths.items() if key != "json"},
            "createdAt": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        },
    )
    return paths["json"]


def read_split(export: TrainingExport, name: str) -> Split:
    paths = split_paths(export.directory, name)
    if not paths["json"].is_file():
        raise SplitError(f"{paths['json']}: missing")
    meta = json.loads(paths["json"].read_text(encoding="utf-8"))
    if meta.get("format") != SPLIT_FORMAT or meta.get("formatVersion") != SPLIT_FORMAT_VERSION:
        raise SplitError(f"{paths['json']}: format: expected {SPLIT_FORMAT} version {SPLIT_FORMAT_VERSION}")
    if meta.get("dataHash") != export.data_hash:
        raise SplitError(
            f"{paths['json']}: dataHash: split was made for data {meta.get('dataHash')}, "
            f"the export is {export.data_hash}; delete the split files to rebuild them"
        )
    parts = {}
    for key in ("train", "valid", "test", "heldOutNodes"):
        path = paths[key]
        if not path.is_file():
            raise SplitError(f"{path}: missing")
        values = np.fromfile(path, dtype="<i4").astype(np.int64)
        if values.size != meta["counts"][key]:
            raise SplitError(f"{path}: expected {meta['counts'][key]} values, found {values.size}")
        parts[key] = values
    for key in ("train", "valid", "test"):
        values = parts[key]
        if values.size and (values.min() < 0 or values.max() >= len(export.triples)):
            raise SplitError(f"{paths[key]}: row index out of range for {len(export.triples)} triples")
    return Split(
        name=meta["name"],
        kind=meta["kind"],
        seed=meta["seed"],
        data_hash=meta["dataHash"],
        train=parts["train"],
        valid=parts["valid"],
        test=parts["test"],
        held_out_nodes=parts["heldOutNodes"],
        parameters=meta.get("parameters", {}),
    )


def load_or_create_split(export: TrainingExport, kind: str, seed: int = DEFAULT_SEED, write: bool = True) -> Split:
    """Reads ``splits/<name>.json`` when present, else makes the split (and writes it)."""
    name = split_name(kind, seed)
    if split_paths(export.directory, name)["json"].is_file():
        split = read_split(export, name)
        if split.kind != kind or split.seed != seed:
            raise SplitError(f"split {name} on disk has kind {split.kind} seed {split.seed}")
        return split
    split = make_split(export, kind, seed)
    if write:
        write_split(export, split)
    return split


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True, help="training export directory")
    parser.add_argument("--kind", choices=[*KINDS, "all"], default="all")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    export = read_export(args.data)
    for kind in KINDS if args.kind == "all" else [args.kind]:
        split = make_split(export, kind, args.seed)
        path = write_split(export, split)
        print(f"{path}: {json.dumps(split.counts())}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
