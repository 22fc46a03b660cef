"""The PyTorch reference the studio's pipeline is checked against.

Built from the base checkpoint and the LoRA folder the way the reference implementation
(snuvclab/dwm, training/cogvideox) runs inference, and independently of the exporter:
diffusers' CogVideoX modules and scheduler, the prompt encoded and the rotary embeddings
computed by diffusers' CogVideoXPipeline, the LoRA applied as unmerged peft adapters (as the
reference does; the exporter merges it), the patch embedding widened and loaded from the
non-LoRA weights, and the conditioning assembled as CogVideoXFunStaticToVideoPipeline does
with an all-zero mask_video.

Two deliberate differences from the reference, shared with the studio and documented:
- the hand latents are the VAE posterior's mode; the reference draws a sample from it with
  the global (unseeded) torch RNG, so its own output is not reproducible in that part;
- the starting noise is given (the studio's seeded xoshiro noise), not drawn from torch.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F


def read_video_rgb(path: str | Path, width: int, height: int) -> np.ndarray:
    """[F, H, W, 3] uint8, decoded by ffmpeg exactly as the studio decodes (rawvideo rgba)."""
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-nostdin", "-i", str(path), "-map", "0:v:0", "-f", "rawvideo", "-pix_fmt", "rgba", "-"],
        check=True,
        capture_output=True,
    ).stdout
    frames = np.frombuffer(raw, dtype=np.uint8).reshape(-1, height, width, 4)
    return frames[..., :3].copy()


def to_model_video(frames: np.ndarray) -> torch.Tensor:
    """uint8 [F, H, W, 3] -> [1, 3, F, H, W] in [-1, 1], as diffusers' VaeImageProcessor normalises."""
    x = torch.from_numpy(frames).float() / 255.0
    return (x * 2.0 - 1.0).permute(3, 0, 1, 2).unsqueeze(0).contiguous()


def resize_mask(mask: torch.Tensor, latent_frames: int, h: int, w: int) -> torch.Tensor:
    """The reference's resize_mask(process_first_frame_only=True): frame 0 alone, the rest together."""
    first = F.interpolate(mask[:, :, :1], size=(1, h, w), mode="trilinear", align_corners=False)
    if latent_frames == 1:
        return first
    rest = F.interpolate(mask[:, :, 1:], size=(latent_frames - 1, h, w), mode="trilinear", align_corners=False)
    return torch.cat([first, rest], dim=2)


class CogVideoXFunDwmReference:
    def __init__(self, base_dir, lora_dir):
        from diffusers import AutoencoderKLCogVideoX, CogVideoXDDIMScheduler, CogVideoXPipeline, CogVideoXTransformer3DModel
        from peft import LoraConfig, set_peft_model_state_dict
        from safetensors.torch import load_file
        from transformers import T5EncoderModel, T5Tokenizer

        base = Path(base_dir)
        lora = Path(lora_dir)
        self.tokenizer = T5Tokenizer.from_pretrained(str(base / "tokenizer"))
        self.text_encoder = T5EncoderModel.from_pretrained(str(base / "text_encoder")).eval()
        self.vae = AutoencoderKLCogVideoX.from_pretrained(str(base / "vae")).eval()
        self.vae.enable_tiling()  # as the reference's inference config does
        transformer = CogVideoXTransformer3DModel.from_pretrained(str(base / "transformer")).eval()

        # The reference's _setup_condition_channels: extra input channels start at zero ...
        non_lora = load_file(str(lora / "non_lora_weights.safetensors"))
        proj = transformer.patch_embed.proj
        extra = non_lora["patch_embed.proj.weight"].shape[1] - proj.in_channels
        wide = torch.nn.Conv2d(proj.in_channels + extra, proj.out_channels, proj.kernel_size, proj.stride, bias=True)
        with torch.no_grad():
            wide.weight.zero_()
            wide.weight[:, : proj.in_channels] = proj.weight
            wide.bias.copy_(proj.bias)
        transformer.patch_embed.proj = wide
        transformer.register_to_config(in_channels=proj.in_channels + extra)
        # ... then load_non_lora_state_dict copies the trained tensors over them,
        state = transformer.state_dict()
        for k, v in non_lora.items():
            state[k].copy_(v)
        # and the LoRA goes in as peft adapters with alpha = rank (inference.py forces it).
        lora_sd = {k.removeprefix("transformer."): v for k, v in load_file(str(lora / "pytorch_lora_weights.safetensors")).items()}
        rank = next(v.shape[0] for k, v in lora_sd.items() if "lora_A" in k)
        transformer.add_adapter(LoraConfig(r=rank, lora_alpha=rank, init_lora_weights=True, target_modules=["to_k", "to_q", "to_v", "to_out.0"]))
        result = set_peft_model_state_dict(transformer, lora_sd, adapter_name="default")
        unexpected = getattr(result, "unexpected_keys", None)
        if unexpected:
            raise RuntimeError(f"LoRA keys not used by peft: {unexpected[:5]}")
        self.transformer = transformer
        self.scheduler = CogVideoXDDIMScheduler.from_pretrained(str(base / "scheduler"))
        # Only for diffusers' own prompt encoding and rotary-embedding code.
        self.pipe = CogVideoXPipeline(self.tokenizer, self.text_encoder, self.vae, self.transformer, self.scheduler)

    @torch.no_grad()
    def tokenize(self, text: str, max_length: int) -> list[int]:
        return self.tokenizer(text, padding="max_length", max_length=max_length, truncation=True, add_special_tokens=True).input_ids

    @torch.no_grad()
    def generate(self, *, prompt, negative_prompt, static_frames, hand_frames, initial_latents, steps, guidance):
        """initial_latents: [C, F', h, w] float32 (the studio's). Returns per-step latents [C, F', h, w] and the decoded video."""
        sf = self.vae.config.scaling_factor
        L = self.transformer.config.max_text_seq_length
        cfg = guidance > 1.0
        t0 = time.perf_counter()
        pos, neg = self.pipe.encode_prompt(prompt, negative_prompt, do_classifier_free_guidance=cfg, max_sequence_length=L, device=torch.device("cpu"))
        embeds = torch.cat([neg, pos]) if cfg else pos
        text_s = time.perf_counter() - t0

        t0 = time.perf_counter()
        static = to_model_video(static_frames)
        hands = to_model_video(hand_frames)
        _, _, frames, height, width = static.shape
        static_lat = self.vae.encode(static).latent_dist.mode() * sf  # prepare_mask_latents: mode()
        hand_lat = self.vae.encode(hands).latent_dist.mode() * sf  # reference: sample() (see module doc)
        c, lf, lh, lw = static_lat.shape[1:]
        mask_condition = torch.zeros(1, 1, frames, height, width)  # mask_video all zeros
        mask_lat = resize_mask(1 - mask_condition, lf, lh, lw) * sf
        inpaint = torch.cat([mask_lat, static_lat], dim=1).permute(0, 2, 1, 3, 4)  # B,F,C,H,W
        control = hand_lat.permute(0, 2, 1, 3, 4)
        encode_s = time.perf_counter() - t0

        rotary = self.pipe._prepare_rotary_positional_embeddings(height, width, lf, torch.device("cpu"))
        self.scheduler.set_timesteps(steps)
        latents = torch.from_numpy(initial_latents.reshape(c, lf, lh, lw)).permute(1, 0, 2, 3).unsqueeze(0) * self.scheduler.init_noise_sigma
        batch = 2 if cfg else 1
        out_steps, step_s = [], []
        for t in self.scheduler.timesteps:
            t1 = time.perf_counter()
            model_in = self.scheduler.scale_model_input(torch.cat([latents] * batch), t)
            hidden = torch.cat([model_in, torch.cat([inpaint] * batch), torch.cat([control] * batch)], dim=2)
            pred = self.transformer(
                hidden_states=hidden, encoder_hidden_states=embeds, timestep=t.expand(batch), image_rotary_emb=rotary, return_dict=False
            )[0].float()
            if cfg:
                uncond, text = pred.chunk(2)
                pred = uncond + guidance * (text - uncond)
            latents = self.scheduler.step(pred, t, latents, return_dict=False)[0]
            step_s.append(time.perf_counter() - t1)
            out_steps.append(latents[0].permute(1, 0, 2, 3).contiguous().numpy().copy())
        t0 = time.perf_counter()
        video = self.vae.decode(latents.permute(0, 2, 1, 3, 4) / sf).sample
        decode_s = time.perf_counter() - t0
        return {
            "steps": out_steps,
            "decoded": video.float().numpy(),
            "timesteps": [int(t) for t in self.scheduler.timesteps],
            "timings": {"text_s": text_s, "encode_s": encode_s, "step_s": step_s, "decode_s": decode_s},
        }
