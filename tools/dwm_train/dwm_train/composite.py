"""The hand-overlay composite, exactly as the baseline bundle's denoiser computes it.

MASK_LO / MASK_HI / SIGMA_MIN are imported from tools/bundles/make_baseline_bundle.py (defined
once); tests/test_composite.py checks this against the baseline's ONNX denoiser in onnxruntime.
The op order mirrors the ONNX graph node by node (float32 constants, the same roundings).
"""

from __future__ import annotations

import sys

import numpy as np
import torch

from . import REPO

sys.path.insert(0, str(REPO / "tools" / "bundles"))
from make_baseline_bundle import MASK_HI, MASK_LO, SIGMA_MIN  # noqa: E402

sys.path.pop(0)

# The baseline stores these as float32 initializers; keep the same float32 values.
MASK_LO_F32 = float(np.float32(MASK_LO))
MASK_SCALE_F32 = float(np.float32(1.0 / (MASK_HI - MASK_LO)))


def hand_mask(hands: torch.Tensor) -> torch.Tensor:
    """hands [B,3,F,H,W] in [-1,1] -> soft mask [B,1,F,H,W] in [0,1]."""
    one = torch.ones((), dtype=hands.dtype)
    m = hands.amax(dim=1, keepdim=True)
    m = (m + one) * torch.tensor(0.5, dtype=hands.dtype)
    m = (m - torch.tensor(MASK_LO_F32, dtype=hands.dtype)) * torch.tensor(MASK_SCALE_F32, dtype=hands.dtype)
    return torch.clamp(m, 0.0, 1.0)


def composite(static: torch.Tensor, hands: torch.Tensor) -> torch.Tensor:
    """x0 = static + mask * (hands - static), the baseline's overlay, [B,3,F,H,W]."""
    return static + hand_mask(hands) * (hands - static)


def sigma_from_timestep(timestep: torch.Tensor) -> torch.Tensor:
    """timestep [B] (= sigma * 1000) -> sigma [B,1,1,1,1], clamped to >= SIGMA_MIN like the baseline."""
    s = timestep / torch.tensor(1000.0, dtype=timestep.dtype)
    s = torch.maximum(s, torch.tensor(SIGMA_MIN, dtype=timestep.dtype))
    return s.reshape(-1, 1, 1, 1, 1)


def composite_np_uint8(static: np.ndarray, hands: np.ndarray) -> np.ndarray:
    """Uint8 frames [F,H,W,3] -> the composite as uint8 frames, rounded the way the studio writes pixels."""
    s = torch.from_numpy(static.astype(np.float32) / np.float32(127.5) - np.float32(1.0)).permute(3, 0, 1, 2)[None]
    h = torch.from_numpy(hands.astype(np.float32) / np.float32(127.5) - np.float32(1.0)).permute(3, 0, 1, 2)[None]
    x = composite(s, h)[0].permute(1, 2, 3, 0).numpy()
    return to_uint8(x)


def to_uint8(x: np.ndarray) -> np.ndarray:
    """[-1,1] floats -> uint8 as the studio's tensorToFrames: Math.round((x + 1) * 127.5), clamped."""
    v = np.floor((x.astype(np.float64) + 1.0) * 127.5 + 0.5)
    return np.clip(v, 0, 255).astype(np.uint8)
