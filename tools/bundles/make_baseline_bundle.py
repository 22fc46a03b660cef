#!/usr/bin/env python3
"""Write the "DWM baseline: hand overlay" model bundle to resources/models/dwm-baseline-overlay/.

Not a learned model. The denoiser composites the hand video over the static video and returns
the flow-matching velocity that carries the noisy latents straight onto that composite, so the
studio's flow-Euler pipeline (any step count) ends exactly on the overlay. The VAE is the
identity (latent = pixels, 3 channels, no compression). See tools/bundles/README.md.

    python tools/bundles/make_baseline_bundle.py [--out DIR]

The output is deterministic: the same script and package versions (requirements.txt) give
byte-identical files.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper

import sys

sys.path.insert(0, str(Path(__file__).resolve().parent))
from onnx_common import const, format_json  # noqa: E402
from onnx_common import make_model as _make_model  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO / "resources" / "models" / "dwm-baseline-overlay"

PRODUCER = "dwm-studio tools/bundles/make_baseline_bundle.py"


def make_model(graph: onnx.GraphProto, doc: str) -> onnx.ModelProto:
    return _make_model(graph, doc, PRODUCER)

# Soft hand mask: a pixel of the hand video is "hand" when its brightest channel is clearly
# above the black background. max_c(pixel) in [0, 1] units is mapped linearly from
# MASK_LO (-> 0) to MASK_HI (-> 1) and clipped. Why these values:
#  - below 12/255: H.264 (yuv420p) noise and ringing around a black background stays within a
#    few levels of 0, so it must never count as hand;
#  - above 40/255: the hand colours' brightest channels are 235 (left, green) and 230 (right,
#    red); with lambert shading a hand pixel drops below 40/255 only where the surface is lit
#    at less than about 1/6 of full intensity (grazing angles at the silhouette);
#  - the ramp in between softens the silhouette edge (antialiasing, chroma subsampling) instead
#    of a hard, aliased cut.
MASK_LO = 12.0 / 255.0
MASK_HI = 40.0 / 255.0
SIGMA_MIN = 1e-4  # sigma = timestep / 1000 is clamped to at least this before dividing

DESCRIPTION = (
    "Baseline, not a learned model: it has no learned dynamics. It composites the hand video over the static "
    "video, frame by frame, and nothing in the scene moves unless the static video already shows it moving. "
    "Where the hand video is clearly brighter than its black background, the rendered hand pixels replace the "
    "scene: the mask is a linear ramp of the pixel's brightest channel from 12/255 (0, background; H.264 noise "
    "around black stays below this) to 40/255 (1, hand; lambert-shaded hand pixels are far brighter except at "
    "grazing silhouette angles), which also softens the silhouette edge. "
    "The VAE is the identity (latent = pixels). The denoiser returns the flow-matching velocity "
    "(x_t - composite) / sigma, so the flow-Euler scheduler lands exactly on the composite for any step count. "
    "Use it to check a shot's hands and camera before running a real model, and as the floor a learned model "
    "must beat."
)

MANIFEST = {
    "manifestVersion": 1,
    "id": "dwm-baseline-overlay",
    "name": "DWM baseline: hand overlay",
    "version": "1.0.0",
    "description": DESCRIPTION,
    "license": "Apache-2.0",
    "baseline": True,
    "conditioning": {
        "width": 720,
        "height": 480,
        "frames": 49,
        "fps": 8,
        "background": [0, 0, 0],
        "handColours": {"left": [150, 235, 150], "right": [230, 115, 115]},
        "shading": "lambert",
        "fovYDefault": 67.38,
    },
    "uses": {"prompt": False, "staticVideo": True, "handsVideo": True},
    "graphs": {
        "vaeEncoder": {"file": "vae_encoder.onnx", "inputs": {"video": "video"}, "outputs": {"latent": "latent"}},
        "denoiser": {
            "file": "denoiser.onnx",
            "inputs": {"sample": "hidden_states", "timestep": "timestep"},
            "outputs": {"prediction": "prediction"},
        },
        "vaeDecoder": {"file": "vae_decoder.onnx", "inputs": {"latent": "latent"}, "outputs": {"video": "video"}},
    },
    "latent": {
        "channels": 3,
        "temporalCompression": 1,
        "spatialCompression": 1,
        "layout": "BCFHW",
        "scalingFactor": 1,
        "shiftFactor": 0,
    },
    "conditioningLayout": [{"source": "static"}, {"source": "hands"}],
    "timestepType": "float32",
    "scheduler": {"type": "flow-euler", "numTrainTimesteps": 1000, "shift": 1},
    "defaults": {"steps": 2, "guidance": 1, "negativePrompt": "", "seed": 42},
}


# --------------------------------------------------------------------------------------------
# Graph helpers


def video_info(name: str, channels: int | str, batch: str = "batch") -> onnx.ValueInfoProto:
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, [batch, channels, "frames", "height", "width"])


# --------------------------------------------------------------------------------------------
# Graphs


def vae_encoder() -> onnx.ModelProto:
    """video [B,3,F,H,W] in [-1,1] -> latent [B,3,F,H,W]: the identity."""
    graph = helper.make_graph(
        [helper.make_node("Identity", ["video"], ["latent"], name="identity")],
        "dwm_baseline_vae_encoder",
        [video_info("video", 3)],
        [video_info("latent", 3)],
    )
    return make_model(graph, "Identity VAE encoder: latent = pixels (3 channels, no compression).")


def vae_decoder() -> onnx.ModelProto:
    """latent [B,3,F,H,W] -> video [B,3,F,H,W]: clipped to [-1,1]."""
    graph = helper.make_graph(
        [helper.make_node("Clip", ["latent", "minus_one", "one"], ["video"], name="clip")],
        "dwm_baseline_vae_decoder",
        [video_info("latent", 3)],
        [video_info("video", 3)],
        initializer=[const("minus_one", -1.0), const("one", 1.0)],
    )
    return make_model(graph, "Identity VAE decoder: pixels = latent clipped to [-1, 1].")


def denoiser() -> onnx.ModelProto:
    """hidden_states [B,9,F,H,W] = (x_t, static, hands) on the channel axis, timestep [B] float32
    -> prediction [B,3,F,H,W] = (x_t - x0) / max(timestep / 1000, 1e-4), where
    x0 = mask * hands + (1 - mask) * static and mask = clip((max_c((hands + 1) / 2) - lo) / (hi - lo), 0, 1).
    """
    scale = 1.0 / (MASK_HI - MASK_LO)
    nodes = [
        # The three 3-channel parts of hidden_states.
        helper.make_node("Split", ["hidden_states", "split_sizes"], ["x_t", "static", "hands"], axis=1, name="split_parts"),
        # Soft hand mask [B,1,F,H,W] from the hand video's brightest channel, in [0,1] units.
        helper.make_node("ReduceMax", ["hands"], ["hands_max"], axes=[1], keepdims=1, name="brightest_channel"),
        helper.make_node("Add", ["hands_max", "one"], ["hands_max_p1"], name="to_unit_range_add"),
        helper.make_node("Mul", ["hands_max_p1", "half"], ["brightness"], name="to_unit_range_mul"),
        helper.make_node("Sub", ["brightness", "mask_lo"], ["above_black"], name="mask_ramp_sub"),
        helper.make_node("Mul", ["above_black", "mask_scale"], ["mask_raw"], name="mask_ramp_scale"),
        helper.make_node("Clip", ["mask_raw", "zero", "one"], ["mask"], name="mask_clip"),
        # x0 = static + mask * (hands - static)
        helper.make_node("Sub", ["hands", "static"], ["hands_minus_static"], name="composite_sub"),
        helper.make_node("Mul", ["mask", "hands_minus_static"], ["masked_delta"], name="composite_mul"),
        helper.make_node("Add", ["static", "masked_delta"], ["x0"], name="composite"),
        # sigma = max(timestep / 1000, 1e-4), shaped [B,1,1,1,1]
        helper.make_node("Div", ["timestep", "num_train_timesteps"], ["sigma_raw"], name="sigma_from_timestep"),
        helper.make_node("Max", ["sigma_raw", "sigma_min"], ["sigma_b"], name="sigma_clamp"),
        helper.make_node("Reshape", ["sigma_b", "sigma_shape"], ["sigma"], name="sigma_broadcast"),
        # v = (x_t - x0) / sigma
        helper.make_node("Sub", ["x_t", "x0"], ["x_t_minus_x0"], name="velocity_sub"),
        helper.make_node("Div", ["x_t_minus_x0", "sigma"], ["prediction"], name="velocity"),
    ]
    initializers = [
        const("split_sizes", [3, 3, 3], np.int64),
        const("one", 1.0),
        const("zero", 0.0),
        const("half", 0.5),
        const("mask_lo", MASK_LO),
        const("mask_scale", scale),
        const("num_train_timesteps", 1000.0),
        const("sigma_min", SIGMA_MIN),
        const("sigma_shape", [-1, 1, 1, 1, 1], np.int64),
    ]
    graph = helper.make_graph(
        nodes,
        "dwm_baseline_overlay_denoiser",
        [video_info("hidden_states", 9), helper.make_tensor_value_info("timestep", TensorProto.FLOAT, ["batch"])],
        [video_info("prediction", 3)],
        initializer=initializers,
    )
    return make_model(
        graph,
        "Hand-overlay baseline denoiser (no learned weights). hidden_states [B,9,F,H,W] = noisy latents, static video, "
        "hand video (pixels in [-1,1]); timestep [B] float32 in [0,1000]. Returns the flow velocity "
        "(x_t - x0) / max(timestep/1000, 1e-4) towards x0 = mask*hands + (1-mask)*static, where mask ramps the hand "
        f"video's brightest channel from {MASK_LO:.6f} to {MASK_HI:.6f} (in [0,1] units) onto 0..1.",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT.relative_to(REPO)})")
    out: Path = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)

    for name, model in (("vae_encoder.onnx", vae_encoder()), ("denoiser.onnx", denoiser()), ("vae_decoder.onnx", vae_decoder())):
        (out / name).write_bytes(model.SerializeToString(deterministic=True))
    (out / "manifest.json").write_text(format_json(MANIFEST), encoding="utf-8", newline="\n")
    for name in sorted(os.listdir(out)):
        print(f"{out / name}  {(out / name).stat().st_size} bytes")


if __name__ == "__main__":
    main()
