"""Video I/O with the system ffmpeg: decode to uint8 RGB frames, encode H.264 yuv420p."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np


def ffmpeg() -> str:
    exe = shutil.which("ffmpeg")
    if not exe:
        raise RuntimeError("ffmpeg is not on PATH (needed to decode and encode videos)")
    return exe


def probe_size(path: Path) -> tuple[int, int]:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height", "-of", "json", str(path)],
        check=True, capture_output=True,
    ).stdout
    s = json.loads(out)["streams"][0]
    return int(s["width"]), int(s["height"])


def decode(path: Path, width: int | None = None, height: int | None = None) -> np.ndarray:
    """An mp4 -> uint8 [F, H, W, 3] RGB (as the studio decodes: ffmpeg's default yuv->rgb conversion)."""
    if width is None or height is None:
        width, height = probe_size(path)
    raw = subprocess.run(
        [ffmpeg(), "-v", "error", "-nostdin", "-i", str(path), "-map", "0:v:0", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        check=True, capture_output=True,
    ).stdout
    n = len(raw) // (width * height * 3)
    return np.frombuffer(raw[: n * width * height * 3], dtype=np.uint8).reshape(n, height, width, 3)


def encode(frames: np.ndarray, path: Path, fps: int = 8, crf: int | None = None) -> Path:
    """uint8 [F, H, W, 3] -> H.264 yuv420p mp4 (crf given: the studio's writer settings, preset medium)."""
    f, h, w, _ = frames.shape
    path.parent.mkdir(parents=True, exist_ok=True)
    args = [ffmpeg(), "-v", "error", "-nostdin", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{w}x{h}", "-r", str(fps), "-i", "-",
            "-an", "-c:v", "libx264", "-preset", "medium"]
    if crf is not None:
        args += ["-crf", str(crf)]
    args += ["-pix_fmt", "yuv420p", str(path)]
    subprocess.run(args, input=np.ascontiguousarray(frames).tobytes(), check=True, capture_output=True)
    return path
