"""FIXTURE clips in the synthetic-set layout, drawn with numpy. They are NOT the studio's
generator (`dwm-studio synth`): just enough room-like content to exercise the data loader,
training, export and evaluation. A cabinet on a wall; a coloured "hand" blob reaches the
handle, the drawer slides out (or the door swings: its visible width shrinks and the dark
interior shows), the hand lets go and leaves, and the part stays open.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from . import FPS, FRAMES, HEIGHT, WIDTH
from .video import encode

HAND_COLOURS = {"left": (150, 235, 150), "right": (230, 115, 115)}
SKIN = (224, 172, 138)


def _rect(img, x0, y0, x1, y1, colour):
    h, w = img.shape[:2]
    xa, xb = int(max(0, round(x0))), int(min(w, round(x1)))
    ya, yb = int(max(0, round(y0))), int(min(h, round(y1)))
    if xb > xa and yb > ya:
        img[ya:yb, xa:xb] = colour


def _room(rng, w, h):
    wall = np.array(rng.integers(120, 200, 3), np.float32)
    floor = np.array(rng.integers(60, 130, 3), np.float32)
    img = np.zeros((h, w, 3), np.float32)
    horizon = int(h * rng.uniform(0.6, 0.75))
    ys = np.arange(h, dtype=np.float32)[:, None, None]
    img[:] = wall * (0.85 + 0.15 * ys / h)
    img[horizon:] = floor * (0.8 + 0.2 * (ys[horizon:] - horizon) / (h - horizon))
    return img, horizon


def make_clip(seed: int, kind: str):
    """-> dict of uint8 videos gt/static/hands/mask [F,H,W,3] and meta."""
    rng = np.random.default_rng(seed)
    w, h, n = WIDTH, HEIGHT, FRAMES
    base, horizon = _room(rng, w, h)
    cab = np.array(rng.integers(70, 170, 3), np.float32)
    front = np.clip(cab + rng.integers(-40, 40, 3), 0, 255)
    cx0 = rng.uniform(20, 60)
    cw = rng.uniform(45, 65)
    cy0 = rng.uniform(15, 30)
    ch = horizon + 4 - cy0
    side = "right" if rng.random() < 0.5 else "left"
    if kind == "drawer":
        px0, px1 = cx0 + 5, cx0 + cw - 5
        py0 = cy0 + rng.uniform(5, 12)
        py1 = py0 + rng.uniform(14, 20)
    else:
        px0, px1 = cx0 + 4, cx0 + cw - 4
        py0, py1 = cy0 + 4, cy0 + ch - 6
    handle = ((px0 + px1) / 2, (py0 + py1) / 2) if kind == "drawer" else (px1 - 5, (py0 + py1) / 2)
    pan = rng.uniform(-0.15, 0.15)  # slow camera pan, px per frame
    t_grab, t_release, t_gone = 12, 30, 40

    def progress(t):
        return float(np.clip((t - t_grab) / (t_release - t_grab), 0, 1))

    def part_rects(p):
        """current part rectangle (front) and the interior revealed, in image coords."""
        if kind == "drawer":
            grow = 6 * p
            return (px0 - grow, py0 + 8 * p, px1 + grow, py1 + 8 * p + 2 * p), (px0, py0, px1, py0 + 8 * p)
        width = (px1 - px0) * (1 - 0.8 * p)
        return (px1 - width, py0 - 3 * p, px1, py1 + 3 * p), (px0, py0, px1 - width, py1)

    gt, st, hv, mk = (np.zeros((n, h, w, 3), np.uint8) for _ in range(4))
    start = np.array([w + 10.0, h * 0.9]) if side == "right" else np.array([-10.0, h * 0.9])
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    for t in range(n):
        dx = pan * t
        scene_static = base.copy()
        _rect(scene_static, cx0 + dx, cy0, cx0 + cw + dx, cy0 + ch, cab)
        _rect(scene_static, px0 + dx, py0, px1 + dx, py1, front)
        _rect(scene_static, handle[0] - 3 + dx, handle[1] - 1, handle[0] + 3 + dx, handle[1] + 1, (40, 40, 40))
        scene = base.copy()
        _rect(scene, cx0 + dx, cy0, cx0 + cw + dx, cy0 + ch, cab)
        p = progress(t)
        cur, interior = part_rects(p)
        _rect(scene, interior[0] + dx, interior[1], interior[2] + dx, interior[3], (25, 22, 20))
        _rect(scene, cur[0] + dx, cur[1], cur[2] + dx, cur[3], front * (1 - 0.15 * p))
        hx = (cur[0] + cur[2]) / 2 if kind == "drawer" else cur[0] + 4
        hy = (cur[1] + cur[3]) / 2 if kind == "drawer" else (cur[1] + cur[3]) / 2
        _rect(scene, hx - 3 + dx, hy - 1, hx + 3 + dx, hy + 1, (40, 40, 40))
        m = np.zeros((h, w), bool)
        for r in ((px0, py0, px1, py1), cur):
            m[int(max(0, r[1])):int(min(h, r[3])), int(max(0, r[0] + dx)):int(min(w, r[2] + dx))] = True
        # hand: approaches, holds the handle, leaves
        target = np.array([hx + dx, hy])
        if t < t_grab:
            a = t / t_grab
            pos = start * (1 - a) + target * a
        elif t < t_release:
            pos = target
        else:
            a = min(1.0, (t - t_release) / (t_gone - t_release))
            pos = target * (1 - a) + start * a
        r2 = ((xx - pos[0]) / 7.0) ** 2 + ((yy - pos[1]) / 5.0) ** 2
        inside = r2 < 1.0
        shade = np.clip(1.0 - 0.6 * r2, 0.35, 1.0)[..., None]
        hand_rgb = np.array(HAND_COLOURS[side], np.float32) * shade
        skin_rgb = np.array(SKIN, np.float32) * shade
        hv[t] = np.where(inside[..., None], hand_rgb, 0).astype(np.uint8)
        gt[t] = np.clip(np.where(inside[..., None], skin_rgb, scene), 0, 255).astype(np.uint8)
        st[t] = np.clip(scene_static, 0, 255).astype(np.uint8)
        mk[t] = np.where(m[..., None], 255, 0).astype(np.uint8)
    return {"gt": gt, "static": st, "hands": hv, "mask": mk, "side": side, "joint": [progress(t) for t in range(n)]}


def write_fixture_set(out: Path, n_clips: int, first_seed: int = 1000, kinds=("drawer", "door")) -> Path:
    """Write `n_clips` fixture clips in the synthetic-set layout (videos/, videos_static/, ...)."""
    out = Path(out)
    clips = []
    for i in range(n_clips):
        room = first_seed + i // 2
        name = f"{room:05d}_{i % 2:02d}"
        kind = kinds[i % len(kinds)]
        c = make_clip(room * 10 + i, kind)
        for key, folder in (("gt", "videos"), ("static", "videos_static"), ("hands", "videos_hands"), ("mask", "videos_mask")):
            encode(c[key], out / folder / f"{name}.mp4", fps=FPS)
        (out / "prompts_rewrite").mkdir(parents=True, exist_ok=True)
        (out / "prompts_rewrite" / f"{name}.txt").write_text(f"A hand opens the {kind}.\n")
        part = {"node": f"{kind}_0", "label": kind, "kind": kind, "type": "fixture"}
        (out / "meta").mkdir(parents=True, exist_ok=True)
        (out / "meta" / f"{name}.json").write_text(json.dumps({"clip": name, "roomSeed": room, "clipSeed": i, "part": part,
                                                                "side": c["side"], "joint": c["joint"], "fixture": True}))
        clips.append({"clip": name, "roomSeed": room, "partKind": kind, "partLabel": kind, "side": c["side"]})
    (out / "clips.json").write_text(json.dumps({"version": 1, "spec": {"width": WIDTH, "height": HEIGHT, "frames": FRAMES, "fps": FPS},
                                                "fixture": "dwm_train.fixtures (not the studio generator)", "clips": clips}, indent=1))
    return out
