"""Pieces both exporters (CogVideoX-Fun and Wan) write the same way."""

from __future__ import annotations

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
