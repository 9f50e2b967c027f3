"""Resumable training checkpoints and model directories, written atomically.

A model directory holds ``pytorch_model.bin`` (state dict in the official BindingModel layout),
``model_config.json`` (official keys) and ``training.json`` (what the ONNX export needs: registry,
raw dims, encoder config hashes, data hash, training configuration, metrics).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, Optional, Tuple, Union

import torch

from .atomic import PathLike, build_directory_atomic, temporary_sibling
from .model import BindingModel, ModelConfig, load_state_dict_file

CHECKPOINT_FORMAT = "biobridge-checkpoint/1"


def pack_optimizer(state: Dict[str, Any]) -> Dict[str, Any]:
    """PyTorch 1.13's ``weights_only`` loader rejects pickled floats, so the optimizer's
    hyper-parameters travel as JSON and only its tensors are pickled."""
    return {"state": state["state"], "paramGroups": json.dumps(state["param_groups"])}


def unpack_optimizer(packed: Dict[str, Any]) -> Dict[str, Any]:
    groups = json.loads(packed["paramGroups"])
    for group in groups:
        if "betas" in group:
            group["betas"] = tuple(group["betas"])
    return {"state": packed["state"], "param_groups": groups}


def save_checkpoint(path: PathLike, state: Dict[str, Any]) -> None:
    """Tensors, ints, strings, lists and dicts only (no floats: see :func:`pack_optimizer`), so the
    file loads with ``weights_only=True`` on PyTorch 1.13 and 2.x."""
    with temporary_sibling(path) as temporary:
        torch.save({"format": CHECKPOINT_FORMAT, **state}, temporary)


def load_checkpoint(path: PathLike, map_location: Union[str, torch.device] = "cpu") -> Dict[str, Any]:
    state = torch.load(str(path), map_location=map_location, weights_only=True)
    if not isinstance(state, dict) or state.get("format") != CHECKPOINT_FORMAT:
        raise ValueError(f"{path}: not a {CHECKPOINT_FORMAT} checkpoint")
    return state


def rng_state(device: torch.device) -> Dict[str, Any]:
    state: Dict[str, Any] = {"torch": torch.get_rng_state()}
    if device.type == "cuda":
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def restore_rng_state(state: Dict[str, Any], device: torch.device) -> None:
    torch.set_rng_state(state["torch"].cpu())
    if device.type == "cuda" and "cuda" in state:
        torch.cuda.set_rng_state_all([item.cpu() for item in state["cuda"]])


def save_model_directory(directory: PathLike, model: BindingModel, training: Dict[str, Any]) -> None:
    with build_directory_atomic(directory) as staging:
        state = {key: value.detach().cpu().contiguous() for key, value in model.state_dict().items()}
        torch.save(state, staging / "pytorch_model.bin")
        (staging / "model_config.json").write_text(json.dumps(model.config.to_json(), indent=4) + "\n")
        (staging / "training.json").write_text(json.dumps(training, indent=2) + "\n")


def load_model_directory(
    directory: PathLike, map_location: Union[str, torch.device] = "cpu"
) -> Tuple[BindingModel, Optional[Dict[str, Any]]]:
    """Loads a model directory (ours, or the official release: then ``training.json`` is absent)."""
    root = Path(directory)
    config_path = root / "model_config.json"
    weights_path = root / "pytorch_model.bin"
    for path in (config_path, weights_path):
        if not path.is_file():
            raise FileNotFoundError(f"{path}: missing")
    try:
        config = ModelConfig.from_json(json.loads(config_path.read_text()))
    except (ValueError, TypeError) as error:
        raise ValueError(f"{config_path}: {error}") from error
    model = BindingModel.from_config(config)
    state = load_state_dict_file(str(weights_path), map_location=map_location)
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as error:
        raise ValueError(f"{weights_path}: does not match {config_path.name}: {error}") from error
    training_path = root / "training.json"
    training = json.loads(training_path.read_text()) if training_path.is_file() else None
    return model, training
