"""A stand-in for the official ``BindingModel`` (RyanWangZf/BioBridge src/model.py): the same
modules under the same names, built the way the official constructor builds them."""

import json
from pathlib import Path

import torch
from torch import nn

OFFICIAL_CONFIG = {
    "n_node": 10,
    "n_relation": 18,
    "proj_dim": {"5": 768, "1": 2560, "2": 768, "7": 768, "6": 512, "0": 768},
    "hidden_dim": 768,
    "n_layer": 6,
}


class OfficialBindingModel(nn.Module):
    def __init__(self, n_node, n_relation, proj_dim, hidden_dim=768, n_layer=6):
        super().__init__()
        self.node_type_embed = nn.Sequential(nn.Embedding(n_node, hidden_dim), nn.LayerNorm(hidden_dim, eps=1e-5))
        self.relation_type_embed = nn.Sequential(
            nn.Embedding(n_relation, hidden_dim), nn.LayerNorm(hidden_dim, eps=1e-5)
        )
        self.proj_layer = nn.ModuleDict()
        for node_type, dim in proj_dim.items():
            self.proj_layer[str(node_type)] = nn.Linear(dim, hidden_dim, bias=False)
        encoder_layer = nn.TransformerEncoderLayer(d_model=hidden_dim, nhead=12, batch_first=True, activation="gelu")
        self.encoder = nn.TransformerEncoder(encoder_layer, num_layers=n_layer)

    def forward(self, head_emb, head_type_ids, rel_type_ids, tail_type_ids):
        head = torch.cat(
            [self.proj_layer[str(int(t))](head_emb[i][None]) for i, t in enumerate(head_type_ids)]
        ).unsqueeze(1)
        inputs = torch.cat(
            [
                head,
                self.node_type_embed(head_type_ids).unsqueeze(1),
                self.relation_type_embed(rel_type_ids).unsqueeze(1),
                self.node_type_embed(tail_type_ids).unsqueeze(1),
            ],
            dim=1,
        )
        return self.encoder(inputs)[:, 0, :] + inputs[:, 0, :]


def small_official_config():
    """Official key layout and head count, small sizes (hidden must divide by 12 heads)."""
    return {
        "n_node": 10,
        "n_relation": 18,
        "proj_dim": {"5": 16, "1": 40, "2": 16, "7": 16, "6": 12, "0": 16},
        "hidden_dim": 24,
        "n_layer": 2,
    }


def save_official_checkpoint(directory: Path, config: dict, seed: int = 0) -> OfficialBindingModel:
    torch.manual_seed(seed)
    model = OfficialBindingModel(**config)
    directory.mkdir(parents=True, exist_ok=True)
    torch.save(model.state_dict(), directory / "pytorch_model.bin")
    (directory / "model_config.json").write_text(json.dumps(config, indent=4))
    return model.eval()
