"""The denoiser: x0_hat = composite(static, hands) + residual_net(...), velocity out.

Layout follows the studio: hidden_states [B, 9, F, H, W] = (x_t, static, hands) on channels,
pixels in [-1, 1]; timestep [B] float32 = sigma * 1000; prediction [B, 3, F, H, W] is the flow
velocity (x_t - x0_hat) / max(sigma, 1e-4). H and W must be multiples of 8 (space-to-depth x2,
then two stride-2 levels); F is free (the net is fully convolutional in time).

The residual net works on (B*F) frames: space-to-depth x2 of [x_t, static, hands, composite]
(12 -> 48 channels at H/2 x W/2), a three-level 2D UNet (32/64/128 channels, GroupNorm + SiLU,
FiLM from a sinusoidal sigma embedding) whose blocks at the two lower levels add a temporal 1D
convolution (kernel 3, a factorised (2+1)D block), and depth-to-space back to 3 channels. Its
last convolution is zero-initialised, so an untrained model is exactly the overlay baseline.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import nn

from .composite import composite, hand_mask, sigma_from_timestep


@dataclass
class ModelConfig:
    channels: tuple[int, int, int] = (32, 64, 128)
    blocks: tuple[int, int, int] = (1, 1, 2)  # residual blocks per level on the way down (the way up has one per level)
    temporal: tuple[bool, bool, bool] = (False, True, True)
    emb_dim: int = 128
    groups: int = 8
    # Feed the net (1 - sigma) * x_t rather than x_t. At sigma = 1 the noisy input is pure noise and
    # says nothing about the video: scaled to zero, the first step's prediction comes from the
    # conditioning alone (deterministic) and no noise pattern can leak into the static regions,
    # which the overlay already gets right. Checkpoints from before the option read as False.
    scale_input: bool = True
    # x0_hat = composite + gate * residual, the gate a per-pixel sigmoid the net predicts, starting
    # near 0: the overlay is right almost everywhere, so the net must open the gate where the scene
    # changes (the part, the hands) and small errors elsewhere stay multiplied by a closed gate.
    gate: bool = True
    # Where the residual may act at all: within `region[1]` pixels and `region[0]` frames of a hand
    # (the hand-video mask the overlay uses). Everything else is the overlay composite exactly, so
    # the model cannot be worse than the baseline where nothing is touched: there, the ground truth
    # differs from the composite only by codec noise, which a residual can only add to. The part a
    # hand moves stays near that hand (a drawer front around the handle it pulls). (0, 0) turns it
    # off; checkpoints from before the option read as off.
    region: tuple[int, int] = (2, 16)
    # Dilated temporal convolutions after the bottleneck (12x18 per frame): with kernel 3 and these
    # dilations a frame sees +-(1 + sum) frames of the hands' path, enough to tell a hand still
    # reaching (nothing moves yet) from one pulling back after the grasp (the part follows it).
    # Zero-initialised, so adding them to a trained net changes nothing until they learn.
    mid_dilations: tuple[int, ...] = (2, 4, 8)

    def to_json(self) -> dict:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @staticmethod
    def from_json(d: dict) -> "ModelConfig":
        return ModelConfig(**{"scale_input": False, "gate": False, "region": (0, 0), "mid_dilations": (), **{k: tuple(v) if isinstance(v, list) else v for k, v in d.items()}})


GATE_INIT_LOGIT = -4.0  # sigmoid(-4) = 0.018: the gate starts nearly closed


def sinusoidal(t: torch.Tensor, dim: int) -> torch.Tensor:
    """t [B] (timestep in 0..1000) -> [B, dim]."""
    half = dim // 2
    freqs = torch.exp(torch.arange(half, dtype=torch.float32) * (-math.log(10000.0) / half))
    args = t[:, None].float() * freqs[None, :]
    return torch.cat([torch.sin(args), torch.cos(args)], dim=1)


class TemporalConv(nn.Module):
    """1D convolution over frames (kernel 3, dilated, zero padded), per pixel; zero-initialised residual."""

    def __init__(self, ch: int, groups: int, dilation: int = 1):
        super().__init__()
        self.norm = nn.GroupNorm(groups, ch)
        self.conv = nn.Conv3d(ch, ch, kernel_size=(3, 1, 1), padding=(dilation, 0, 0), dilation=(dilation, 1, 1))
        nn.init.zeros_(self.conv.weight)
        nn.init.zeros_(self.conv.bias)

    def forward(self, x: torch.Tensor, b: int) -> torch.Tensor:
        bf, c, h, w = x.shape
        y = F.silu(self.norm(x))
        y = y.reshape(b, -1, c, h, w).permute(0, 2, 1, 3, 4)  # B,C,F,H,W
        y = self.conv(y)
        y = y.permute(0, 2, 1, 3, 4).reshape(bf, c, h, w)
        return x + y


class ResBlock(nn.Module):
    def __init__(self, cin: int, cout: int, emb_dim: int, groups: int, temporal: bool):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.film = nn.Linear(emb_dim, 2 * cout)
        self.norm2 = nn.GroupNorm(groups, cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()
        self.temporal = TemporalConv(cout, groups) if temporal else None

    def forward(self, x: torch.Tensor, emb: torch.Tensor, b: int) -> torch.Tensor:
        # emb: [B*F, emb_dim] (already repeated per frame)
        h = self.conv1(F.silu(self.norm1(x)))
        scale, shift = self.film(emb)[:, :, None, None].chunk(2, dim=1)
        h = self.norm2(h) * (1 + scale) + shift
        h = self.conv2(F.silu(h))
        x = self.skip(x) + h
        if self.temporal is not None:
            x = self.temporal(x, b)
        return x


class ResidualNet(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        c0, c1, c2 = cfg.channels
        self.cfg = cfg
        self.emb = nn.Sequential(nn.Linear(cfg.emb_dim, cfg.emb_dim), nn.SiLU(), nn.Linear(cfg.emb_dim, cfg.emb_dim))
        self.inp = nn.Conv2d(12 * 4, c0, 3, padding=1)
        g, e, t = cfg.groups, cfg.emb_dim, cfg.temporal
        self.down0 = nn.ModuleList([ResBlock(c0, c0, e, g, t[0]) for _ in range(cfg.blocks[0])])
        self.ds0 = nn.Conv2d(c0, c1, 3, stride=2, padding=1)
        self.down1 = nn.ModuleList([ResBlock(c1, c1, e, g, t[1]) for _ in range(cfg.blocks[1])])
        self.ds1 = nn.Conv2d(c1, c2, 3, stride=2, padding=1)
        self.mid = nn.ModuleList([ResBlock(c2, c2, e, g, t[2]) for _ in range(cfg.blocks[2])])
        self.mid_temporal = nn.ModuleList([TemporalConv(c2, g, d) for d in cfg.mid_dilations])
        self.us1 = nn.Conv2d(c2, c1 * 4, 1)  # pixel-shuffle upsampling
        self.up1 = ResBlock(2 * c1, c1, e, g, t[1])
        self.us0 = nn.Conv2d(c1, c0 * 4, 1)
        self.up0 = ResBlock(2 * c0, c0, e, g, t[0])
        self.out_norm = nn.GroupNorm(g, c0)
        # Per output pixel: 3 residual channels (+ 1 gate logit), at half resolution x4 for the pixel shuffle.
        self.out_channels = 4 if cfg.gate else 3
        self.out = nn.Conv2d(c0, self.out_channels * 4, 3, padding=1)
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)
        if cfg.gate:
            # pixel_shuffle takes output channel c from input channels 4c..4c+3: the gate is channel 3.
            with torch.no_grad():
                self.out.bias[12:16] = GATE_INIT_LOGIT

    def forward(self, x: torch.Tensor, timestep: torch.Tensor) -> torch.Tensor:
        """x [B, 12, F, H, W]; timestep [B] -> residual [B, 3, F, H, W]."""
        b, c, f, h, w = x.shape
        x = x.permute(0, 2, 1, 3, 4).reshape(-1, c, h, w)  # (B*F), C, H, W
        x = F.pixel_unshuffle(x, 2)
        emb = self.emb(sinusoidal(timestep, self.cfg.emb_dim))
        emb = emb[:, None, :].expand(-1, f, -1).reshape(-1, self.cfg.emb_dim)
        h0 = self.inp(x)
        for blk in self.down0:
            h0 = blk(h0, emb, b)
        h1 = self.ds0(h0)
        for blk in self.down1:
            h1 = blk(h1, emb, b)
        h2 = self.ds1(h1)
        for blk in self.mid:
            h2 = blk(h2, emb, b)
        for blk in self.mid_temporal:
            h2 = blk(h2, b)
        u1 = F.pixel_shuffle(self.us1(h2), 2)
        u1 = self.up1(torch.cat([u1, h1], dim=1), emb, b)
        u0 = F.pixel_shuffle(self.us0(u1), 2)
        u0 = self.up0(torch.cat([u0, h0], dim=1), emb, b)
        r = self.out(F.silu(self.out_norm(u0)))
        r = F.pixel_shuffle(r, 2)  # (B*F), 3 or 4, H, W
        if self.cfg.gate:
            r = r[:, :3] * torch.sigmoid(r[:, 3:4])
        return r.reshape(b, f, 3, h, w).permute(0, 2, 1, 3, 4)


def hand_region(hands: torch.Tensor, frames: int, pixels: int) -> torch.Tensor:
    """hands [B,3,F,H,W] -> [B,1,F,H,W] in [0,1]: the overlay's hand mask grown by `frames` frames and
    `pixels` pixels (max pooling, separable so the exported graph stays cheap), 0 away from the hands."""
    r = hand_mask(hands)
    if frames > 0:
        r = F.max_pool3d(r, kernel_size=(2 * frames + 1, 1, 1), stride=1, padding=(frames, 0, 0))
    if pixels > 0:
        r = F.max_pool3d(r, kernel_size=(1, 2 * pixels + 1, 1), stride=1, padding=(0, pixels, 0))
        r = F.max_pool3d(r, kernel_size=(1, 1, 2 * pixels + 1), stride=1, padding=(0, 0, pixels))
    return r


class Denoiser(nn.Module):
    """The studio-facing denoiser: (hidden_states, timestep) -> velocity. `predict_x0` is used for training."""

    def __init__(self, cfg: ModelConfig | None = None):
        super().__init__()
        self.cfg = cfg or ModelConfig()
        self.net = ResidualNet(self.cfg)

    def predict_x0(self, x_t: torch.Tensor, static: torch.Tensor, hands: torch.Tensor, timestep: torch.Tensor) -> torch.Tensor:
        comp = composite(static, hands)
        x_in = x_t * (1 - sigma_from_timestep(timestep)) if self.cfg.scale_input else x_t
        r = self.net(torch.cat([x_in, static, hands, comp], dim=1), timestep)
        if self.cfg.region != (0, 0):
            r = r * hand_region(hands, *self.cfg.region)
        return comp + r

    def forward(self, hidden_states: torch.Tensor, timestep: torch.Tensor) -> torch.Tensor:
        x_t, static, hands = hidden_states[:, 0:3], hidden_states[:, 3:6], hidden_states[:, 6:9]
        x0 = self.predict_x0(x_t, static, hands, timestep)
        return (x_t - x0) / sigma_from_timestep(timestep)


def param_count(m: nn.Module) -> int:
    return sum(p.numel() for p in m.parameters())
