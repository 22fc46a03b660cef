"""PSNR and SSIM as the studio defines them (src/main/metrics/psnr.ts, ssim.ts, src/shared/model/metrics.ts).

- PSNR of a frame: 10 log10(255^2 / MSE) over all pixels and the 3 channels, capped at 100 dB;
  a clip's `psnr` is the mean over frames of the per-frame (capped) PSNR.
- Mask PSNR: the MSE pooled over every mask pixel of every frame (region figures are pooled).
- SSIM: skimage's structural_similarity(gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
  data_range=255, channel_axis=-1): per channel, Gaussian window sigma 1.5 radius 5, population
  variances, C1 = (0.01*255)^2, C2 = (0.03*255)^2, the mean over the interior only (5 px band left
  out); the frame's score is the mean of the channels; a clip's the mean over frames.
"""

from __future__ import annotations

import numpy as np

PSNR_CAP_DB = 100.0
R = 5


def psnr_from_mse(mse: float) -> float:
    return PSNR_CAP_DB if mse == 0 else min(PSNR_CAP_DB, 10 * np.log10(255.0 ** 2 / mse))


def frame_psnrs(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    d = a.astype(np.int64) - b.astype(np.int64)
    sse = (d * d).reshape(d.shape[0], -1).sum(1)
    n = np.prod(a.shape[1:])
    return np.array([psnr_from_mse(s / n) for s in sse])


def clip_psnr(a: np.ndarray, b: np.ndarray) -> float:
    return float(frame_psnrs(a, b).mean())


def mask_psnr(a: np.ndarray, b: np.ndarray, mask: np.ndarray) -> float | None:
    """PSNR of the MSE pooled over mask pixels of all frames (3 channels); None when the mask is empty."""
    m = mask.astype(bool)
    if not m.any():
        return None
    d = a.astype(np.int64)[m] - b.astype(np.int64)[m]
    return psnr_from_mse(float((d * d).sum()) / (m.sum() * 3))


def _gauss() -> np.ndarray:
    x = np.arange(-R, R + 1, dtype=np.float64)
    g = np.exp(-0.5 / (1.5 * 1.5) * x * x)
    return g / g.sum()


def _filt_valid(x: np.ndarray) -> np.ndarray:
    """Separable 11-tap Gaussian over the last two axes, 'valid' (interior) output."""
    g = _gauss()
    h, w = x.shape[-2:]
    y = sum(g[k] * x[..., :, k:w - 2 * R + k] for k in range(2 * R + 1))
    return sum(g[k] * y[..., k:h - 2 * R + k, :] for k in range(2 * R + 1))


def frame_ssims(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """[F,H,W,3] uint8 pair -> per-frame SSIM [F]."""
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    x = np.moveaxis(a.astype(np.float64), -1, 1)  # F,3,H,W
    y = np.moveaxis(b.astype(np.float64), -1, 1)
    ux, uy = _filt_valid(x), _filt_valid(y)
    sxx, syy, sxy = _filt_valid(x * x), _filt_valid(y * y), _filt_valid(x * y)
    vx, vy, vxy = sxx - ux * ux, syy - uy * uy, sxy - ux * uy
    s = ((2 * ux * uy + c1) * (2 * vxy + c2)) / ((ux * ux + uy * uy + c1) * (vx + vy + c2))
    return s.mean(axis=(2, 3)).mean(axis=1)


def clip_ssim(a: np.ndarray, b: np.ndarray) -> float:
    return float(frame_ssims(a, b).mean())


def clip_metrics(pred: np.ndarray, gt: np.ndarray, mask: np.ndarray) -> dict:
    return {"psnr": clip_psnr(pred, gt), "ssim": clip_ssim(pred, gt), "maskPsnr": mask_psnr(pred, gt, mask)}
