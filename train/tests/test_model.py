import torch

from biobridge_train.model import PRESETS, BindingModel, ModelConfig
from official_layout import OfficialBindingModel, small_official_config


def official_sized(hidden: int = 24, layers: int = 2) -> BindingModel:
    config = small_official_config()
    return BindingModel(
        n_node=config["n_node"],
        n_relation=config["n_relation"],
        proj_dim=config["proj_dim"],
        hidden_dim=hidden,
        n_layer=layers,
    )


def test_state_dict_matches_official_layout() -> None:
    config = small_official_config()
    official = OfficialBindingModel(**config)
    ours = official_sized()
    theirs = {key: tuple(value.shape) for key, value in official.state_dict().items()}
    mine = {key: tuple(value.shape) for key, value in ours.state_dict().items()}
    assert mine == theirs
    assert "proj_layer.1.weight" in mine and mine["proj_layer.1.weight"] == (24, 40)
    assert "encoder.layers.1.self_attn.in_proj_weight" in mine
    ours.load_state_dict(official.state_dict(), strict=True)


def test_outputs_match_official_forward() -> None:
    torch.manual_seed(1)
    official = OfficialBindingModel(**small_official_config()).eval()
    ours = official_sized().eval()
    ours.load_state_dict(official.state_dict(), strict=True)
    head = torch.randn(6, 40)

    def ids(value):
        return torch.full((6,), value, dtype=torch.long)

    with torch.no_grad():
        expected = official(head, ids(1), ids(3), ids(7))
        assert torch.allclose(ours.transform(head, 1, 3, 7), expected, atol=1e-5)
        assert torch.allclose(ours(head, ids(1), ids(3), ids(7)), expected, atol=1e-5)


def test_shapes() -> None:
    model = official_sized().eval()
    with torch.no_grad():
        assert model.transform(torch.randn(5, 12), 6, 10, 1).shape == (5, 24)
        assert model.project(torch.randn(3, 40), 1).shape == (3, 24)
        assert model.project(torch.randn(3, 2, 16), 0).shape == (3, 2, 24)


def test_output_is_encoder_token_zero_plus_projected_head() -> None:
    model = official_sized().eval()
    head = torch.randn(4, 16)
    with torch.no_grad():
        for parameter in model.encoder.parameters():
            parameter.zero_()
        projected = model.project(head, 2)
        assert torch.equal(model.transform(head, 2, 6, 1), projected)

        def ids(value):
            return torch.full((4,), value, dtype=torch.long)

        assert torch.allclose(model(head, ids(2), ids(6), ids(1)), projected, atol=1e-6, rtol=0)


def test_paper_config_json_has_only_official_keys() -> None:
    preset = PRESETS["paper"]
    config = ModelConfig(
        n_node=10,
        n_relation=18,
        proj_dim={1: 2560},
        hidden_dim=preset.hidden_dim,
        n_layer=preset.n_layer,
        n_head=preset.n_head,
        ffn_dim=preset.ffn_dim,
    )
    assert set(config.to_json()) == {"n_node", "n_relation", "proj_dim", "hidden_dim", "n_layer"}
    cpu = PRESETS["cpu"]
    small = ModelConfig(10, 18, {1: 64}, cpu.hidden_dim, cpu.n_layer, cpu.n_head, cpu.ffn_dim)
    assert small.to_json()["n_head"] == cpu.n_head
    assert ModelConfig.from_json(small.to_json()) == small


def test_presets() -> None:
    assert (
        PRESETS["paper"].hidden_dim,
        PRESETS["paper"].n_layer,
        PRESETS["paper"].n_head,
        PRESETS["paper"].ffn_dim,
    ) == (768, 6, 12, 2048)
    assert (PRESETS["tiny"].hidden_dim, PRESETS["tiny"].n_layer, PRESETS["tiny"].n_head, PRESETS["tiny"].ffn_dim) == (
        32,
        1,
        2,
        64,
    )
