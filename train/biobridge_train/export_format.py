"""Reader and writer of the training export (the interchange format specified in ``FORMAT.md``)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence

import numpy as np

from .atomic import PathLike, build_directory_atomic
from .registry import Registry, table_name_for_type

FORMAT_NAME = "biobridge-training-export"
FORMAT_VERSION = 1


class ExportFormatError(ValueError):
    """The export directory does not follow FORMAT.md; the message names the file and field."""


@dataclass
class NodeTable:
    type: str
    type_id: int
    vectors: np.ndarray  # float32 [rows, dim]
    node_indices: np.ndarray  # int32 [rows], strictly ascending
    encoder_config_hash: str
    encoder: Optional[Dict[str, Any]] = None

    @property
    def rows(self) -> int:
        return int(self.vectors.shape[0])

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])


@dataclass
class TrainingExport:
    directory: Path
    registry: Registry
    tables: Dict[int, NodeTable]  # by type id
    triples: np.ndarray  # int32 [N, 3]: head node_index, relation id, tail node_index
    data_hash: str
    manifest: Dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        largest = max(int(table.node_indices.max()) for table in self.tables.values())
        self.node_type_of = np.full(largest + 1, -1, dtype=np.int64)
        self.node_row_of = np.full(largest + 1, -1, dtype=np.int64)
        for type_id, table in self.tables.items():
            self.node_type_of[table.node_indices] = type_id
            self.node_row_of[table.node_indices] = np.arange(table.rows)

    @property
    def heads(self) -> np.ndarray:
        return self.triples[:, 0]

    @property
    def relations(self) -> np.ndarray:
        return self.triples[:, 1]

    @property
    def tails(self) -> np.ndarray:
        return self.triples[:, 2]

    @property
    def head_types(self) -> np.ndarray:
        return self.node_type_of[self.triples[:, 0]]

    @property
    def tail_types(self) -> np.ndarray:
        return self.node_type_of[self.triples[:, 2]]

    def dims(self) -> Dict[int, int]:
        return {type_id: table.dim for type_id, table in self.tables.items()}


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 22), b""):
            digest.update(chunk)
    return digest.hexdigest()


def compute_data_hash(
    registry: Registry,
    tables: Sequence[Dict[str, Any]],
    triples_count: int,
    triples_sha256: str,
) -> str:
    """sha256 over the canonical text of FORMAT.md § dataHash. ``tables`` are manifest entries."""
    lines = [
        f"{FORMAT_NAME}/{FORMAT_VERSION}",
        "\t".join(["nodeTypes", *registry.node_types]),
        "\t".join(["relations", *registry.relations]),
    ]
    for entry in sorted(tables, key=lambda item: item["typeId"]):
        lines.append(
            "\t".join(
                [
                    "table",
                    str(entry["typeId"]),
                    entry["type"],
                    str(entry["rows"]),
                    str(entry["dim"]),
                    entry["encoderConfigHash"],
                    entry["sha256"]["vectors"],
                    entry["sha256"]["nodeIndices"],
                ]
            )
        )
    lines.append("\t".join(["triples", str(triples_count), triples_sha256]))
    return hashlib.sha256(("\n".join(lines) + "\n").encode("utf-8")).hexdigest()


def write_export(
    directory: PathLike,
    registry: Registry,
    tables: Iterable[NodeTable],
    triples: np.ndarray,
    source: Optional[Dict[str, Any]] = None,
) -> Path:
    """Writes an export atomically. Tables are sorted by node index and triples lexicographically."""
    target = Path(directory)
    canonical_triples = canonicalise_triples(np.asarray(triples, dtype=np.int64))
    entries: List[Dict[str, Any]] = []
    with build_directory_atomic(target) as staging:
        (staging / "vectors").mkdir()
        for table in sorted(tables, key=lambda item: item.type_id):
            order = np.argsort(table.node_indices, kind="stable")
            vectors = np.ascontiguousarray(table.vectors[order], dtype="<f4")
            node_indices = np.ascontiguousarray(table.node_indices[order], dtype="<i4")
            name = table_name_for_type(table.type)
            vectors_path = f"vectors/{name}.f32"
            indices_path = f"vectors/{name}.i32"
            vectors.tofile(staging / vectors_path)
            node_indices.tofile(staging / indices_path)
            entry: Dict[str, Any] = {
                "type": table.type,
                "typeId": table.type_id,
                "table": name,
                "rows": int(vectors.shape[0]),
                "dim": int(vectors.shape[1]),
                "vectors": vectors_path,
                "nodeIndices": indices_path,
                "encoderConfigHash": table.encoder_config_hash,
                "sha256": {
                    "vectors": sha256_file(staging / vectors_path),
                    "nodeIndices": sha256_file(staging / indices_path),
                },
            }
            if table.encoder is not None:
                entry["encoder"] = table.encoder
            entries.append(entry)
        np.ascontiguousarray(canonical_triples, dtype="<i4").tofile(staging / "triples.i32")
        triples_sha = sha256_file(staging / "triples.i32")
        manifest: Dict[str, Any] = {
            "format": FORMAT_NAME,
            "formatVersion": FORMAT_VERSION,
            "createdAt": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
            "registry": registry.to_json(),
            "nodeTables": entries,
            "triples": {
                "file": "triples.i32",
                "count": int(canonical_triples.shape[0]),
                "sha256": triples_sha,
            },
            "dataHash": compute_data_hash(registry, entries, int(canonical_triples.shape[0]), triples_sha),
        }
        if source is not None:
            manifest["source"] = source
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        # The staged manifest is validated by reading it back before it replaces the old export.
        read_export(staging)
    return target


def canonicalise_triples(triples: np.ndarray) -> np.ndarray:
    if triples.ndim != 2 or triples.shape[1] != 3:
        raise ExportFormatError(f"triples must have shape [N, 3], got {list(triples.shape)}")
    order = np.lexsort((triples[:, 2], triples[:, 1], triples[:, 0]))
    ordered = triples[order]
    if len(ordered) > 1:
        same = np.all(ordered[1:] == ordered[:-1], axis=1)
        ordered = ordered[np.concatenate([[True], ~same])]
    return ordered


def read_export(directory: PathLike, verify_hashes: bool = True) -> TrainingExport:
    root = Path(directory)
    manifest_path = root / "manifest.json"
    if not manifest_path.is_file():
        raise ExportFormatError(f"{manifest_path}: missing (not a training export directory)")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ExportFormatError(
            f"{manifest_path}: invalid JSON at line {error.lineno} column {error.colno}: {error.msg}"
        ) from error

    def fail(field_name: str, problem: str) -> ExportFormatError:
        return ExportFormatError(f"{manifest_path}: {field_name}: {problem}")

    if manifest.get("format") != FORMAT_NAME:
        raise fail("format", f'expected "{FORMAT_NAME}", got {manifest.get("format")!r}')
    if manifest.get("formatVersion") != FORMAT_VERSION:
        raise fail("formatVersion", f"expected {FORMAT_VERSION}, got {manifest.get('formatVersion')!r}")
    try:
        registry = Registry.from_json(manifest.get("registry"))
    except ValueError as error:
        raise fail("registry", str(error)) from error
    for name in (*registry.node_types, *registry.relations):
        if "\t" in name or "\n" in name:
            raise fail("registry", f"names must not contain tabs or newlines: {name!r}")

    entries = manifest.get("nodeTables")
    if not isinstance(entries, list) or not entries:
        raise fail("nodeTables", "must be a non-empty array")
    tables: Dict[int, NodeTable] = {}
    for position, entry in enumerate(entries):
        where = f"nodeTables[{position}]"
        for key in ("type", "typeId", "rows", "dim", "vectors", "nodeIndices", "encoderConfigHash", "sha256"):
            if key not in entry:
                raise fail(f"{where}.{key}", "missing")
        if entry["type"] not in registry.node_types:
            raise fail(f"{where}.type", f'"{entry["type"]}" is not in registry.nodeTypes')
        if registry.type_id(entry["type"]) != entry["typeId"]:
            raise fail(
                f"{where}.typeId",
                f'{entry["typeId"]} does not match the registry position {registry.type_id(entry["type"])}',
            )
        if entry["typeId"] in tables:
            raise fail(f"{where}.type", f'"{entry["type"]}" has two tables')
        rows, dim = entry["rows"], entry["dim"]
        if not (isinstance(rows, int) and rows > 0 and isinstance(dim, int) and dim > 0):
            raise fail(f"{where}", f"rows and dim must be positive integers, got rows={rows!r} dim={dim!r}")
        if not isinstance(entry["encoderConfigHash"], str) or not entry["encoderConfigHash"]:
            raise fail(f"{where}.encoderConfigHash", "must be a non-empty string")
        vectors_path = root / entry["vectors"]
        indices_path = root / entry["nodeIndices"]
        vectors = _read_binary(vectors_path, "<f4", rows * dim).reshape(rows, dim)
        node_indices = _read_binary(indices_path, "<i4", rows)
        if verify_hashes:
            for key, path in (("vectors", vectors_path), ("nodeIndices", indices_path)):
                actual = sha256_file(path)
                if actual != entry["sha256"].get(key):
                    raise fail(f"{where}.sha256.{key}", f"{path.name} has sha256 {actual}")
        if rows > 1 and not np.all(np.diff(node_indices) > 0):
            raise ExportFormatError(f"{indices_path}: node indices must be strictly ascending")
        if node_indices[0] < 0:
            raise ExportFormatError(f"{indices_path}: node indices must be non-negative")
        if not np.all(np.isfinite(vectors)):
            bad_row = int(np.argwhere(~np.isfinite(vectors))[0][0])
            raise ExportFormatError(f"{vectors_path}: row {bad_row} has a NaN or infinite value")
        tables[entry["typeId"]] = NodeTable(
            type=entry["type"],
            type_id=entry["typeId"],
            vectors=vectors,
            node_indices=node_indices,
            encoder_config_hash=entry["encoderConfigHash"],
            encoder=entry.get("encoder"),
        )

    all_indices = np.concatenate([table.node_indices for table in tables.values()])
    if len(np.unique(all_indices)) != len(all_indices):
        raise fail("nodeTables", "a node index appears in more than one table")

    triples_entry = manifest.get("triples") or {}
    for key in ("file", "count", "sha256"):
        if key not in triples_entry:
            raise fail(f"triples.{key}", "missing")
    triples_path = root / triples_entry["file"]
    count = triples_entry["count"]
    triples = _read_binary(triples_path, "<i4", count * 3).reshape(count, 3)
    if verify_hashes and sha256_file(triples_path) != triples_entry["sha256"]:
        raise fail("triples.sha256", f"{triples_path.name} does not match")
    _validate_triples(triples, tables, registry, all_indices, triples_path)

    data_hash = compute_data_hash(registry, entries, count, triples_entry["sha256"])
    if manifest.get("dataHash") != data_hash:
        raise fail("dataHash", f"expected {data_hash} from the listed files, got {manifest.get('dataHash')!r}")
    return TrainingExport(root, registry, tables, triples, data_hash, manifest)


def _read_binary(path: Path, dtype: str, count: int) -> np.ndarray:
    if not path.is_file():
        raise ExportFormatError(f"{path}: missing")
    expected = count * 4
    actual = path.stat().st_size
    if actual != expected:
        raise ExportFormatError(f"{path}: expected {expected} bytes ({count} values), found {actual}")
    return np.fromfile(path, dtype=dtype).astype(dtype[1:], copy=False)


def _validate_triples(
    triples: np.ndarray,
    tables: Dict[int, NodeTable],
    registry: Registry,
    all_indices: np.ndarray,
    path: Path,
) -> None:
    if len(triples) == 0:
        raise ExportFormatError(f"{path}: no triples")
    known = np.sort(all_indices)
    for column, label in ((0, "head"), (2, "tail")):
        values = triples[:, column]
        position = np.clip(np.searchsorted(known, values), 0, len(known) - 1)
        missing = known[position] != values
        if missing.any():
            row = int(np.argmax(missing))
            raise ExportFormatError(f"{path}: row {row}: {label} node {int(values[row])} has no vector in any table")
    relations = triples[:, 1]
    bad = (relations < 0) | (relations >= len(registry.relations))
    if bad.any():
        row = int(np.argmax(bad))
        raise ExportFormatError(f"{path}: row {row}: relation id {int(relations[row])} is not in the registry")
    if len(triples) > 1:
        previous, current = triples[:-1].astype(np.int64), triples[1:].astype(np.int64)
        greater = (current[:, 0] > previous[:, 0]) | (
            (current[:, 0] == previous[:, 0])
            & (
                (current[:, 1] > previous[:, 1])
                | ((current[:, 1] == previous[:, 1]) & (current[:, 2] > previous[:, 2]))
            )
        )
        if not greater.all():
            row = int(np.argmin(greater)) + 1
            raise ExportFormatError(
                f"{path}: row {row}: triples must be sorted by (head, relation, tail) without duplicates"
            )
