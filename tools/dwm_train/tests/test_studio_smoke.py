"""CI smoke run on REAL studio clips: the studio's generator (`dwm-studio synth`, headless Chromium)
renders one room's clips, a few training steps run on them, the bundle is exported, the studio's
own Add-model check accepts it (validate-bundle.ts) and one take runs through the studio's
pipeline. It checks export and loading, not quality (the quality figures come from the full run,
`npm run train-default-model`)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from dwm_train.__main__ import build_parser, run_all
from dwm_train.evaluate import REPO, node_available


def _generator_missing() -> str | None:
    reason = node_available()
    if reason:
        return reason
    if not (REPO / "out" / "renderer" / "index.html").exists():
        return "the studio UI is not built (npm run build, or npm test builds it before the Python checks)"
    if not any(shutil.which(c) for c in ("chromium", "chromium-browser", "google-chrome")) and not Path("/usr/bin/chromium").exists():
        return "no Chromium to render the clips in (apt install chromium)"
    return None


def test_studio_clips_train_export_load(tmp_path):
    reason = _generator_missing()
    if reason:
        print(f"skipped: {reason}")
        pytest.skip(reason)
    clips = tmp_path / "clips"
    r = subprocess.run(["node", "bin/dwm-studio.mjs", "synth", "--out", str(clips), "--rooms", "1", "--clips-per-room", "2",
                        "--first-room-seed", "7"], cwd=REPO, capture_output=True, text=True,
                       env={**__import__("os").environ, "DWM_STUDIO_HOME": str(tmp_path / "home")})
    assert r.returncode == 0, r.stderr[-2000:]
    index = json.loads((clips / "clips.json").read_text())
    assert len(index["clips"]) == 2 and index["spec"]["width"] == 144

    # Through the real command line: the same options `npm run train-default-model` passes, the
    # report written into the bundle's own training-report/ as it does.
    a = build_parser().parse_args(["all", "--data-train", str(clips), "--data-heldout", str(clips), "--work", str(tmp_path / "work"),
                                   "--bundle-out", str(tmp_path / "bundle"), "--report-out", str(tmp_path / "bundle" / "training-report"), "--steps", "3",
                                   "--batch", "1", "--window", "4", "6", "--ckpt-every", "2", "--limit", "1", "--default-steps", "2", "--shift", "1"])
    config = run_all(a)
    assert config["steps"] == 3 and config["export"]["max_abs_diff"] < 1e-4
    for name in ("loss.png", "loss.csv", "metrics.md", "metrics.json", "contact-sheet.png", "config.json"):
        assert (tmp_path / "bundle" / "training-report" / name).stat().st_size > 0, name

    # The studio's own Add model... check: manifest, files, each graph's inputs and outputs.
    v = subprocess.run(["npx", "tsx", "tools/dwm_export/node/validate-bundle.ts", str(tmp_path / "bundle")], cwd=REPO,
                       capture_output=True, text=True)
    assert v.returncode == 0, v.stderr[-2000:]
    checked = json.loads(v.stdout.strip().splitlines()[-1])
    assert checked == {"id": "dwm-synth-small", "problems": []}

    # The take the evaluation ran went through the studio's pipeline and was compared to the ground truth.
    metrics = json.loads((tmp_path / "bundle" / "training-report" / "metrics.json").read_text())
    assert metrics["mean"]["clips"] == 1
    assert 5 < metrics["mean"]["model"]["psnr"] <= 100
