"""Pieces both exporters (CogVideoX-Fun and Wan) write the same way."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import torch

from .layout import LayoutError
from .onnx_save import export_graph

DENOISER_IO = {"inputs": {"sample": "hidden_states", "timestep": "timestep", "text": "encoder_hidden_states"}, "outputs": {"prediction": "prediction"}}


def widened_conv(conv: torch.nn.Module, channels: int) -> torch.nn.Module:
    """A copy of `conv` (Conv2d or Conv3d) with `channels` inputs: the extra ones start at zero, as
    the reference initialises the hand-latent channels before loading the trained weights."""
    new = type(conv)(channels, conv.out_channels, conv.kernel_size, conv.stride, conv.padding, bias=conv.bias is not None)
    new = new.to(dtype=conv.weight.dtype)
    with torch.no_grad():
        new.weight.zero_()
        new.weight[:, : conv.in_channels] = conv.weight
        if conv.bias is not None:
            new.bias.copy_(conv.bias)
    return new


def export_denoiser(graph: torch.nn.Module, example: tuple, staging: Path) -> dict:
    """denoiser.onnx with a dynamic batch (1 without guidance, 2 with); returns its manifest entry."""
    names = ["hidden_states", "timestep", "encoder_hidden_states"]
    ext = export_graph(graph, example, staging / "denoiser.onnx", names, ["prediction"], {n: {0: "batch"} for n in [*names, "prediction"]})
    return {"file": "denoiser.onnx", "externalData": ext, **DENOISER_IO}


def write_tokenizer(tokenizer, staging: Path, source: Path) -> dict:
    """tokenizer/tokenizer.json (+ its config) for @huggingface/tokenizers; nothing else is kept."""
    folder = staging / "tokenizer"
    tokenizer.save_pretrained(str(folder))
    if not (folder / "tokenizer.json").is_file():
        raise LayoutError("tokenizer", [f"{source}: could not be converted to a tokenizer.json"])
    for extra in folder.iterdir():
        if extra.name not in ("tokenizer.json", "tokenizer_config.json"):
            shutil.rmtree(extra) if extra.is_dir() else extra.unlink()
    return {"file": "tokenizer/tokenizer.json", "config": "tokenizer/tokenizer_config.json"}


# DESIGN.md / the reference: 720x480, 49 frames at 8 fps.
DEFAULT_SIZE = {"width": 720, "height": 480, "frames": 49, "fps": 8}
# Real data: HaMeR meshes on black, light green left, light red right, shaded. Synthetic: pure
# green and red, flat, on 0.08 grey, with the camera's 90 degree field of view.
HAND_LOOKS = {
    "real": {"background": [0, 0, 0], "handColours": {"left": [150, 235, 150], "right": [230, 115, 115]}, "shading": "lambert", "fovYDefault": 67.38},
    "synthetic": {"background": [20, 20, 20], "handColours": {"left": [0, 255, 0], "right": [255, 0, 0]}, "shading": "flat", "fovYDefault": 90},
}
PRECISIONS = {"fp32": torch.float32, "fp16": torch.float16}


def dtype_for(precision: str) -> torch.dtype:
    if precision not in PRECISIONS:
        raise LayoutError("precision", [f"{precision!r} is not one of {sorted(PRECISIONS)}"])
    return PRECISIONS[precision]


def conditioning_spec(size: dict, hand_look: str) -> dict:
    """The manifest's conditioning: the video size and the hand look the model was trained on."""
    return {**size, **HAND_LOOKS[hand_look]}


def open_staging(out: Path) -> Path:
    """A hidden folder beside `out` the bundle is written into, so a failed export leaves `out` as it was."""
    staging = out.with_name(f".{out.name}.partial")
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    return staging


def publish(staging: Path, out: Path, manifest: dict) -> Path:
    """Write the manifest last, then put the finished bundle in place of `out`."""
    (staging / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    if out.exists():
        shutil.rmtree(out)
    staging.rename(out)
    return out
