"""Run the studio's pipeline (Node, onnxruntime-node) and the PyTorch reference on the same
inputs and compare them: tokens, latents after every step, and the decoded video."""

from __future__ import annotations

import json
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[3]
NODE_SCRIPT = REPO / "tools" / "dwm_export" / "node" / "run-studio-pipeline.ts"


def make_condition_video(path: Path, size: dict, source: str) -> Path:
    """A short H.264 clip at the bundle's size from one of ffmpeg's test sources (deterministic)."""
    w, h, n, fps = size["width"], size["height"], size["frames"], size["fps"]
    sources = {
        "static": f"testsrc2=size={w}x{h}:rate={fps}",
        # A moving coloured blob on black, like a hand render.
        "hands": f"color=black:size={w}x{h}:rate={fps},drawbox=x='t*40':y=10:w=16:h=16:color=0x96eb96:t=fill",
    }
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", sources[source], "-frames:v", str(n), "-pix_fmt", "yuv420p", "-c:v", "libx264", "-crf", "18", str(path)],
        check=True,
    )
    return path


def run_studio(bundle: Path, static: Path, hands: Path, dump: Path, *, prompt: str, negative: str, seed: int, steps: int, guidance: float) -> dict:
    cmd = ["npx", "tsx", str(NODE_SCRIPT), "--bundle", str(bundle), "--static", str(static), "--hands", str(hands), "--dump", str(dump)]
    cmd += ["--prompt", prompt, "--negative", negative, "--seed", str(seed), "--steps", str(steps), "--guidance", str(guidance)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"studio pipeline failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    result = json.loads((dump / "result.json").read_text())
    result["wall_s"] = time.perf_counter() - t0
    return result


def read_f32(path: Path) -> np.ndarray:
    return np.fromfile(path, dtype="<f4")


@dataclass
class Comparison:
    step_max_abs: list[float]
    step_scale: list[float]
    decoded_max_abs: float
    decoded_mean_abs: float
    tokens_equal: bool

    def worst_step(self) -> float:
        return max(self.step_max_abs)


def compare(studio_dump: Path, ref: dict, ref_tokens: dict) -> Comparison:
    step_err, scale = [], []
    for i, expected in enumerate(ref["steps"]):
        got = read_f32(studio_dump / f"step-{i:03d}.f32")
        exp = expected.reshape(-1)
        if got.shape != exp.shape:
            raise AssertionError(f"step {i}: studio latents have {got.size} values, the reference {exp.size}")
        step_err.append(float(np.abs(got - exp).max()))
        scale.append(float(np.abs(exp).max()))
    decoded = read_f32(studio_dump / "decoded.f32")
    exp = ref["decoded"].reshape(-1)
    if decoded.shape != exp.shape:
        raise AssertionError(f"decoded: studio {decoded.size} values, reference {exp.size}")
    diff = np.abs(decoded - exp)
    tokens = json.loads((studio_dump / "tokens.json").read_text())
    return Comparison(step_err, scale, float(diff.max()), float(diff.mean()), tokens == ref_tokens)


def assert_latents_match(studio: dict, ref: dict, cmp: Comparison, steps: int, tol: float) -> None:
    """Every step compared, on latents that are not degenerate (else the comparison proves nothing)."""
    assert len(studio["stepMs"]) == len(ref["steps"]) == steps
    print(f"\nlatents max |diff| per step: first {cmp.step_max_abs[0]:.2e}, last {cmp.step_max_abs[-1]:.2e}, worst {cmp.worst_step():.2e}; magnitude {max(cmp.step_scale):.2f}")
    assert max(cmp.step_scale) > 0.5, "the latents are degenerate; the comparison would prove nothing"
    assert cmp.worst_step() < tol


def assert_decoded_matches(ref: dict, cmp: Comparison, tol: float) -> None:
    print(f"\ndecoded max |diff| {cmp.decoded_max_abs:.2e}, mean {cmp.decoded_mean_abs:.2e}")
    assert float(np.abs(ref["decoded"]).std()) > 0.05, "the decoded video is flat; the comparison would prove nothing"
    assert cmp.decoded_max_abs < tol
