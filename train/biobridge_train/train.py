"""Train a BioBridge binding model on a training export.

    python3 -m biobridge_train.train --data <export dir> --split inductive --out <run dir> --preset cpu

The run directory gets ``run.json`` (resolved configuration), ``checkpoint.pt`` (latest resumable
state; ``--resume`` continues from it), ``metrics.jsonl`` (one line per validation), ``best/`` and
``final/`` model directories (official checkpoint layout + training.json). ``--export-to <index>``
writes ``<index>/bridge/`` (ONNX + bridge.json) from ``best/`` at the end.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, TextIO

import numpy as np
import torch

from .atomic import write_json_atomic
from .checkpoint import (
    load_checkpoint,
    pack_optimizer,
    unpack_optimizer,
    restore_rng_state,
    rng_state,
    save_checkpoint,
    save_model_directory,
)
from .config_cli import config_parser
from .data import Batch, NodeVectors, TrainingTriples
from .evaluate import evaluate_ranking
from .export_format import TrainingExport, read_export
from .losses import info_nce
from .model import PRESETS, BindingModel, ModelConfig, Preset
from .negatives import known_pair_keys, sample_negative_pool
from .runtime import tune_allocator
from .splits import KINDS, carve_validation, load_or_create_split

NEGATIVE_MODES = ("paired", "in-batch", "both")
PRECISIONS = ("fp32", "bf16")

# Fields that do not change what a run computes; everything else must match on --resume.
_RUNTIME_ONLY = {
    "data",
    "out",
    "resume",
    "stop_after_steps",
    "threads",
    "log_every_seconds",
    "checkpoint_every",
    "export_to",
    "export_bridge_dir",
    "device",
}


def _option(default: Any, help_text: str, choices: Optional[Sequence[str]] = None) -> Any:
    """A TrainConfig field with its command-line help: ``build_parser`` generates argparse from these."""
    metadata: Dict[str, Any] = {"help": help_text}
    if choices is not None:
        metadata["choices"] = tuple(choices)
    return dataclasses.field(default=default, metadata=metadata)


_PRESET_HELP = "overrides the preset"
# TrainConfig fields that default to the preset's value.
PRESET_FIELDS = tuple(item.name for item in dataclasses.fields(Preset) if item.name != "extra")


@dataclass
class TrainConfig:
    """Every training setting and its default, declared once (the CLI is generated from it)."""

    data: str = dataclasses.field(metadata={"help": "training export directory (FORMAT.md)"})
    out: str = dataclasses.field(metadata={"help": "run directory"})
    split: str = _option("inductive", "split kind, created in <export>/splits/ on first use", KINDS)
    split_seed: int = _option(42, "seed of the split and of validation heads")
    preset: str = _option("cpu", "model and optimiser sizes; the flags below override it", sorted(PRESETS))
    hidden_dim: Optional[int] = _option(None, _PRESET_HELP)
    n_layer: Optional[int] = _option(None, _PRESET_HELP)
    n_head: Optional[int] = _option(None, _PRESET_HELP)
    ffn_dim: Optional[int] = _option(None, _PRESET_HELP)
    dropout: Optional[float] = _option(None, _PRESET_HELP)
    batch_size: Optional[int] = _option(None, _PRESET_HELP)
    learning_rate: Optional[float] = _option(None, _PRESET_HELP)
    weight_decay: Optional[float] = _option(None, _PRESET_HELP)
    warmup_ratio: Optional[float] = _option(None, _PRESET_HELP)
    epochs: Optional[int] = _option(None, _PRESET_HELP)
    max_steps: Optional[int] = _option(None, "stop after this many optimiser steps (0: untrained baseline)")
    seed: int = _option(0, "model init, data order, negatives, dropout")
    negatives: str = _option("paired", "paired, in-batch or both", NEGATIVE_MODES)
    num_negatives: int = _option(5, "paired negatives drawn per triple per step")
    negative_pool: int = _option(50, "pre-sampled negatives per triple")
    temperature: float = _option(0.1, "InfoNCE temperature")
    grad_clip: float = _option(1.0, "max gradient norm; 0 disables")
    valid_fraction: float = _option(0.02, "training heads per type kept for validation (0: none)")
    valid_max_triples: int = _option(2000, "validation triples scored (seeded subset)")
    checkpoint_every: int = _option(500, "steps between checkpoints (and each epoch)")
    device: str = _option("auto", "auto, cpu, cuda or cuda:N")
    threads: Optional[int] = _option(None, "CPU threads (default: all available cores)")
    precision: str = _option("fp32", "bf16 autocast needs CUDA", PRECISIONS)
    log_every_seconds: float = _option(10.0, "seconds between progress lines")
    resume: bool = _option(False, "continue from <out>/checkpoint.pt")
    stop_after_steps: Optional[int] = _option(None, "checkpoint and stop early (resumable)")
    export_to: Optional[str] = _option(None, "index directory: write <index>/bridge/ from best/")
    export_bridge_dir: Optional[str] = _option(None, "write the bridge from best/ to exactly this directory")

    def resolved(self) -> "TrainConfig":
        """Fills unset model and optimiser fields from the preset."""
        if self.preset not in PRESETS:
            raise ValueError(f'unknown preset "{self.preset}"; known: {", ".join(PRESETS)}')
        preset = PRESETS[self.preset]
        values = dataclasses.asdict(self)
        for name in PRESET_FIELDS:
            if values[name] is None:
                values[name] = getattr(preset, name)
        config = TrainConfig(**values)
        config.validate()
        return config

    def validate(self) -> None:
        if self.split not in KINDS:
            raise ValueError(f'--split must be one of {", ".join(KINDS)}, got "{self.split}"')
        if self.negatives not in NEGATIVE_MODES:
            raise ValueError(f'--negatives must be one of {", ".join(NEGATIVE_MODES)}, got "{self.negatives}"')
        if self.precision not in PRECISIONS:
            raise ValueError(f'--precision must be fp32 or bf16, got "{self.precision}"')
        if self.negatives != "in-batch" and not 0 < self.num_negatives <= self.negative_pool:
            raise ValueError("--num-negatives must be between 1 and --negative-pool")
        if self.batch_size is not None and self.batch_size < 1:
            raise ValueError("--batch-size must be positive")
        if self.max_steps is not None and self.max_steps < 0:
            raise ValueError("--max-steps must be 0 (export the untrained model) or more")

    def fingerprint(self) -> Dict[str, Any]:
        return {key: value for key, value in dataclasses.asdict(self).items() if key not in _RUNTIME_ONLY}


@dataclass
class TrainResult:
    status: str  # "finished" or "stopped"
    step: int
    total_steps: int
    best_metrics: Optional[Dict[str, float]]
    final_metrics: Optional[Dict[str, float]]
    out: Path
    # Loss of every step this process ran (not restored on --resume).
    losses: List[float] = dataclasses.field(default_factory=list)


class LinearWarmupDecay:
    """The HF ``get_linear_schedule_with_warmup`` factor (what the official trainer used)."""

    def __init__(self, warmup_steps: int, total_steps: int) -> None:
        self.warmup_steps = warmup_steps
        self.total_steps = total_steps

    def __call__(self, step: int) -> float:
        if step < self.warmup_steps:
            return step / max(1, self.warmup_steps)
        return max(0.0, (self.total_steps - step) / max(1, self.total_steps - self.warmup_steps))


def resolve_device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise ValueError(f"--device {name}: CUDA is not available to this PyTorch build")
    if name != "cpu" and not name.startswith("cuda"):
        raise ValueError(f'--device must be auto, cpu or cuda[:N], got "{name}"')
    return torch.device(name)


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def parameter_groups(model: BindingModel, weight_decay: float) -> List[Dict[str, Any]]:
    """Decay everything but biases and LayerNorm parameters, as the HF trainer does."""
    no_decay = set()
    for module_name, module in model.named_modules():
        for parameter_name, _ in module.named_parameters(recurse=False):
            full = f"{module_name}.{parameter_name}" if module_name else parameter_name
            if isinstance(module, torch.nn.LayerNorm) or parameter_name.endswith("bias"):
                no_decay.add(full)
    decay = [parameter for name, parameter in model.named_parameters() if name not in no_decay]
    plain = [parameter for name, parameter in model.named_parameters() if name in no_decay]
    return [{"params": decay, "weight_decay": weight_decay}, {"params": plain, "weight_decay": 0.0}]


def format_duration(seconds: float) -> str:
    if not math.isfinite(seconds):
        return "?"
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def build_model_config(export: TrainingExport, config: TrainConfig) -> ModelConfig:
    return ModelConfig(
        n_node=len(export.registry.node_types),
        n_relation=len(export.registry.relations),
        proj_dim={type_id: table.dim for type_id, table in export.tables.items()},
        hidden_dim=config.hidden_dim,
        n_layer=config.n_layer,
        n_head=config.n_head,
        ffn_dim=config.ffn_dim,
        dropout=config.dropout,
    )


@dataclass
class Progress:
    """Where a run stands: what a checkpoint saves and ``--resume`` restores."""

    step: int = 0
    epoch: int = 0
    batch_in_epoch: int = 0
    best: Dict[str, Any] = dataclasses.field(default_factory=lambda: {"mrr": None, "step": None, "metrics": None})
    history: List[Dict[str, Any]] = dataclasses.field(default_factory=list)


@dataclass
class Run:
    """A prepared run: data, model, optimiser, schedule and the description written to run.json."""

    config: TrainConfig
    out: Path
    device: torch.device
    export: TrainingExport
    train_rows: np.ndarray
    valid_rows: np.ndarray
    triples: TrainingTriples
    vectors: NodeVectors
    model: BindingModel
    optimizer: torch.optim.Optimizer
    scheduler: Any
    info: Dict[str, Any]
    total_steps: int
    log: TextIO
    say: Callable[[str], None]
    autocast: Any

    @property
    def in_batch(self) -> bool:
        return self.config.negatives in ("in-batch", "both")

    @property
    def paired(self) -> bool:
        return self.config.negatives in ("paired", "both")

    def training_metadata(self, metrics: Optional[Dict[str, float]], at_step: int) -> Dict[str, Any]:
        return {
            "format": "biobridge-training/1",
            "preset": self.config.preset,
            "step": at_step,
            "metrics": metrics,
            **self.info,
        }


def checkpoint_path_of(out: Path) -> Path:
    return out / "checkpoint.pt"


def prepare_run(config: TrainConfig, log: TextIO) -> Run:
    """Resolves the configuration, reads the data and builds the model, optimiser and schedule."""
    config = config.resolved()
    out = Path(config.out)
    out.mkdir(parents=True, exist_ok=True)
    if checkpoint_path_of(out).exists() and not config.resume:
        raise FileExistsError(f"{checkpoint_path_of(out)}: a run exists here; pass --resume or choose another --out")
    device = resolve_device(config.device)
    if device.type == "cpu":
        torch.set_num_threads(config.threads or available_cores())
    if config.precision == "bf16" and device.type != "cuda":
        raise ValueError("--precision bf16 needs a CUDA device")

    def say(message: str) -> None:
        print(message, file=log, flush=True)

    export, split, train_rows, valid_rows, triples = _load_training_data(config)
    vectors = NodeVectors(export, device)
    batches_per_epoch = triples.batches_per_epoch(config.batch_size)
    total_steps = batches_per_epoch * config.epochs
    if config.max_steps is not None:
        total_steps = min(total_steps, config.max_steps)

    model_config = build_model_config(export, config)
    torch.manual_seed(config.seed)
    model = BindingModel.from_config(model_config).to(device)
    optimizer = torch.optim.AdamW(
        parameter_groups(model, config.weight_decay), lr=config.learning_rate, betas=(0.9, 0.999), eps=1e-8
    )
    warmup_steps = int(math.ceil(config.warmup_ratio * total_steps))
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, LinearWarmupDecay(warmup_steps, total_steps))
    info = _describe_run(config, export, split, model_config, model, device)
    info["split"].update(trainTriples=int(len(train_rows)), validTriples=int(len(valid_rows)))
    info["edgeKinds"] = triples.edge_kinds()
    info["steps"] = {"perEpoch": batches_per_epoch, "total": total_steps, "warmup": warmup_steps}
    for key in ("parameters", "device", "threads", "torch"):
        info[key] = info.pop(key)  # run.json keeps its historical key order
    autocast = (
        torch.autocast(device_type="cuda", dtype=torch.bfloat16) if config.precision == "bf16" else _NullContext()
    )
    return Run(
        config,
        out,
        device,
        export,
        train_rows,
        valid_rows,
        triples,
        vectors,
        model,
        optimizer,
        scheduler,
        info,
        total_steps,
        log,
        say,
        autocast,
    )


def _load_training_data(config: TrainConfig) -> Any:
    """The export, its split, the training and validation rows and the batching view of the former."""
    export = read_export(config.data)
    split = load_or_create_split(export, config.split, config.split_seed)
    train_rows, valid_rows = carve_validation(
        export, split, config.valid_fraction, config.split_seed, max_triples=config.valid_max_triples
    )
    in_batch = config.negatives in ("in-batch", "both")
    paired = config.negatives in ("paired", "both")
    known = known_pair_keys(export)
    will_train = config.max_steps != 0
    if will_train and len(train_rows) == 0:
        raise ValueError(f"nothing to train: split {split.name} has no training triples")
    pool = (
        sample_negative_pool(export, train_rows, config.negative_pool, seed=config.seed)
        if paired and will_train
        else None
    )
    triples = TrainingTriples(export, train_rows, negative_pool=pool, known_pairs=known if in_batch else None)
    return export, split, train_rows, valid_rows, triples


def _describe_run(
    config: TrainConfig,
    export: TrainingExport,
    split: Any,
    model_config: ModelConfig,
    model: BindingModel,
    device: torch.device,
) -> Dict[str, Any]:
    return {
        "config": dataclasses.asdict(config),
        "model": model_config.describe(),
        "data": {
            "directory": str(Path(config.data).resolve()),
            "dataHash": export.data_hash,
            "registry": export.registry.to_json(),
            "nodeTypes": [
                {
                    "name": table.type,
                    "id": table.type_id,
                    "dim": table.dim,
                    "rows": table.rows,
                    "encoderConfigHash": table.encoder_config_hash,
                }
                for table in sorted(export.tables.values(), key=lambda item: item.type_id)
            ],
        },
        "split": {"name": split.name, "kind": split.kind, "seed": split.seed, "counts": split.counts()},
        "parameters": int(sum(parameter.numel() for parameter in model.parameters())),
        "device": str(device),
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
    }


class Checkpointer:
    """Saves and restores the resumable state of a run (``<out>/checkpoint.pt``, written atomically)."""

    def __init__(self, run: Run) -> None:
        self.run = run
        self.path = checkpoint_path_of(run.out)

    def save(self, progress: Progress) -> None:
        run = self.run
        save_checkpoint(
            self.path,
            {
                "model": run.model.state_dict(),
                "optimizer": pack_optimizer(run.optimizer.state_dict()),
                "scheduler": json.dumps(run.scheduler.state_dict()),
                "rng": rng_state(run.device),
                "step": progress.step,
                "epoch": progress.epoch,
                "batchInEpoch": progress.batch_in_epoch,
                "best": json.dumps(progress.best),
                "history": json.dumps(progress.history),
                "fingerprint": json.dumps(run.config.fingerprint()),
                "dataHash": run.export.data_hash,
            },
        )

    def restore(self) -> Progress:
        """The saved progress, after loading model, optimiser, schedule and RNG; refuses other settings or data."""
        run = self.run
        state = load_checkpoint(self.path, map_location=run.device)
        saved, current = json.loads(state["fingerprint"]), run.config.fingerprint()
        differences = sorted(key for key in set(saved) | set(current) if saved.get(key) != current.get(key))
        if differences:
            raise ValueError(
                f"{self.path}: the run was started with different settings: "
                + ", ".join(f"{key} {saved.get(key)!r} -> {current.get(key)!r}" for key in differences)
            )
        if state["dataHash"] != run.export.data_hash:
            raise ValueError(f"{self.path}: trained on data {state['dataHash']}, export is {run.export.data_hash}")
        run.model.load_state_dict(state["model"])
        run.optimizer.load_state_dict(unpack_optimizer(state["optimizer"]))
        run.scheduler.load_state_dict(json.loads(state["scheduler"]))
        restore_rng_state(state["rng"], run.device)
        progress = Progress(
            step=int(state["step"]),
            epoch=int(state["epoch"]),
            batch_in_epoch=int(state["batchInEpoch"]),
            best=json.loads(state["best"]),
            history=json.loads(state["history"]),
        )
        run.say(
            f"resumed from {self.path} at step {progress.step} "
            f"(epoch {progress.epoch + 1}, batch {progress.batch_in_epoch})"
        )
        return progress


@dataclass
class StepOutcome:
    loss: float
    triples: int


def training_step(run: Run, key: Any, positions: Any, step: int) -> StepOutcome:
    """One optimiser step on one bucketed batch of the epoch plan."""
    config = run.config
    batch = run.triples.make_batch(
        run.vectors,
        key,
        positions,
        step=step,
        seed=config.seed,
        negatives_per_step=config.num_negatives if run.paired else 0,
        in_batch=run.in_batch,
    )
    loss = batch_loss(run.model, batch, config.temperature, run.in_batch, run.autocast)
    if not torch.isfinite(loss):
        raise FloatingPointError(f"loss is {loss.item()} at step {step} (bucket {key})")
    run.optimizer.zero_grad(set_to_none=True)
    loss.backward()
    if config.grad_clip > 0:
        torch.nn.utils.clip_grad_norm_(run.model.parameters(), config.grad_clip)
    run.optimizer.step()
    run.scheduler.step()
    return StepOutcome(loss=float(loss.detach()), triples=batch.size)


def validate(run: Run, progress: Progress, clock: Callable[[], float]) -> Optional[Dict[str, float]]:
    """Scores the validation triples, appends to metrics.jsonl and saves ``best/`` on a new best MRR."""
    if len(run.valid_rows) == 0:
        return None
    started = clock()
    metrics = evaluate_ranking(run.model, run.export, run.valid_rows, run.device)
    record = {"step": progress.step, "epoch": progress.epoch + 1, **metrics, "seconds": round(clock() - started, 2)}
    progress.history.append(record)
    with open(run.out / "metrics.jsonl", "a", encoding="utf-8") as handle:
        handle.write(json.dumps(record) + "\n")
    run.say(
        f"validation step {progress.step}: mrr {metrics.get('mrr', float('nan')):.4f} "
        f"hits@10 {metrics.get('hits@10', float('nan')):.4f} over {metrics.get('triples', 0)} triples"
    )
    if metrics and (progress.best["mrr"] is None or metrics["mrr"] > progress.best["mrr"]):
        progress.best = {"mrr": metrics["mrr"], "step": progress.step, "metrics": metrics}
        save_model_directory(run.out / "best", run.model, run.training_metadata(metrics, progress.step))
    return metrics


class ProgressLog:
    """Throughput, smoothed loss and ETA lines every ``--log-every-seconds``."""

    def __init__(self, run: Run, progress: Progress, clock: Callable[[], float]) -> None:
        self.run, self.clock = run, clock
        self.started = self.last_log = clock()
        self.steps_at_start = progress.step
        self.triples = 0
        self.running_loss: Optional[float] = None
        self.losses: List[float] = []

    def record(self, outcome: StepOutcome, progress: Progress) -> None:
        run = self.run
        self.triples += outcome.triples
        self.losses.append(outcome.loss)
        value = outcome.loss
        self.running_loss = value if self.running_loss is None else 0.98 * self.running_loss + 0.02 * value
        now = self.clock()
        if now - self.last_log < run.config.log_every_seconds and progress.step != run.total_steps:
            return
        self.last_log = now
        elapsed = max(now - self.started, 1e-9)
        step_rate = (progress.step - self.steps_at_start) / elapsed
        eta = (run.total_steps - progress.step) / step_rate if step_rate > 0 else float("inf")
        run.say(
            f"step {progress.step}/{run.total_steps} epoch {progress.epoch + 1}/{run.config.epochs} "
            f"loss {self.running_loss:.4f} lr {run.scheduler.get_last_lr()[0]:.2e} "
            f"{self.triples / elapsed:,.0f} triples/s eta {format_duration(eta)}"
        )

    def elapsed(self) -> float:
        return self.clock() - self.started


def train(
    config: TrainConfig, log: Optional[TextIO] = None, clock: Callable[[], float] = time.monotonic
) -> TrainResult:
    run = prepare_run(config, log or sys.stderr)
    config = run.config
    checkpointer = Checkpointer(run)
    progress = checkpointer.restore() if config.resume and checkpointer.path.exists() else Progress()
    write_json_atomic(run.out / "run.json", run.info)
    run.say(
        f"training {run.info['parameters']:,} parameters on {run.device} ({torch.get_num_threads()} threads): "
        f"{len(run.train_rows):,} triples in {len(run.triples.buckets)} buckets, "
        f"{run.info['steps']['perEpoch']} batches/epoch, {run.total_steps} steps, "
        f"validation {len(run.valid_rows):,} triples, negatives {config.negatives}"
    )
    run.model.train()
    meter = ProgressLog(run, progress, clock)
    if _run_epochs(run, progress, checkpointer, meter, clock):
        checkpointer.save(progress)
        run.say(f"stopped at step {progress.step}/{run.total_steps}; continue with --resume")
        return TrainResult(
            "stopped", progress.step, run.total_steps, progress.best.get("metrics"), None, run.out, meter.losses
        )
    final_metrics = _finish(run, progress, checkpointer, meter, clock)
    return TrainResult(
        "finished", progress.step, run.total_steps, progress.best.get("metrics"), final_metrics, run.out, meter.losses
    )


def _run_epochs(
    run: Run, progress: Progress, checkpointer: Checkpointer, meter: ProgressLog, clock: Callable[[], float]
) -> bool:
    """Trains until the last step or ``--stop-after-steps``; returns whether it stopped early."""
    config = run.config
    while progress.step < run.total_steps:
        plan = run.triples.epoch_plan(progress.epoch, config.batch_size, config.seed)
        while progress.batch_in_epoch < len(plan) and progress.step < run.total_steps:
            key, positions = plan[progress.batch_in_epoch]
            outcome = training_step(run, key, positions, progress.step)
            progress.step += 1
            progress.batch_in_epoch += 1
            meter.record(outcome, progress)
            if config.checkpoint_every > 0 and progress.step % config.checkpoint_every == 0:
                checkpointer.save(progress)
            if config.stop_after_steps is not None and config.stop_after_steps <= progress.step < run.total_steps:
                return True
        if progress.batch_in_epoch >= len(plan):
            validate(run, progress, clock)
            progress.epoch += 1
            progress.batch_in_epoch = 0
            checkpointer.save(progress)
    return False


def _finish(
    run: Run, progress: Progress, checkpointer: Checkpointer, meter: ProgressLog, clock: Callable[[], float]
) -> Optional[Dict[str, float]]:
    """Final validation, ``final/`` (and ``best/`` when nothing was validated), then the optional ONNX export."""
    history = progress.history
    final_metrics = history[-1] if history and history[-1]["step"] == progress.step else validate(run, progress, clock)
    if isinstance(final_metrics, dict):
        final_metrics = {key: value for key, value in final_metrics.items() if key not in ("step", "epoch", "seconds")}
    checkpointer.save(progress)
    save_model_directory(run.out / "final", run.model, run.training_metadata(final_metrics, progress.step))
    if progress.best["mrr"] is None:
        save_model_directory(run.out / "best", run.model, run.training_metadata(final_metrics, progress.step))
    elapsed = meter.elapsed()
    run.say(
        f"finished {progress.step} steps in {format_duration(elapsed)} "
        f"({meter.triples / max(elapsed, 1e-9):,.0f} triples/s); "
        f"best mrr {progress.best['mrr']} at step {progress.best['step']}"
    )
    config = run.config
    if config.export_to or config.export_bridge_dir:
        from .export_onnx import export_bridge

        if config.export_to:
            target = export_bridge(run.out / "best", config.export_to, log=run.log)
            run.say(f"exported bridge to {target}")
        if config.export_bridge_dir:
            target = export_bridge(run.out / "best", config.export_bridge_dir, into_index=False, log=run.log)
            run.say(f"exported bridge to {target}")
    return final_metrics


def batch_loss(model: BindingModel, batch: Batch, temperature: float, in_batch: bool, autocast: Any) -> torch.Tensor:
    """InfoNCE of one bucketed batch: transformed heads against projected tails and negatives."""
    head_type, relation, tail_type = batch.key
    with autocast:
        query = model.transform(batch.head, head_type, relation, tail_type)
        if batch.negatives is not None:
            # One matmul projects the positive and the negatives together.
            keys = model.project(torch.cat([batch.tail.unsqueeze(1), batch.negatives], dim=1), tail_type)
            positive, negatives = keys[:, 0], keys[:, 1:]
        else:
            positive, negatives = model.project(batch.tail, tail_type), None
        return info_nce(
            query.float(),
            positive.float(),
            None if negatives is None else negatives.float(),
            in_batch=in_batch,
            in_batch_mask=batch.in_batch_mask,
            temperature=temperature,
        )


class _NullContext:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> bool:
        return False


def build_parser() -> argparse.ArgumentParser:
    """argparse generated from :class:`TrainConfig`: flag names, types, defaults, choices and help."""
    return config_parser(TrainConfig, "python3 -m biobridge_train.train", __doc__)


def parse_args(argv: Optional[Sequence[str]] = None) -> TrainConfig:
    return TrainConfig(**vars(build_parser().parse_args(argv)))


def main(argv: Optional[Sequence[str]] = None) -> int:
    config = parse_args(argv)
    tune_allocator()
    try:
        result = train(config)
    except (ValueError, FileExistsError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0 if result.status in ("finished", "stopped") else 1


if __name__ == "__main__":
    raise SystemExit(main())
