"""Smoke run on FIXTURE clips: a few training steps -> export -> evaluate one held-out clip
through the studio's own pipeline (npx tsx ... run-studio-pipeline.ts) -> every report file."""

import json

import pytest

from dwm_train.__main__ import _config, build_parser, run_all
from dwm_train.evaluate import node_available
from dwm_train.metrics import clip_psnr, clip_ssim
from dwm_train.train import train


def test_metrics_identity_and_known_value():
    import numpy as np

    a = np.random.default_rng(0).integers(0, 256, (2, 24, 24, 3), dtype=np.uint8)
    assert clip_psnr(a, a) == 100.0 and abs(clip_ssim(a, a) - 1.0) < 1e-12
    b = a.astype(np.int64)
    b[..., 0] = np.clip(b[..., 0] + 3, 0, 255)
    b = b.astype(np.uint8)
    mse = ((a.astype(np.int64) - b) ** 2).reshape(2, -1).mean(1)
    assert abs(clip_psnr(a, b) - float(np.mean(10 * np.log10(255 ** 2 / mse)))) < 1e-9


def test_smoke_train_export_evaluate(fixture_set, heldout_set, tmp_path):
    reason = node_available()
    if reason:
        print(f"skipped: {reason}")
        pytest.skip(reason)
    # Through the real command line: the same options `npm run train-default-model` passes.
    a = build_parser().parse_args(["all", "--data-train", str(fixture_set), "--data-heldout", str(heldout_set), "--work", str(tmp_path / "work"),
                                   "--bundle-out", str(tmp_path / "bundle"), "--report-out", str(tmp_path / "report"), "--steps", "3",
                                   "--batch", "1", "--window", "4", "6", "--ckpt-every", "2", "--limit", "1", "--default-steps", "2"])
    config = run_all(a)
    for name in ("loss.png", "loss.csv", "metrics.md", "metrics.json", "contact-sheet.png", "config.json"):
        assert (tmp_path / "bundle" / "training-report" / name).stat().st_size > 0, name
    metrics = json.loads((tmp_path / "report" / "metrics.json").read_text())
    assert metrics["mean"]["clips"] == 1 and metrics["steps"] == 2
    assert 5 < metrics["mean"]["model"]["psnr"] <= 100 and 0 < metrics["mean"]["model"]["ssim"] <= 1
    assert config["steps"] == 3


def test_smoke_second_phase_reports_both_losses(fixture_set, heldout_set, tmp_path):
    """A second phase (--init-from) written straight into the bundle, as `npm run train-default-model`
    does: the report keeps every file (it once cleared itself) and plots each phase's loss."""
    reason = node_available()
    if reason:
        print(f"skipped: {reason}")
        pytest.skip(reason)
    common = ["--batch", "1", "--window", "4", "6", "--ckpt-every", "2", "--limit", "1", "--default-steps", "2"]
    first = build_parser().parse_args(["train", "--data", str(fixture_set), "--work", str(tmp_path / "run"), "--steps", "2",
                                       "--region", "0", "0", "--mid-dilations", "--batch", "1", "--window", "4", "6"])
    train(_config(first, first.data), first.work)
    bundle = tmp_path / "bundle"
    a = build_parser().parse_args(["all", "--data-train", str(fixture_set), "--data-heldout", str(heldout_set),
                                   "--work", str(tmp_path / "run2"), "--init-from", str(tmp_path / "run" / "checkpoint.pt"), "--resume",
                                   "--bundle-out", str(bundle), "--report-out", str(bundle / "training-report"), "--steps", "2", *common])
    config = run_all(a)
    for name in ("loss.png", "loss-phase1.png", "loss.csv", "metrics.md", "metrics.json", "contact-sheet.png", "config.json"):
        assert (bundle / "training-report" / name).stat().st_size > 0, name
    assert config["train"]["init_from"] == "run/checkpoint.pt" and config["summary"]["train_s_all_calls"] > 0
    # Rerun after it finished: nothing is retrained, the report is rebuilt and still complete.
    again = run_all(a)
    assert again["summary"]["resumed_from_step"] == 2 and again["summary"]["frames"] == 0
    assert (bundle / "training-report" / "metrics.json").stat().st_size > 0
