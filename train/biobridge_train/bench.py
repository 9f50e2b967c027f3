"""Training throughput of a preset: steady-state triples/s over the first batches of an epoch.

    python3 -m biobridge_train.synthetic --out /tmp/synthetic --preset realistic
    python3 -m biobridge_train.bench --data /tmp/synthetic --preset cpu --steps 30

Reports wall-clock triples/s and triples per CPU-second (process CPU time), which is steadier on
a shared machine. Batches follow the real epoch order (all buckets, their real sizes).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from typing import Any, Dict, Optional, Sequence

import torch

from .config_cli import add_config_arguments
from .data import NodeVectors, TrainingTriples
from .export_format import read_export
from .model import BindingModel
from .negatives import known_pair_keys, sample_negative_pool
from .runtime import tune_allocator
from .splits import carve_validation, make_split
from .train import TrainConfig, _NullContext, available_cores, batch_loss, build_model_config, resolve_device


def measure(config: TrainConfig, steps: int, warmup: int = 3) -> Dict[str, Any]:
    config = config.resolved()
    device = resolve_device(config.device)
    if device.type == "cpu":
        torch.set_num_threads(config.threads or available_cores())
    export = read_export(config.data, verify_hashes=False)
    split = make_split(export, config.split, config.split_seed)
    train_rows, _ = carve_validation(export, split, config.valid_fraction, config.split_seed)
    in_batch = config.negatives in ("in-batch", "both")
    paired = config.negatives in ("paired", "both")
    pool = sample_negative_pool(export, train_rows, config.negative_pool, seed=config.seed) if paired else None
    triples = TrainingTriples(export, train_rows, pool, known_pair_keys(export) if in_batch else None)
    vectors = NodeVectors(export, device)
    torch.manual_seed(config.seed)
    model = BindingModel.from_config(build_model_config(export, config)).to(device).train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay)
    autocast = (
        torch.autocast(device_type="cuda", dtype=torch.bfloat16) if config.precision == "bf16" else _NullContext()
    )
    plan = triples.epoch_plan(0, config.batch_size, config.seed)
    measured_triples = 0
    wall = cpu = 0.0
    for step in range(min(warmup + steps, len(plan))):
        key, positions = plan[step]
        if device.type == "cuda":
            torch.cuda.synchronize()
        wall_start, cpu_start = time.perf_counter(), time.process_time()
        batch = triples.make_batch(
            vectors, key, positions, step, config.seed, config.num_negatives if paired else 0, in_batch
        )
        loss = batch_loss(model, batch, config.temperature, in_batch, autocast)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), config.grad_clip)
        optimizer.step()
        if device.type == "cuda":
            torch.cuda.synchronize()
        if step >= warmup:
            wall += time.perf_counter() - wall_start
            cpu += time.process_time() - cpu_start
            measured_triples += batch.size
    per_epoch = len(train_rows)
    rate = measured_triples / wall if wall else math.nan
    return {
        "preset": config.preset,
        "device": str(device),
        "threads": torch.get_num_threads(),
        "batchSize": config.batch_size,
        "negatives": config.negatives,
        "parameters": int(sum(parameter.numel() for parameter in model.parameters())),
        "measuredTriples": measured_triples,
        "triplesPerSecond": round(rate, 1),
        "triplesPerCpuSecond": round(measured_triples / cpu, 1) if cpu else math.nan,
        "trainTriples": per_epoch,
        "epochMinutes": round(per_epoch / rate / 60, 1) if wall else math.nan,
    }


# The trainer settings a measurement takes (each flag as the trainer declares it); the run writes nothing.
_BENCH_SETTINGS = (
    "data",
    "preset",
    "threads",
    "batch_size",
    "hidden_dim",
    "n_layer",
    "n_head",
    "ffn_dim",
    "negatives",
    "device",
    "precision",
)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_config_arguments(parser, TrainConfig, _BENCH_SETTINGS)
    parser.add_argument("--steps", type=int, default=20, help="optimiser steps measured (default: 20)")
    arguments = vars(parser.parse_args(argv))
    steps = arguments.pop("steps")
    tune_allocator()
    config = TrainConfig(out="-", **arguments)
    print(json.dumps(measure(config, steps)), file=sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
