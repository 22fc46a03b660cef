"""N steps, then --resume for N more, gives the same weights as 2N steps straight."""

import csv

import torch

from dwm_train.train import TrainConfig, load_checkpoint, train

SMALL = {"channels": [8, 16, 16], "blocks": [1, 1, 1], "temporal": [False, True, True], "emb_dim": 32, "groups": 4}


def _cfg(data, steps):
    return TrainConfig(data=str(data), seed=3, steps=steps, batch=1, window_min=4, window_max=6, crop=[32, 48], ckpt_every=2,
                       warmup=2, model=SMALL)


def test_resume_is_exact(fixture_set, tmp_path):
    n = 3
    train(_cfg(fixture_set, 2 * n), tmp_path / "straight", log=lambda _m: None)
    train(_cfg(fixture_set, n), tmp_path / "split", log=lambda _m: None)
    train(_cfg(fixture_set, 2 * n), tmp_path / "split", resume=True, log=lambda _m: None)
    a, b = load_checkpoint(tmp_path / "straight"), load_checkpoint(tmp_path / "split")
    assert a["step"] == b["step"] == 2 * n
    for key in ("model", "ema"):
        for k, v in a[key].items():
            assert torch.equal(v, b[key][k]), f"{key}.{k} differs after resume"
    rows = list(csv.DictReader((tmp_path / "split" / "loss.csv").open()))
    assert [int(r["step"]) for r in rows] == list(range(1, 2 * n + 1))
    straight = list(csv.DictReader((tmp_path / "straight" / "loss.csv").open()))
    assert [r["loss"] for r in rows] == [r["loss"] for r in straight]


def test_time_budget_stops_and_checkpoints(fixture_set, tmp_path):
    s = train(_cfg(fixture_set, 1000), tmp_path / "w", time_budget_min=0.0, log=lambda _m: None)
    assert s["stopped"] == "time budget"
    assert load_checkpoint(tmp_path / "w")["step"] == s["step"]
