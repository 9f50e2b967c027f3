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
from .data import Batch, NodeVectors, TrainingTriples
from .evaluate import evaluate_ranking
from .export_format import TrainingExport, read_export
from .losses import info_nce
from .model import PRESETS, BindingModel, ModelConfig
from .negatives import known_pair_keys, sample_negative_pool
from .runtime import tune_allocator
from .splits import KINDS, carve_validation, load_or_create_split

NEGATIVE_MODES = ("paired", "in-batch", "both")

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


@dataclass
class TrainConfig:
    data: str
    out: str
    split: str = "inductive"
    split_seed: int = 42
    preset: str = "cpu"
    hidden_dim: Optional[int] = None
    n_layer: Optional[int] = None
    n_head: Optional[int] = None
    ffn_dim: Optional[int] = None
    dropout: Optional[float] = None
    batch_size: Optional[int] = None
    learning_rate: Optional[float] = None
    weight_decay: Optional[float] = None
    warmup_ratio: Optional[float] = None
    epochs: Optional[int] = None
    max_steps: Optional[int] = None
    seed: int = 0
    negatives: str = "paired"
    num_negatives: int = 5
    negative_pool: int = 50
    temperature: float = 0.1
    grad_clip: float = 1.0
    valid_fraction: float = 0.02
    valid_max_triples: int = 2000
    checkpoint_every: int = 500
    device: str = "auto"
    threads: Optional[int] = None
    precision: str = "fp32"
    log_every_seconds: float = 10.0
    resume: bool = False
    stop_after_steps: Optional[int] = None
    export_to: Optional[str] = None
    export_bridge_dir: Optional[str] = None

    def resolved(self) -> "TrainConfig":
        """Fills unset model and optimiser fields from the preset."""
        if self.preset not in PRESETS:
            raise ValueError(f'unknown preset "{self.preset}"; known: {", ".join(PRESETS)}')
        preset = PRESETS[self.preset]
        values = dataclasses.asdict(self)
        for name in (
            "hidden_dim",
            "n_layer",
            "n_head",
            "ffn_dim",
            "dropout",
            "batch_size",
            "learning_rate",
            "weight_decay",
            "warmup_ratio",
            "epochs",
        ):
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
        if self.precision not in ("fp32", "bf16"):
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
        raise ValueError(f'--device {name}: CUDA is not available to this PyTorch build')
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


def train(config: TrainConfig, log: Optional[TextIO] = None, clock: Callable[[], float] = time.monotonic) -> TrainResult:
    log = log or sys.stderr
    config = config.resolved()
    out = Path(config.out)
    out.mkdir(parents=True, exist_ok=True)
    checkpoint_path = out / "checkpoint.pt"
    if checkpoint_path.exists() and not config.resume:
        raise FileExistsError(f"{checkpoint_path}: a run exists here; pass --resume or choose another --out")

    device = resolve_device(config.device)
    if device.type == "cpu":
        torch.set_num_threads(config.threads or available_cores())
    if config.precision == "bf16" and device.type != "cuda":
        raise ValueError("--precision bf16 needs a CUDA device")

    def say(message: str) -> None:
        print(message, file=log, flush=True)

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

    run_info = {
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
        "split": {
            "name": split.name,
            "kind": split.kind,
            "seed": split.seed,
            "counts": split.counts(),
            "trainTriples": int(len(train_rows)),
            "validTriples": int(len(valid_rows)),
        },
        "edgeKinds": triples.edge_kinds(),
        "steps": {"perEpoch": batches_per_epoch, "total": total_steps, "warmup": warmup_steps},
        "parameters": int(sum(parameter.numel() for parameter in model.parameters())),
        "device": str(device),
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
    }

    step, epoch, batch_in_epoch = 0, 0, 0
    best: Dict[str, Any] = {"mrr": None, "step": None, "metrics": None}
    history: List[Dict[str, Any]] = []
    if config.resume and checkpoint_path.exists():
        state = load_checkpoint(checkpoint_path, map_location=device)
        saved = json.loads(state["fingerprint"])
        differences = sorted(
            key for key in set(saved) | set(config.fingerprint()) if saved.get(key) != config.fingerprint().get(key)
        )
        if differences:
            raise ValueError(
                f"{checkpoint_path}: the run was started with different settings: "
                + ", ".join(f"{key} {saved.get(key)!r} -> {config.fingerprint().get(key)!r}" for key in differences)
            )
        if state["dataHash"] != export.data_hash:
            raise ValueError(f"{checkpoint_path}: trained on data {state['dataHash']}, export is {export.data_hash}")
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(unpack_optimizer(state["optimizer"]))
        scheduler.load_state_dict(json.loads(state["scheduler"]))
        restore_rng_state(state["rng"], device)
        step, epoch, batch_in_epoch = int(state["step"]), int(state["epoch"]), int(state["batchInEpoch"])
        best = json.loads(state["best"])
        history = json.loads(state["history"])
        say(f"resumed from {checkpoint_path} at step {step} (epoch {epoch + 1}, batch {batch_in_epoch})")
    write_json_atomic(out / "run.json", run_info)

    say(
        f"training {run_info['parameters']:,} parameters on {device} ({torch.get_num_threads()} threads): "
        f"{len(train_rows):,} triples in {len(triples.buckets)} buckets, {batches_per_epoch} batches/epoch, "
        f"{total_steps} steps, validation {len(valid_rows):,} triples, negatives {config.negatives}"
    )

    def training_metadata(metrics: Optional[Dict[str, float]], at_step: int) -> Dict[str, Any]:
        return {
            "format": "biobridge-training/1",
            "preset": config.preset,
            "step": at_step,
            "metrics": metrics,
            **run_info,
        }

    def checkpoint() -> None:
        save_checkpoint(
            checkpoint_path,
            {
                "model": model.state_dict(),
                "optimizer": pack_optimizer(optimizer.state_dict()),
                "scheduler": json.dumps(scheduler.state_dict()),
                "rng": rng_state(device),
                "step": step,
                "epoch": epoch,
                "batchInEpoch": batch_in_epoch,
                "best": json.dumps(best),
                "history": json.dumps(history),
                "fingerprint": json.dumps(config.fingerprint()),
                "dataHash": export.data_hash,
            },
        )

    def validate() -> Optional[Dict[str, float]]:
        nonlocal best
        if len(valid_rows) == 0:
            return None
        started = clock()
        metrics = evaluate_ranking(model, export, valid_rows, device)
        record = {"step": step, "epoch": epoch + 1, **metrics, "seconds": round(clock() - started, 2)}
        history.append(record)
        with open(out / "metrics.jsonl", "a", encoding="utf-8") as handle:
            handle.write(json.dumps(record) + "\n")
        say(
            f"validation step {step}: mrr {metrics.get('mrr', float('nan')):.4f} "
            f"hits@10 {metrics.get('hits@10', float('nan')):.4f} over {metrics.get('triples', 0)} triples"
        )
        if metrics and (best["mrr"] is None or metrics["mrr"] > best["mrr"]):
            best = {"mrr": metrics["mrr"], "step": step, "metrics": metrics}
            save_model_directory(out / "best", model, training_metadata(metrics, step))
        return metrics

    autocast = (
        torch.autocast(device_type="cuda", dtype=torch.bfloat16)
        if config.precision == "bf16"
        else _NullContext()
    )
    model.train()
    started = clock()
    steps_at_start = step
    triples_since_start = 0
    last_log = started
    running_loss: Optional[float] = None
    losses: List[float] = []
    stopped = False

    while step < total_steps and not stopped:
        plan = triples.epoch_plan(epoch, config.batch_size, config.seed)
        while batch_in_epoch < len(plan) and step < total_steps:
            key, positions = plan[batch_in_epoch]
            batch = triples.make_batch(
                vectors,
                key,
                positions,
                step=step,
                seed=config.seed,
                negatives_per_step=config.num_negatives if paired else 0,
                in_batch=in_batch,
            )
            loss = batch_loss(model, batch, config.temperature, in_batch, autocast)
            if not torch.isfinite(loss):
                raise FloatingPointError(f"loss is {loss.item()} at step {step} (bucket {key})")
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            if config.grad_clip > 0:
                torch.nn.utils.clip_grad_norm_(model.parameters(), config.grad_clip)
            optimizer.step()
            scheduler.step()
            step += 1
            batch_in_epoch += 1
            triples_since_start += batch.size
            value = float(loss.detach())
            losses.append(value)
            running_loss = value if running_loss is None else 0.98 * running_loss + 0.02 * value

            now = clock()
            if now - last_log >= config.log_every_seconds or step == total_steps:
                last_log = now
                elapsed = max(now - started, 1e-9)
                rate = triples_since_start / elapsed
                step_rate = (step - steps_at_start) / elapsed
                eta = (total_steps - step) / step_rate if step_rate > 0 else float("inf")
                say(
                    f"step {step}/{total_steps} epoch {epoch + 1}/{config.epochs} loss {running_loss:.4f} "
                    f"lr {scheduler.get_last_lr()[0]:.2e} {rate:,.0f} triples/s eta {format_duration(eta)}"
                )
            if config.checkpoint_every > 0 and step % config.checkpoint_every == 0:
                checkpoint()
            if config.stop_after_steps is not None and step >= config.stop_after_steps and step < total_steps:
                stopped = True
                break
        if stopped:
            break
        if batch_in_epoch >= len(plan):
            validate()
            epoch += 1
            batch_in_epoch = 0
            checkpoint()

    if stopped:
        checkpoint()
        say(f"stopped at step {step}/{total_steps}; continue with --resume")
        return TrainResult("stopped", step, total_steps, best.get("metrics"), None, out, losses)

    final_metrics = history[-1] if history and history[-1]["step"] == step else validate()
    if isinstance(final_metrics, dict):
        final_metrics = {key: value for key, value in final_metrics.items() if key not in ("step", "epoch", "seconds")}
    checkpoint()
    save_model_directory(out / "final", model, training_metadata(final_metrics, step))
    if best["mrr"] is None:
        save_model_directory(out / "best", model, training_metadata(final_metrics, step))
    elapsed = clock() - started
    say(
        f"finished {step} steps in {format_duration(elapsed)} "
        f"({triples_since_start / max(elapsed, 1e-9):,.0f} triples/s); best mrr {best['mrr']} at step {best['step']}"
    )
    if config.export_to or config.export_bridge_dir:
        from .export_onnx import export_bridge

        if config.export_to:
            target = export_bridge(out / "best", config.export_to, log=log)
            say(f"exported bridge to {target}")
        if config.export_bridge_dir:
            target = export_bridge(out / "best", config.export_bridge_dir, into_index=False, log=log)
            say(f"exported bridge to {target}")
    return TrainResult("finished", step, total_steps, best.get("metrics"), final_metrics, out, losses)


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


def parse_args(argv: Optional[Sequence[str]] = None) -> TrainConfig:
    parser = argparse.ArgumentParser(
        prog="python3 -m biobridge_train.train",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--data", required=True, help="training export directory (FORMAT.md)")
    parser.add_argument("--out", required=True, help="run directory")
    parser.add_argument("--split", choices=KINDS, default="inductive")
    parser.add_argument("--split-seed", type=int, default=42, help="seed of the split and of validation heads")
    parser.add_argument("--preset", choices=sorted(PRESETS), default="cpu")
    for name, kind in (
        ("hidden-dim", int),
        ("n-layer", int),
        ("n-head", int),
        ("ffn-dim", int),
        ("dropout", float),
        ("batch-size", int),
        ("learning-rate", float),
        ("weight-decay", float),
        ("warmup-ratio", float),
        ("epochs", int),
    ):
        parser.add_argument(f"--{name}", type=kind, default=None, help="overrides the preset")
    parser.add_argument(
        "--max-steps", type=int, default=None, help="stop after this many optimiser steps (0: untrained baseline)"
    )
    parser.add_argument("--seed", type=int, default=0, help="model init, data order, negatives, dropout")
    parser.add_argument("--negatives", choices=NEGATIVE_MODES, default="paired")
    parser.add_argument("--num-negatives", type=int, default=5, help="paired negatives drawn per triple per step")
    parser.add_argument("--negative-pool", type=int, default=50, help="pre-sampled negatives per triple")
    parser.add_argument("--temperature", type=float, default=0.1)
    parser.add_argument("--grad-clip", type=float, default=1.0, help="max gradient norm; 0 disables")
    parser.add_argument(
        "--valid-fraction", type=float, default=0.02, help="training heads per type kept for validation (0: none)"
    )
    parser.add_argument("--valid-max-triples", type=int, default=2000)
    parser.add_argument("--checkpoint-every", type=int, default=500, help="steps between checkpoints (and each epoch)")
    parser.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N")
    parser.add_argument("--threads", type=int, default=None, help="CPU threads (default: all available cores)")
    parser.add_argument("--precision", choices=["fp32", "bf16"], default="fp32", help="bf16 autocast needs CUDA")
    parser.add_argument("--log-every-seconds", type=float, default=10.0)
    parser.add_argument("--resume", action="store_true", help="continue from <out>/checkpoint.pt")
    parser.add_argument("--stop-after-steps", type=int, default=None, help="checkpoint and stop early (resumable)")
    parser.add_argument("--export-to", default=None, help="index directory: write <index>/bridge/ from best/")
    parser.add_argument("--export-bridge-dir", default=None, help="write the bridge from best/ to exactly this directory")
    args = vars(parser.parse_args(argv))
    return TrainConfig(**{key: value for key, value in args.items()})


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
