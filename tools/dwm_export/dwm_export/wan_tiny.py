"""Tiny random-weight stand-ins for the Wan checkpoints, in the published (VideoX-Fun original) layout.

Same model classes and structure as Wan2.1-Fun-V1.1-14B-InP: diffusers' WanTransformer3DModel
with i2v cross-attention (the CLIP-context MLP and k_img/v_img), 36 input channels, 3D RoPE;
the Wan 2.1 causal VAE (dim_mult 1,2,4,4, two residual blocks per level, z_dim 16, the real
per-channel latent mean/std); a UMT5 encoder with per-layer relative position buckets. They are
written the way the hub stores them: config.json + diffusion_pytorch_model.safetensors with
the original Wan key names, Wan2.1_VAE.pth, models_t5_umt5-xxl-enc-bf16.pth, google/umt5-xxl/.
The DWM LoRA is written as VideoX-Fun's LoRANetwork saves it (lora_unet__<module>.lora_down /
.lora_up / .alpha on every linear layer) plus non_lora_weights.safetensors (patch_embedding).

Each file is checked on the way out: converting it back with the exporter's readers gives the
exact tensors of the model it came from.
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors.torch import save_file

from .wan import (
    CONDITION_CHANNELS,
    LORA_FILE,
    NON_LORA_FILE,
    T5_FILE,
    TEXT_LEN,
    TOKENIZER_DIR,
    VAE_FILE,
    t5_from_hf_key,
    t5_to_hf,
    transformer_key_to_original,
    transformer_to_diffusers,
    vae_key_to_original,
    vae_to_diffusers,
)

# 64x48, 9 frames: latents of 3 frames x 6 x 8, so the transformer sees 3x3x4 patches.
TINY_WAN_SIZE = {"width": 64, "height": 48, "frames": 9, "fps": 8}
TINY_CONFIG = {
    "_class_name": "WanModel",
    "_diffusers_version": "0.30.0",
    "model_type": "i2v",
    "text_len": TEXT_LEN,  # diffusers' Wan needs 512; cheap at this width
    "in_dim": 36,
    "dim": 32,
    "ffn_dim": 64,
    "freq_dim": 256,
    "text_dim": 32,
    "out_dim": 16,
    "num_heads": 2,
    "num_layers": 2,
    "eps": 1e-6,
}


def _same(a: dict, b: dict, what: str) -> None:
    if set(a) != set(b):
        raise AssertionError(f"{what}: round trip changed the keys: {sorted(set(a) ^ set(b))[:6]}")
    for k in a:
        if not torch.equal(a[k], b[k]):
            raise AssertionError(f"{what}: round trip changed {k}")


def write_tiny_wan_fun(root: str | Path, seed: int = 0) -> Path:
    """A base folder laid out like alibaba-pai/Wan2.1-Fun-V1.1-14B-InP."""
    from diffusers import AutoencoderKLWan, WanTransformer3DModel
    from transformers import AutoTokenizer, UMT5Config, UMT5EncoderModel

    from .tiny import _tokenizer
    from .wan import diffusers_transformer_config

    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(seed)
    _tokenizer(root / TOKENIZER_DIR)
    vocab = len(AutoTokenizer.from_pretrained(str(root / TOKENIZER_DIR)))

    t5 = UMT5EncoderModel(
        UMT5Config(vocab_size=vocab, d_model=32, d_kv=8, d_ff=64, num_layers=2, num_heads=4, relative_attention_num_buckets=32, feed_forward_proj="gated-gelu", dropout_rate=0.0)
    )
    hf = {k: v.to(torch.bfloat16) for k, v in t5.state_dict().items()}  # the hub's file is bf16
    original = {t5_from_hf_key(k): v.clone() for k, v in hf.items() if t5_from_hf_key(k) is not None}
    _same(t5_to_hf(original), hf, T5_FILE)
    torch.save(original, str(root / T5_FILE))

    vae = AutoencoderKLWan(base_dim=8, z_dim=16)
    with torch.no_grad():
        # Random RMS-norm gains (they start at 1) so the key mapping of every gamma matters.
        for name, p in vae.named_parameters():
            if name.endswith("gamma"):
                p.copy_(1 + 0.2 * torch.randn_like(p))
    sd = vae.state_dict()
    original = {vae_key_to_original(k): v.clone() for k, v in sd.items()}
    _same(vae_to_diffusers(original), sd, VAE_FILE)
    torch.save(original, str(root / VAE_FILE))

    (root / "config.json").write_text(json.dumps(TINY_CONFIG, indent=2) + "\n")
    transformer = WanTransformer3DModel(**diffusers_transformer_config(TINY_CONFIG))
    with torch.no_grad():
        # Non-trivial norm weights and biases (diffusers starts them at 1 and 0) so their mapping is exercised.
        for name, p in transformer.named_parameters():
            if name.endswith((".weight", ".bias")) and p.dim() == 1:
                p.copy_((1.0 if name.endswith("weight") else 0.0) + 0.1 * torch.randn_like(p))
    sd = transformer.state_dict()
    original = {transformer_key_to_original(k): v.clone() for k, v in sd.items()}
    _same(transformer_to_diffusers(original), sd, "diffusion_pytorch_model.safetensors")
    save_file(original, str(root / "diffusion_pytorch_model.safetensors"))
    return root


def write_tiny_dwm_wan_lora(root: str | Path, base: str | Path, rank: int = 4, alpha: float = 8.0, seed: int = 1) -> Path:
    """A LoRA folder laid out like byungjun-kim/DWM-Wan2.1-Fun-14b-LoRA (VideoX-Fun names, bf16 as saved in training).

    alpha / rank = 2 here (the real checkpoint: 64 / 64 = 1) so the scale is exercised.
    """
    from diffusers import WanTransformer3DModel

    from .wan import diffusers_transformer_config, lora_targets

    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    cfg = json.loads((Path(base) / "config.json").read_text())
    with torch.device("meta"):
        shape_model = WanTransformer3DModel(**diffusers_transformer_config(cfg))
    modules = dict(shape_model.named_modules())
    gen = torch.Generator().manual_seed(seed)
    lora = {}
    for flat, name in sorted(lora_targets(shape_model).items()):
        layer = modules[name]
        key = f"lora_unet__{flat}"  # LoRANetwork: prefix + "." + "" (the root module) + "." + child name, dots -> "_"
        lora[f"{key}.lora_down.weight"] = (torch.randn(rank, layer.in_features, generator=gen) * 0.3).to(torch.bfloat16)
        lora[f"{key}.lora_up.weight"] = (torch.randn(layer.out_features, rank, generator=gen) * 0.3).to(torch.bfloat16)
        lora[f"{key}.alpha"] = torch.tensor(alpha, dtype=torch.bfloat16)
    save_file(lora, str(root / LORA_FILE))
    dim = cfg["dim"]
    p_t, p_h, p_w = cfg.get("patch_size", (1, 2, 2))
    in_ch = cfg["in_dim"] + CONDITION_CHANNELS
    non_lora = {
        "patch_embedding.weight": torch.randn(dim, in_ch, p_t, p_h, p_w, generator=gen) * 0.2,
        "patch_embedding.bias": torch.randn(dim, generator=gen) * 0.1,
    }
    save_file(non_lora, str(root / NON_LORA_FILE))
    (root / "dwm_wan_tiny_lora.yaml").write_text(
        "experiment:\n  name: dwm_wan_tiny_lora\n"
        "pipeline:\n  type: wan2.1_fun_inp_hand_concat\n"
        f"transformer:\n  class: WanTransformer3DModelWithConcat\n  condition_channels: {CONDITION_CHANNELS}\n"
        f"training:\n  mode: lora\n  lora_rank: {rank}\n  lora_alpha: {alpha}\n  trainable_parameter_patterns:\n    - patch_embedding\n"
    )
    return root


def main(argv: list[str] | None = None) -> int:
    import argparse

    p = argparse.ArgumentParser(prog="python -m dwm_export.wan_tiny", description="tiny random Wan2.1-Fun InP + DWM Wan LoRA folders")
    p.add_argument("--out", required=True)
    args = p.parse_args(argv)
    out = Path(args.out)
    base = write_tiny_wan_fun(out / "Wan2.1-Fun-tiny-InP")
    write_tiny_dwm_wan_lora(out / "DWM-Wan-tiny-LoRA", base)
    print(f"tiny checkpoints in {out}: Wan2.1-Fun-tiny-InP/ and DWM-Wan-tiny-LoRA/")
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main())
