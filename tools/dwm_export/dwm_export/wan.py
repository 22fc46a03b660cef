"""Wan2.1-Fun-V1.1-14B-InP + the DWM Wan LoRA -> a DWM Studio model bundle.

What the graphs compute follows the reference's inference path (snuvclab/dwm, training/wan:
inference.py building WanFunInpaintHandConcatPipeline with WanTransformer3DModelWithConcat,
conditioning_mode "dwm", i.e. mask_video all zeros, and no CLIP image):

- text: UMT5-XXL on the prompt padded to 512 tokens with its attention mask; the pipeline keeps
  each prompt's first seq_len embeddings and the transformer pads them back to text_len with
  zeros, so the graph multiplies the padded positions by the mask (zeros there).
- conditioning, concatenated after the noisy latents on the channel axis (B,C,F,H,W):
  4 mask channels holding 1.0 (resize_mask(1 - mask_video) with the first frame repeated 4
  times and the frames packed 4 to a latent frame; not scaled), the static video's latents
  (posterior mode, normalised per channel), the hand video's latents: 16 + 4 + 16 + 16 = 52.
- VAE: Wan's VAE normalises latents per channel, (mu - mean) * (1 / std); the studio's
  manifest has scalar factors only, so the encoder graph outputs normalised latents, the
  decoder graph takes them (and clamps to [-1, 1] as the reference does), and the manifest
  says scalingFactor 1, shiftFactor 0. The reference does not tile the Wan VAE; neither do we.
- denoiser: the Wan transformer (diffusers' WanTransformer3DModel, i2v cross-attention) with
  the LoRA merged and the widened patch embedding, and the CLIP image context the reference
  passes when there is no image (zeros, 257 x 1280) baked in as a constant; it still goes
  through the image-embedding MLP, as in the reference; the timestep's sinusoidal embedding in
  float64 as VideoX-Fun computes it (diffusers' is float32). Flow (velocity) prediction.
- scheduler: FlowMatchEulerDiscreteScheduler with the DWM pipeline config's scheduler_kwargs
  (shift 5, no dynamic shifting: the pipeline's mu=1 and shift=3.0 arguments have no effect on it).

The hub checkpoints are in VideoX-Fun's original Wan layout, not diffusers': they are read and
converted here (diffusers' own single-file converters for the transformer and the VAE; the
UMT5 encoder and the VideoX-Fun LoRA names by the mappings below).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import torch

from .layout import LayoutError, _read_json
from .lora import LoraError
from .bundle_parts import DEFAULT_SIZE, PRECISIONS, conditioning_spec, dtype_for, export_denoiser, open_staging, publish, widened_conv, write_tokenizer
from .onnx_save import export_graph

# inference.py's defaults: 50 steps, guidance 6, seed 42, negative prompt "bad detailed".
DWM_WAN_DEFAULTS = {"steps": 50, "guidance": 6.0, "negativePrompt": "bad detailed", "seed": 42}
# configs/pipelines/wan2.1_fun_inp_hand_concat.yaml, scheduler_kwargs (the experiment config does not override them).
DWM_WAN_SCHEDULER = {"num_train_timesteps": 1000, "shift": 5.0, "use_dynamic_shifting": False}

TEXT_LEN = 512  # diffusers' Wan attention splits image from text context assuming 512 text tokens
CLIP_TOKENS = 257  # the CLIP ViT-H/14 context the i2v cross-attention expects (VideoX-Fun slices context[:, :257])
CLIP_DIM = 1280
CONDITION_CHANNELS = 16  # transformer.condition_channels: the hand latents

T5_FILE = "models_t5_umt5-xxl-enc-bf16.pth"
VAE_FILE = "Wan2.1_VAE.pth"
TOKENIZER_DIR = "google/umt5-xxl"
LORA_FILE = "lora_diffusion_pytorch_model.safetensors"
NON_LORA_FILE = "non_lora_weights.safetensors"
TRANSFORMER_WEIGHTS = "diffusion_pytorch_model.safetensors"


# ---------------------------------------------------------------------------------------------
# Folder layout
# ---------------------------------------------------------------------------------------------


@dataclass
class WanFunLayout:
    """alibaba-pai/Wan2.1-Fun-V1.1-14B-InP as downloaded (VideoX-Fun's original Wan layout)."""

    root: Path
    config: dict
    transformer_files: list[Path]
    vae_file: Path
    t5_file: Path | None
    tokenizer_dir: Path
    text_encoder_dir: Path | None = None  # an HF-format UMT5 encoder folder used instead of t5_file


@dataclass
class DwmWanLoraLayout:
    """byungjun-kim/DWM-Wan2.1-Fun-14b-LoRA: the files inference.py reads from --checkpoint_path."""

    root: Path
    lora_weights: Path
    non_lora_weights: Path
    experiment_config: Path | None
    settings: dict = field(default_factory=dict)


def _transformer_files(root: Path, problems: list[str]) -> list[Path]:
    """One safetensors file, a sharded set with its index, or (as VideoX-Fun globs) every diffusion_pytorch_model*.safetensors."""
    index = root / f"{TRANSFORMER_WEIGHTS}.index.json"
    if index.is_file():
        try:
            shards = sorted(set(json.loads(index.read_text())["weight_map"].values()))
        except (ValueError, KeyError, AttributeError):
            problems.append(f"{index}: not a valid safetensors index (no weight_map)")
            return []
        missing = [s for s in shards if not (root / s).is_file()]
        for s in missing:
            problems.append(f"{root / s}: missing (listed in {index.name})")
        return [] if missing else [root / s for s in shards]
    if (root / TRANSFORMER_WEIGHTS).is_file():
        return [root / TRANSFORMER_WEIGHTS]
    files = sorted(root.glob("diffusion_pytorch_model*.safetensors"))
    if not files:
        problems.append(f"{root}: no transformer weights ({TRANSFORMER_WEIGHTS}, its .index.json with every shard, or diffusion_pytorch_model-*.safetensors)")
    return files


def check_wan_fun(root, text_encoder=None, tokenizer=None) -> WanFunLayout:
    """Check the base folder before anything heavy is loaded; every problem is reported at once."""
    root = Path(root)
    if not root.is_dir():
        raise LayoutError(f"Wan2.1-Fun InP base checkpoint {root}", [f"{root}: not a folder"])
    problems: list[str] = []
    config = _read_json(root / "config.json", problems)
    files = _transformer_files(root, problems)
    vae = root / VAE_FILE
    if not vae.is_file():
        problems.append(f"{vae}: missing (the Wan 2.1 VAE)")
    te_dir = Path(text_encoder) if text_encoder else None
    t5 = None
    if te_dir is not None:
        if not (te_dir / "config.json").is_file():
            problems.append(f"{te_dir}: not an HF-format UMT5 encoder folder (no config.json)")
    else:
        t5 = root / T5_FILE
        if not t5.is_file():
            problems.append(
                f"{t5}: missing (the UMT5-XXL encoder in Wan's original format); or pass --text-encoder with an "
                "HF-format UMT5EncoderModel folder, e.g. the text_encoder/ folder of Wan-AI/Wan2.1-I2V-14B-480P-Diffusers"
            )
    tok = Path(tokenizer) if tokenizer else root / TOKENIZER_DIR
    if not ((tok / "tokenizer.json").is_file() or (tok / "spiece.model").is_file()):
        problems.append(f"{tok}: no tokenizer.json or spiece.model (the google/umt5-xxl tokenizer)")
    if config:
        cfg_path = root / "config.json"
        if config.get("model_type") != "i2v":
            problems.append(f"{cfg_path}: model_type is {config.get('model_type')!r}; the Fun InP models are 'i2v' (CLIP image cross-attention)")
        out_dim = config.get("out_dim", 16)
        expected = 2 * out_dim + 4
        if config.get("in_dim") != expected:
            problems.append(
                f"{cfg_path}: in_dim is {config.get('in_dim')}, an InP (inpainting) checkpoint has {expected} "
                "(latents + 4 mask channels + masked-video latents); is this the -InP model?"
            )
        if config.get("text_len", 512) != TEXT_LEN:
            problems.append(f"{cfg_path}: text_len is {config.get('text_len')}; diffusers' Wan attention assumes {TEXT_LEN} text tokens")
        if tuple(config.get("window_size", (-1, -1))) != (-1, -1):
            problems.append(f"{cfg_path}: window_size {config.get('window_size')}: windowed attention is not supported (diffusers' Wan has global attention only)")
        if not config.get("qk_norm", True) or not config.get("cross_attn_norm", True):
            problems.append(f"{cfg_path}: qk_norm / cross_attn_norm off; Wan 2.1 has both on and the exporter assumes them")
        for key in ("dim", "num_heads", "num_layers", "ffn_dim"):
            if not isinstance(config.get(key), int):
                problems.append(f"{cfg_path}: {key} missing or not an integer")
    if problems:
        raise LayoutError(f"Wan2.1-Fun InP base checkpoint {root} is incomplete", problems)
    return WanFunLayout(root, config, files, vae, t5, tok, te_dir)


def _experiment_settings(path: Path, problems: list[str]) -> dict:
    """What the LoRA's experiment config says that changes the computation (merged over the pipeline config's defaults)."""
    import yaml

    try:
        cfg = yaml.safe_load(path.read_text()) or {}
    except (OSError, yaml.YAMLError) as err:
        problems.append(f"{path}: not readable YAML ({err})")
        return {}
    if not isinstance(cfg, dict):
        problems.append(f"{path}: expected a YAML mapping")
        return {}
    out = {}
    pipeline = cfg.get("pipeline") or {}
    kind = pipeline.get("type")
    if kind is not None and kind != "wan2.1_fun_inp_hand_concat":
        problems.append(f"{path}: pipeline.type is {kind!r}; the exporter reproduces 'wan2.1_fun_inp_hand_concat'")
    if pipeline.get("fps") not in (None, 16):
        # model_fps != 16 scales VideoX-Fun's temporal RoPE positions; diffusers' WanRotaryPosEmbed cannot.
        problems.append(f"{path}: pipeline.fps is {pipeline.get('fps')}; only 16 (unscaled temporal RoPE) is supported")
    training = cfg.get("training") or {}
    if training.get("mode", "lora") != "lora":
        problems.append(f"{path}: training.mode is {training.get('mode')!r}; this is the LoRA exporter")
    if (training.get("conditioning_mode") or "dwm") != "dwm":
        problems.append(f"{path}: training.conditioning_mode is {training.get('conditioning_mode')!r}; only 'dwm' (all-zero mask) is exported")
    if (training.get("custom_settings") or {}).get("use_diffusers_i2v_backend"):
        problems.append(f"{path}: custom_settings.use_diffusers_i2v_backend is set; that path is not the one exported")
    transformer = cfg.get("transformer") or {}
    channels = transformer.get("condition_channels", CONDITION_CHANNELS)
    if channels != CONDITION_CHANNELS:
        problems.append(f"{path}: transformer.condition_channels is {channels}; DWM's hand latents are {CONDITION_CHANNELS}")
    sched = cfg.get("scheduler_kwargs") or {}
    if sched.get("use_dynamic_shifting"):
        problems.append(f"{path}: scheduler_kwargs.use_dynamic_shifting is true; the studio's flow-euler has a fixed shift")
    for key in ("shift", "num_train_timesteps"):
        if key in sched:
            out[key] = sched[key]
    return out


def check_dwm_wan_lora(root) -> DwmWanLoraLayout:
    root = Path(root)
    if not root.is_dir():
        raise LayoutError(f"DWM Wan LoRA checkpoint {root}", [f"{root}: not a folder"])
    problems: list[str] = []
    lora = root / LORA_FILE
    if not lora.is_file():
        problems.append(f"{lora}: missing (the LoRA weights inference.py merges with merge_lora)")
    non_lora = root / NON_LORA_FILE
    if not non_lora.is_file():
        problems.append(f"{non_lora}: missing (the widened patch_embedding for the hand latents)")
    yamls = sorted([*root.glob("*.yaml"), *root.glob("*.yml")])
    settings = _experiment_settings(yamls[0], problems) if yamls else {}
    if problems:
        raise LayoutError(f"DWM Wan LoRA checkpoint {root} is incomplete", problems)
    return DwmWanLoraLayout(root, lora, non_lora, yamls[0] if yamls else None, settings)


# ---------------------------------------------------------------------------------------------
# Original Wan / VideoX-Fun names <-> diffusers / transformers names
# ---------------------------------------------------------------------------------------------

# diffusers -> original, for names diffusers' convert_wan_transformer_to_diffusers produces.
_TRANSFORMER_TO_ORIGINAL = [
    ("condition_embedder.time_embedder.linear_1.", "time_embedding.0."),
    ("condition_embedder.time_embedder.linear_2.", "time_embedding.2."),
    ("condition_embedder.text_embedder.linear_1.", "text_embedding.0."),
    ("condition_embedder.text_embedder.linear_2.", "text_embedding.2."),
    ("condition_embedder.time_proj.", "time_projection.1."),
    ("condition_embedder.image_embedder.norm1.", "img_emb.proj.0."),
    ("condition_embedder.image_embedder.ff.net.0.proj.", "img_emb.proj.1."),
    ("condition_embedder.image_embedder.ff.net.2.", "img_emb.proj.3."),
    ("condition_embedder.image_embedder.norm2.", "img_emb.proj.4."),
    (".attn1.", ".self_attn."),
    (".attn2.", ".cross_attn."),
    (".to_out.0.", ".o."),
    (".to_q.", ".q."),
    (".to_k.", ".k."),
    (".to_v.", ".v."),
    (".add_k_proj.", ".k_img."),
    (".add_v_proj.", ".v_img."),
    (".norm_added_k.", ".norm_k_img."),
    (".ffn.net.0.proj.", ".ffn.0."),
    (".ffn.net.2.", ".ffn.2."),
]


def transformer_key_to_original(key: str) -> str:
    """A diffusers WanTransformer3DModel state-dict key in the original Wan / VideoX-Fun naming."""
    if key == "scale_shift_table":
        return "head.modulation"
    if key.startswith("proj_out."):
        return "head.head." + key[len("proj_out.") :]
    out = key
    for new, old in _TRANSFORMER_TO_ORIGINAL:
        out = out.replace(new, old)
    out = re.sub(r"^(blocks\.\d+\.)scale_shift_table$", r"\1modulation", out)
    # diffusers swapped the names of the cross-attention norm (original norm3) and the FFN norm (original norm2).
    out = re.sub(r"^(blocks\.\d+\.)norm([23])\.", lambda m: f"{m[1]}norm{5 - int(m[2])}.", out)
    return out


def transformer_to_diffusers(state: dict) -> dict:
    from diffusers.loaders.single_file_utils import convert_wan_transformer_to_diffusers

    return convert_wan_transformer_to_diffusers(dict(state))


_RESNET_TO_ORIGINAL = {"norm1.gamma": "residual.0.gamma", "conv1": "residual.2", "norm2.gamma": "residual.3.gamma", "conv2": "residual.6", "conv_shortcut": "shortcut"}


def _resnet_part(rest: str) -> str:
    for new, old in _RESNET_TO_ORIGINAL.items():
        if rest == new or rest.startswith(new + "."):
            return old + rest[len(new) :]
    return rest  # resample.1.*, time_conv.*


def vae_key_to_original(key: str) -> str:
    """A diffusers AutoencoderKLWan (2.1) state-dict key in the original Wan2.1_VAE.pth naming."""
    if key.startswith("quant_conv."):
        return "conv1." + key[len("quant_conv.") :]
    if key.startswith("post_quant_conv."):
        return "conv2." + key[len("post_quant_conv.") :]
    side, rest = key.split(".", 1)
    if rest.startswith("conv_in."):
        return f"{side}.conv1.{rest[len('conv_in.'):]}"
    if rest.startswith("norm_out."):
        return f"{side}.head.0.{rest[len('norm_out.'):]}"
    if rest.startswith("conv_out."):
        return f"{side}.head.2.{rest[len('conv_out.'):]}"
    m = re.match(r"mid_block\.(resnets|attentions)\.(\d+)\.(.+)$", rest)
    if m:
        if m[1] == "attentions":
            return f"{side}.middle.1.{m[3]}"
        return f"{side}.middle.{2 * int(m[2])}.{_resnet_part(m[3])}"
    m = re.match(r"down_blocks\.(\d+)\.(.+)$", rest)
    if m:
        return f"{side}.downsamples.{m[1]}.{_resnet_part(m[2])}"
    m = re.match(r"up_blocks\.(\d+)\.resnets\.(\d+)\.(.+)$", rest)
    if m:
        return f"{side}.upsamples.{4 * int(m[1]) + int(m[2])}.{_resnet_part(m[3])}"
    m = re.match(r"up_blocks\.(\d+)\.upsamplers\.0\.(.+)$", rest)
    if m:
        return f"{side}.upsamples.{4 * int(m[1]) + 3}.{m[2]}"
    raise ValueError(f"no original Wan VAE name for {key}")


def vae_to_diffusers(state: dict) -> dict:
    from diffusers.loaders.single_file_utils import convert_wan_vae_to_diffusers

    return convert_wan_vae_to_diffusers(dict(state))


_T5_BLOCK = {
    "norm1.weight": "layer.0.layer_norm.weight",
    "attn.q.weight": "layer.0.SelfAttention.q.weight",
    "attn.k.weight": "layer.0.SelfAttention.k.weight",
    "attn.v.weight": "layer.0.SelfAttention.v.weight",
    "attn.o.weight": "layer.0.SelfAttention.o.weight",
    "pos_embedding.embedding.weight": "layer.0.SelfAttention.relative_attention_bias.weight",
    "norm2.weight": "layer.1.layer_norm.weight",
    # Wan: fc2(fc1(x) * gelu_tanh(gate(x))); UMT5: wo(gelu_new(wi_0(x)) * wi_1(x)).
    "ffn.gate.0.weight": "layer.1.DenseReluDense.wi_0.weight",
    "ffn.fc1.weight": "layer.1.DenseReluDense.wi_1.weight",
    "ffn.fc2.weight": "layer.1.DenseReluDense.wo.weight",
}


def t5_to_hf(state: dict) -> dict:
    """Wan's T5Encoder (models_t5_umt5-xxl-enc-bf16.pth) -> transformers' UMT5EncoderModel state dict."""
    out = {}
    unknown = []
    for key, value in state.items():
        if key == "token_embedding.weight":
            out["shared.weight"] = value
            out["encoder.embed_tokens.weight"] = value
        elif key == "norm.weight":
            out["encoder.final_layer_norm.weight"] = value
        else:
            m = re.match(r"blocks\.(\d+)\.(.+)$", key)
            if m and m[2] in _T5_BLOCK:
                out[f"encoder.block.{m[1]}.{_T5_BLOCK[m[2]]}"] = value
            else:
                unknown.append(key)
    if unknown:
        raise LayoutError("UMT5 encoder weights", [f"unexpected key {k} (a shared position embedding, or not Wan's T5 encoder?)" for k in unknown[:8]])
    return out


def t5_from_hf_key(key: str) -> str | None:
    """The inverse of t5_to_hf for one key (None for the tied encoder.embed_tokens copy)."""
    if key == "shared.weight":
        return "token_embedding.weight"
    if key == "encoder.embed_tokens.weight":
        return None
    if key == "encoder.final_layer_norm.weight":
        return "norm.weight"
    m = re.match(r"encoder\.block\.(\d+)\.(.+)$", key)
    inverse = {v: k for k, v in _T5_BLOCK.items()}
    if not m or m[2] not in inverse:
        raise ValueError(f"no original Wan T5 name for {key}")
    return f"blocks.{m[1]}.{inverse[m[2]]}"


def umt5_config(state: dict):
    """UMT5Config for Wan's T5 encoder, read off the weights' shapes (Wan's text_encoder_kwargs: 4096/64 heads/10240/24 layers/32 buckets)."""
    from transformers import UMT5Config

    vocab, dim = state["token_embedding.weight"].shape
    layers = 1 + max(int(k.split(".")[1]) for k in state if k.startswith("blocks."))
    buckets, heads = state["blocks.0.pos_embedding.embedding.weight"].shape
    dim_attn = state["blocks.0.attn.q.weight"].shape[0]
    d_ff = state["blocks.0.ffn.fc1.weight"].shape[0]
    return UMT5Config(
        vocab_size=vocab,
        d_model=dim,
        d_kv=dim_attn // heads,
        d_ff=d_ff,
        num_layers=layers,
        num_heads=heads,
        relative_attention_num_buckets=buckets,
        relative_attention_max_distance=128,
        feed_forward_proj="gated-gelu",
        dropout_rate=0.0,
        layer_norm_epsilon=1e-6,
        tie_word_embeddings=False,
        is_encoder_decoder=False,
    )


def diffusers_transformer_config(cfg: dict) -> dict:
    """diffusers WanTransformer3DModel arguments for an original Wan config.json."""
    dim, heads = cfg["dim"], cfg["num_heads"]
    i2v = cfg.get("model_type") == "i2v"
    return {
        "patch_size": tuple(cfg.get("patch_size", (1, 2, 2))),
        "num_attention_heads": heads,
        "attention_head_dim": dim // heads,
        "in_channels": cfg["in_dim"],
        "out_channels": cfg.get("out_dim", 16),
        "text_dim": cfg.get("text_dim", 4096),
        "freq_dim": cfg.get("freq_dim", 256),
        "ffn_dim": cfg["ffn_dim"],
        "num_layers": cfg["num_layers"],
        "cross_attn_norm": True,
        "qk_norm": "rms_norm_across_heads",
        "eps": cfg.get("eps", 1e-6),
        "image_dim": CLIP_DIM if i2v else None,
        "added_kv_proj_dim": dim if i2v else None,
        "rope_max_seq_len": 1024,
    }


# ---------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------


def _torch_load(path: Path) -> dict:
    """A .pth of tensors, memory-mapped when the file allows it (the zip format torch.save writes), never unpickling code."""
    import pickle

    try:
        try:
            state = torch.load(str(path), map_location="cpu", mmap=True, weights_only=True)
        except RuntimeError as err:
            if "mmap" not in str(err):
                raise
            state = torch.load(str(path), map_location="cpu", weights_only=True)
    except (RuntimeError, pickle.UnpicklingError, EOFError) as err:
        raise LayoutError(str(path), [f"not a readable PyTorch weights file ({str(err).splitlines()[0] if str(err) else type(err).__name__})"]) from None
    if isinstance(state, dict) and "state_dict" in state and isinstance(state["state_dict"], dict):
        state = state["state_dict"]
    return state


def _cast(model: torch.nn.Module, dtype) -> torch.nn.Module:
    """Parameters to `dtype`, except the modules the class keeps in float32 (as from_pretrained(torch_dtype=...) does); buffers untouched."""
    keep = tuple(getattr(model, "_keep_in_fp32_modules", None) or ()) if dtype != torch.float32 else ()
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.data = p.data.to(torch.float32 if any(k in name.split(".") for k in keep) else dtype)
    return model


def _assign(model: torch.nn.Module, state: dict, what: str) -> None:
    result = model.load_state_dict(state, strict=False, assign=True)
    problems = [f"missing {k}" for k in result.missing_keys] + [f"unexpected {k}" for k in result.unexpected_keys]
    if problems:
        raise LayoutError(f"{what}: the weights do not fit the model", problems[:12] + ([f"... {len(problems) - 12} more"] if len(problems) > 12 else []))
    meta = [n for n, p in model.named_parameters() if p.is_meta]
    if meta:
        raise LayoutError(what, [f"{n} was not loaded" for n in meta[:12]])


def load_text_encoder(layout: WanFunLayout, dtype=torch.float32):
    from transformers import UMT5EncoderModel

    if layout.text_encoder_dir is not None:
        return UMT5EncoderModel.from_pretrained(str(layout.text_encoder_dir), dtype=dtype).eval()
    from accelerate import init_empty_weights

    original = _torch_load(layout.t5_file)
    config = umt5_config(original)
    with init_empty_weights():
        model = UMT5EncoderModel(config)
    _assign(model, t5_to_hf(original), str(layout.t5_file))
    return _cast(model, dtype).eval()


def load_vae(layout: WanFunLayout):
    """AutoencoderKLWan in float32 (base_dim and z_dim read off the weights; Wan 2.1: 96 and 16)."""
    from diffusers import AutoencoderKLWan

    original = _torch_load(layout.vae_file)
    try:
        base_dim = original["encoder.conv1.weight"].shape[0]
        z_dim = original["conv2.weight"].shape[0]
    except KeyError as err:
        raise LayoutError(str(layout.vae_file), [f"no {err} (not the Wan 2.1 VAE?)"]) from None
    vae = AutoencoderKLWan(base_dim=base_dim, z_dim=z_dim)
    _assign(vae, vae_to_diffusers(original), str(layout.vae_file))
    return vae.float().eval()


def _read_transformer_state(layout: WanFunLayout) -> dict:
    from safetensors.torch import load_file

    state = {}
    for f in layout.transformer_files:
        part = load_file(str(f))
        dup = set(part) & set(state)
        if dup:
            raise LayoutError(str(layout.root), [f"{sorted(dup)[0]} is in more than one weights file"])
        state.update(part)
    # VideoX-Fun's optional control adapter / reference conv are only used with camera or reference inputs, which DWM never passes.
    return {k: v for k, v in state.items() if not k.startswith(("control_adapter.", "ref_conv."))}


class VideoXTimestepEmbedding(torch.nn.Module):
    """VideoX-Fun's sinusoidal_embedding_1d: positions and frequencies in float64, [cos | sin], then float32.

    diffusers' Timesteps computes the same in float32; at t near 1000 that moves the embedding by
    3e-5 and the transformer's output by about 4e-5 of its magnitude (measured on the tiny model
    against VideoX-Fun's class), so the exporter uses the reference's formulation.
    """

    def __init__(self, dim: int):
        super().__init__()
        self.half = dim // 2

    def forward(self, timestep):
        position = timestep.to(torch.float64)
        freqs = torch.pow(10000.0, -torch.arange(self.half, dtype=torch.float64, device=timestep.device).div(self.half))
        sinusoid = position.unsqueeze(1) * freqs.unsqueeze(0)  # torch.outer, as a Mul (Einsum in float64 is rarer in execution providers)
        return torch.cat([torch.cos(sinusoid), torch.sin(sinusoid)], dim=1).float()


def load_base_transformer(layout: WanFunLayout, dtype=torch.float32):
    """The base Wan transformer in diffusers' class, converted from the original checkpoint (no LoRA yet).

    In fp16, the modules diffusers keeps in float32 (norms, time embedder, modulation tables) stay
    float32, as from_pretrained(torch_dtype=float16) would leave them.
    """
    from accelerate import init_empty_weights
    from diffusers import WanTransformer3DModel

    with init_empty_weights():
        model = WanTransformer3DModel(**diffusers_transformer_config(layout.config))
    _assign(model, transformer_to_diffusers(_read_transformer_state(layout)), f"{layout.root} (transformer)")
    model.condition_embedder.timesteps_proj = VideoXTimestepEmbedding(model.config.freq_dim)
    return _cast(model, dtype).eval()


# ---------------------------------------------------------------------------------------------
# The DWM LoRA (VideoX-Fun / kohya naming)
# ---------------------------------------------------------------------------------------------


def read_videox_lora(path) -> dict[str, dict]:
    """{kohya module name: {"down", "up", "alpha"?}} from a VideoX-Fun LoRANetwork.save_weights file."""
    from safetensors.torch import load_file

    groups: dict[str, dict] = {}
    for key, value in load_file(str(path)).items():
        module, _, elem = key.partition(".")
        kind = {"lora_down.weight": "down", "lora_up.weight": "up", "alpha": "alpha"}.get(elem)
        if kind is None:
            raise LoraError(f"{path}: unexpected key {key} (VideoX-Fun LoRA keys end in .lora_down.weight, .lora_up.weight, .alpha)")
        groups.setdefault(module, {})[kind] = value
    if not groups:
        raise LoraError(f"{path}: no LoRA weights")
    for module, g in groups.items():
        if "down" not in g or "up" not in g:
            raise LoraError(f"{path}: {module} lacks lora_{'up' if 'down' in g else 'down'}.weight")
    return groups


def lora_targets(transformer: torch.nn.Module) -> dict[str, str]:
    """{original module name with '.' -> '_': diffusers module name} for every linear layer (VideoX-Fun targets them all)."""
    out = {}
    for name, module in transformer.named_modules():
        if isinstance(module, torch.nn.Linear):
            original = transformer_key_to_original(f"{name}.weight")[: -len(".weight")]
            flat = original.replace(".", "_")
            if flat in out:
                raise LoraError(f"two layers flatten to {flat}: {out[flat]} and {name}")
            out[flat] = name
    return out


def lora_module_name(kohya: str) -> str:
    """'lora_unet__blocks_0_self_attn_q' (LoRANetwork names the root module '', hence '__') -> 'blocks_0_self_attn_q'."""
    if kohya.startswith("lora_te"):
        raise LoraError(f"{kohya}: a text-encoder LoRA; DWM trains none (train_text_encoder is off) and the exporter does not merge one")
    if not kohya.startswith("lora_unet"):
        raise LoraError(f"{kohya}: not a VideoX-Fun transformer LoRA name (lora_unet_...)")
    return kohya[len("lora_unet") :].lstrip("_")


def merge_wan_lora(transformer: torch.nn.Module, lora: DwmWanLoraLayout, multiplier: float = 1.0) -> dict:
    """Widen the patch embedding, load the non-LoRA weights and merge the LoRA (W += m * alpha/r * up @ down), in place.

    Same arithmetic as VideoX-Fun's merge_lora (which inference.py calls with multiplier 1), done in
    float32 and stored in the transformer's dtype.
    """
    groups = read_videox_lora(lora.lora_weights)
    targets = lora_targets(transformer)
    modules = dict(transformer.named_modules())
    unresolved = [k for k in groups if lora_module_name(k) not in targets]
    if unresolved:
        raise LoraError(f"{lora.lora_weights}: {len(unresolved)} LoRA modules name no linear layer of the Wan transformer, e.g. {unresolved[:3]}")
    ranks, scales = set(), set()
    for kohya, g in groups.items():
        layer = modules[targets[lora_module_name(kohya)]]
        up, down = g["up"].float(), g["down"].float()
        if up.dim() != 2 or down.dim() != 2 or down.shape[1] != layer.in_features or up.shape[0] != layer.out_features or up.shape[1] != down.shape[0]:
            raise LoraError(f"{lora.lora_weights}: {kohya} shapes up {tuple(up.shape)}, down {tuple(down.shape)} do not fit a {layer.in_features}->{layer.out_features} layer")
        rank = up.shape[1]
        scale = (float(g["alpha"]) / rank) if "alpha" in g else 1.0
        ranks.add(rank)
        scales.add(scale)
        with torch.no_grad():
            w = layer.weight
            w.copy_((w.float() + multiplier * scale * (up @ down)).to(w.dtype))
    widened = load_non_lora(transformer, lora)
    return {"rank": sorted(ranks), "alpha_over_rank": sorted(scales), "merged_layers": len(groups), "patch_embedding_in_channels": widened}


def widen_patch_embedding(transformer: torch.nn.Module, channels: int) -> None:
    """WanTransformer3DModelWithConcat._extend_patch_embedding: extra input channels, zero-initialised."""
    proj = transformer.patch_embedding
    if channels == proj.in_channels:
        return
    if channels < proj.in_channels:
        raise LoraError(f"patch_embedding would shrink from {proj.in_channels} to {channels} input channels")
    new = widened_conv(proj, channels)
    transformer.patch_embedding = new
    transformer.register_to_config(in_channels=channels)


def load_non_lora(transformer: torch.nn.Module, lora: DwmWanLoraLayout) -> int:
    """non_lora_weights.safetensors (original names: patch_embedding.weight / .bias) into the transformer; returns its input channels."""
    from safetensors.torch import load_file

    extra = transformer_to_diffusers(load_file(str(lora.non_lora_weights)))
    if "patch_embedding.weight" not in extra:
        raise LoraError(f"{lora.non_lora_weights}: no patch_embedding.weight (the input layer widened for the hand latents)")
    widen_patch_embedding(transformer, extra["patch_embedding.weight"].shape[1])
    params = dict(transformer.named_parameters())
    for name, value in extra.items():
        if name not in params:
            raise LoraError(f"{lora.non_lora_weights}: {name} is not a parameter of the Wan transformer")
        if params[name].shape != value.shape:
            raise LoraError(f"{lora.non_lora_weights}: {name} has shape {tuple(value.shape)}, the transformer's is {tuple(params[name].shape)}")
        with torch.no_grad():
            params[name].copy_(value.to(params[name].dtype))
    return transformer.patch_embedding.in_channels


@dataclass
class Components:
    tokenizer: object
    text_encoder: torch.nn.Module
    vae: torch.nn.Module
    transformer: torch.nn.Module
    summary: dict


def load_components(base: WanFunLayout, lora: DwmWanLoraLayout | None, dtype=torch.float32, lora_scale: float = 1.0) -> Components:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(base.tokenizer_dir))
    text_encoder = load_text_encoder(base, dtype)
    vae = load_vae(base)  # float32: small next to the transformer
    transformer = load_base_transformer(base, dtype)
    summary = merge_wan_lora(transformer, lora, lora_scale) if lora else {}
    return Components(tokenizer, text_encoder, vae, transformer, summary)


# ---------------------------------------------------------------------------------------------
# Graphs
# ---------------------------------------------------------------------------------------------


class ExportRMSNorm(torch.nn.Module):
    """torch.nn.RMSNorm as plain ops (the legacy ONNX exporter has no aten::rms_norm at opset 17), in float32."""

    def __init__(self, norm: torch.nn.RMSNorm):
        super().__init__()
        self.weight = norm.weight
        self.eps = norm.eps if norm.eps is not None else torch.finfo(torch.float32).eps

    def forward(self, x):
        xf = x.float()
        y = xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + self.eps)
        y = y.to(x.dtype)
        return y * self.weight if self.weight is not None else y


def _rotate(x, cos, sin):
    """Wan's rotary embedding on interleaved pairs, (x1, x2) -> (x1 cos - x2 sin, x1 sin + x2 cos), without in-place strided writes."""
    x1, x2 = x.unflatten(-1, (-1, 2)).unbind(-1)
    cos, sin = cos[..., 0::2], sin[..., 1::2]
    return torch.stack([x1 * cos - x2 * sin, x1 * sin + x2 * cos], dim=-1).flatten(-2).type_as(x)


class ExportWanAttnProcessor:
    """The attention diffusers' WanAttnProcessor computes (q/k/v, RMS q/k norms, rotary embedding, the i2v
    image branch on the context's first len - 512 tokens, SDPA), written for the legacy exporter: its
    rotary embedding writes into strided slices of an empty tensor, which the tracer records with the
    traced batch size, so a graph traced at batch 2 breaks at batch 1 (guidance off)."""

    def __call__(self, attn, hidden_states, encoder_hidden_states=None, attention_mask=None, rotary_emb=None):
        image = None
        if attn.add_k_proj is not None:
            n_image = encoder_hidden_states.shape[1] - TEXT_LEN
            image, encoder_hidden_states = encoder_hidden_states[:, :n_image], encoder_hidden_states[:, n_image:]
        context = hidden_states if encoder_hidden_states is None else encoder_hidden_states
        query = attn.norm_q(attn.to_q(hidden_states)).unflatten(2, (attn.heads, -1))
        key = attn.norm_k(attn.to_k(context)).unflatten(2, (attn.heads, -1))
        value = attn.to_v(context).unflatten(2, (attn.heads, -1))
        if rotary_emb is not None:
            query, key = _rotate(query, *rotary_emb), _rotate(key, *rotary_emb)

        def sdpa(q, k, v):  # [B, S, H, D] in and out, as diffusers' dispatch_attention_fn
            out = torch.nn.functional.scaled_dot_product_attention(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2), attn_mask=attention_mask)
            return out.transpose(1, 2).flatten(2, 3).type_as(q)

        out = sdpa(query, key, value)
        if image is not None:
            key_img = attn.norm_added_k(attn.add_k_proj(image)).unflatten(2, (attn.heads, -1))
            value_img = attn.add_v_proj(image).unflatten(2, (attn.heads, -1))
            out = out + sdpa(query, key_img, value_img)
        return attn.to_out[1](attn.to_out[0](out))


def make_exportable(module: torch.nn.Module) -> torch.nn.Module:
    """In place, the substitutions the legacy exporter needs, each computing the same numbers: RMSNorm as ops,
    Wan attention with an export-friendly rotary embedding, and 'nearest-exact' upsampling by an integer
    factor as 'nearest' (the same pixels: floor((i + 0.5) / s) == floor(i / s))."""
    for name, child in list(module.named_children()):
        if isinstance(child, torch.nn.RMSNorm):
            setattr(module, name, ExportRMSNorm(child))
        else:
            make_exportable(child)
    if type(module).__name__ == "WanAttention":
        if getattr(module, "fused_projections", False):
            raise LayoutError("transformer", ["fused attention projections are not supported by the exporter"])
        module.set_processor(ExportWanAttnProcessor())
    if isinstance(module, torch.nn.Upsample) and module.mode == "nearest-exact":
        factors = module.scale_factor if isinstance(module.scale_factor, tuple) else (module.scale_factor,)
        if module.size is not None or any(float(f) != int(f) for f in factors):
            raise LayoutError("VAE", ["a nearest-exact upsampling by a non-integer factor has no exact ONNX equivalent"])
        module.mode = "nearest"
    return module


def latent_stats(vae) -> tuple[torch.Tensor, torch.Tensor]:
    """VideoX-Fun's AutoencoderKLWan scale: [mean, 1 / std] (diffusers' config holds the same Wan 2.1 values)."""
    mean = torch.tensor(vae.config.latents_mean, dtype=torch.float32).view(1, -1, 1, 1, 1)
    inv_std = 1.0 / torch.tensor(vae.config.latents_std, dtype=torch.float32).view(1, -1, 1, 1, 1)
    return mean, inv_std


class TextEncoderGraph(torch.nn.Module):
    """input_ids, attention_mask [B, L] -> [B, L, D], zero where the mask is 0 (the reference trims and re-pads with zeros)."""

    def __init__(self, encoder):
        super().__init__()
        self.encoder = encoder

    def forward(self, input_ids, attention_mask):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return hidden.float() * attention_mask.unsqueeze(-1).float()


class _NormalisedVae(torch.nn.Module):
    """The VAE with its per-channel latent mean and inverse std as buffers (baked into the graph)."""

    def __init__(self, vae):
        super().__init__()
        self.vae = vae
        mean, inv_std = latent_stats(vae)
        self.register_buffer("mean", mean)
        self.register_buffer("inv_std", inv_std)


class VaeEncoderGraph(_NormalisedVae):
    """[1, 3, F, H, W] in [-1, 1] -> normalised posterior mode [1, C, F', h, w]."""

    def forward(self, video):
        mu = self.vae.encode(video).latent_dist.mode()
        return (mu - self.mean) * self.inv_std


class VaeDecoderGraph(_NormalisedVae):
    """Normalised latents [1, C, F', h, w] -> [1, 3, F, H, W] clamped to [-1, 1]."""

    def forward(self, latent):
        return self.vae.decode(latent / self.inv_std + self.mean).sample


class DenoiserGraph(torch.nn.Module):
    """hidden_states [B, 16+4+16+16, F', h, w] (latents | mask | static | hands), float timestep [B], text [B, 512, D] -> velocity [B, 16, F', h, w]."""

    def __init__(self, transformer):
        super().__init__()
        self.transformer = transformer
        self.dtype = transformer.patch_embedding.weight.dtype  # the compute dtype (some tables stay float32)
        image_dim = transformer.config.image_dim
        # pipeline: clip_image is None -> clip_context = zeros_like(CLIP(black image)): [1, 257, 1280].
        self.register_buffer("clip_context", torch.zeros(1, CLIP_TOKENS, image_dim, dtype=self.dtype) if image_dim else None)

    def forward(self, hidden_states, timestep, encoder_hidden_states):
        image = None
        if self.clip_context is not None:
            image = self.clip_context.expand(hidden_states.shape[0], -1, -1)
        out = self.transformer(
            hidden_states=hidden_states.to(self.dtype),
            timestep=timestep,
            encoder_hidden_states=encoder_hidden_states.to(self.dtype),
            encoder_hidden_states_image=image,
            return_dict=False,
        )[0]
        return out.float()


def check_size(size: dict, patch: tuple) -> None:
    step_h, step_w = 8 * patch[1], 8 * patch[2]
    problems = []
    if size["width"] % step_w or size["height"] % step_h:
        problems.append(f"width and height must be multiples of {step_w} and {step_h} (VAE 8 x patch); got {size['width']}x{size['height']}")
    if (size["frames"] - 1) % 4:
        problems.append(f"frames - 1 must be a multiple of 4 (the VAE's temporal compression); got {size['frames']}")
    if problems:
        raise LayoutError("video size", problems)


def export_bundle(
    base_dir,
    lora_dir,
    out_dir,
    *,
    size: dict | None = None,
    precision: str = "fp16",
    bundle_id: str = "dwm-wan2.1-fun-14b",
    name: str = "DWM (Wan2.1-Fun 14B InP + DWM LoRA)",
    version: str = "1.0.0",
    hand_look: str = "real",
    lora_scale: float = 1.0,
    shift: float | None = None,
    text_encoder=None,
    tokenizer=None,
    log=print,
) -> Path:
    """Check the folders, then write the bundle to `out_dir` (replaced only when complete)."""
    size = {**DEFAULT_SIZE, **(size or {})}
    base = check_wan_fun(base_dir, text_encoder=text_encoder, tokenizer=tokenizer)
    lora = check_dwm_wan_lora(lora_dir) if lora_dir else None
    patch = tuple(base.config.get("patch_size", (1, 2, 2)))
    check_size(size, patch)
    sched = {**DWM_WAN_SCHEDULER, **(lora.settings if lora else {})}
    if shift is not None:
        sched["shift"] = shift
    dtype = dtype_for(precision)
    log(f"loading {base.root} ({precision})")
    comp = load_components(base, lora, dtype, lora_scale)
    tconf = comp.transformer.config
    latent_c = comp.vae.config.z_dim
    mask_c = base.config["in_dim"] - 2 * latent_c
    if lora and tconf.in_channels != base.config["in_dim"] + latent_c:
        raise LayoutError("transformer", [f"in_channels is {tconf.in_channels} after the LoRA; DWM needs {base.config['in_dim'] + latent_c} (latents, mask, static, hands)"])
    if tconf.out_channels != latent_c:
        raise LayoutError("transformer", [f"out_dim {tconf.out_channels} is not the VAE's {latent_c} latent channels"])

    out = Path(out_dir)
    staging = open_staging(out)

    lf = (size["frames"] - 1) // 4 + 1
    lh, lw = size["height"] // 8, size["width"] // 8
    text_dim = tconf.text_dim
    in_ch = tconf.in_channels

    graphs = {}
    log("exporting text_encoder.onnx")
    ids = torch.zeros(2, TEXT_LEN, dtype=torch.int64)
    mask = torch.ones(2, TEXT_LEN, dtype=torch.int64)
    ext = export_graph(
        TextEncoderGraph(comp.text_encoder),
        (ids, mask),
        staging / "text_encoder.onnx",
        ["input_ids", "attention_mask"],
        ["last_hidden_state"],
        {"input_ids": {0: "batch"}, "attention_mask": {0: "batch"}, "last_hidden_state": {0: "batch"}},
    )
    graphs["textEncoder"] = {
        "file": "text_encoder.onnx",
        "externalData": ext,
        "inputs": {"inputIds": "input_ids", "attentionMask": "attention_mask"},
        "outputs": {"hiddenStates": "last_hidden_state"},
    }

    make_exportable(comp.vae)
    log("exporting vae_encoder.onnx")
    video = torch.zeros(1, 3, size["frames"], size["height"], size["width"])
    ext = export_graph(VaeEncoderGraph(comp.vae), (video,), staging / "vae_encoder.onnx", ["video"], ["latent"])
    graphs["vaeEncoder"] = {"file": "vae_encoder.onnx", "externalData": ext, "inputs": {"video": "video"}, "outputs": {"latent": "latent"}}

    log("exporting vae_decoder.onnx")
    ext = export_graph(VaeDecoderGraph(comp.vae), (torch.zeros(1, latent_c, lf, lh, lw),), staging / "vae_decoder.onnx", ["latent"], ["video"])
    graphs["vaeDecoder"] = {"file": "vae_decoder.onnx", "externalData": ext, "inputs": {"latent": "latent"}, "outputs": {"video": "video"}}

    log("exporting denoiser.onnx")
    make_exportable(comp.transformer)
    example = (torch.zeros(2, in_ch, lf, lh, lw), torch.full((2,), 999.0), torch.zeros(2, TEXT_LEN, text_dim))
    graphs["denoiser"] = export_denoiser(DenoiserGraph(comp.transformer), example, staging)
    tokenizer = write_tokenizer(comp.tokenizer, staging, base.tokenizer_dir)

    s = comp.summary
    described = (
        f"Wan2.1-Fun V1.1 14B InP with the DWM LoRA merged (rank {s.get('rank')}, alpha/rank {s.get('alpha_over_rank')}, {s.get('merged_layers')} layers)"
        if lora
        else "Wan2.1-Fun InP without a LoRA"
    )
    manifest = {
        "manifestVersion": 1,
        "id": bundle_id,
        "name": name,
        "version": version,
        "description": f"{described}; exported by tools/dwm_export in {precision} from {base.root.name}" + (f" and {lora.root.name}" if lora else "") + ".",
        "license": "See the base model's and the LoRA's licences",
        "baseline": False,
        "conditioning": conditioning_spec(size, hand_look),
        "uses": {"prompt": True, "staticVideo": True, "handsVideo": bool(lora)},
        "graphs": graphs,
        "tokenizer": {**tokenizer, "maxLength": TEXT_LEN},
        # Normalisation is inside the VAE graphs (per channel), so the scalar factors are the identity.
        "latent": {"channels": latent_c, "temporalCompression": 4, "spatialCompression": 8, "layout": "BCFHW", "scalingFactor": 1, "shiftFactor": 0},
        "conditioningLayout": [{"source": "mask", "channels": mask_c, "value": 1.0}, {"source": "static"}] + ([{"source": "hands"}] if lora else []),
        "timestepType": "float32",
        "scheduler": {"type": "flow-euler", "numTrainTimesteps": int(sched["num_train_timesteps"]), "shift": float(sched["shift"])},
        "defaults": DWM_WAN_DEFAULTS,
    }
    publish(staging, out, manifest)
    log(f"wrote {out}")
    return out


# ---------------------------------------------------------------------------------------------
# Command line: python -m dwm_export wan ... (or python -m dwm_export.wan ...)
# ---------------------------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m dwm_export wan", description="Wan2.1-Fun-V1.1-14B-InP + the DWM Wan LoRA -> studio bundle")
    p.add_argument("--base", required=True, help="the alibaba-pai/Wan2.1-Fun-V1.1-14B-InP folder (VideoX-Fun's original Wan layout)")
    p.add_argument("--lora", required=True, help="the byungjun-kim/DWM-Wan2.1-Fun-14b-LoRA folder")
    p.add_argument("--out", help="bundle folder to write (replaced only when the export is complete)")
    p.add_argument("--text-encoder", help=f"an HF-format UMT5EncoderModel folder to use instead of {T5_FILE} (same weights)")
    p.add_argument("--tokenizer", help=f"the umt5-xxl tokenizer folder, if not {TOKENIZER_DIR}/ inside --base")
    p.add_argument("--precision", choices=sorted(PRECISIONS), default="fp16", help="text encoder and transformer weights (the VAE stays fp32)")
    p.add_argument("--width", type=int, default=DEFAULT_SIZE["width"])
    p.add_argument("--height", type=int, default=DEFAULT_SIZE["height"])
    p.add_argument("--frames", type=int, default=DEFAULT_SIZE["frames"])
    p.add_argument("--fps", type=float, default=DEFAULT_SIZE["fps"])
    p.add_argument("--shift", type=float, help=f"flow-matching shift (default: the LoRA's config, else {DWM_WAN_SCHEDULER['shift']})")
    p.add_argument("--id", default="dwm-wan2.1-fun-14b")
    p.add_argument("--name", default="DWM (Wan2.1-Fun 14B InP + DWM LoRA)")
    p.add_argument("--hand-look", choices=["real", "synthetic"], default="real", help="hand colours the model was trained on")
    p.add_argument("--lora-scale", type=float, default=1.0)
    p.add_argument("--check-only", action="store_true", help="only check the two folders")
    return p


def main_wan(argv: list[str] | None = None) -> int:
    p = _parser()
    args = p.parse_args(argv)
    if not args.check_only and not args.out:
        p.error("--out is required unless --check-only")
    try:
        if args.check_only:
            base = check_wan_fun(args.base, text_encoder=args.text_encoder, tokenizer=args.tokenizer)
            lora = check_dwm_wan_lora(args.lora)
            c = base.config
            te = base.text_encoder_dir or base.t5_file
            print(f"{base.root}: Wan2.1-Fun InP, dim {c['dim']}, {c['num_layers']} layers, in_dim {c['in_dim']}, {len(base.transformer_files)} weights file(s)")
            print(f"  text encoder {te}, VAE {base.vae_file.name}, tokenizer {base.tokenizer_dir}")
            print(f"{lora.root}: LoRA {lora.lora_weights.name}, non-LoRA {lora.non_lora_weights.name}" + (f", config {lora.experiment_config.name}" if lora.experiment_config else ""))
            print("the folders are complete; run again without --check-only to export")
            return 0
        export_bundle(
            args.base,
            args.lora,
            args.out,
            size={"width": args.width, "height": args.height, "frames": args.frames, "fps": args.fps},
            precision=args.precision,
            bundle_id=args.id,
            name=args.name,
            hand_look=args.hand_look,
            lora_scale=args.lora_scale,
            shift=args.shift,
            text_encoder=args.text_encoder,
            tokenizer=args.tokenizer,
            log=lambda m: print(m, file=sys.stderr),
        )
    except (LayoutError, LoraError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"bundle written to {args.out}; add it in the studio with Settings > Models > Add model...")
    return 0


if __name__ == "__main__":
    sys.exit(main_wan())
