"""The PyTorch reference the studio's pipeline is checked against, for the Wan variant.

Built from the base folder and the LoRA folder the way the reference implementation
(snuvclab/dwm, training/wan/inference.py) runs inference, and apart from the exporter where it
can be: diffusers' Wan modules and FlowMatchEulerDiscreteScheduler with the DWM pipeline
config's scheduler_kwargs and retrieve_timesteps(mu=1); the prompt encoded as
WanFunInpaintPipeline._get_t5_prompt_embeds does (attention mask, keep seq_len embeddings) and
padded back to text_len with zeros as the transformer does; the patch embedding widened as
WanTransformer3DModelWithConcat does (zeros), the LoRA applied as unmerged forward hooks with
VideoX-Fun's LoRAModule arithmetic (org(x) + up(down(x)) * multiplier * alpha / rank), its
module names resolved by walking the checkpoint's original module tree the way merge_lora
does, then the non-LoRA weights copied in; the conditioning assembled as
WanFunInpaintHandConcatPipeline does with an all-zero mask_video (VaeImageProcessor and its
binarising mask processor, the first-frame-times-4 packing, resize_mask), the CLIP context
zeros (257 x 1280) and the VAE normalisation (mu - mean) * (1 / std).

Shared with the exporter (so not independent here; checked separately against VideoX-Fun's own
classes, see the report of issue 8): reading the original checkpoint files into diffusers /
transformers modules (diffusers' convert_wan_*_to_diffusers and wan.t5_to_hf).

Two deliberate differences from the reference, shared with the studio and documented:
- the hand latents are the VAE posterior's mode; the reference samples them
  (prepare_condition_latents: latent_dist.sample(generator)), so its own output depends on the RNG;
- the starting noise is given (the studio's seeded noise), not drawn from torch.
"""

from __future__ import annotations

import time

import numpy as np
import torch
import torch.nn.functional as F

from .wan import (
    CLIP_DIM,
    CLIP_TOKENS,
    CONDITION_CHANNELS,
    DWM_WAN_SCHEDULER,
    check_dwm_wan_lora,
    check_wan_fun,
    load_base_transformer,
    load_text_encoder,
    load_vae,
    transformer_to_diffusers,
)


def resize_mask(mask: torch.Tensor, latent: torch.Tensor) -> torch.Tensor:
    """pipeline_wan_fun_inpaint.resize_mask(process_first_frame_only=True)."""
    size = list(latent.shape[2:])
    first = F.interpolate(mask[:, :, 0:1], size=[1, *size[1:]], mode="trilinear", align_corners=False)
    if size[0] == 1:
        return first
    rest = F.interpolate(mask[:, :, 1:], size=[size[0] - 1, *size[1:]], mode="trilinear", align_corners=False)
    return torch.cat([first, rest], dim=2)


def _module_tree(keys) -> dict:
    tree: dict = {}
    for key in keys:
        node = tree
        for part in key.split(".")[:-1]:
            node = node.setdefault(part, {})
    return tree


def resolve_like_merge_lora(flat: str, tree: dict) -> str | None:
    """Walk 'blocks_0_self_attn_q' down the original module tree as merge_lora walks getattr:
    the whole remaining name first, else the shortest run of '_'-joined parts that names a child."""
    parts = [p for p in flat.split("_") if p]
    path, node, i = [], tree, 0
    while i < len(parts):
        whole = "_".join(parts[i:])
        if whole in node:
            path.append(whole)
            node, i = node[whole], len(parts)
            break
        for j in range(i + 1, len(parts) + 1):
            name = "_".join(parts[i:j])
            if name in node:
                path.append(name)
                node, i = node[name], j
                break
        else:
            return None
    return ".".join(path)


class _LoraLinear(torch.nn.Module):
    """VideoX-Fun LoRAModule.forward: org_forward(x) + lora_up(lora_down(x)) * multiplier * scale."""

    def __init__(self, org: torch.nn.Linear, down: torch.Tensor, up: torch.Tensor, scale: float, multiplier: float = 1.0):
        super().__init__()
        self.org = org
        self.down = torch.nn.Linear(down.shape[1], down.shape[0], bias=False)
        self.up = torch.nn.Linear(up.shape[1], up.shape[0], bias=False)
        with torch.no_grad():
            self.down.weight.copy_(down.float())
            self.up.weight.copy_(up.float())
        self.scale = scale
        self.multiplier = multiplier

    def forward(self, x):
        return self.org(x) + self.up(self.down(x)) * self.multiplier * self.scale


class WanFunDwmReference:
    def __init__(self, base_dir, lora_dir, text_encoder=None):
        from diffusers import FlowMatchEulerDiscreteScheduler
        from diffusers.image_processor import VaeImageProcessor
        from safetensors import safe_open
        from safetensors.torch import load_file
        from transformers import AutoTokenizer

        base = check_wan_fun(base_dir, text_encoder=text_encoder)
        lora = check_dwm_wan_lora(lora_dir)
        self.tokenizer = AutoTokenizer.from_pretrained(str(base.tokenizer_dir))
        self.text_encoder = load_text_encoder(base)
        self.vae = load_vae(base)
        self.text_len = base.config.get("text_len", 512)
        transformer = load_base_transformer(base)

        # WanTransformer3DModelWithConcat(condition_channels=16)._extend_patch_embedding
        proj = transformer.patch_embedding
        wide = torch.nn.Conv3d(proj.in_channels + CONDITION_CHANNELS, proj.out_channels, proj.kernel_size, proj.stride, bias=True)
        with torch.no_grad():
            wide.weight[:, : proj.in_channels] = proj.weight
            wide.weight[:, proj.in_channels :] = 0.0
            wide.bias.copy_(proj.bias)
        transformer.patch_embedding = wide

        # merge_lora(pipeline, lora_diffusion_pytorch_model.safetensors, multiplier=1.0), as hooks.
        original_keys = []
        for f in base.transformer_files:
            with safe_open(str(f), framework="pt") as reader:
                original_keys += list(reader.keys())
        tree = _module_tree(original_keys)
        updates: dict[str, dict] = {}
        for key, value in load_file(str(lora.lora_weights)).items():
            layer, elem = key.split(".", 1)
            updates.setdefault(layer, {})[elem] = value
        modules = dict(transformer.named_modules())
        self.lora_layers = {}
        for layer, elems in updates.items():
            original = resolve_like_merge_lora(layer.split("lora_unet_", 1)[-1], tree)
            if original is None:
                raise RuntimeError(f"merge_lora would not find {layer}")
            (converted,) = transformer_to_diffusers({f"{original}.weight": torch.zeros(1)})
            name = converted[: -len(".weight")]
            up, down = elems["lora_up.weight"], elems["lora_down.weight"]
            scale = float(elems["alpha"]) / up.shape[1] if "alpha" in elems else 1.0
            parent_name, _, child = name.rpartition(".")
            parent = modules[parent_name] if parent_name else transformer
            setattr(parent, child, _LoraLinear(modules[name], down, up, scale))
            self.lora_layers[layer] = name

        # inference.py: non_lora_weights.safetensors copied into the state dict by name.
        state = transformer.state_dict()
        for name, value in load_file(str(lora.non_lora_weights)).items():
            state[name].copy_(value.to(state[name].dtype))
        self.transformer = transformer.eval()

        self.scheduler_kwargs = {**DWM_WAN_SCHEDULER, **lora.settings}
        self.scheduler = FlowMatchEulerDiscreteScheduler(**self.scheduler_kwargs)
        self.image_processor = VaeImageProcessor(vae_scale_factor=8)
        self.mask_processor = VaeImageProcessor(vae_scale_factor=8, do_normalize=False, do_binarize=True, do_convert_grayscale=True)
        self.mean = torch.tensor(self.vae.config.latents_mean).view(1, -1, 1, 1, 1)
        self.scale = 1.0 / torch.tensor(self.vae.config.latents_std).view(1, -1, 1, 1, 1)

    @torch.no_grad()
    def tokenize(self, text: str, max_length: int) -> list[int]:
        return self.tokenizer(text, padding="max_length", max_length=max_length, truncation=True, add_special_tokens=True).input_ids

    @torch.no_grad()
    def encode_text(self, text: str) -> torch.Tensor:
        """_get_t5_prompt_embeds (embeddings trimmed to seq_len) then the transformer's zero padding to text_len: [L, D]."""
        inputs = self.tokenizer([text], padding="max_length", max_length=self.text_len, truncation=True, add_special_tokens=True, return_tensors="pt")
        seq_len = int(inputs.attention_mask.gt(0).sum())
        emb = self.text_encoder(inputs.input_ids, attention_mask=inputs.attention_mask)[0][0, :seq_len].float()
        return torch.cat([emb, emb.new_zeros(self.text_len - seq_len, emb.shape[1])])

    def _preprocess(self, frames: np.ndarray, height: int, width: int) -> torch.Tensor:
        """inference.py reads frames as float / 255, [1, 3, F, H, W]; the pipeline's image_processor maps them to [-1, 1]."""
        video = torch.from_numpy(frames).float().div(255.0).permute(3, 0, 1, 2).unsqueeze(0)
        f = video.shape[2]
        flat = video.permute(0, 2, 1, 3, 4).reshape(f, 3, height, width)
        out = self.image_processor.preprocess(flat, height=height, width=width).float()
        return out.reshape(1, f, 3, height, width).permute(0, 2, 1, 3, 4)

    def _encode(self, video: torch.Tensor) -> torch.Tensor:
        """VideoX-Fun AutoencoderKLWan.encode(...).latent_dist.mode(): the normalised mean."""
        mu = self.vae.encode(video).latent_dist.mode()
        return (mu - self.mean) * self.scale

    @torch.no_grad()
    def conditioning(self, static_frames, hand_frames):
        """(mask latents [1, 4, F', h, w], static latents [1, C, F', h, w], hand latents [1, C, F', h, w])."""
        frames, height, width = static_frames.shape[:3]
        init_video = self._preprocess(static_frames, height, width)
        mask_video = torch.zeros(1, 1, frames, height, width)  # inference.py, conditioning_mode "dwm"
        mask = self.mask_processor.preprocess(mask_video.permute(0, 2, 1, 3, 4).reshape(frames, 1, height, width), height=height, width=width)
        mask = mask.float().reshape(1, frames, 1, height, width).permute(0, 2, 1, 3, 4)
        masked_video = init_video * (torch.tile(mask, [1, 3, 1, 1, 1]) < 0.5)
        static = self._encode(masked_video)
        mask = torch.cat([torch.repeat_interleave(mask[:, :, 0:1], repeats=4, dim=2), mask[:, :, 1:]], dim=2)
        mask = mask.view(1, mask.shape[2] // 4, 4, height, width).transpose(1, 2)
        mask_latents = resize_mask(1 - mask, static)
        hands = self._encode(self._preprocess(hand_frames, height, width))  # reference: .sample(generator) (see module doc)
        return mask_latents, static, hands

    @torch.no_grad()
    def generate(self, *, prompt, negative_prompt, static_frames, hand_frames, initial_latents, steps, guidance, mask_latents=None):
        """initial_latents: [C, F', h, w] float32 (the studio's). Returns per-step latents [C, F', h, w] and the decoded video."""
        cfg = guidance > 1.0
        t0 = time.perf_counter()
        pos = self.encode_text(prompt)
        embeds = torch.stack([self.encode_text(negative_prompt or ""), pos]) if cfg else pos[None]
        text_s = time.perf_counter() - t0

        t0 = time.perf_counter()
        mask, static, hands = self.conditioning(static_frames, hand_frames)
        if mask_latents is not None:
            mask = mask_latents
        encode_s = time.perf_counter() - t0
        c, lf, lh, lw = static.shape[1:]

        # retrieve_timesteps(scheduler, steps, device, None, mu=1): mu only matters with dynamic shifting.
        self.scheduler.set_timesteps(steps, mu=1)
        latents = torch.from_numpy(initial_latents.reshape(1, c, lf, lh, lw).copy())
        batch = 2 if cfg else 1
        y = torch.cat([mask, static], dim=1)
        cond = torch.cat([torch.cat([y, hands], dim=1)] * batch)  # WanTransformer3DModelWithConcat: y then condition_latents
        clip = torch.zeros(batch, CLIP_TOKENS, CLIP_DIM)  # zeros_like(CLIP(black image))
        out_steps, step_s = [], []
        for t in self.scheduler.timesteps:
            t1 = time.perf_counter()
            model_in = torch.cat([latents] * batch)
            pred = self.transformer(
                hidden_states=torch.cat([model_in, cond], dim=1),
                timestep=t.expand(batch),
                encoder_hidden_states=embeds,
                encoder_hidden_states_image=clip,
                return_dict=False,
            )[0].float()
            if cfg:
                uncond, text = pred.chunk(2)
                pred = uncond + guidance * (text - uncond)
            latents = self.scheduler.step(pred, t, latents, return_dict=False)[0]
            step_s.append(time.perf_counter() - t1)
            out_steps.append(latents[0].contiguous().numpy().copy())
        t0 = time.perf_counter()
        video = self.vae.decode(latents / self.scale + self.mean).sample  # VideoX-Fun decode: z / (1/std) + mean, clamp(-1, 1)
        decode_s = time.perf_counter() - t0
        return {
            "steps": out_steps,
            "decoded": video.float().numpy(),
            "timesteps": [float(t) for t in self.scheduler.timesteps],
            "timings": {"text_s": text_s, "encode_s": encode_s, "step_s": step_s, "decode_s": decode_s},
        }
