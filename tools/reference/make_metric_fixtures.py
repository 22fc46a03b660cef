"""Reference values for src/main/metrics (PSNR and SSIM), computed by scikit-image itself.

Writes tests/fixtures/metrics/*.json, which tests/unit/metrics/reference.test.ts replays.

Run from the repository root:

    python3 -m venv .venv-metrics
    .venv-metrics/bin/pip install -r tools/reference/requirements-metrics.txt
    .venv-metrics/bin/python tools/reference/make_metric_fixtures.py

Two fixtures:

synthetic.json
    Frames made by a formula that the test reproduces bit for bit in TypeScript (integer
    arithmetic only: a 32-bit hash for noise, ramps and a disk; see `reference_frames` and
    `prediction_frames`). The JSON stores the recipe's parameters, SHA-256 digests of the frames
    (so a test can tell "the generator differs" from "the metric differs") and skimage's
    per-frame PSNR and SSIM, plus the mean of skimage's full SSIM map over a rectangle (which
    checks the map pixel by pixel, not just its mean). No frames are stored.

realworld-00017.json
    Needs ../shared/dwm-samples/realworld (read in place, never copied). The ground-truth video
    videos/00017.mp4 against videos_static/00017.mp4, decoded with ffmpeg to RGBA exactly as the
    studio decodes them (`-f rawvideo -pix_fmt rgba`, alpha dropped), with skimage's per-frame
    PSNR and SSIM and the whole-clip MSE. Skipped when the samples are absent.

skimage calls, per frame (HxWx3 uint8):
    peak_signal_noise_ratio(ref, pred, data_range=255)
    structural_similarity(ref, pred, gaussian_weights=True, sigma=1.5,
                          use_sample_covariance=False, data_range=255, channel_axis=-1)
An infinite PSNR (identical frames) is written as null.
"""

import hashlib
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import scipy
import skimage
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

REPO = Path(__file__).resolve().parents[2]
OUT_DIR = REPO / "tests" / "fixtures" / "metrics"
SAMPLES = (REPO / ".." / "shared" / "dwm-samples" / "realworld").resolve()

WIDTH, HEIGHT, FRAMES = 67, 45, 6
# Rectangle [x0, x1) x [y0, y1) for the masked mean of the SSIM map; it overlaps the 5 px edge band on purpose.
RECT = (3, 40, 2, 30)
SSIM_ARGS = dict(gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=255, channel_axis=-1)
EDGE = 5  # skimage leaves out (win_size - 1) // 2 = 5 px along every edge


def hash32(x):
    """A 32-bit integer mix (lowbias32); the test's TypeScript twin uses Math.imul."""
    x = x.astype(np.uint32)
    x ^= x >> np.uint32(16)
    x *= np.uint32(0x7FEB352D)
    x ^= x >> np.uint32(15)
    x *= np.uint32(0x846CA68B)
    x ^= x >> np.uint32(16)
    return x


def noise(seed):
    """hash32(seed * 0x9E3779B9 + ((t * H + y) * W + x) * 3 + c) & 255, shape (T, H, W, 3), all mod 2^32."""
    t, y, x, c = np.meshgrid(np.arange(FRAMES), np.arange(HEIGHT), np.arange(WIDTH), np.arange(3), indexing="ij")
    index = (((t * HEIGHT + y) * WIDTH + x) * 3 + c).astype(np.uint64)
    key = (np.uint64(seed) * np.uint64(0x9E3779B9) + index) & np.uint64(0xFFFFFFFF)
    return (hash32(key) & np.uint32(255)).astype(np.int64)


def reference_frames():
    """Triangle-wave ramps, a disk moving 4 px a frame, and +-16 of hashed noise; clamped to 0..255."""
    t, y, x, c = np.meshgrid(np.arange(FRAMES), np.arange(HEIGHT), np.arange(WIDTH), np.arange(3), indexing="ij")
    ramp = (x * 5 + y * 3 + t * 7 + c * 50) & 255
    value = np.where(ramp < 128, ramp * 2, (255 - ramp) * 2)
    disk = (x - (20 + 4 * t)) ** 2 + (y - 22) ** 2 <= 100
    value = np.where(disk, 230 - 70 * c, value)
    value = value + (noise(1) & 31) - 16
    return np.clip(value, 0, 255).astype(np.uint8)


def prediction_frames(ref):
    """One distortion per frame: noise, a brightened rectangle, a 2 px shift, none, inversion, posterisation."""
    a = ref.astype(np.int64)
    out = np.empty_like(a)
    out[0] = a[0] + noise(2)[0] % 41 - 20
    out[1] = a[1]
    out[1, 8:25, 10:30] += 60
    out[2] = a[2][:, np.maximum(np.arange(WIDTH) - 2, 0)]
    out[3] = a[3]
    out[4] = 255 - a[4]
    out[5] = ((a[5] >> 4) << 4) + 8
    return np.clip(out, 0, 255).astype(np.uint8)


def sha256(frames):
    return hashlib.sha256(np.ascontiguousarray(frames).tobytes()).hexdigest()


def finite_or_none(value):
    return None if math.isinf(value) else float(value)


def per_frame(ref, pred):
    psnr, ssim = [], []
    for r, p in zip(ref, pred):
        psnr.append(finite_or_none(peak_signal_noise_ratio(r, p, data_range=255)))
        ssim.append(float(structural_similarity(r, p, **SSIM_ARGS)))
    return psnr, ssim


def clip_mse(ref, pred):
    return float(np.mean((ref.astype(np.float64) - pred.astype(np.float64)) ** 2))


def synthetic():
    ref = reference_frames()
    pred = prediction_frames(ref)
    psnr, ssim = per_frame(ref, pred)
    x0, x1, y0, y1 = RECT
    mask = np.zeros((HEIGHT, WIDTH), dtype=bool)
    mask[y0:y1, x0:x1] = True
    interior = np.zeros_like(mask)
    interior[EDGE:-EDGE, EDGE:-EDGE] = True
    rect_ssim = []
    for r, p in zip(ref, pred):
        _, full = structural_similarity(r, p, full=True, **SSIM_ARGS)
        rect_ssim.append(float(full.mean(axis=-1)[mask & interior].mean()))
    return {
        "description": "skimage PSNR/SSIM of synthetic frames; regenerate with tools/reference/make_metric_fixtures.py",
        "width": WIDTH,
        "height": HEIGHT,
        "frames": FRAMES,
        "rect": {"x0": x0, "x1": x1, "y0": y0, "y1": y1},
        "sha256": {"reference": sha256(ref), "prediction": sha256(pred)},
        "perFrame": {"psnr": psnr, "ssim": ssim, "rectSsim": rect_ssim},
        "clipMse": clip_mse(ref, pred),
        "versions": versions(),
    }


def decode_rgb(path, width, height):
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-nostdin", "-i", str(path), "-map", "0:v:0", "-f", "rawvideo", "-pix_fmt", "rgba", "-"],
        check=True,
        capture_output=True,
    ).stdout
    return np.frombuffer(raw, dtype=np.uint8).reshape(-1, height, width, 4)[..., :3]


def realworld():
    ref_path = SAMPLES / "videos" / "00017.mp4"
    static_path = SAMPLES / "videos_static" / "00017.mp4"
    if not ref_path.exists():
        print(f"SKIPPED reference samples: {SAMPLES} not found", file=sys.stderr)
        return None
    ref = decode_rgb(ref_path, 720, 480)
    pred = decode_rgb(static_path, 720, 480)
    psnr, ssim = per_frame(ref, pred)
    mse = clip_mse(ref, pred)
    ffmpeg = subprocess.run(["ffmpeg", "-version"], check=True, capture_output=True, text=True).stdout.splitlines()[0]
    return {
        "description": "skimage PSNR/SSIM of videos/00017.mp4 (reference) vs videos_static/00017.mp4, decoded to RGBA by ffmpeg",
        "reference": "videos/00017.mp4",
        "prediction": "videos_static/00017.mp4",
        "width": 720,
        "height": 480,
        "frames": int(ref.shape[0]),
        "sha256": {"reference": sha256(ref), "prediction": sha256(pred)},
        "perFrame": {"psnr": psnr, "ssim": ssim},
        "clipMse": mse,
        "clipPsnr": 10 * math.log10(255**2 / mse),
        "versions": {**versions(), "ffmpeg": ffmpeg},
    }


def versions():
    return {"scikit-image": skimage.__version__, "numpy": np.__version__, "scipy": scipy.__version__}


def write(name, data):
    path = OUT_DIR / name
    path.write_text(json.dumps(data, indent=2) + "\n")
    print(f"wrote {path.relative_to(REPO)}")
    return path


def main():
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    written = [write("synthetic.json", synthetic())]
    real = realworld()
    if real is not None:
        written.append(write("realworld-00017.json", real))
    # Format as the repository does, so the files pass `npm run lint` as written.
    subprocess.run(["npx", "biome", "format", "--write", *map(str, written)], cwd=REPO, check=False)


if __name__ == "__main__":
    main()
