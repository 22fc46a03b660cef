"""The Wan exporter without the real weights: the folder check names every missing or wrong file
at once, the original-layout readers and the VideoX-Fun LoRA names map onto diffusers' modules
as expected, and the merged LoRA computes what the reference's unmerged LoRA computes."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from dwm_export.layout import LayoutError
from dwm_export.lora import LoraError
from dwm_export.wan import (
    LORA_FILE,
    NON_LORA_FILE,
    T5_FILE,
    TOKENIZER_DIR,
    VAE_FILE,
    check_dwm_wan_lora,
    check_wan_fun,
    lora_module_name,
    lora_targets,
    make_exportable,
    transformer_key_to_original,
    vae_key_to_original,
)
from dwm_export.wan_tiny import write_tiny_dwm_wan_lora, write_tiny_wan_fun

TOOLS = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module", autouse=True)
def one_torch_thread():
    """The tiny models gain nothing from threads, and one thread avoids OpenMP spin-waits when the CPU is
    shared (measured on a busy 2-core machine: the reference's 50 steps take 1.6 s with one thread, 21 s with two)."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dwm_export.wan", *args], cwd=TOOLS, capture_output=True, text=True)


@pytest.fixture(scope="module")
def wan_tiny(tmp_path_factory):
    root = tmp_path_factory.mktemp("wan-layout")
    base = write_tiny_wan_fun(root / "Wan2.1-Fun-tiny-InP")
    return base, write_tiny_dwm_wan_lora(root / "DWM-Wan-tiny-LoRA", base)


def copy_of(folder: Path, dest: Path) -> Path:
    shutil.copytree(folder, dest)
    return dest


def test_complete_folders_pass_the_check(wan_tiny):
    base, lora = wan_tiny
    r = cli("--base", str(base), "--lora", str(lora), "--check-only")
    assert r.returncode == 0, r.stderr
    assert "the folders are complete" in r.stdout


def test_missing_folders_are_named(tmp_path):
    r = cli("--base", str(tmp_path / "nope"), "--lora", str(tmp_path / "nada"), "--out", str(tmp_path / "b"))
    assert r.returncode == 2
    assert f"{tmp_path / 'nope'}: not a folder" in r.stderr


def test_every_missing_file_is_listed_at_once(wan_tiny, tmp_path):
    base = copy_of(wan_tiny[0], tmp_path / "base")
    (base / VAE_FILE).unlink()
    (base / T5_FILE).unlink()
    shutil.rmtree(base / TOKENIZER_DIR)
    (base / "diffusion_pytorch_model.safetensors").unlink()
    with pytest.raises(LayoutError) as err:
        check_wan_fun(base)
    problems = "\n".join(err.value.problems)
    assert f"{base / VAE_FILE}: missing" in problems
    assert f"{base / T5_FILE}: missing" in problems and "--text-encoder" in problems
    assert f"{base / TOKENIZER_DIR}: no tokenizer.json or spiece.model" in problems
    assert f"{base}: no transformer weights" in problems
    assert len(err.value.problems) == 4


def test_an_hf_text_encoder_folder_can_replace_the_pth(wan_tiny, tmp_path):
    """--text-encoder: an HF-format UMT5EncoderModel folder (the Diffusers repos' text_encoder/) instead of the original .pth."""
    from dwm_export.wan import TextEncoderGraph, load_text_encoder

    base = copy_of(wan_tiny[0], tmp_path / "base")
    converted = load_text_encoder(check_wan_fun(base))
    converted.save_pretrained(str(tmp_path / "text_encoder"))
    (base / T5_FILE).unlink()
    layout = check_wan_fun(base, text_encoder=tmp_path / "text_encoder")
    assert layout.t5_file is None
    ids = torch.randint(3, 50, (1, 512))
    mask = torch.zeros(1, 512, dtype=torch.int64)
    mask[0, :6] = 1
    with torch.no_grad():
        a = TextEncoderGraph(converted)(ids, mask)
        b = TextEncoderGraph(load_text_encoder(layout))(ids, mask)
    assert torch.equal(a, b) and bool((a[0, 6:] == 0).all()) and float(a[0, :6].abs().max()) > 0.1


def test_a_sharded_transformer_needs_every_shard(wan_tiny, tmp_path):
    from safetensors.torch import load_file, save_file

    from dwm_export.wan import _read_transformer_state

    base = copy_of(wan_tiny[0], tmp_path / "base")
    whole = load_file(str(base / "diffusion_pytorch_model.safetensors"))
    keys = sorted(whole)
    names = ["diffusion_pytorch_model-00001-of-00002.safetensors", "diffusion_pytorch_model-00002-of-00002.safetensors"]
    halves = [keys[: len(keys) // 2], keys[len(keys) // 2 :]]
    for name, part in zip(names, halves):
        save_file({k: whole[k] for k in part}, str(base / name))
    (base / "diffusion_pytorch_model.safetensors").unlink()
    index = {"weight_map": {k: names[i] for i, part in enumerate(halves) for k in part}}
    (base / "diffusion_pytorch_model.safetensors.index.json").write_text(json.dumps(index))
    moved = (base / names[1]).rename(tmp_path / names[1])
    with pytest.raises(LayoutError, match="00002-of-00002.safetensors: missing"):
        check_wan_fun(base)
    moved.rename(base / names[1])
    state = _read_transformer_state(check_wan_fun(base))
    assert set(state) == set(whole) and all(torch.equal(state[k], whole[k]) for k in whole)


def test_a_non_inpainting_checkpoint_is_refused(wan_tiny, tmp_path):
    base = copy_of(wan_tiny[0], tmp_path / "base")
    cfg = json.loads((base / "config.json").read_text())
    cfg.update(in_dim=16, model_type="t2v")
    (base / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(LayoutError) as err:
        check_wan_fun(base)
    problems = "\n".join(err.value.problems)
    assert "is this the -InP model?" in problems and "model_type is 't2v'" in problems


def test_lora_folder_without_weights(tmp_path):
    (tmp_path / "lora").mkdir()
    with pytest.raises(LayoutError) as err:
        check_dwm_wan_lora(tmp_path / "lora")
    problems = "\n".join(err.value.problems)
    assert f"{LORA_FILE}: missing" in problems and f"{NON_LORA_FILE}: missing" in problems


def test_the_experiment_config_is_read(wan_tiny, tmp_path):
    lora = copy_of(wan_tiny[1], tmp_path / "lora")
    yaml_file = next(lora.glob("*.yaml"))
    text = yaml_file.read_text()
    yaml_file.write_text(text + "scheduler_kwargs:\n  shift: 3.0\n")
    assert check_dwm_wan_lora(lora).settings == {"shift": 3.0}
    yaml_file.write_text(text.replace("condition_channels: 16", "condition_channels: 32") + "pipeline:\n  type: wan2.1_fun_inp_hand_concat\n  fps: 24\n")
    with pytest.raises(LayoutError) as err:
        check_dwm_wan_lora(lora)
    problems = "\n".join(err.value.problems)
    assert "condition_channels is 32" in problems and "pipeline.fps is 24" in problems


def test_original_names_map_as_diffusers_converts_them():
    # (diffusers name, original Wan / VideoX-Fun name): the swaps and renames that are easy to get wrong.
    pairs = {
        "blocks.0.norm2.weight": "blocks.0.norm3.weight",  # cross-attention norm
        "blocks.0.attn1.to_out.0.weight": "blocks.0.self_attn.o.weight",
        "blocks.3.attn2.add_k_proj.bias": "blocks.3.cross_attn.k_img.bias",
        "blocks.3.attn2.norm_added_k.weight": "blocks.3.cross_attn.norm_k_img.weight",
        "blocks.1.ffn.net.0.proj.weight": "blocks.1.ffn.0.weight",
        "blocks.1.scale_shift_table": "blocks.1.modulation",
        "scale_shift_table": "head.modulation",
        "proj_out.weight": "head.head.weight",
        "condition_embedder.time_proj.weight": "time_projection.1.weight",
        "condition_embedder.image_embedder.ff.net.2.weight": "img_emb.proj.3.weight",
        "condition_embedder.image_embedder.norm2.bias": "img_emb.proj.4.bias",
        "patch_embedding.weight": "patch_embedding.weight",
    }
    for new, old in pairs.items():
        assert transformer_key_to_original(new) == old
    vae = {
        "post_quant_conv.weight": "conv2.weight",
        "decoder.up_blocks.1.resnets.0.conv_shortcut.weight": "decoder.upsamples.4.shortcut.weight",
        "decoder.up_blocks.2.upsamplers.0.time_conv.bias": "decoder.upsamples.11.time_conv.bias",
        "decoder.up_blocks.3.resnets.2.norm2.gamma": "decoder.upsamples.14.residual.3.gamma",
        "encoder.down_blocks.5.resample.1.weight": "encoder.downsamples.5.resample.1.weight",
        "encoder.mid_block.attentions.0.to_qkv.weight": "encoder.middle.1.to_qkv.weight",
        "encoder.norm_out.gamma": "encoder.head.0.gamma",
    }
    for new, old in vae.items():
        assert vae_key_to_original(new) == old


def test_videox_lora_names_resolve_to_diffusers_layers():
    from diffusers import WanTransformer3DModel

    from dwm_export.wan import diffusers_transformer_config
    from dwm_export.wan_tiny import TINY_CONFIG

    with torch.device("meta"):
        model = WanTransformer3DModel(**diffusers_transformer_config(TINY_CONFIG))
    targets = lora_targets(model)
    expected = {
        "lora_unet__blocks_0_self_attn_q": "blocks.0.attn1.to_q",
        "lora_unet__blocks_1_cross_attn_o": "blocks.1.attn2.to_out.0",
        "lora_unet__blocks_1_cross_attn_k_img": "blocks.1.attn2.add_k_proj",
        "lora_unet__blocks_0_ffn_2": "blocks.0.ffn.net.2",
        "lora_unet__text_embedding_0": "condition_embedder.text_embedder.linear_1",
        "lora_unet__time_projection_1": "condition_embedder.time_proj",
        "lora_unet__img_emb_proj_1": "condition_embedder.image_embedder.ff.net.0.proj",
        "lora_unet__head_head": "proj_out",
        "lora_unet_blocks_0_self_attn_v": "blocks.0.attn1.to_v",  # a single "_" after the prefix is accepted too
    }
    for kohya, module in expected.items():
        assert targets[lora_module_name(kohya)] == module
    # every linear layer: 2 blocks x (4 self + 6 cross + 2 ffn) + text 2 + time 2 + time_proj + head + image MLP 2
    assert len(targets) == 2 * 12 + 8
    with pytest.raises(LoraError, match="text-encoder LoRA"):
        lora_module_name("lora_te_blocks_0_attn_q")


def test_the_merge_adds_alpha_over_rank_times_up_down(wan_tiny):
    from safetensors.torch import load_file

    from dwm_export.wan import load_base_transformer, merge_wan_lora

    base, lora = wan_tiny
    layout, lora_layout = check_wan_fun(base), check_dwm_wan_lora(lora)
    plain = load_base_transformer(layout)
    merged = load_base_transformer(layout)
    summary = merge_wan_lora(merged, lora_layout)
    assert summary == {"rank": [4], "alpha_over_rank": [2.0], "merged_layers": 32, "patch_embedding_in_channels": 52}
    w = load_file(str(lora_layout.lora_weights))
    up = w["lora_unet__blocks_1_cross_attn_k_img.lora_up.weight"].float()
    down = w["lora_unet__blocks_1_cross_attn_k_img.lora_down.weight"].float()
    delta = merged.blocks[1].attn2.add_k_proj.weight - plain.blocks[1].attn2.add_k_proj.weight
    assert torch.allclose(delta, 2.0 * up @ down, atol=1e-6)
    assert torch.equal(merged.patch_embedding.weight, load_file(str(lora_layout.non_lora_weights))["patch_embedding.weight"])
    assert merged.config.in_channels == 52


def test_merged_transformer_equals_the_reference_lora_hooks(wan_tiny):
    """The exporter merges (W + s B A); the reference keeps the LoRA as VideoX-Fun's LoRAModule does. Same outputs."""
    from dwm_export.wan import load_base_transformer, merge_wan_lora
    from dwm_export.wan_reference import WanFunDwmReference

    base, lora = wan_tiny
    merged = load_base_transformer(check_wan_fun(base))
    merge_wan_lora(merged, check_dwm_wan_lora(lora))
    ref = WanFunDwmReference(base, lora)
    assert len(ref.lora_layers) == 32
    g = torch.Generator().manual_seed(3)
    hidden = torch.randn(2, 52, 3, 6, 8, generator=g)
    text = torch.randn(2, 512, 32, generator=g)
    args = {"timestep": torch.tensor([999.0, 412.5]), "encoder_hidden_states": text, "encoder_hidden_states_image": torch.zeros(2, 257, 1280), "return_dict": False}
    with torch.no_grad():
        a = merged(hidden_states=hidden, **args)[0]
        b = ref.transformer(hidden_states=hidden, **args)[0]
        plain = load_base_transformer(check_wan_fun(base))
        plain_out = plain(hidden_states=hidden[:, :36], **args)[0]
    assert float((a - b).abs().max()) < 1e-4 * float(a.abs().max())
    assert float((a - plain_out).abs().max()) > 0.1, "the LoRA and the hand channels must matter"


def test_the_export_substitutions_are_exact(wan_tiny):
    """RMSNorm as plain ops and nearest-exact 2x upsampling as nearest: what the legacy ONNX exporter needs, same numbers."""
    from dwm_export.wan import VaeDecoderGraph, load_base_transformer, load_vae

    base, _ = wan_tiny
    layout = check_wan_fun(base)
    vae = load_vae(layout)
    z = torch.randn(1, 16, 3, 6, 8, generator=torch.Generator().manual_seed(4))
    with torch.no_grad():
        before = VaeDecoderGraph(vae)(z)
        after = VaeDecoderGraph(make_exportable(copy.deepcopy(vae)))(z)
    assert torch.equal(before, after)
    transformer = load_base_transformer(layout)
    args = {
        "hidden_states": torch.randn(1, 36, 3, 6, 8),
        "timestep": torch.tensor([500.0]),
        "encoder_hidden_states": torch.randn(1, 512, 32),
        "encoder_hidden_states_image": torch.zeros(1, 257, 1280),
        "return_dict": False,
    }
    with torch.no_grad():
        a = transformer(**args)[0]
        b = make_exportable(copy.deepcopy(transformer))(**args)[0]
    assert float((a - b).abs().max()) < 1e-5 * float(a.abs().max())


def test_the_vae_normalisation_is_videox_funs(wan_tiny):
    """The per-channel mean / std VideoX-Fun's AutoencoderKLWan hardcodes (training/wan/models/wan_vae.py)."""
    from dwm_export.wan import load_vae

    videox_mean = [-0.7571, -0.7089, -0.9113, 0.1075, -0.1745, 0.9653, -0.1517, 1.5508, 0.4134, -0.0715, 0.5517, -0.3632, -0.1922, -0.9497, 0.2503, -0.2921]
    videox_std = [2.8184, 1.4541, 2.3275, 2.6558, 1.2196, 1.7708, 2.6052, 2.0743, 3.2687, 2.1526, 2.8652, 1.5579, 1.6382, 1.1253, 2.8251, 1.9160]
    vae = load_vae(check_wan_fun(wan_tiny[0]))
    assert list(vae.config.latents_mean) == videox_mean and list(vae.config.latents_std) == videox_std


def test_lora_without_the_widened_input_layer_is_refused(wan_tiny, tmp_path):
    from safetensors.torch import save_file

    base, lora = wan_tiny
    bad = copy_of(lora, tmp_path / "lora")
    save_file({"blocks.0.modulation": torch.zeros(1, 6, 32)}, str(bad / NON_LORA_FILE))
    r = cli("--base", str(base), "--lora", str(bad), "--out", str(tmp_path / "bundle"), "--width", "64", "--height", "48", "--frames", "9", "--precision", "fp32")
    assert r.returncode == 2
    assert "no patch_embedding.weight" in r.stderr
    assert not (tmp_path / "bundle").exists()


def test_video_size_is_checked(wan_tiny, tmp_path):
    base, lora = wan_tiny
    r = cli("--base", str(base), "--lora", str(lora), "--out", str(tmp_path / "b"), "--width", "70", "--frames", "10")
    assert r.returncode == 2
    assert "multiples of 16" in r.stderr and "frames - 1 must be a multiple of 4" in r.stderr
