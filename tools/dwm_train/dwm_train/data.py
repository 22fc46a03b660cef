"""The synthetic clip set (as `dwm-studio synth` writes it) and a decoded-frame cache.

    <set>/videos/<clip>.mp4          ground truth interaction
    <set>/videos_static/<clip>.mp4   static scene, no hands
    <set>/videos_hands/<clip>.mp4    hands only on black
    <set>/videos_mask/<clip>.mp4     moving part (white), threshold 128
    <set>/meta/<clip>.json, <set>/clips.json

Each clip's four videos are decoded once with ffmpeg into uint8 .npy files under
`<cache>/<clip>.{gt,static,hands,mask}.npy` (keyed by the mp4s' size and mtime) and memory-mapped.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .video import decode

KINDS = {"gt": "videos", "static": "videos_static", "hands": "videos_hands", "mask": "videos_mask"}


@dataclass
class ClipInfo:
    clip: str
    part_kind: str
    part_label: str
    side: str


def list_clips(data: Path) -> list[ClipInfo]:
    """The clips of a set, sorted by name (clips.json when present, else videos/*.mp4)."""
    data = Path(data)
    index = data / "clips.json"
    out: list[ClipInfo] = []
    if index.exists():
        for c in json.loads(index.read_text())["clips"]:
            out.append(ClipInfo(c["clip"], c.get("partKind", "unknown"), c.get("partLabel", ""), c.get("side", "")))
    else:
        for p in sorted((data / "videos").glob("*.mp4")):
            meta = data / "meta" / f"{p.stem}.json"
            part = json.loads(meta.read_text()).get("part", {}) if meta.exists() else {}
            out.append(ClipInfo(p.stem, part.get("kind", "unknown"), part.get("label", ""), ""))
    out = [c for c in out if all((data / d / f"{c.clip}.mp4").exists() for d in KINDS.values())]
    return sorted(out, key=lambda c: c.clip)


def cache_dir_for(data: Path, cache_root: Path) -> Path:
    return Path(cache_root) / hashlib.sha1(str(Path(data).resolve()).encode()).hexdigest()[:12]


def load_clip(data: Path, clip: str, cache: Path) -> dict[str, np.ndarray]:
    """{gt, static, hands: uint8 [F,H,W,3], mask: bool [F,H,W]} (memory-mapped from the cache)."""
    data, cache = Path(data), Path(cache)
    cache.mkdir(parents=True, exist_ok=True)
    out = {}
    for kind, folder in KINDS.items():
        mp4 = data / folder / f"{clip}.mp4"
        st = mp4.stat()
        stamp = f"{st.st_size}-{st.st_mtime_ns}"
        npy = cache / f"{clip}.{kind}.npy"
        tag = cache / f"{clip}.{kind}.stamp"
        if not (npy.exists() and tag.exists() and tag.read_text() == stamp):
            frames = decode(mp4)
            arr = frames[..., 0] >= 128 if kind == "mask" else frames  # mask: white where the part is (H.264: threshold)
            tmp = npy.with_suffix(".tmp.npy")
            np.save(tmp, np.ascontiguousarray(arr))
            tmp.replace(npy)
            tag.write_text(stamp)
        out[kind] = np.load(npy, mmap_mode="r")
    return out


class ClipSet:
    """All clips of a set, decoded (cached) up front."""

    def __init__(self, data: Path, cache_root: Path, limit: int | None = None):
        self.data = Path(data)
        self.infos = list_clips(self.data)[:limit]
        if not self.infos:
            raise ValueError(f"{data}: no clips found (expected videos/, videos_static/, videos_hands/, videos_mask/ with matching names)")
        cache = cache_dir_for(self.data, cache_root)
        self.clips = [load_clip(self.data, c.clip, cache) for c in self.infos]
        self.frames = min(int(c["gt"].shape[0]) for c in self.clips)
        self.moving_from = [first_moving_frame(self.data, c.clip) for c in self.infos]

    def __len__(self) -> int:
        return len(self.clips)

    def window(self, i: int, start: int, length: int) -> dict[str, np.ndarray]:
        c = self.clips[i]
        return {k: np.asarray(v[start:start + length]) for k, v in c.items()}


def first_moving_frame(data: Path, clip: str) -> int:
    """The first frame whose joint value (meta/<clip>.json, as the generator writes it) is off its rest
    value: the part moves from here on. 0 when the clip has no meta or no joint track."""
    meta = Path(data) / "meta" / f"{clip}.json"
    if not meta.exists():
        return 0
    joint = json.loads(meta.read_text()).get("joint")
    if not isinstance(joint, list) or not joint:
        return 0
    return next((i for i, v in enumerate(joint) if abs(float(v) - float(joint[0])) > 1e-6), 0)


def to_tensor_video(frames: np.ndarray) -> np.ndarray:
    """uint8 [..., F, H, W, 3] -> float32 [..., 3, F, H, W] in [-1, 1] (the studio's framesToTensor mapping)."""
    x = frames.astype(np.float32) / np.float32(127.5) - np.float32(1.0)
    return np.moveaxis(x, -1, -4)
