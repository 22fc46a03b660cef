"""The folders a user downloads, checked before anything heavy is loaded.

Every problem is collected and reported at once, each naming the file that is missing or
wrong, so a user with a half-finished download learns everything from one run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path


class LayoutError(Exception):
    """The checkpoint folders are not what the exporter needs; `problems` lists each one."""

    def __init__(self, what: str, problems: list[str]):
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{what}:\n{lines}")


@dataclass
class CogVideoXFunLayout:
    """alibaba-pai/CogVideoX-Fun-V1.1-5b-InP as downloaded from the hub (diffusers format)."""

    root: Path
    transformer_config: dict = field(default_factory=dict)
    vae_config: dict = field(default_factory=dict)
    scheduler_config: dict = field(default_factory=dict)


@dataclass
class DwmLoraLayout:
    """byungjun-kim/DWM-CogVideoX-Fun-5b-LoRA: the files the reference's inference.py reads."""

    root: Path
    lora_weights: Path
    # The widened patch embedding (16 extra input channels for the hand latents) is trained in
    # full, so the reference saves it beside the LoRA ("non-LoRA" weights).
    non_lora_weights: Path | None
    experiment_config: Path | None


def _weights_present(folder: Path, names: tuple[str, ...]) -> bool:
    """One weights file, or a sharded set with its index (as the hub stores large models)."""
    for name in names:
        if (folder / name).is_file():
            return True
        index = folder / f"{name}.index.json"
        if index.is_file():
            try:
                shards = set(json.loads(index.read_text())["weight_map"].values())
            except (ValueError, KeyError):
                return False
            return all((folder / s).is_file() for s in shards)
    return False


def _read_json(path: Path, problems: list[str]) -> dict:
    if not path.is_file():
        problems.append(f"{path}: missing")
        return {}
    try:
        value = json.loads(path.read_text())
    except ValueError as err:
        problems.append(f"{path}: not valid JSON ({err})")
        return {}
    if not isinstance(value, dict):
        problems.append(f"{path}: expected a JSON object")
        return {}
    return value


def check_cogvideox_fun(root: str | Path) -> CogVideoXFunLayout:
    root = Path(root)
    if not root.is_dir():
        raise LayoutError(f"CogVideoX-Fun base checkpoint {root}", [f"{root}: not a folder"])
    problems: list[str] = []
    _read_json(root / "model_index.json", problems)
    transformer = _read_json(root / "transformer" / "config.json", problems)
    vae = _read_json(root / "vae" / "config.json", problems)
    scheduler = _read_json(root / "scheduler" / "scheduler_config.json", problems)
    _read_json(root / "text_encoder" / "config.json", problems)
    for sub, names in (
        ("transformer", ("diffusion_pytorch_model.safetensors",)),
        ("vae", ("diffusion_pytorch_model.safetensors",)),
        ("text_encoder", ("model.safetensors",)),
    ):
        if (root / sub).is_dir() and not _weights_present(root / sub, names):
            problems.append(f"{root / sub}: no weights ({names[0]}, or its .index.json with every shard)")
    tok = root / "tokenizer"
    if not ((tok / "spiece.model").is_file() or (tok / "tokenizer.json").is_file()):
        problems.append(f"{tok}: no spiece.model or tokenizer.json (the T5 tokenizer)")
    if transformer:
        vae_channels = vae.get("latent_channels", 16)
        expected = 2 * vae_channels + 1
        if transformer.get("in_channels") != expected:
            problems.append(
                f"{root / 'transformer' / 'config.json'}: in_channels is {transformer.get('in_channels')}, an InP "
                f"(inpainting) checkpoint has {expected} (latents + mask + masked-video latents); is this the -InP model?"
            )
        if transformer.get("patch_size_t") is not None:
            problems.append(
                f"{root / 'transformer' / 'config.json'}: patch_size_t is set (CogVideoX 1.5); DWM uses CogVideoX-Fun V1.1 5b"
            )
    if scheduler and scheduler.get("_class_name") not in ("CogVideoXDDIMScheduler", "DDIMScheduler"):
        problems.append(
            f"{root / 'scheduler' / 'scheduler_config.json'}: scheduler {scheduler.get('_class_name')!r}; "
            "the studio runs CogVideoXDDIMScheduler and DDIMScheduler"
        )
    if problems:
        raise LayoutError(f"CogVideoX-Fun base checkpoint {root} is incomplete", problems)
    return CogVideoXFunLayout(root, transformer, vae, scheduler)


def check_dwm_lora(root: str | Path) -> DwmLoraLayout:
    root = Path(root)
    if not root.is_dir():
        raise LayoutError(f"DWM LoRA checkpoint {root}", [f"{root}: not a folder"])
    problems: list[str] = []
    lora = root / "pytorch_lora_weights.safetensors"
    if not lora.is_file():
        problems.append(f"{lora}: missing (the LoRA weights the reference's training saves)")
    non_lora = root / "non_lora_weights.safetensors"
    yamls = sorted([*root.glob("*.yaml"), *root.glob("*.yml")])
    if problems:
        raise LayoutError(f"DWM LoRA checkpoint {root} is incomplete", problems)
    return DwmLoraLayout(root, lora, non_lora if non_lora.is_file() else None, yamls[0] if yamls else None)
