"""Report images with PIL: the loss curve and the contact sheet."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont


def loss_png(csv_path: Path, out: Path, width: int = 720, height: int = 360, title: str = "training loss") -> Path:
    steps, losses = [], []
    with Path(csv_path).open() as f:
        for r in csv.DictReader(f):
            steps.append(int(r["step"]))
            losses.append(float(r["loss"]))
    img = Image.new("RGB", (width, height), "white")
    d = ImageDraw.Draw(img)
    font = ImageFont.load_default()
    left, right, top, bottom = 60, width - 20, 30, height - 40
    d.rectangle([left, top, right, bottom], outline=(0, 0, 0))
    d.text((left, 8), f"{title} (log scale), {len(steps)} steps; light: per step, dark: moving mean", fill=(0, 0, 0), font=font)
    if steps:
        y = np.log10(np.maximum(np.array(losses), 1e-12))
        lo, hi = float(y.min()), float(y.max())
        if hi - lo < 1e-6:
            hi = lo + 1
        x0, x1 = steps[0], max(steps[-1], steps[0] + 1)

        def pt(s, v):
            return (left + (s - x0) / (x1 - x0) * (right - left), bottom - (v - lo) / (hi - lo) * (bottom - top))

        d.line([pt(s, v) for s, v in zip(steps, y)], fill=(170, 190, 230), width=1)
        k = max(1, len(y) // 50)
        smooth = np.convolve(y, np.ones(k) / k, mode="valid")
        d.line([pt(s, v) for s, v in zip(steps[k - 1:], smooth)], fill=(20, 60, 160), width=2)
        for v in (lo, (lo + hi) / 2, hi):
            d.text((4, pt(x0, v)[1] - 6), f"{10 ** v:.3g}", fill=(0, 0, 0), font=font)
        d.text((left, bottom + 8), str(x0), fill=(0, 0, 0), font=font)
        d.text((right - 40, bottom + 8), str(steps[-1]), fill=(0, 0, 0), font=font)
        d.text(((left + right) // 2 - 10, bottom + 20), "step", fill=(0, 0, 0), font=font)
    img.save(out)
    return Path(out)


def contact_sheet(columns: dict[str, np.ndarray], frames: list[int], out: Path, title: str, scale: int = 2) -> Path:
    """columns: label -> uint8 [F,H,W,3]; one row per frame index, labelled."""
    font = ImageFont.load_default()
    labels = list(columns)
    h, w = next(iter(columns.values())).shape[1:3]
    cw, chh = w * scale, h * scale
    pad, head, side = 4, 36, 60
    img = Image.new("RGB", (side + len(labels) * (cw + pad), head + len(frames) * (chh + pad)), "white")
    d = ImageDraw.Draw(img)
    d.text((4, 2), title, fill=(0, 0, 0), font=font)
    for j, lab in enumerate(labels):
        d.text((side + j * (cw + pad) + 4, 20), lab, fill=(0, 0, 0), font=font)
    for i, f in enumerate(frames):
        y = head + i * (chh + pad)
        d.text((4, y + chh // 2 - 6), f"frame {f}", fill=(0, 0, 0), font=font)
        for j, lab in enumerate(labels):
            tile = Image.fromarray(np.asarray(columns[lab][f])).resize((cw, chh), Image.NEAREST)
            img.paste(tile, (side + j * (cw + pad), y))
    img.save(out)
    return Path(out)
