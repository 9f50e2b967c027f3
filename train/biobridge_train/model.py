"""The BioBridge binding model, with module names and state-dict keys of the official
``BindingModel`` (RyanWangZf/BioBridge, src/model.py), so released checkpoints load strictly.

Input tokens are ``[proj(head), type(head), relation, type(tail)]`` with no positional encoding;
the output is ``encoder(x)[:, 0] + x[:, 0]``. Tails are only projected.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Dict, Mapping, Optional, Sequence, Union

import torch
import torch.nn.functional as F
from torch import nn

# The official class hard-codes these; configs that differ record them in model_config.json.
OFFICIAL_DEFAULTS = {"n_head": 12, "ffn_dim": 2048, "dropout": 0.1, "layer_norm_eps": 1e-5}


@dataclass
class ModelConfig:
    n_node: int
    n_relation: int
    proj_dim: Dict[int, int]  # node type id -> raw vector dim
    hidden_dim: int = 768
    n_layer: int = 6
    n_head: int = 12
    ffn_dim: int = 2048
    dropout: float = 0.1
    layer_norm_eps: float = 1e-5

    def __post_init__(self) -> None:
        self.proj_dim = {int(key): int(value) for key, value in self.proj_dim.items()}
        if self.hidden_dim % self.n_head != 0:
            raise ValueError(f"hidden_dim {self.hidden_dim} is not divisible by n_head {self.n_head}")
        for type_id in self.proj_dim:
            if not 0 <= type_id < self.n_node:
                raise ValueError(f"proj_dim has type id {type_id}, outside 0..{self.n_node - 1}")

    def to_json(self) -> Dict[str, Any]:
        """``model_config.json`` content. Keys beyond the official five are written only when they
        differ from the official constants, so paper-sized models load in the official code too."""
        value: Dict[str, Any] = {
            "n_node": self.n_node,
            "n_relation": self.n_relation,
            "proj_dim": {str(key): dim for key, dim in sorted(self.proj_dim.items())},
            "hidden_dim": self.hidden_dim,
            "n_layer": self.n_layer,
        }
        for key, default in OFFICIAL_DEFAULTS.items():
            if getattr(self, key) != default:
                value[key] = getattr(self, key)
        return value

    @staticmethod
    def from_json(value: Mapping[str, Any]) -> "ModelConfig":
        known = {"n_node", "n_relation", "proj_dim", "hidden_dim", "n_layer", *OFFICIAL_DEFAULTS}
        unknown = set(value) - known
        if unknown:
            raise ValueError(f"model_config has unknown keys: {', '.join(sorted(unknown))}")
        for key in ("n_node", "n_relation", "proj_dim"):
            if key not in value:
                raise ValueError(f"model_config is missing {key}")
        return ModelConfig(**{key: value[key] for key in value})

    def describe(self) -> Dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Preset:
    hidden_dim: int
    n_layer: int
    n_head: int
    ffn_dim: int
    dropout: float
    batch_size: int
    learning_rate: float
    epochs: int
    weight_decay: float = 1e-4
    warmup_ratio: float = 0.1
    extra: Dict[str, Any] = field(default_factory=dict)


# `paper` follows train_bind.py (batch 1024, lr 1.6e-3, 10 epochs, weight decay 1e-4, warm-up 10%).
# `cpu` was sized by measurement on a 2-core machine: see README.md § Presets.
# fmt: off
PRESETS: Dict[str, Preset] = {
    "tiny": Preset(hidden_dim=32, n_layer=1, n_head=2, ffn_dim=64, dropout=0.1, batch_size=64, learning_rate=3e-3, epochs=3),  # noqa: E501
    "cpu": Preset(hidden_dim=256, n_layer=2, n_head=4, ffn_dim=512, dropout=0.1, batch_size=512, learning_rate=1e-3, epochs=3),  # noqa: E501
    "paper": Preset(hidden_dim=768, n_layer=6, n_head=12, ffn_dim=2048, dropout=0.1, batch_size=1024, learning_rate=1.6e-3, epochs=10),  # noqa: E501
}
# fmt: on


class BindingModel(nn.Module):
    def __init__(self, n_node: int, n_relation: int, proj_dim: Mapping[Union[int, str], int], **settings: Any) -> None:
        """Takes the official ``BindingModel(**model_config)`` arguments: the fields of ``ModelConfig``,
        whose defaults are the only ones."""
        super().__init__()
        self.config = config = ModelConfig(n_node, n_relation, dict(proj_dim), **settings)
        hidden_dim = config.hidden_dim
        self.node_type_embed = nn.Sequential(
            nn.Embedding(n_node, hidden_dim),
            nn.LayerNorm(hidden_dim, eps=1e-5),
        )
        self.relation_type_embed = nn.Sequential(
            nn.Embedding(n_relation, hidden_dim),
            nn.LayerNorm(hidden_dim, eps=1e-5),
        )
        self.proj_layer = nn.ModuleDict()
        for node_type, dim in config.proj_dim.items():
            self.proj_layer[str(node_type)] = nn.Linear(dim, hidden_dim, bias=False)
        encoder_layer = nn.TransformerEncoderLayer(
            d_model=hidden_dim,
            nhead=config.n_head,
            dim_feedforward=config.ffn_dim,
            dropout=config.dropout,
            activation="gelu",
            layer_norm_eps=config.layer_norm_eps,
            batch_first=True,
        )
        # Nested tensors only matter for padding masks, which this model never uses.
        self.encoder = nn.TransformerEncoder(encoder_layer, num_layers=config.n_layer, enable_nested_tensor=False)

    @staticmethod
    def from_config(config: ModelConfig) -> "BindingModel":
        return BindingModel(**asdict(config))

    def project(self, vectors: torch.Tensor, node_type: int) -> torch.Tensor:
        key = str(int(node_type))
        if key not in self.proj_layer:
            raise KeyError(f"the model has no projection for node type id {key}")
        return self.proj_layer[key](vectors)

    def type_tokens(self, head_type: int, relation: int, tail_type: int, device: torch.device) -> torch.Tensor:
        """[3, H]: normalised embeddings of head type, relation and tail type."""
        types = self.node_type_embed(torch.tensor([head_type, tail_type], dtype=torch.long, device=device))
        relation_token = self.relation_type_embed(torch.tensor([relation], dtype=torch.long, device=device))
        return torch.cat([types[:1], relation_token, types[1:]], dim=0)

    def transform(self, head: torch.Tensor, head_type: int, relation: int, tail_type: int) -> torch.Tensor:
        """Maps a batch of same-typed heads into the tail type's space: [B, D_head] → [B, H]."""
        projected = self.project(head, head_type)
        tokens = self.type_tokens(head_type, relation, tail_type, head.device)
        inputs = torch.cat([projected.unsqueeze(1), tokens.unsqueeze(0).expand(projected.shape[0], -1, -1)], dim=1)
        return encode_first_token(self.encoder, inputs) + projected

    def forward(
        self,
        head_emb: Union[torch.Tensor, Sequence[torch.Tensor]],
        head_type_ids: torch.Tensor,
        rel_type_ids: torch.Tensor,
        tail_type_ids: torch.Tensor,
    ) -> torch.Tensor:
        """The official computation for a mixed batch, through ``nn.TransformerEncoder`` itself.
        Slower than :meth:`transform`; kept as the reference that tests compare against."""
        rows = []
        for index in range(len(head_type_ids)):
            rows.append(self.project(head_emb[index].unsqueeze(0), int(head_type_ids[index])))
        projected = torch.cat(rows, dim=0)
        inputs = torch.cat(
            [
                projected.unsqueeze(1),
                self.node_type_embed(head_type_ids).unsqueeze(1),
                self.relation_type_embed(rel_type_ids).unsqueeze(1),
                self.node_type_embed(tail_type_ids).unsqueeze(1),
            ],
            dim=1,
        )
        return self.encoder(inputs)[:, 0, :] + inputs[:, 0, :]


def encode_first_token(encoder: nn.TransformerEncoder, inputs: torch.Tensor) -> torch.Tensor:
    """``encoder(inputs)[:, 0]`` for a post-LN GELU encoder, written out op by op.

    The last layer computes attention and feed-forward for token 0 only (the other outputs are
    discarded), which saves a third of the work of a 2-layer model. Written with reshapes on -1 so
    that ONNX export keeps the batch dimension dynamic. Dropout follows nn.TransformerEncoderLayer.
    """
    hidden = inputs
    layers = list(encoder.layers)
    for position, layer in enumerate(layers):
        hidden = _encoder_layer(layer, hidden, first_only=position == len(layers) - 1)
    if encoder.norm is not None:
        hidden = encoder.norm(hidden)
    return hidden[:, 0, :]


def _encoder_layer(layer: nn.TransformerEncoderLayer, hidden: torch.Tensor, first_only: bool) -> torch.Tensor:
    if getattr(layer, "norm_first", False):
        raise ValueError("only post-LN encoder layers (norm_first=False) are supported")
    attention = layer.self_attn
    width = attention.embed_dim
    heads = attention.num_heads
    head_dim = width // heads
    sequence = hidden.shape[1]
    weight, bias = attention.in_proj_weight, attention.in_proj_bias
    if first_only:
        residual = hidden[:, :1, :]
        query = F.linear(residual, weight[:width], bias[:width])
        key, value = F.linear(hidden, weight[width:], bias[width:]).chunk(2, dim=-1)
    else:
        residual = hidden
        query, key, value = F.linear(hidden, weight, bias).chunk(3, dim=-1)
    queries = residual.shape[1]
    query = query.reshape(-1, queries, heads, head_dim).transpose(1, 2)
    key = key.reshape(-1, sequence, heads, head_dim).transpose(1, 2)
    value = value.reshape(-1, sequence, heads, head_dim).transpose(1, 2)
    scores = torch.matmul(query * (float(head_dim) ** -0.5), key.transpose(-2, -1))
    weights = torch.softmax(scores, dim=-1)
    if layer.training and attention.dropout > 0:
        weights = F.dropout(weights, p=attention.dropout, training=True)
    attended = torch.matmul(weights, value).transpose(1, 2).reshape(-1, queries, width)
    attended = attention.out_proj(attended)
    hidden = layer.norm1(residual + layer.dropout1(attended))
    feed_forward = layer.linear2(layer.dropout(F.gelu(layer.linear1(hidden))))
    return layer.norm2(hidden + layer.dropout2(feed_forward))


def build_model(config: ModelConfig, seed: Optional[int] = None) -> BindingModel:
    if seed is not None:
        torch.manual_seed(seed)
    return BindingModel.from_config(config)


def load_state_dict_file(path: str, map_location: Union[str, torch.device] = "cpu") -> Dict[str, torch.Tensor]:
    """``torch.load`` limited to tensors (``weights_only``), on every PyTorch from 1.13 on."""
    state = torch.load(path, map_location=map_location, weights_only=True)
    if not isinstance(state, dict):
        raise ValueError(f"{path}: expected a state dict, found {type(state).__name__}")
    return state
