"""The DWM LoRA, merged into the CogVideoX-Fun transformer's weights.

The reference (snuvclab/dwm, training/cogvideox) trains rank-64 LoRA adapters on the attention
projections (to_q, to_k, to_v, to_out.0) with peft, and the widened patch embedding in full.
At inference it sets lora_alpha to the rank (so the LoRA scale is 1) and loads the full
patch-embedding weights from `non_lora_weights.safetensors`. Merging gives one plain weight
per layer, W' = W + scale * B @ A, which is what an ONNX graph can hold.
"""

from __future__ import annotations

import re

import torch
from safetensors.torch import load_file

from .bundle_parts import widened_conv
from .layout import DwmLoraLayout

# peft / diffusers names: "<module>.lora_A.weight" and "<module>.lora_B.weight", possibly with a
# "transformer." prefix (diffusers' save_lora_weights) and a "base_model.model." prefix (raw peft);
# older kohya-style files use "lora.down" / "lora.up".
_LORA_KEY = re.compile(r"^(?:transformer\.)?(?:base_model\.model\.)?(?P<module>.+)\.(?P<kind>lora_A|lora_B|lora\.down|lora\.up)(?:\.default)?\.weight$")


class LoraError(Exception):
    pass


def read_lora_pairs(path) -> dict[str, tuple[torch.Tensor, torch.Tensor]]:
    """{module name: (A [r, in], B [out, r])} from a LoRA safetensors file."""
    state = load_file(str(path))
    pairs: dict[str, dict[str, torch.Tensor]] = {}
    for key, value in state.items():
        m = _LORA_KEY.match(key)
        if not m:
            continue
        kind = "A" if m["kind"] in ("lora_A", "lora.down") else "B"
        pairs.setdefault(m["module"], {})[kind] = value
    out = {}
    for module, ab in pairs.items():
        if set(ab) != {"A", "B"}:
            raise LoraError(f"{path}: {module} has only lora_{''.join(ab)} (both A and B are needed)")
        out[module] = (ab["A"], ab["B"])
    if not out:
        raise LoraError(f"{path}: no LoRA weights found (expected keys like transformer_blocks.0.attn1.to_q.lora_A.weight)")
    return out


def merge_dwm_lora(transformer: torch.nn.Module, lora: DwmLoraLayout, scale: float = 1.0) -> dict:
    """Widen the patch embedding, load the non-LoRA weights and merge the LoRA into `transformer` in place.

    Returns a summary (rank, merged module count, widened channels) for the bundle's description.
    """
    extra = load_file(str(lora.non_lora_weights)) if lora.non_lora_weights else {}
    pairs = read_lora_pairs(lora.lora_weights)
    # Non-LoRA tensors may also sit in the LoRA file (some trainers save everything together).
    for key, value in load_file(str(lora.lora_weights)).items():
        if not _LORA_KEY.match(key):
            extra.setdefault(re.sub(r"^transformer\.", "", key), value)

    widened = widen_patch_embed(transformer, extra, lora)
    params = dict(transformer.named_parameters())
    for name, value in extra.items():
        name = re.sub(r"^transformer\.", "", name)
        if name not in params:
            raise LoraError(f"{lora.non_lora_weights or lora.lora_weights}: {name} is not a parameter of the transformer")
        if params[name].shape != value.shape:
            raise LoraError(
                f"{lora.non_lora_weights or lora.lora_weights}: {name} has shape {tuple(value.shape)}, the transformer's is {tuple(params[name].shape)}"
            )
        with torch.no_grad():
            params[name].copy_(value.to(params[name].dtype))

    modules = dict(transformer.named_modules())
    ranks = set()
    for name, (a, b) in pairs.items():
        layer = modules.get(name)
        if not isinstance(layer, torch.nn.Linear):
            raise LoraError(f"{lora.lora_weights}: {name} is not a linear layer of the transformer")
        if a.shape[1] != layer.in_features or b.shape[0] != layer.out_features or a.shape[0] != b.shape[1]:
            raise LoraError(
                f"{lora.lora_weights}: {name} LoRA shapes A {tuple(a.shape)}, B {tuple(b.shape)} do not fit a {layer.in_features}->{layer.out_features} layer"
            )
        ranks.add(a.shape[0])
        with torch.no_grad():
            # In float32 whatever the model's dtype, so a bf16/fp16 base does not lose the update.
            delta = (b.float() @ a.float()) * scale
            layer.weight.copy_((layer.weight.float() + delta).to(layer.weight.dtype))
    return {"rank": sorted(ranks), "merged_layers": len(pairs), "patch_embed_in_channels": widened}


def widen_patch_embed(transformer: torch.nn.Module, extra: dict, lora: DwmLoraLayout) -> int:
    """Give patch_embed.proj the extra input channels the trained weights have (the hand latents)."""
    key = next((k for k in extra if re.sub(r"^transformer\.", "", k) == "patch_embed.proj.weight"), None)
    if key is None:
        raise LoraError(
            f"{lora.root}: no patch_embed.proj.weight in non_lora_weights.safetensors or the LoRA file; "
            "the DWM checkpoint must carry the widened input layer for the hand latents"
        )
    proj = transformer.patch_embed.proj
    want = extra[key].shape[1]
    if want == proj.in_channels:
        return want
    if want < proj.in_channels:
        raise LoraError(f"{lora.root}: patch_embed.proj.weight has {want} input channels, fewer than the base model's {proj.in_channels}")
    new = widened_conv(proj, want)
    transformer.patch_embed.proj = new
    transformer.register_to_config(in_channels=want)
    return want
