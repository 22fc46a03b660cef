"""Phase 2's pieces: the hand-neighbourhood region, windows drawn where the part moves, and a run
started from another run's weights."""

import torch

from dwm_train.composite import composite
from dwm_train.data import ClipSet
from dwm_train.model import Denoiser, ModelConfig, hand_region
from dwm_train.train import TrainConfig, load_checkpoint, sample_batch, train

SMALL = {"channels": [8, 16, 16], "blocks": [1, 1, 1], "temporal": [False, True, True], "emb_dim": 32, "groups": 4}


def _hands_with_one_blob(f=7, h=48, w=64, frame=3, y=20, x=30):
    hands = -torch.ones(1, 3, f, h, w)
    hands[0, :, frame, y:y + 4, x:x + 4] = 0.8  # bright: inside the overlay's hand mask
    return hands


def test_region_grows_the_hand_mask_by_frames_and_pixels():
    r = hand_region(_hands_with_one_blob(), frames=1, pixels=5)[0, 0]
    assert r[3, 20, 30] == 1 and r[2, 20, 25] == 1 and r[4, 23 + 5, 33 + 5] == 1  # the blob, a frame and 5 px away
    assert r[1].max() == 0 and r[5].max() == 0  # two frames away
    assert r[3, 20, 24] == 0 and r[3, 29, 30] == 0  # 6 px away


def test_residual_acts_only_near_the_hands():
    torch.manual_seed(0)
    model = Denoiser(ModelConfig.from_json({**SMALL, "gate": True, "region": [1, 5]})).eval()
    torch.nn.init.normal_(model.net.out.weight, std=0.5)  # an untrained net would add nothing anywhere
    hands = _hands_with_one_blob()
    static = torch.rand(1, 3, 7, 48, 64) * 2 - 1
    x_t = torch.randn(1, 3, 7, 48, 64)
    with torch.no_grad():
        x0 = model.predict_x0(x_t, static, hands, torch.tensor([400.0]))
    d = (x0 - composite(static, hands)).abs().amax(1)[0]
    far = hand_region(hands, 1, 5)[0, 0] == 0
    assert d[far].max() == 0, "the residual leaked away from the hands"
    assert d[~far].max() > 1e-3, "the residual does nothing near the hands"


def test_focus_draws_windows_where_the_part_moves(fixture_set, tmp_path):
    cs = ClipSet(fixture_set, tmp_path / "cache")
    assert all(m > 0 for m in cs.moving_from), cs.moving_from  # read from meta/<clip>.json's joint track

    def part_moved(batch):
        gt, st, hd, mk = batch
        away_from_hands = hd.amax(1, keepdim=True) < -0.5
        return bool((((gt - st).abs().amax(1, keepdim=True) > 0.5) & (mk > 0) & away_from_hands).any())

    focused = TrainConfig(data=str(fixture_set), batch=1, window_min=8, window_max=8, focus=1.0)
    uniform = TrainConfig(data=str(fixture_set), batch=1, window_min=8, window_max=8, focus=0.0)
    moved = [part_moved(sample_batch(cs, focused, s)) for s in range(40)]
    still = [not part_moved(sample_batch(cs, uniform, s)) for s in range(40)]
    assert all(moved) and any(still), (moved, still)


def test_init_from_starts_at_the_other_runs_weights(fixture_set, tmp_path):
    base = dict(data=str(fixture_set), seed=3, batch=1, window_min=4, window_max=6, crop=[32, 48], warmup=2, model=SMALL)
    train(TrainConfig(**base, steps=3), tmp_path / "p1", log=lambda _m: None)
    s = train(TrainConfig(**base, steps=0, init_from=str(tmp_path / "p1" / "checkpoint.pt"), focus=0.5, mask_weight=12.0),
              tmp_path / "p2", log=lambda _m: None)
    a, b = load_checkpoint(tmp_path / "p1"), load_checkpoint(tmp_path / "p2")
    assert s["step"] == 0
    for key in ("model", "ema"):
        for k, v in a[key].items():
            assert torch.equal(v, b[key][k]), f"{key}.{k}"
    assert b["config"]["init_from"].endswith("checkpoint.pt") and b["config"]["mask_weight"] == 12.0


def test_init_from_adds_zero_initialised_temporal_layers_and_refuses_other_shapes(fixture_set, tmp_path):
    base = dict(data=str(fixture_set), seed=3, batch=1, window_min=4, window_max=6, crop=[32, 48], warmup=2)
    train(TrainConfig(**base, steps=2, model=SMALL), tmp_path / "p1", log=lambda _m: None)
    ck = str(tmp_path / "p1" / "checkpoint.pt")
    wider = {**SMALL, "mid_dilations": [2, 4]}
    lines = []
    train(TrainConfig(**base, steps=0, init_from=ck, model=wider), tmp_path / "p2", log=lines.append)
    assert any("net.mid_temporal.0, net.mid_temporal.1" in line for line in lines), lines
    # The added layers start at zero: the function is the first phase's.
    a = Denoiser(ModelConfig.from_json(SMALL))
    a.load_state_dict(load_checkpoint(tmp_path / "p1")["ema"])
    b = Denoiser(ModelConfig.from_json(wider))
    b.load_state_dict(load_checkpoint(tmp_path / "p2")["ema"])
    torch.nn.init.normal_(a.net.out.weight, std=0.1)
    b.net.out.weight.data.copy_(a.net.out.weight.data)
    x = torch.rand(1, 9, 6, 32, 48) * 2 - 1
    with torch.no_grad():
        assert torch.equal(a(x, torch.tensor([300.0])), b(x, torch.tensor([300.0])))
    other = {**SMALL, "channels": [8, 16, 32]}
    try:
        train(TrainConfig(**base, steps=0, init_from=ck, model=other), tmp_path / "p3", log=lambda _m: None)
    except ValueError as e:
        assert "does not fit this model" in str(e)
    else:
        raise AssertionError("a checkpoint of another shape was accepted")


def test_training_ssim_matches_the_evaluations_ssim():
    from dwm_train.composite import to_uint8
    from dwm_train.metrics import clip_ssim
    from dwm_train.train import ssim_frames

    g = torch.Generator().manual_seed(0)
    a = torch.rand(1, 3, 3, 32, 40, generator=g) * 2 - 1
    b = (a + 0.2 * torch.randn(a.shape, generator=g)).clamp(-1, 1)
    as_uint8 = lambda v: to_uint8(v[0].permute(1, 2, 3, 0).numpy())  # noqa: E731
    # Equal up to the evaluation's rounding to 8 bits.
    assert abs(float(ssim_frames(a, b)) - clip_ssim(as_uint8(a), as_uint8(b))) < 1e-3
    assert float(ssim_frames(a, a)) > 0.9999
    assert float(ssim_frames(a, b)) < 0.99
