"""The exporter merges the LoRA (W + B A); the reference keeps peft adapters. Same outputs."""

from __future__ import annotations

import torch
from dwm_export.layout import check_dwm_lora
from dwm_export.lora import merge_dwm_lora, read_lora_pairs


def test_merged_transformer_equals_peft_adapters(tiny_checkpoints, reference):
    from diffusers import CogVideoXTransformer3DModel

    base, lora = tiny_checkpoints
    merged = CogVideoXTransformer3DModel.from_pretrained(str(base / "transformer")).eval()
    summary = merge_dwm_lora(merged, check_dwm_lora(lora))
    assert summary["rank"] == [4] and summary["merged_layers"] == 8 and summary["patch_embed_in_channels"] == 13
    cfg = merged.config
    g = torch.Generator().manual_seed(3)
    hidden = torch.randn(2, 3, cfg.in_channels, 6, 8, generator=g)
    text = torch.randn(2, cfg.max_text_seq_length, cfg.text_embed_dim, generator=g)
    t = torch.tensor([999, 500])
    rotary = reference.pipe._prepare_rotary_positional_embeddings(48, 64, 3, torch.device("cpu"))
    with torch.no_grad():
        a = merged(hidden_states=hidden, encoder_hidden_states=text, timestep=t, image_rotary_emb=rotary, return_dict=False)[0]
        b = reference.transformer(hidden_states=hidden, encoder_hidden_states=text, timestep=t, image_rotary_emb=rotary, return_dict=False)[0]
    assert (a - b).abs().max().item() < 1e-4
    # and the LoRA matters: the same model with the LoRA at scale 0 (widened input only) differs by far
    unmerged = CogVideoXTransformer3DModel.from_pretrained(str(base / "transformer")).eval()
    merge_dwm_lora(unmerged, check_dwm_lora(lora), scale=0.0)
    with torch.no_grad():
        c = unmerged(hidden_states=hidden, encoder_hidden_states=text, timestep=t, image_rotary_emb=rotary, return_dict=False)[0]
    assert (a - c).abs().max().item() > 100 * 1e-4


def test_lora_pairs_accept_the_usual_key_spellings(tmp_path):
    from safetensors.torch import save_file

    def a():
        return torch.ones(2, 4)

    def b():
        return torch.ones(4, 2)

    save_file(
        {
            "transformer.transformer_blocks.0.attn1.to_q.lora_A.weight": a(),
            "transformer.transformer_blocks.0.attn1.to_q.lora_B.weight": b(),
            "base_model.model.transformer_blocks.1.attn1.to_k.lora_A.default.weight": a(),
            "base_model.model.transformer_blocks.1.attn1.to_k.lora_B.default.weight": b(),
            "transformer_blocks.2.attn1.to_v.lora.down.weight": a(),
            "transformer_blocks.2.attn1.to_v.lora.up.weight": b(),
        },
        str(tmp_path / "l.safetensors"),
    )
    assert sorted(read_lora_pairs(tmp_path / "l.safetensors")) == [
        "transformer_blocks.0.attn1.to_q",
        "transformer_blocks.1.attn1.to_k",
        "transformer_blocks.2.attn1.to_v",
    ]
