"""The ligand → target model: from a drug's packed ligand fingerprint to the proteins it binds, a
fused-ranking component for drug heads (README "Ligand-target model"). It has one or two heads
(``--heads``): ``kernel``, kernel ridge regression over the mean-Tanimoto similarity to the training
drugs (``ligand_kernel.py``; seconds to fit, the default), and ``mlp``, a multi-label MLP on the
fingerprint bits (minutes per epoch on two cores); with both, the service averages them.

Inputs are the bits of ``<index>/ligands/fingerprints.u8`` (five RDKit fingerprints packed by
``src/chem/ligand-fingerprint.ts``; bit ``j`` of byte ``b`` is input ``8 b + j``, least significant
bit first). Outputs are the tails of ``--relation`` (default ``target``) that at least one training
drug links to; each output is an independent sigmoid (binary cross-entropy), so one drug can hit
several proteins. Training drugs are the drugs with such links in the ``train`` part of the split
(``export/splits/<split>.*``): the unseen-drug split's test and validation drugs lost every edge
there, so the model never sees them and the fusion weights fitted on validation drugs stay honest.
``--split all`` learns from every drug of the KG: the model the service should answer new molecules
with, which no benchmark may score (it has seen every KG drug).

    python3 -m biobridge_train.ligand_model --index <index> [--split unseen-drug|all] [--heads kernel,mlp]
        [--epochs 40] [--out <index>/ligand-model]

writes ``--out`` atomically: ``kernel.onnx`` (input ``similarities`` float32 [batch, drugs] in the
order of ``drugs.i32``, output ``scores`` float32 [batch, tails]) and ``fingerprints.u8`` (the
training drugs' packed fingerprints) for the kernel head; ``model.onnx`` (input ``bits`` float32
[batch, bits], output ``probabilities`` float32 [batch, tails]) for the MLP head; ``tails.i32``
(node index of each output), ``drugs.i32`` (the training drugs, so an evaluation can refuse a model
that saw its held-out drugs) and ``ligand-model.json`` (heads, sha256 of each file), read by
``src/retrieval/ligand-model.ts``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
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
from .export_onnx import _check_onnx as check_onnx
from .export_onnx import _export as export_traced
from .ligand_kernel import DEFAULT_RIDGE, export_kernel_head, fit_kernel_weights, part_slices

FORMAT_NAME = "biobridge-ligand-model"
FORMAT_VERSION = 1
MODEL_DIRECTORY = "ligand-model"
ONNX_FILE = "model.onnx"
KERNEL_FILE = "kernel.onnx"
FINGERPRINTS_FILE = "fingerprints.u8"
HEADS = ("kernel", "mlp")
# The split whose "training" part is the whole KG (the served model).
ALL_DRUGS = "all"
TAILS_FILE = "tails.i32"
DRUGS_FILE = "drugs.i32"
META_FILE = "ligand-model.json"


@dataclass
class LigandModelConfig:
    # Chosen on the validation drugs of the unseen-drug split of ../shared/kg (README): hidden 512,
    # 40 epochs gave validation Hits@10 0.716 alone (ligand similarity 0.729) and raised the MRR of
    # ligand similarity + model from 0.581 to 0.616.
    hidden_dim: int = 512
    input_dropout: float = 0.2
    dropout: float = 0.5
    epochs: int = 40
    batch_size: int = 128
    learning_rate: float = 1e-3
    weight_decay: float = 1e-2
    seed: int = 0
    threads: int = 1


class LigandTargetModel(nn.Module):
    """Set bits → logits [batch, tails]: input dropout, one ReLU hidden layer, dropout, linear.

    The first layer is an ``EmbeddingBag`` over the indices of the set bits (about a tenth of the
    inputs), the same function as a dense ``Linear`` on the bit vector at a fraction of the cost;
    the export turns it back into a dense layer.
    """

    def __init__(self, inputs: int, tails: int, config: LigandModelConfig):
        super().__init__()
        self.input_dropout = config.input_dropout
        self.first = nn.EmbeddingBag(inputs, config.hidden_dim, mode="sum")
        nn.init.uniform_(self.first.weight, -(inputs**-0.5), inputs**-0.5)
        self.first_bias = nn.Parameter(torch.zeros(config.hidden_dim))
        self.rest = nn.Sequential(nn.ReLU(), nn.Dropout(config.dropout), nn.Linear(config.hidden_dim, tails))

    def forward(self, indices: torch.Tensor, offsets: torch.Tensor) -> torch.Tensor:
        weights = None
        if self.training and self.input_dropout > 0:
            # Inverted dropout on the set bits, as nn.Dropout does on a dense input.
            kept = (torch.rand(len(indices)) >= self.input_dropout).float()
            weights = kept / (1 - self.input_dropout)
        return self.rest(self.first(indices, offsets, per_sample_weights=weights) + self.first_bias)


class ExportedModel(nn.Module):
    """What ONNX holds: dense bits [batch, inputs] → sigmoid probabilities, comparable across queries."""

    def __init__(self, model: LigandTargetModel):
        super().__init__()
        weight = model.first.weight.detach()
        self.first = nn.Linear(weight.shape[0], weight.shape[1])
        with torch.no_grad():
            self.first.weight.copy_(weight.t())
            self.first.bias.copy_(model.first_bias.detach())
        self.rest = model.rest

    def forward(self, bits: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.rest(self.first(bits)))


def bags(set_bits: Sequence[np.ndarray], rows: Sequence[int]) -> Tuple[torch.Tensor, torch.Tensor]:
    """EmbeddingBag inputs (set-bit indices, offsets) of the given rows."""
    lists = [set_bits[row] for row in rows]
    offsets = np.cumsum([0] + [len(items) for items in lists[:-1]])
    flat = np.concatenate(lists) if lists else np.zeros(0, dtype=np.int64)
    return torch.from_numpy(flat.astype(np.int64)), torch.from_numpy(offsets.astype(np.int64))


def unpack_bits(packed: np.ndarray) -> np.ndarray:
    """[n, bytes] uint8 → [n, 8 · bytes] float32, least significant bit of each byte first."""
    return np.unpackbits(packed, axis=1, bitorder="little").astype(np.float32)


@dataclass
class LigandData:
    """Training matrix of one split: fingerprint bits and the multi-hot tails of each training drug."""

    drugs: np.ndarray  # node index of each row
    bits: np.ndarray  # [drugs, inputs] float32
    packed: np.ndarray  # [drugs, bytes_per_molecule] uint8, as ligands/fingerprints.u8
    labels: np.ndarray  # [drugs, tails] float32 (0/1)
    tails: np.ndarray  # node index of each label column
    bytes_per_molecule: int
    parts: List[str]


def _read_i32(path: Path) -> np.ndarray:
    return np.fromfile(path, dtype=np.int32)


def training_links(
    triples: np.ndarray, rows: Optional[np.ndarray], relation: int, heads: set, tails: set, excluded: set
) -> Dict[int, set]:
    """head → tails of ``relation`` over the given triple rows (all rows when None), held-out heads left out."""
    chosen = triples if rows is None else triples[rows]
    chosen = chosen[chosen[:, 1] == relation]
    links: Dict[int, set] = {}
    for head, _, tail in chosen.tolist():
        if head in heads and tail in tails and head not in excluded:
            links.setdefault(head, set()).add(tail)
    return links


def load_ligand_data(
    index: Path, split: str, relation: str = "target", head_type: str = "drug", tail_type: str = "gene/protein"
) -> LigandData:
    export = index / "export"
    manifest = json.loads((export / "manifest.json").read_text())
    relations: List[str] = manifest["registry"]["relations"]
    if relation not in relations:
        raise SystemExit(f"{export / 'manifest.json'}: no relation {relation!r} in the registry")
    tables = {table["type"]: table for table in manifest["nodeTables"]}
    for node_type in (head_type, tail_type):
        if node_type not in tables:
            raise SystemExit(f"{export / 'manifest.json'}: the export has no {node_type} table")
    heads = set(_read_i32(export / tables[head_type]["nodeIndices"]).tolist())
    tail_nodes = set(_read_i32(export / tables[tail_type]["nodeIndices"]).tolist())
    triples = _read_i32(export / manifest["triples"]["file"]).reshape(-1, 3)
    held_out, train_rows = split_training_rows(export, split)
    links = training_links(triples, train_rows, relations.index(relation), heads, tail_nodes, held_out)

    ligands = index / "ligands"
    ligand_meta = json.loads((ligands / "ligands.json").read_text())
    nodes = _read_i32(ligands / "nodes.i32")
    packed = np.fromfile(ligands / "fingerprints.u8", dtype=np.uint8).reshape(len(nodes), -1)
    row_of = {int(node): row for row, node in enumerate(nodes)}
    drugs = np.array(sorted(drug for drug in links if drug in row_of), dtype=np.int32)
    tails = np.array(sorted({tail for drug in drugs.tolist() for tail in links[drug]}), dtype=np.int32)
    column_of = {int(tail): column for column, tail in enumerate(tails)}
    labels = np.zeros((len(drugs), len(tails)), dtype=np.float32)
    for row, drug in enumerate(drugs.tolist()):
        labels[row, [column_of[tail] for tail in links[drug]]] = 1.0
    chosen = packed[[row_of[int(drug)] for drug in drugs]] if len(drugs) else np.zeros((0, packed.shape[1]), np.uint8)
    bits = unpack_bits(chosen)
    return LigandData(
        drugs, bits, chosen, labels, tails, int(ligand_meta["bytesPerMolecule"]), list(ligand_meta["parts"])
    )


def split_training_rows(export: Path, split: str) -> Tuple[set, Optional[np.ndarray]]:
    """(held-out nodes, training triple rows) of a split; ``all``: nothing held out, every row."""
    if split == ALL_DRUGS:
        return set(), None
    split_path = export / "splits" / f"{split}.json"
    if not split_path.exists():
        raise SystemExit(f"{split_path} is missing; `biobridge train-ligand-model` writes unseen splits first")
    files = json.loads(split_path.read_text())["files"]
    held_out = set(_read_i32(export / "splits" / files["heldOutNodes"]).tolist())
    return held_out, _read_i32(export / "splits" / files["train"])


def train_ligand_model(
    data: LigandData, config: LigandModelConfig, log=print
) -> Tuple[LigandTargetModel, List[Dict[str, float]]]:
    torch.manual_seed(config.seed)
    torch.set_num_threads(config.threads)
    labels = torch.from_numpy(data.labels)
    model = LigandTargetModel(data.bits.shape[1], labels.shape[1], config)
    optimiser = torch.optim.AdamW(model.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay)
    generator = torch.Generator().manual_seed(config.seed)
    set_bits = [np.flatnonzero(row) for row in data.bits]
    history: List[Dict[str, float]] = []
    for epoch in range(1, config.epochs + 1):
        started = time.time()
        model.train()
        order = torch.randperm(len(labels), generator=generator)
        total = 0.0
        for start in range(0, len(order), config.batch_size):
            batch = order[start : start + config.batch_size]
            logits = model(*bags(set_bits, batch.tolist()))
            # Summed over tails, so rare targets are not drowned by thousands of negatives' mean.
            loss = F.binary_cross_entropy_with_logits(logits, labels[batch], reduction="sum") / len(batch)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            total += float(loss) * len(batch)
        history.append({"epoch": epoch, "loss": total / max(len(labels), 1), "seconds": time.time() - started})
        last = history[-1]
        log(f"ligand model epoch {epoch}/{config.epochs} loss {last['loss']:.4f} ({last['seconds']:.1f} s)")
    model.eval()
    return model, history


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def export_ligand_model(
    heads: Dict[str, Any],
    data: LigandData,
    target: Path,
    meta: Dict[str, Any],
    opset: int = 17,
) -> Path:
    """Writes the model directory ``target`` atomically: each head's ONNX file, the shared output and
    training-drug lists, and the metadata with the sha256 of every file."""
    files: Dict[str, Dict[str, str]] = {}
    with build_directory_atomic(target) as staging:
        if "kernel" in heads:
            export_kernel_head(heads["kernel"], staging / KERNEL_FILE, opset)
            data.packed.astype(np.uint8).tofile(staging / FINGERPRINTS_FILE)
            files["kernel"] = _file_entry(staging, KERNEL_FILE)
            files["fingerprints"] = _file_entry(staging, FINGERPRINTS_FILE)
        if "mlp" in heads:
            _export_mlp(heads["mlp"], data, staging / ONNX_FILE, opset)
            files["onnx"] = _file_entry(staging, ONNX_FILE)
        data.tails.astype("<i4").tofile(staging / TAILS_FILE)
        data.drugs.astype("<i4").tofile(staging / DRUGS_FILE)
        files["tails"] = _file_entry(staging, TAILS_FILE)
        files["drugs"] = _file_entry(staging, DRUGS_FILE)
        (staging / META_FILE).write_text(json.dumps({**meta, "heads": sorted(heads), "files": files}, indent=2) + "\n")
    return target


def _file_entry(directory: Path, name: str) -> Dict[str, str]:
    return {"file": name, "sha256": _sha256(directory / name)}


def _export_mlp(model: LigandTargetModel, data: LigandData, path: Path, opset: int) -> None:
    sample = torch.from_numpy(data.bits[:4])
    export_traced(ExportedModel(model).eval(), (sample,), path, ["bits"], "probabilities", opset)
    check_onnx(path, ["bits"], "probabilities")


def parse_heads(text: str) -> List[str]:
    heads = [head.strip() for head in text.split(",") if head.strip()]
    unknown = [head for head in heads if head not in HEADS]
    if not heads or unknown:
        raise SystemExit(f"--heads: expected a comma-separated subset of {list(HEADS)}, got {text!r}")
    return heads


def train_heads(data: LigandData, heads: Sequence[str], config: LigandModelConfig, ridge: float) -> Dict[str, Any]:
    """Each requested head fitted on the training drugs (kernel weights, or the trained MLP)."""
    trained: Dict[str, Any] = {}
    if "kernel" in heads:
        started = time.time()
        slices = part_slices(data.parts, data.bytes_per_molecule)
        trained["kernel"] = fit_kernel_weights(data.bits, data.labels, slices, ridge)
        print(f"ligand model: kernel head fitted ({time.time() - started:.1f} s)", flush=True)
    if "mlp" in heads:
        trained["mlp"], history = train_ligand_model(data, config)
        trained["mlpLoss"] = history[-1]["loss"]
    return trained


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", required=True, type=Path)
    parser.add_argument(
        "--split", default="unseen-drug", help="split whose train part is learned from; all: every KG drug"
    )
    parser.add_argument("--out", type=Path, help="model directory (default <index>/ligand-model)")
    parser.add_argument("--heads", default="kernel", help="kernel, mlp or kernel,mlp")
    parser.add_argument("--ridge", type=float, default=DEFAULT_RIDGE, help="kernel head: ridge λ")
    parser.add_argument("--relation", default="target")
    parser.add_argument("--head-type", default="drug")
    parser.add_argument("--tail-type", default="gene/protein")
    defaults = LigandModelConfig()
    parser.add_argument("--hidden-dim", type=int, default=defaults.hidden_dim)
    parser.add_argument("--epochs", type=int, default=defaults.epochs)
    parser.add_argument("--batch-size", type=int, default=defaults.batch_size)
    parser.add_argument("--learning-rate", type=float, default=defaults.learning_rate)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--threads", type=int, default=defaults.threads)
    args = parser.parse_args(argv)
    heads = parse_heads(args.heads)
    config = LigandModelConfig(
        hidden_dim=args.hidden_dim,
        epochs=args.epochs,
        batch_size=args.batch_size,
        learning_rate=args.learning_rate,
        seed=args.seed,
        threads=args.threads,
    )
    started = time.time()
    data = load_ligand_data(args.index, args.split, args.relation, args.head_type, args.tail_type)
    if len(data.drugs) == 0 or len(data.tails) == 0:
        print(f"no {args.head_type} with {args.relation} links and fingerprints in {args.split}.train", file=sys.stderr)
        return 2
    print(
        f"ligand model: {len(data.drugs)} training drugs, {len(data.tails)} tails, {data.bits.shape[1]} input bits",
        flush=True,
    )
    trained = train_heads(data, heads, config, args.ridge)
    meta: Dict[str, Any] = {
        "format": FORMAT_NAME,
        "formatVersion": FORMAT_VERSION,
        "createdAt": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "split": args.split,
        "headType": args.head_type,
        "relation": args.relation,
        "tailType": args.tail_type,
        "fingerprint": {"parts": data.parts, "bytesPerMolecule": data.bytes_per_molecule},
        "inputBits": int(data.bits.shape[1]),
        "tails": int(len(data.tails)),
        "drugs": int(len(data.drugs)),
    }
    if "kernel" in heads:
        meta["kernel"] = {"ridge": args.ridge, "similarity": "mean-tanimoto"}
    if "mlp" in heads:
        meta.update(config=asdict(config), finalLoss=trained["mlpLoss"])
    meta["trainSeconds"] = round(time.time() - started, 1)
    target = export_ligand_model(
        {head: trained[head] for head in heads}, data, args.out or args.index / MODEL_DIRECTORY, meta
    )
    print(f"ligand model written to {target} ({time.time() - started:.0f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
