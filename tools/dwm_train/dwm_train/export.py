"""Export the EMA weights as a studio model bundle (identity VAE + the denoiser), atomically."""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

import numpy as np
import torch

from . import FPS, FRAMES, HEIGHT, REPO, WIDTH
from .model import Denoiser, ModelConfig

sys.path.insert(0, str(REPO / "tools" / "bundles"))
import make_baseline_bundle as baseline  # noqa: E402
from onnx_common import format_json  # noqa: E402

sys.path.pop(0)

OPSET = 17
DEFAULT_STEPS = 4
# flow-Euler shift: below 1 the sigmas crowd towards 0, so the last model call sees a nearly clean video
# and cleans what noise is left (1 spaces them evenly).
DEFAULT_SHIFT = 1.0

DESCRIPTION = (
    "A small learned model (about 1.4M parameters, pixel space, no VAE compression) trained from scratch on a CPU on "
    "synthetic rooms rendered by the studio's own generator (dwm-studio synth): 144x96, 49-frame clips at 8 fps of a "
    "hand reaching for an articulated part and moving it (drawers sliding out, hinged doors swinging, lids lifted "
    "open, boxes and baskets lifted and set down), with the static-scene video and the hand-only video as input. It "
    "starts from the hand-overlay baseline (the hands composited over the static video) and learns a residual on "
    "top, only within 2 frames and 16 pixels of a hand: the part moving with the hand and staying where it was left, "
    "the hands drawn in skin tone. It is a flow-matching model (flow-Euler) and ignores the prompt. What it cannot "
    "do: anything outside the synthetic rooms' look (real footage is out of its training data), other sizes than "
    "144x96, sharp detail (the moving part is drawn blurred), objects other than the part the hand holds, changes "
    "far from the hands. training-report/ beside this manifest has the data, both phases' loss curves, a contact "
    "sheet and PSNR/SSIM against the overlay baseline on held-out rooms."
)


def manifest(steps: int = DEFAULT_STEPS, version: str = "0.1.0", description: str = DESCRIPTION, shift: float = DEFAULT_SHIFT) -> dict:
    return {
        "manifestVersion": 1,
        "id": "dwm-synth-small",
        "name": "DWM small (synthetic rooms)",
        "version": version,
        "description": description,
        "license": "Apache-2.0",
        "baseline": False,
        # The baseline's hand colours, background, shading and field of view (one source: the clips are
        # rendered with them), at this model's size, length and rate.
        "conditioning": {**baseline.MANIFEST["conditioning"], "width": WIDTH, "height": HEIGHT, "frames": FRAMES, "fps": FPS},
        "uses": {"prompt": False, "staticVideo": True, "handsVideo": True},
        "graphs": baseline.MANIFEST["graphs"],
        "latent": baseline.MANIFEST["latent"],
        "conditioningLayout": [{"source": "static"}, {"source": "hands"}],
        "timestepType": "float32",
        "scheduler": {"type": "flow-euler", "numTrainTimesteps": 1000, "shift": shift},
        "defaults": {"steps": steps, "guidance": 1, "negativePrompt": "", "seed": 42},
    }


def load_ema(work: Path) -> Denoiser:
    ck = torch.load(Path(work) / "checkpoint.pt", map_location="cpu", weights_only=False)
    model = Denoiser(ModelConfig.from_json(ck["config"]["model"]))
    model.load_state_dict(ck["ema"])
    return model.eval()


def export_denoiser(model: Denoiser, path: Path) -> None:
    model = model.eval()
    x = torch.randn(1, 9, 5, 32, 48)
    t = torch.tensor([500.0])
    torch.onnx.export(
        model, (x, t), str(path), dynamo=False, opset_version=OPSET,
        input_names=["hidden_states", "timestep"], output_names=["prediction"],
        dynamic_axes={"hidden_states": {0: "batch", 2: "frames", 3: "height", 4: "width"},
                      "timestep": {0: "batch"},
                      "prediction": {0: "batch", 2: "frames", 3: "height", 4: "width"}},
        do_constant_folding=True,
    )


def verify(model: Denoiser, path: Path, shape=(1, 9, 9, 96, 144), seed: int = 0) -> float:
    """Max |onnxruntime - torch| of the denoiser on a random input (batch 2: the dynamic batch too)."""
    import onnxruntime as ort

    g = torch.Generator().manual_seed(seed)
    x = torch.randn((2,) + tuple(shape[1:]), generator=g).clamp(-1, 1)
    t = torch.tensor([1000.0, 333.0])
    with torch.no_grad():
        ref = model(x, t).numpy()
    so = ort.SessionOptions()
    so.intra_op_num_threads = 2
    sess = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])
    out = sess.run(["prediction"], {"hidden_states": x.numpy(), "timestep": t.numpy()})[0]
    return float(np.abs(out - ref).max())


def time_denoiser(path: Path, frames: int = FRAMES, repeats: int = 3) -> float:
    """Median seconds of one onnxruntime CPU call (2 threads) on [1, 9, frames, 96, 144]."""
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads = 2
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    sess = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])
    x = np.random.default_rng(0).standard_normal((1, 9, frames, HEIGHT, WIDTH)).astype(np.float32)
    t = np.array([500.0], np.float32)
    sess.run(None, {"hidden_states": x, "timestep": t})
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        sess.run(None, {"hidden_states": x, "timestep": t})
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def export_bundle(work: Path, out: Path, steps: int = DEFAULT_STEPS, log=print, model: Denoiser | None = None,
                  shift: float = DEFAULT_SHIFT) -> dict:
    """Write manifest.json + the three graphs to `out` via a staging folder renamed into place."""
    out = Path(out)
    model = model if model is not None else load_ema(work)
    staging = out.parent / f".{out.name}.staging"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    (staging / "vae_encoder.onnx").write_bytes(baseline.vae_encoder().SerializeToString(deterministic=True))
    (staging / "vae_decoder.onnx").write_bytes(baseline.vae_decoder().SerializeToString(deterministic=True))
    export_denoiser(model, staging / "denoiser.onnx")
    import onnx

    onnx.checker.check_model(str(staging / "denoiser.onnx"), full_check=True)
    diff = verify(model, staging / "denoiser.onnx")
    log(f"export check: max |onnxruntime - torch| = {diff:.3g} on [2, 9, 9, 96, 144]")
    if not diff < 1e-4:
        raise RuntimeError(f"exported denoiser differs from PyTorch by {diff}")
    (staging / "manifest.json").write_text(format_json(manifest(steps, shift=shift)), encoding="utf-8", newline="\n")
    # keep a training report that already sits in an existing bundle folder
    if out.exists():
        if (out / "training-report").exists():
            shutil.copytree(out / "training-report", staging / "training-report")
        old = out.parent / f".{out.name}.old"
        shutil.rmtree(old, ignore_errors=True)
        out.rename(old)
        staging.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        staging.rename(out)
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    log(f"wrote {out} ({size / 1e6:.2f} MB)")
    return {"max_abs_diff": diff, "bundle_bytes": size}
