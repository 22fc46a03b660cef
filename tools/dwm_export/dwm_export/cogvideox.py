"""CogVideoX-Fun-V1.1-5b-InP + the DWM LoRA -> a DWM Studio model bundle.

What the graphs compute follows the reference's inference path (snuvclab/dwm,
training/cogvideox: CogVideoXFunStaticToVideoPipeline with mask_video all zeros):

- text: T5 encoder on the prompt padded to 226 tokens (no attention mask, as the reference).
- conditioning, concatenated after the noisy latents on the channel axis (B,F,C,H,W):
  1 mask channel holding (1 - 0) * scaling_factor (the inpainting mask says "keep all"),
  the static video's VAE latents (the inpainting "masked video", posterior mode, scaled),
  the hand video's VAE latents (scaled): 16 + 1 + 16 + 16 = 49 input channels for the 5b.
- denoiser: the CogVideoX transformer with the LoRA merged and the widened patch embedding,
  with the 3D rotary embeddings for the bundle's size baked in as constants; v-prediction.
- scheduler: the base checkpoint's CogVideoXDDIMScheduler configuration, verbatim.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch

from .layout import CogVideoXFunLayout, DwmLoraLayout, LayoutError, check_cogvideox_fun, check_dwm_lora
from .bundle_parts import DEFAULT_SIZE, conditioning_spec, dtype_for, export_denoiser, open_staging, publish, write_tokenizer
from .lora import merge_dwm_lora
from .onnx_save import export_graph

DWM_DEFAULTS = {"steps": 50, "guidance": 6.0, "negativePrompt": "", "seed": 42}


@dataclass
class Components:
    tokenizer: object
    text_encoder: torch.nn.Module
    vae: torch.nn.Module
    transformer: torch.nn.Module
    scheduler_config: dict
    max_tokens: int


def load_components(base: CogVideoXFunLayout, lora: DwmLoraLayout | None, dtype=torch.float32, lora_scale: float = 1.0) -> tuple[Components, dict]:
    """The base model's parts, with the DWM LoRA merged into the transformer (when given)."""
    from diffusers import AutoencoderKLCogVideoX, CogVideoXTransformer3DModel
    from transformers import T5EncoderModel, T5Tokenizer

    root = base.root
    tokenizer = T5Tokenizer.from_pretrained(str(root / "tokenizer"))
    text_encoder = T5EncoderModel.from_pretrained(str(root / "text_encoder"), torch_dtype=dtype).eval()
    # The VAE stays float32: it is small next to the transformer and fp16 costs it visible banding.
    vae = AutoencoderKLCogVideoX.from_pretrained(str(root / "vae"), torch_dtype=torch.float32).eval()
    transformer = CogVideoXTransformer3DModel.from_pretrained(str(root / "transformer"), torch_dtype=dtype).eval()
    summary = merge_dwm_lora(transformer, lora, lora_scale) if lora else {}
    max_tokens = transformer.config.max_text_seq_length
    return Components(tokenizer, text_encoder, vae, transformer, dict(base.scheduler_config), max_tokens), summary


def rotary_embeddings(config, width: int, height: int, latent_frames: int, vae_spatial: int = 8):
    """CogVideoX 1.0's 3D rotary embeddings for one video size, as its pipelines compute them."""
    from diffusers.models.embeddings import get_3d_rotary_pos_embed
    from diffusers.pipelines.cogvideo.pipeline_cogvideox import get_resize_crop_region_for_grid

    p = config.patch_size
    grid_h = height // (vae_spatial * p)
    grid_w = width // (vae_spatial * p)
    crops = get_resize_crop_region_for_grid((grid_h, grid_w), config.sample_width // p, config.sample_height // p)
    cos, sin = get_3d_rotary_pos_embed(
        embed_dim=config.attention_head_dim, crops_coords=crops, grid_size=(grid_h, grid_w), temporal_size=latent_frames
    )
    return cos.float(), sin.float()


class DenoiserGraph(torch.nn.Module):
    """hidden_states [B, F', 2C+1+C, h, w] (latents | mask | static | hands), int64 timestep [B], text [B, L, D] -> v [B, F', C, h, w]."""

    def __init__(self, transformer, cos, sin):
        super().__init__()
        self.transformer = transformer
        self.dtype = next(transformer.parameters()).dtype
        self.register_buffer("cos", cos.to(self.dtype))
        self.register_buffer("sin", sin.to(self.dtype))

    def forward(self, hidden_states, timestep, encoder_hidden_states):
        out = self.transformer(
            hidden_states=hidden_states.to(self.dtype),
            encoder_hidden_states=encoder_hidden_states.to(self.dtype),
            timestep=timestep,
            image_rotary_emb=(self.cos, self.sin),
            return_dict=False,
        )[0]
        return out.float()


class TextEncoderGraph(torch.nn.Module):
    def __init__(self, encoder):
        super().__init__()
        self.encoder = encoder

    def forward(self, input_ids):
        return self.encoder(input_ids)[0].float()


class VaeEncoderGraph(torch.nn.Module):
    """[1, 3, F, H, W] in [-1, 1] -> the posterior's mode [1, C, F', h, w] (unscaled)."""

    def __init__(self, vae):
        super().__init__()
        self.vae = vae

    def forward(self, video):
        return self.vae.encode(video).latent_dist.mode()


class VaeDecoderGraph(torch.nn.Module):
    def __init__(self, vae):
        super().__init__()
        self.vae = vae

    def forward(self, latent):
        return self.vae.decode(latent).sample


def check_size(size: dict, transformer_config) -> None:
    step = 8 * transformer_config.patch_size
    problems = []
    if size["width"] % step or size["height"] % step:
        problems.append(f"width and height must be multiples of {step} (VAE 8 x patch {transformer_config.patch_size}); got {size['width']}x{size['height']}")
    if (size["frames"] - 1) % 4:
        problems.append(f"frames - 1 must be a multiple of 4 (the VAE's temporal compression); got {size['frames']}")
    if problems:
        raise LayoutError("video size", problems)


def scheduler_manifest(cfg: dict) -> dict:
    """The base checkpoint's scheduler_config.json in the manifest's names (docs/model-bundles.md)."""
    kind = {"CogVideoXDDIMScheduler": "cogvideox-ddim", "DDIMScheduler": "ddim"}[cfg["_class_name"]]
    if cfg.get("clip_sample"):
        raise LayoutError("scheduler", ["clip_sample is true; the studio's DDIM does not clip"])
    if cfg.get("trained_betas") is not None:
        raise LayoutError("scheduler", ["trained_betas is set; the studio computes betas from beta_schedule"])
    out = {
        "type": kind,
        "numTrainTimesteps": cfg.get("num_train_timesteps", 1000),
        "betaSchedule": cfg.get("beta_schedule", "linear"),
        "betaStart": cfg.get("beta_start", 0.0001),
        "betaEnd": cfg.get("beta_end", 0.02),
        "predictionType": cfg.get("prediction_type", "epsilon"),
        "timestepSpacing": cfg.get("timestep_spacing", "leading"),
        "stepsOffset": cfg.get("steps_offset", 0),
        "setAlphaToOne": cfg.get("set_alpha_to_one", True),
        "rescaleBetasZeroSnr": cfg.get("rescale_betas_zero_snr", False),
    }
    if kind == "cogvideox-ddim":
        out["snrShiftScale"] = cfg.get("snr_shift_scale", 3.0)
    return out


def export_bundle(
    base_dir,
    lora_dir,
    out_dir,
    *,
    size: dict | None = None,
    precision: str = "fp16",
    bundle_id: str = "dwm-cogvideox-fun-5b",
    name: str = "DWM (CogVideoX-Fun 5b InP + DWM LoRA)",
    version: str = "1.0.0",
    hand_look: str = "real",
    lora_scale: float = 1.0,
    tile_vae: bool = True,
    log=print,
) -> Path:
    """Check the folders, then write the bundle to `out_dir` (replaced only when complete)."""
    size = {**DEFAULT_SIZE, **(size or {})}
    base = check_cogvideox_fun(base_dir)
    lora = check_dwm_lora(lora_dir) if lora_dir else None
    dtype = dtype_for(precision)
    log(f"loading {base.root} ({precision})")
    comp, summary = load_components(base, lora, dtype, lora_scale)
    tconf = comp.transformer.config
    check_size(size, tconf)
    if tile_vae:
        # The reference enables tiling (and slicing) for 720x480; at smaller sizes diffusers does not tile.
        comp.vae.enable_tiling()

    out = Path(out_dir)
    staging = open_staging(out)

    latent_c = comp.vae.config.latent_channels
    lf = (size["frames"] - 1) // 4 + 1
    lh, lw = size["height"] // 8, size["width"] // 8
    L = comp.max_tokens
    text_dim = tconf.text_embed_dim
    in_ch = tconf.in_channels
    if in_ch != 3 * latent_c + 1:
        raise LayoutError("transformer", [f"in_channels is {in_ch} after the LoRA; DWM needs {3 * latent_c + 1} (latents, mask, static, hands)"])

    graphs = {}
    log("exporting text_encoder.onnx")
    ext = export_graph(
        TextEncoderGraph(comp.text_encoder),
        (torch.zeros(1, L, dtype=torch.int64),),
        staging / "text_encoder.onnx",
        ["input_ids"],
        ["last_hidden_state"],
        {"input_ids": {0: "batch"}, "last_hidden_state": {0: "batch"}},
    )
    graphs["textEncoder"] = {"file": "text_encoder.onnx", "externalData": ext, "inputs": {"inputIds": "input_ids"}, "outputs": {"hiddenStates": "last_hidden_state"}}

    log("exporting vae_encoder.onnx")
    video = torch.zeros(1, 3, size["frames"], size["height"], size["width"])
    ext = export_graph(VaeEncoderGraph(comp.vae), (video,), staging / "vae_encoder.onnx", ["video"], ["latent"])
    graphs["vaeEncoder"] = {"file": "vae_encoder.onnx", "externalData": ext, "inputs": {"video": "video"}, "outputs": {"latent": "latent"}}

    log("exporting vae_decoder.onnx")
    ext = export_graph(VaeDecoderGraph(comp.vae), (torch.zeros(1, latent_c, lf, lh, lw),), staging / "vae_decoder.onnx", ["latent"], ["video"])
    graphs["vaeDecoder"] = {"file": "vae_decoder.onnx", "externalData": ext, "inputs": {"latent": "latent"}, "outputs": {"video": "video"}}

    log("exporting denoiser.onnx")
    cos, sin = rotary_embeddings(tconf, size["width"], size["height"], lf)
    example = (torch.zeros(2, lf, in_ch, lh, lw), torch.zeros(2, dtype=torch.int64), torch.zeros(2, L, text_dim))
    graphs["denoiser"] = export_denoiser(DenoiserGraph(comp.transformer, cos, sin), example, staging)
    tokenizer = write_tokenizer(comp.tokenizer, staging, base.root / "tokenizer")

    sf = comp.vae.config.scaling_factor
    described = f"CogVideoX-Fun V1.1 5b InP with the DWM LoRA merged (rank {summary.get('rank')}, {summary.get('merged_layers')} layers)" if lora else "CogVideoX-Fun InP without a LoRA"
    manifest = {
        "manifestVersion": 1,
        "id": bundle_id,
        "name": name,
        "version": version,
        "description": f"{described}; exported by tools/dwm_export in {precision} from {base.root.name}"
        + (f" and {lora.root.name}" if lora else "")
        + ".",
        "license": "See the base model's and the LoRA's licences",
        "baseline": False,
        "conditioning": conditioning_spec(size, hand_look),
        "uses": {"prompt": True, "staticVideo": True, "handsVideo": True},
        "graphs": graphs,
        "tokenizer": {**tokenizer, "maxLength": L},
        "latent": {"channels": latent_c, "temporalCompression": 4, "spatialCompression": 8, "layout": "BFCHW", "scalingFactor": sf, "shiftFactor": 0},
        "conditioningLayout": [{"source": "mask", "channels": 1, "value": sf}, {"source": "static"}, {"source": "hands"}],
        "timestepType": "int64",
        "scheduler": scheduler_manifest(comp.scheduler_config),
        "defaults": DWM_DEFAULTS,
    }
    publish(staging, out, manifest)
    log(f"wrote {out}")
    return out
