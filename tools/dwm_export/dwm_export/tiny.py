"""Tiny random-weight stand-ins for the published checkpoints, in the same folder layout.

Same model classes and structure as CogVideoX-Fun-V1.1-5b-InP (T5 encoder, CogVideoX 3D VAE
with 4x temporal and 8x spatial compression, CogVideoX transformer with rotary embeddings and
an inpainting input layer) and as the DWM LoRA (rank-r adapters on to_q/k/v/out.0 plus a
widened patch embedding), only small: the exporter and the parity test run on them in seconds.
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors.torch import save_file

# 64x48, 9 frames: latents of 3 frames x 6 x 8, so the transformer sees 3x3x4 patches.
TINY_SIZE = {"width": 64, "height": 48, "frames": 9, "fps": 8}
TINY_MAX_TOKENS = 16
_CORPUS = [
    "a hand reaches for the drawer and pulls it open",
    "the left hand grasps the cabinet door and swings it open",
    "a person lifts the lid of the box with the right hand",
    "two hands push the drawer closed in a kitchen",
    "the hand picks up a cup from the table and puts it down",
    "open the fridge door, take out a bottle, close the door",
]


def _tokenizer(folder: Path) -> None:
    """A real sentencepiece T5 tokenizer trained on a few sentences (T5Tokenizer, like the hub's)."""
    import sentencepiece as spm
    from transformers import T5Tokenizer

    folder.mkdir(parents=True, exist_ok=True)
    corpus = folder / "corpus.txt"
    corpus.write_text("\n".join(_CORPUS * 20) + "\n")
    spm.SentencePieceTrainer.train(
        input=str(corpus),
        model_prefix=str(folder / "spiece"),
        vocab_size=56,
        model_type="unigram",
        pad_id=0,
        eos_id=1,
        unk_id=2,
        bos_id=-1,
        num_threads=1,
        minloglevel=2,
    )
    corpus.unlink()
    (folder / "spiece.vocab").unlink()
    T5Tokenizer.from_pretrained(str(folder), extra_ids=0, legacy=False).save_pretrained(str(folder))


def write_tiny_cogvideox_fun(root: str | Path, seed: int = 0) -> Path:
    """A base checkpoint folder laid out like alibaba-pai/CogVideoX-Fun-V1.1-5b-InP."""
    from diffusers import AutoencoderKLCogVideoX, CogVideoXDDIMScheduler, CogVideoXTransformer3DModel
    from transformers import T5Config, T5EncoderModel

    root = Path(root)
    torch.manual_seed(seed)
    _tokenizer(root / "tokenizer")
    from transformers import T5Tokenizer

    vocab = len(T5Tokenizer.from_pretrained(str(root / "tokenizer")))
    T5EncoderModel(
        T5Config(vocab_size=vocab, d_model=32, d_kv=8, d_ff=64, num_layers=2, num_heads=4, feed_forward_proj="gated-gelu", dropout_rate=0.0)
    ).save_pretrained(str(root / "text_encoder"))

    latent = 4
    AutoencoderKLCogVideoX(
        in_channels=3,
        out_channels=3,
        down_block_types=("CogVideoXDownBlock3D",) * 4,
        up_block_types=("CogVideoXUpBlock3D",) * 4,
        block_out_channels=(8, 8, 16, 16),
        latent_channels=latent,
        layers_per_block=1,
        norm_num_groups=4,
        temporal_compression_ratio=4,
        # The 5b's values: they set the tiling thresholds (half of each), so tiny clips are not tiled.
        sample_height=480,
        sample_width=720,
        scaling_factor=0.7,
    ).save_pretrained(str(root / "vae"))

    # Same structure as the 5b: rotary positional embeddings, no patch_size_t, InP input layer.
    CogVideoXTransformer3DModel(
        num_attention_heads=2,
        attention_head_dim=16,
        in_channels=2 * latent + 1,
        out_channels=latent,
        time_embed_dim=32,
        text_embed_dim=32,
        num_layers=2,
        sample_width=90,
        sample_height=60,
        sample_frames=49,
        patch_size=2,
        max_text_seq_length=TINY_MAX_TOKENS,
        use_rotary_positional_embeddings=True,
        use_learned_positional_embeddings=False,
        norm_eps=1e-5,
    ).save_pretrained(str(root / "transformer"))

    # The 5b's scheduler settings: v-prediction, zero terminal SNR, trailing spacing.
    CogVideoXDDIMScheduler(
        beta_start=0.00085,
        beta_end=0.012,
        beta_schedule="scaled_linear",
        clip_sample=False,
        prediction_type="v_prediction",
        rescale_betas_zero_snr=True,
        set_alpha_to_one=True,
        snr_shift_scale=1.0,
        timestep_spacing="trailing",
    ).save_pretrained(str(root / "scheduler"))
    (root / "model_index.json").write_text(
        json.dumps(
            {
                "_class_name": "CogVideoXFunInpaintPipeline",
                "scheduler": ["diffusers", "CogVideoXDDIMScheduler"],
                "text_encoder": ["transformers", "T5EncoderModel"],
                "tokenizer": ["transformers", "T5Tokenizer"],
                "transformer": ["diffusers", "CogVideoXTransformer3DModel"],
                "vae": ["diffusers", "AutoencoderKLCogVideoX"],
            },
            indent=2,
        )
    )
    return root


def write_tiny_dwm_lora(root: str | Path, base: str | Path, rank: int = 4, seed: int = 1) -> Path:
    """A LoRA folder laid out like the DWM checkpoints: peft-named LoRA pairs plus the widened patch embedding."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    cfg = json.loads((Path(base) / "transformer" / "config.json").read_text())
    latent = cfg["out_channels"]
    inner = cfg["num_attention_heads"] * cfg["attention_head_dim"]
    gen = torch.Generator().manual_seed(seed)
    lora = {}
    for block in range(cfg["num_layers"]):
        for proj in ("to_q", "to_k", "to_v", "to_out.0"):
            name = f"transformer.transformer_blocks.{block}.attn1.{proj}"
            # Random B too (peft initialises B to zero; a trained B is not), so the merge is exercised.
            lora[f"{name}.lora_A.weight"] = torch.randn(rank, inner, generator=gen) * 0.2
            lora[f"{name}.lora_B.weight"] = torch.randn(inner, rank, generator=gen) * 0.2
    save_file(lora, str(root / "pytorch_lora_weights.safetensors"))
    p = cfg["patch_size"]
    in_ch = cfg["in_channels"] + latent  # + hand latents
    non_lora = {
        "patch_embed.proj.weight": torch.randn(inner, in_ch, p, p, generator=gen) * 0.2,
        "patch_embed.proj.bias": torch.randn(inner, generator=gen) * 0.1,
    }
    save_file(non_lora, str(root / "non_lora_weights.safetensors"))
    (root / "dwm_tiny_lora.yaml").write_text(
        "pipeline:\n  type: cogvideox_fun_static_to_video_pose_concat\n"
        f"  condition_channels: {latent}\ntraining:\n  mode: lora\n  lora_rank: {rank}\n  lora_alpha: {rank}\n"
    )
    return root
