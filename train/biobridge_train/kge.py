"""KG-embedding baselines (TransE, DistMult, ComplEx, RotatE) on the transductive split, beside the bridge.

    python3 -m biobridge_train.kge --data <export> --tasks '<json>' --report-dir eval/reports \
        [--models transe,distmult,complex,rotate] [--bridge-run <run dir>] [--epochs 3] [--dim 200]

Entities are all nodes of the export; a relation is a (head type, relation, tail type) triple, so the
two directions of an undirected edge (drug -target-> protein, protein -target-> drug) are separate
relations, as the bridge sees them. Training is sampled softmax: each batch holds triples of one
relation and scores every positive against ``--negatives`` tails drawn uniformly from the tail type
(shared by the batch). The embedding of the epoch with the best validation MRR is evaluated.

Evaluation (shared with the bridge, which is scored in the same run): for each task (head type,
relation, tail type) every head with test triples is one query; its positives are its test tails;
the candidates are all nodes of the tail type minus the head's other known tails (train and
validation triples: the "filtered" setting). Metrics are ``ranking_metrics`` (a port of
src/eval/metrics.ts checked against it on a fixture), with 95 % percentile-bootstrap intervals over
queries, and a paired bootstrap of the bridge's MRR minus the best KGE model's.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Dict, List, NamedTuple, Optional, Sequence, TextIO, Tuple

import numpy as np
import torch
import torch.nn.functional as F

from .atomic import temporary_sibling, write_json_atomic
from .config_cli import config_parser
from .export_format import TrainingExport, read_export
from .ranking_metrics import bootstrap_interval, rank_query, summarize
from .splits import load_or_create_split

MODELS = ("transe", "distmult", "complex", "rotate")


@dataclass
class KgeConfig:
    """Every KGE setting and its default, declared once (the CLI is generated from it)."""

    data: str = dataclasses.field(metadata={"help": "training export directory (FORMAT.md)"})
    tasks: str = dataclasses.field(metadata={"help": "JSON list of {name, headType, relation, tailType}"})
    report_dir: Optional[str] = dataclasses.field(default=None, metadata={"help": "write kge-*.json/.md here"})
    models: str = dataclasses.field(default=",".join(MODELS), metadata={"help": "comma-separated subset of models"})
    bridge_run: Optional[str] = dataclasses.field(
        default=None, metadata={"help": "trainer run directory of a bridge trained on the transductive split"}
    )
    split_seed: int = dataclasses.field(default=42, metadata={"help": "seed of the transductive split"})
    dim: int = dataclasses.field(default=200, metadata={"help": "real dimensions per embedding (complex: dim/2)"})
    epochs: int = dataclasses.field(default=2, metadata={"help": "passes over the training triples"})
    batch_size: int = dataclasses.field(default=2048, metadata={"help": "triples per step (one relation per batch)"})
    negatives: int = dataclasses.field(default=256, metadata={"help": "tails of the tail type sampled per batch"})
    learning_rate: float = dataclasses.field(default=1e-2, metadata={"help": "SparseAdam learning rate"})
    regularization: float = dataclasses.field(default=1e-6, metadata={"help": "L2 on the embeddings in a batch"})
    train_relations: str = dataclasses.field(
        default="all",
        metadata={"help": "all, or tasks: only the tasks' relations in both directions (to fit a CPU budget)"},
    )
    max_train_triples: Optional[int] = dataclasses.field(
        default=None, metadata={"help": "train on a seeded subsample of the training triples (all by default)"}
    )
    model_dir: Optional[str] = dataclasses.field(
        default=None, metadata={"help": "keep trained models here; a model trained with the same settings is reused"}
    )
    valid_max_triples: int = dataclasses.field(default=500, metadata={"help": "validation queries per task and epoch"})
    bootstrap: int = dataclasses.field(default=1000, metadata={"help": "bootstrap resamples for the 95 % CIs"})
    seed: int = dataclasses.field(default=0, metadata={"help": "init, batch order, negatives, bootstrap"})
    threads: Optional[int] = dataclasses.field(default=None, metadata={"help": "CPU threads"})
    device: str = dataclasses.field(default="cpu", metadata={"help": "cpu, cuda or cuda:N"})


class Entities:
    """Dense ids for every node, contiguous per type, and relation ids per (head type, relation, tail type)."""

    def __init__(self, export: TrainingExport) -> None:
        self.offset: Dict[int, int] = {}
        self.count: Dict[int, int] = {}
        total = 0
        for type_id in sorted(export.tables):
            self.offset[type_id], self.count[type_id] = total, export.tables[type_id].rows
            total += export.tables[type_id].rows
        self.total = total
        type_offsets = np.zeros(len(export.registry.node_types), dtype=np.int64)
        for type_id, offset in self.offset.items():
            type_offsets[type_id] = offset
        self.entity_of_node = np.full(len(export.node_type_of), -1, dtype=np.int64)
        known = export.node_type_of >= 0
        self.entity_of_node[known] = type_offsets[export.node_type_of[known]] + export.node_row_of[known]
        keys = np.stack([export.head_types, export.relations.astype(np.int64), export.tail_types], axis=1)
        self.relation_keys, self.relation_of_triple = np.unique(keys, axis=0, return_inverse=True)
        self.relation_of_triple = self.relation_of_triple.reshape(-1)
        self.heads = self.entity_of_node[export.heads]
        self.tails = self.entity_of_node[export.tails]

    def relation_id(self, head_type: int, relation: int, tail_type: int) -> Optional[int]:
        matches = np.flatnonzero(np.all(self.relation_keys == (head_type, relation, tail_type), axis=1))
        return int(matches[0]) if len(matches) else None

    def tail_type(self, relation_id: int) -> int:
        return int(self.relation_keys[relation_id][2])


class KgeModel(torch.nn.Module):
    """Query embedding q(h, r) and a score of q against candidate tails, for the four models.

    TransE and RotatE score ``-||q - t||_2`` (RotatE's distance over the whole complex vector, not
    the sum of per-dimension moduli, so that all candidates of a type score in one matrix product).
    """

    def __init__(self, kind: str, entities: int, relations: int, dim: int) -> None:
        super().__init__()
        if kind not in MODELS:
            raise ValueError(f'--models: unknown model "{kind}"; known: {", ".join(MODELS)}')
        self.kind, self.dim = kind, dim
        # Sparse gradients: a step touches a few thousand of ~70k rows (dense Adam was 100x slower).
        self.entity = torch.nn.Embedding(entities, dim, sparse=True)
        relation_dim = dim // 2 if kind == "rotate" else dim
        self.relation = torch.nn.Embedding(relations, relation_dim, sparse=True)
        bound = 6 / math.sqrt(dim)
        torch.nn.init.uniform_(self.entity.weight, -bound, bound)
        if kind == "rotate":
            torch.nn.init.uniform_(self.relation.weight, -math.pi, math.pi)
        elif kind in ("distmult", "complex"):
            torch.nn.init.normal_(self.entity.weight, std=1e-1)
            torch.nn.init.normal_(self.relation.weight, std=1e-1)
        else:
            torch.nn.init.uniform_(self.relation.weight, -bound, bound)

    def query(self, heads: torch.Tensor, relations: torch.Tensor) -> torch.Tensor:
        h, r = self.entity(heads), self.relation(relations)
        if self.kind == "transe":
            return h + r
        if self.kind == "distmult":
            return h * r
        half = self.dim // 2
        h_re, h_im = h[:, :half], h[:, half:]
        if self.kind == "rotate":
            r_re, r_im = torch.cos(r), torch.sin(r)
        else:
            r_re, r_im = r[:, :half], r[:, half:]
        return torch.cat([h_re * r_re - h_im * r_im, h_re * r_im + h_im * r_re], dim=1)

    def score_pairs(self, queries: torch.Tensor, tails: torch.Tensor) -> torch.Tensor:
        """[queries]: the score of each query with its own tail."""
        if self.kind in ("distmult", "complex"):
            return (queries * tails).sum(1)
        return -torch.sqrt((queries - tails).pow(2).sum(1).clamp_min(1e-9))

    def score(self, queries: torch.Tensor, tails: torch.Tensor) -> torch.Tensor:
        """[queries, candidates]: dot products (DistMult, ComplEx) or negative L2 distances."""
        dots = queries @ tails.T
        if self.kind in ("distmult", "complex"):
            return dots
        squared = (queries * queries).sum(1, keepdim=True) + (tails * tails).sum(1)[None, :] - 2 * dots
        return -torch.sqrt(squared.clamp_min(1e-9))


@dataclass
class Query:
    head: int  # entity id
    positives: np.ndarray  # candidate positions (tail entity - type offset)
    known: np.ndarray  # other known tails' positions, excluded from the candidates


@dataclass
class TaskQueries:
    name: str
    relation_id: int
    tail_type: int
    candidates: int
    queries: List[Query]


def build_task_queries(
    export: TrainingExport,
    entities: Entities,
    evaluated_rows: np.ndarray,
    tasks: Sequence[Dict[str, str]],
    max_queries: Optional[int] = None,
    seed: int = 0,
) -> List[TaskQueries]:
    """One query per head with evaluated triples in each task (tasks the export lacks are skipped);
    ``max_queries`` keeps a seeded subset per task (validation)."""
    registry = export.registry
    in_test = np.zeros(len(export.triples), dtype=bool)
    in_test[evaluated_rows] = True
    result = []
    for task in tasks:
        if task["headType"] not in registry.node_types or task["tailType"] not in registry.node_types:
            continue
        if task["relation"] not in registry.relations:
            continue
        head_type, tail_type = registry.node_types.index(task["headType"]), registry.node_types.index(task["tailType"])
        relation_id = entities.relation_id(head_type, registry.relations.index(task["relation"]), tail_type)
        if relation_id is None:
            continue
        rows = np.flatnonzero(entities.relation_of_triple == relation_id)
        offset = entities.offset[tail_type]
        queries = []
        test_heads = np.unique(entities.heads[rows[in_test[rows]]])
        if max_queries is not None and len(test_heads) > max_queries:
            test_heads = np.sort(np.random.RandomState(seed).choice(test_heads, max_queries, replace=False))
        by_head = {int(head): ([], []) for head in test_heads}
        for row in rows:
            lists = by_head.get(int(entities.heads[row]))
            if lists is not None:
                lists[0 if in_test[row] else 1].append(int(entities.tails[row]) - offset)
        for head, (positives, known) in sorted(by_head.items()):
            queries.append(Query(head, np.array(positives, dtype=np.int64), np.array(known, dtype=np.int64)))
        result.append(TaskQueries(task["name"], relation_id, tail_type, entities.count[tail_type], queries))
    return result


def score_tasks(
    tasks: Sequence[TaskQueries], scorer: Callable[[TaskQueries, np.ndarray], np.ndarray], chunk: int = 256
) -> Dict[str, Dict[str, Any]]:
    """Per task: the metric summary and per-query first ranks (for bootstraps)."""
    results = {}
    for task in tasks:
        rankings = []
        for start in range(0, len(task.queries), chunk):
            batch = task.queries[start : start + chunk]
            scores = scorer(task, np.array([query.head for query in batch], dtype=np.int64))
            for query, row in zip(batch, scores):
                allowed = np.ones(task.candidates, dtype=bool)
                allowed[query.known] = False
                allowed[query.positives] = True
                rankings.append(rank_query(row, query.positives, allowed))
        summary = summarize(rankings, task.candidates)
        results[task.name] = {"summary": summary, "ranks": np.array([r.first_rank for r in rankings])}
    return results


def kge_scorer(model: KgeModel, entities: Entities, device: torch.device) -> Callable[..., np.ndarray]:
    @torch.no_grad()
    def scorer(task: TaskQueries, heads: np.ndarray) -> np.ndarray:
        offset = entities.offset[task.tail_type]
        tails = model.entity.weight[offset : offset + task.candidates]
        relations = torch.full((len(heads),), task.relation_id, dtype=torch.long, device=device)
        queries = model.query(torch.from_numpy(heads).to(device), relations)
        return model.score(queries, tails).float().cpu().numpy()

    return scorer


def bridge_scorer(run_dir: Path, export: TrainingExport, entities: Entities, device: torch.device) -> Callable:
    """Cosine of the transformed head and projected tails, as the TypeScript benchmark scores the bridge."""
    from .checkpoint import load_model_directory

    model, _ = load_model_directory(run_dir / "best", map_location=device)
    model.to(device).eval()
    node_of_entity = np.empty(entities.total, dtype=np.int64)
    for type_id, table in export.tables.items():
        node_of_entity[entities.offset[type_id] : entities.offset[type_id] + table.rows] = table.node_indices
    cache: Dict[int, torch.Tensor] = {}

    @torch.no_grad()
    def scorer(task: TaskQueries, heads: np.ndarray) -> np.ndarray:
        head_type, relation, tail_type = (int(value) for value in entities.relation_keys[task.relation_id])
        if tail_type not in cache:
            table = torch.from_numpy(export.tables[tail_type].vectors).to(device)
            cache[tail_type] = F.normalize(model.project(table, tail_type), dim=-1)
        rows = export.node_row_of[node_of_entity[heads]]
        head_vectors = torch.from_numpy(export.tables[head_type].vectors[rows]).to(device)
        queries = F.normalize(model.transform(head_vectors, head_type, relation, tail_type), dim=-1)
        return (queries @ cache[tail_type].T).float().cpu().numpy()

    return scorer


class KgeJob(NamedTuple):
    """What every model of one run is trained on and reports to."""

    config: KgeConfig
    entities: Entities
    train_rows: np.ndarray
    valid_tasks: List[TaskQueries]
    device: torch.device
    say: Callable[[str], None]


def train_kge(kind: str, job: KgeJob) -> Tuple[KgeModel, Dict[str, Any]]:
    """Trains one model; keeps the epoch with the best validation MRR (mean over tasks)."""
    config, entities, train_rows, valid_tasks, device, say = job
    torch.manual_seed(config.seed)
    generator = np.random.RandomState(config.seed)
    model = KgeModel(kind, entities.total, len(entities.relation_keys), config.dim).to(device)
    optimizer = torch.optim.SparseAdam(list(model.parameters()), lr=config.learning_rate)
    best: Dict[str, Any] = {"mrr": -1.0, "epoch": 0, "state": None}
    history = []
    started = time.monotonic()
    for epoch in range(1, config.epochs + 1):
        losses = [
            kge_step(model, optimizer, entities, rows, config, generator, device)
            for rows in epoch_batches(entities, train_rows, config.batch_size, generator)
        ]
        valid = score_tasks(valid_tasks, kge_scorer(model, entities, device))
        mrr = float(np.mean([result["summary"]["mrr"] for result in valid.values()])) if valid else 0.0
        history.append({"epoch": epoch, "loss": float(np.mean(losses)), "validMrr": mrr,
                        "seconds": round(time.monotonic() - started, 1)})  # fmt: skip
        say(f"{kind} epoch {epoch}/{config.epochs}: loss {np.mean(losses):.4f} valid mrr {mrr:.4f} "
            f"({time.monotonic() - started:.0f}s)")  # fmt: skip
        if mrr > best["mrr"]:
            best = {"mrr": mrr, "epoch": epoch, "state": {k: v.clone() for k, v in model.state_dict().items()}}
    model.load_state_dict(best["state"])
    return model, {"bestEpoch": best["epoch"], "history": history, "seconds": round(time.monotonic() - started, 1)}


_SCORING_ONLY = {"tasks", "report_dir", "models", "bridge_run", "model_dir", "bootstrap", "threads", "device", "data"}


def trained_model(kind: str, job: KgeJob) -> Tuple[KgeModel, Dict[str, Any]]:
    """Trains a model, or reloads it from ``--model-dir`` when it was trained with the same settings."""
    config, entities, device, say = job.config, job.entities, job.device, job.say
    settings = {key: value for key, value in dataclasses.asdict(config).items() if key not in _SCORING_ONLY}
    if config.model_dir:
        weights, info_path = Path(config.model_dir) / f"{kind}.pt", Path(config.model_dir) / f"{kind}.json"
        if weights.is_file() and info_path.is_file():
            info = json.loads(info_path.read_text())
            if info.get("settings") == settings and info.get("entities") == entities.total:
                model = KgeModel(kind, entities.total, len(entities.relation_keys), config.dim).to(device)
                model.load_state_dict(torch.load(str(weights), map_location=device, weights_only=True))
                say(f"{kind}: reusing {weights} (trained in {info['training']['seconds']} s)")
                return model, info["training"]
    model, training = train_kge(kind, job)
    if config.model_dir:
        Path(config.model_dir).mkdir(parents=True, exist_ok=True)
        with temporary_sibling(weights) as temporary:
            torch.save(model.state_dict(), temporary)
        write_json_atomic(info_path, {"settings": settings, "entities": entities.total, "training": training})
    return model, training


def epoch_batches(entities: Entities, rows: np.ndarray, batch_size: int, generator: np.random.RandomState):
    """Shuffled batches, each of one relation (so one tail type shares the sampled negatives)."""
    rows = rows[generator.permutation(len(rows))]
    relations = entities.relation_of_triple[rows]
    order = np.argsort(relations, kind="stable")
    rows, relations = rows[order], relations[order]
    bounds = np.flatnonzero(np.diff(relations)) + 1
    batches = [
        group[start : start + batch_size]
        for group in np.split(rows, bounds)
        for start in range(0, len(group), batch_size)
    ]
    return [batches[index] for index in generator.permutation(len(batches))]


def kge_step(
    model: KgeModel,
    optimizer: torch.optim.Optimizer,
    entities: Entities,
    rows: np.ndarray,
    config: KgeConfig,
    generator: np.random.RandomState,
    device: torch.device,
) -> float:
    relation = int(entities.relation_of_triple[rows[0]])
    tail_type = entities.tail_type(relation)
    negatives = entities.offset[tail_type] + generator.randint(0, entities.count[tail_type], size=config.negatives)
    heads = torch.from_numpy(entities.heads[rows]).to(device)
    tails = torch.from_numpy(entities.tails[rows]).to(device)
    queries = model.query(heads, torch.full_like(heads, relation))
    positive_embeddings = model.entity(tails)
    negative_embeddings = model.entity(torch.from_numpy(negatives).to(device))
    positive = model.score_pairs(queries, positive_embeddings)[:, None]
    logits = torch.cat([positive, model.score(queries, negative_embeddings)], dim=1)
    loss = F.cross_entropy(logits, torch.zeros(len(rows), dtype=torch.long, device=device))
    penalty = queries.pow(2).sum(1).mean() + positive_embeddings.pow(2).sum(1).mean()
    optimizer.zero_grad(set_to_none=True)
    (loss + config.regularization * penalty).backward()
    optimizer.step()
    return float(loss.detach())


def paired_difference(first: np.ndarray, second: np.ndarray, resamples: int, seed: int) -> Dict[str, float]:
    """Bootstrap CI of mean(1/first) - mean(1/second) over the same queries (reciprocal ranks)."""
    interval = bootstrap_interval(1.0 / first - 1.0 / second, resamples=resamples, seed=seed)
    return {**interval, "relative": float(np.mean(1.0 / first) / max(np.mean(1.0 / second), 1e-12) - 1)}


def method_entry(result: Dict[str, Any], config: KgeConfig) -> Dict[str, Any]:
    ranks = result["ranks"]
    return {
        **result["summary"],
        "ci95": {
            "mrr": bootstrap_interval(1.0 / ranks, config.bootstrap, config.seed),
            "hits@10": bootstrap_interval((ranks <= 10).astype(np.float64), config.bootstrap, config.seed),
        },
    }


def run_kge(config: KgeConfig, log: Optional[TextIO] = None) -> Dict[str, Any]:
    """Trains the chosen models, scores them and the bridge on the same test queries; returns the report."""
    log = log or sys.stderr

    def say(message: str) -> None:
        print(message, file=log, flush=True)

    device = torch.device(config.device)
    if config.threads:
        torch.set_num_threads(config.threads)
    started = time.monotonic()
    export = read_export(config.data)
    split = load_or_create_split(export, "transductive", config.split_seed)
    entities = Entities(export)
    tasks = json.loads(config.tasks)
    test_tasks = build_task_queries(export, entities, split.test, tasks)
    valid_tasks = build_task_queries(export, entities, split.valid, tasks, config.valid_max_triples, config.seed)
    train_rows = training_rows(config, entities, split.train, test_tasks)
    if config.max_train_triples is not None and len(train_rows) > config.max_train_triples:
        picked = np.random.RandomState(config.seed).choice(len(train_rows), config.max_train_triples, replace=False)
        train_rows = np.sort(train_rows[picked])
    say(
        f"{entities.total:,} entities, {len(entities.relation_keys)} relations, {len(train_rows):,} training triples; "
        + ", ".join(f"{task.name} {len(task.queries)} test queries" for task in test_tasks)
    )
    results: Dict[str, Dict[str, Dict[str, Any]]] = {}
    training: Dict[str, Any] = {}
    job = KgeJob(config, entities, train_rows, valid_tasks, device, say)
    for kind in [name.strip() for name in config.models.split(",") if name.strip()]:
        model, training[kind] = trained_model(kind, job)
        results[kind] = score_tasks(test_tasks, kge_scorer(model, entities, device))
    bridge_info = None
    if config.bridge_run:
        bridge_info = describe_bridge(Path(config.bridge_run), export, split)
        results["bridge"] = score_tasks(test_tasks, bridge_scorer(Path(config.bridge_run), export, entities, device))
    return build_report(config, export, split, entities, test_tasks, results, training, bridge_info, started)


def training_rows(config: KgeConfig, entities: Entities, rows: np.ndarray, tasks: Sequence[TaskQueries]) -> np.ndarray:
    if config.train_relations == "all":
        return rows
    if config.train_relations != "tasks":
        raise ValueError(f'--train-relations must be all or tasks, got "{config.train_relations}"')
    wanted = set()
    for task in tasks:
        head_type, relation, tail_type = (int(value) for value in entities.relation_keys[task.relation_id])
        wanted.add(task.relation_id)
        reverse = entities.relation_id(tail_type, relation, head_type)
        if reverse is not None:
            wanted.add(reverse)
    return rows[np.isin(entities.relation_of_triple[rows], sorted(wanted))]


def describe_bridge(run_dir: Path, export: TrainingExport, split: Any) -> Dict[str, Any]:
    """Refuses a bridge trained on other data or on another split (its training set would hold test triples)."""
    run_path = run_dir / "run.json"
    if not (run_dir / "best" / "pytorch_model.bin").is_file() or not run_path.is_file():
        raise FileNotFoundError(f"{run_dir}: no trainer run (run.json, best/) here")
    run = json.loads(run_path.read_text())
    if run["data"]["dataHash"] != export.data_hash:
        raise ValueError(
            f"{run_path}: trained on data {run['data']['dataHash'][:12]}, export is {export.data_hash[:12]}"
        )
    if run["split"]["kind"] != "transductive" or run["split"]["seed"] != split.seed:
        raise ValueError(f"{run_path}: trained on split {run['split']['name']}, not {split.name}: it saw test triples")
    best = json.loads((run_dir / "best" / "training.json").read_text())
    return {
        "run": str(run_dir),
        "preset": run["config"]["preset"],
        "epochs": run["config"]["epochs"],
        "steps": best.get("step"),
        "totalSteps": run["steps"]["total"],
        "validation": best.get("metrics"),
    }


def build_report(
    config: KgeConfig,
    export: TrainingExport,
    split: Any,
    entities: Entities,
    tasks: Sequence[TaskQueries],
    results: Dict[str, Dict[str, Dict[str, Any]]],
    training: Dict[str, Any],
    bridge: Optional[Dict[str, Any]],
    started: float,
) -> Dict[str, Any]:
    per_task: Dict[str, Any] = {}
    for task in tasks:
        entry: Dict[str, Any] = {
            "queries": len(task.queries),
            "candidates": task.candidates,
            "testTriples": int(sum(len(query.positives) for query in task.queries)),
            "methods": {name: method_entry(result[task.name], config) for name, result in results.items()},
        }
        kge_names = [name for name in results if name != "bridge"]
        if kge_names:
            best_kge = max(kge_names, key=lambda name: results[name][task.name]["summary"]["mrr"])
            entry["bestKge"] = best_kge
            if "bridge" in results:
                entry["bridgeMinusBestKge"] = paired_difference(
                    results["bridge"][task.name]["ranks"], results[best_kge][task.name]["ranks"],
                    config.bootstrap, config.seed,
                )  # fmt: skip
        per_task[task.name] = entry
    return {
        "benchmark": "kge-baselines",
        "createdAt": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "data": str(Path(config.data).resolve()),
        "dataHash": export.data_hash,
        "split": {"name": split.name, "kind": split.kind, "seed": split.seed, "counts": split.counts()},
        "inductive": "not applicable: held-out entities have no KGE embedding (they are absent from training)",
        "config": dataclasses.asdict(config),
        "entities": entities.total,
        "relations": int(len(entities.relation_keys)),
        "training": training,
        "bridge": bridge,
        "tasks": per_task,
        "machine": {"torch": torch.__version__, "threads": torch.get_num_threads(), "device": config.device},
        "durationSeconds": round(time.monotonic() - started, 1),
    }


def render_markdown(report: Dict[str, Any]) -> str:
    methods = list(next(iter(report["tasks"].values()))["methods"]) if report["tasks"] else []
    lines = [
        f"# KG-embedding baselines vs the bridge — {report['split']['name']} split",
        "",
        f"{report['createdAt']}; data {report['dataHash'][:12]}; {report['entities']:,} entities, "
        f"{report['relations']} relations; test queries = heads with test triples, candidates = all nodes of "
        "the tail type minus the head's other known (train/valid) tails. MRR and Hits@10 with 95 % bootstrap CIs "
        f"({report['config']['bootstrap']} resamples over queries).",
        "",
        "| task | queries | " + " | ".join(f"{name} MRR" for name in methods) + " | bridge − best KGE (MRR, 95 % CI) |",
        "|---|---:|" + "---:|" * len(methods) + "---|",
    ]
    for name, task in report["tasks"].items():
        cells = []
        for method in methods:
            entry = task["methods"][method]
            interval = entry["ci95"]["mrr"]
            cells.append(f"{entry['mrr']:.3f} [{interval['low']:.3f}, {interval['high']:.3f}]")
        difference = task.get("bridgeMinusBestKge")
        delta = (
            f"{difference['mean']:+.3f} [{difference['low']:+.3f}, {difference['high']:+.3f}] vs {task['bestKge']} "
            f"({difference['relative']:+.0%})"
            if difference
            else "–"
        )
        lines.append(f"| {name} | {task['queries']} | " + " | ".join(cells) + f" | {delta} |")
    lines += ["", "Hits@10:", "", "| task | " + " | ".join(methods) + " |", "|---|" + "---:|" * len(methods)]
    for name, task in report["tasks"].items():
        cells = []
        for method in methods:
            interval = task["methods"][method]["ci95"]["hits@10"]
            cells.append(f"{interval['mean']:.3f} [{interval['low']:.3f}, {interval['high']:.3f}]")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "Training (best epoch by validation MRR):", ""]
    for kind, info in report["training"].items():
        epochs = ", ".join(
            f"epoch {item['epoch']} loss {item['loss']:.3f} valid MRR {item['validMrr']:.3f}"
            for item in info["history"]
        )
        lines.append(f"- {kind}: best epoch {info['bestEpoch']}, {info['seconds']} s; {epochs}")
    if report["bridge"]:
        bridge = report["bridge"]
        lines.append(
            f"- bridge: {bridge['run']} (preset {bridge['preset']}, step {bridge['steps']}/{bridge['totalSteps']})"
        )
    lines += ["", f"Inductive splits: {report['inductive']}.", ""]
    return "\n".join(lines)


def write_report(report: Dict[str, Any], directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    stamp = report["createdAt"].replace(":", "-").replace("+00-00", "Z")
    base = directory / f"kge-{report['split']['name']}-{stamp}"
    write_json_atomic(base.with_suffix(".json"), report)
    base.with_suffix(".md").write_text(render_markdown(report))
    return base


def build_parser() -> argparse.ArgumentParser:
    return config_parser(KgeConfig, "python3 -m biobridge_train.kge", __doc__)


def main(argv: Optional[Sequence[str]] = None) -> int:
    config = KgeConfig(**vars(build_parser().parse_args(argv)))
    try:
        report = run_kge(config)
    except (ValueError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if config.report_dir:
        base = write_report(report, Path(config.report_dir))
        print(f"report: {base}.json, {base}.md", file=sys.stderr)
    print(
        json.dumps({name: {m: e["mrr"] for m, e in task["methods"].items()} for name, task in report["tasks"].items()})
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
