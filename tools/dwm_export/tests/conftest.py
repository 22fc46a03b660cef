"""Shared fixtures: tiny checkpoints in the published layout, exported once per session.

Everything here is real: diffusers/transformers models with random weights, the exporter,
onnxruntime-node through the studio's own pipeline code, ffmpeg. Only the weights are small.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dwm_export.tiny import TINY_SIZE, write_tiny_cogvideox_fun, write_tiny_dwm_lora  # noqa: E402

PROMPT = "a hand reaches for the drawer and pulls it open"
NEGATIVE = "blurry"
STEPS = 50  # the DWM default: the error bound covers a full-length run
GUIDANCE = 6.0


def pytest_configure(config):
    for tool in ("ffmpeg", "npx"):
        if shutil.which(tool) is None:
            pytest.exit(f"{tool} is not on PATH; tools/dwm_export tests need ffmpeg and Node (npm ci in the repository root)", 2)


@pytest.fixture(scope="session")
def tiny_checkpoints(tmp_path_factory):
    root = tmp_path_factory.mktemp("checkpoints")
    base = write_tiny_cogvideox_fun(root / "CogVideoX-Fun-tiny-InP")
    lora = write_tiny_dwm_lora(root / "DWM-tiny-LoRA", base)
    return base, lora


@pytest.fixture(scope="session")
def condition_videos(tmp_path_factory):
    from dwm_export.parity import make_condition_video

    root = tmp_path_factory.mktemp("videos")
    return make_condition_video(root / "static.mp4", TINY_SIZE, "static"), make_condition_video(root / "hands.mp4", TINY_SIZE, "hands")


@pytest.fixture(scope="session")
def reference(tiny_checkpoints):
    from dwm_export.reference import CogVideoXFunDwmReference

    return CogVideoXFunDwmReference(*tiny_checkpoints)


def export(tiny_checkpoints, out: Path, precision: str) -> Path:
    from dwm_export.cogvideox import export_bundle

    base, lora = tiny_checkpoints
    return export_bundle(base, lora, out, size=TINY_SIZE, precision=precision, bundle_id=f"tiny-dwm-{precision}", log=lambda _m: None)


@pytest.fixture(scope="session")
def bundle_fp32(tiny_checkpoints, tmp_path_factory):
    return export(tiny_checkpoints, tmp_path_factory.mktemp("bundles") / "tiny-fp32", "fp32")


@pytest.fixture(scope="session")
def bundle_fp16(tiny_checkpoints, tmp_path_factory):
    return export(tiny_checkpoints, tmp_path_factory.mktemp("bundles") / "tiny-fp16", "fp16")
