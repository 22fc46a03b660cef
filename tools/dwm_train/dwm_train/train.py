"""Flow-matching training with the x0 parameterisation.

x_t = (1 - sigma) x0 + sigma eps, sigma ~ U(0, 1) (or logit-normal); the model predicts x0_hat =
composite + residual; loss = mean(w * (x0_hat - x0)^2) with w = 1 + mask_weight inside the
moving-part mask. AdamW, EMA of the weights (warm-up decay min(ema, (1 + s) / (10 + s))).

Determinism: step s draws its clips, windows and noise from generators seeded with (seed, s)
only, so the data order never depends on history; a checkpoint holds model, EMA, optimizer,
step and RNG states, and --resume continues bit-exactly (tests/test_resume.py).
"""

from __future__ import annotations

import copy
import csv
import json
import math
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch

from .data import ClipSet, to_tensor_video
from .model import Denoiser, ModelConfig, param_count


@dataclass
class TrainConfig:
    data: str = ""
    seed: int = 0
    steps: int = 2000
    batch: int = 2
    window_min: int = 16
    window_max: int = 25
    crop: list[int] | None = None  # [h, w] random spatial crop (multiples of 8); None: full frames
    lr: float = 3e-4
    weight_decay: float = 0.01
    warmup: int = 50
    ema: float = 0.999
    mask_weight: float = 4.0
    sigma_sampling: str = "uniform"  # or "logit-normal"
    ckpt_every: int = 200
    threads: int = 2
    model: dict = field(default_factory=lambda: ModelConfig().to_json())


def _log(msg: str) -> None:
    print(msg, flush=True)


def sample_batch(cs: ClipSet, cfg: TrainConfig, step: int):
    rng = np.random.default_rng([cfg.seed, step, 1])
    length = int(rng.integers(cfg.window_min, cfg.window_max + 1))
    length = min(length, cs.frames)
    items = []
    for _ in range(cfg.batch):
        i = int(rng.integers(len(cs)))
        start = int(rng.integers(0, cs.frames - length + 1))
        win = cs.window(i, start, length)
        if cfg.crop:
            ch, cw = cfg.crop
            h, w = win["gt"].shape[1:3]
            y0 = int(rng.integers(0, (h - ch) // 8 + 1)) * 8
            x0 = int(rng.integers(0, (w - cw) // 8 + 1)) * 8
            win = {k: v[:, y0:y0 + ch, x0:x0 + cw] for k, v in win.items()}
        if rng.random() < 0.5:  # horizontal flip (left/right hands keep their colours: a mirrored scene)
            win = {k: v[:, :, ::-1] for k, v in win.items()}
        items.append(win)
    gt = torch.from_numpy(to_tensor_video(np.stack([w["gt"] for w in items])))
    st = torch.from_numpy(to_tensor_video(np.stack([w["static"] for w in items])))
    hd = torch.from_numpy(to_tensor_video(np.stack([w["hands"] for w in items])))
    mk = torch.from_numpy(np.stack([w["mask"] for w in items]).astype(np.float32))[:, None]
    return gt, st, hd, mk


def sample_sigma(cfg: TrainConfig, gen: torch.Generator, n: int) -> torch.Tensor:
    if cfg.sigma_sampling == "logit-normal":
        return torch.sigmoid(torch.randn(n, generator=gen))
    return torch.rand(n, generator=gen)


def loss_fn(model: Denoiser, gt, st, hd, mk, sigma, eps, mask_weight: float):
    s = sigma.view(-1, 1, 1, 1, 1)
    x_t = (1 - s) * gt + s * eps
    x0 = model.predict_x0(x_t, st, hd, sigma * 1000.0)
    w = 1.0 + mask_weight * mk
    return (w * (x0 - gt) ** 2).mean() / (1.0 + mask_weight * mk.mean())


def save_checkpoint(work: Path, model, ema, opt, step: int, cfg: TrainConfig) -> Path:
    ckpt = {
        "step": step,
        "model": model.state_dict(),
        "ema": ema.state_dict(),
        "optimizer": opt.state_dict(),
        "config": asdict(cfg),
        "rng": {"torch": torch.get_rng_state(), "numpy": np.random.get_state()},
    }
    path = work / "checkpoint.pt"
    tmp = work / "checkpoint.pt.tmp"
    torch.save(ckpt, tmp)
    tmp.replace(path)
    return path


def load_checkpoint(work: Path) -> dict:
    return torch.load(work / "checkpoint.pt", map_location="cpu", weights_only=False)


def build(cfg: TrainConfig):
    torch.manual_seed(cfg.seed)
    model = Denoiser(ModelConfig.from_json(cfg.model))
    ema = copy.deepcopy(model).eval()
    for p in ema.parameters():
        p.requires_grad_(False)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay, betas=(0.9, 0.99))
    return model, ema, opt


def train(cfg: TrainConfig, work: Path, resume: bool = False, time_budget_min: float | None = None, log=_log) -> dict:
    """Train (or resume) into `work`; returns a summary dict. Writes work/checkpoint.pt, loss.csv, train-config.json."""
    work = Path(work)
    work.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(cfg.threads)
    step = 0
    if resume and (work / "checkpoint.pt").exists():
        ck = load_checkpoint(work)
        saved = TrainConfig(**ck["config"])
        saved.steps = cfg.steps  # the only thing a resume may change
        cfg = saved
        model, ema, opt = build(cfg)
        model.load_state_dict(ck["model"])
        ema.load_state_dict(ck["ema"])
        opt.load_state_dict(ck["optimizer"])
        torch.set_rng_state(ck["rng"]["torch"])
        np.random.set_state(ck["rng"]["numpy"])
        step = int(ck["step"])
        log(f"resumed from step {step}")
    else:
        model, ema, opt = build(cfg)
    (work / "train-config.json").write_text(json.dumps(asdict(cfg), indent=1))
    cs = ClipSet(Path(cfg.data), work / "cache")
    log(f"{len(cs)} clips, {cs.frames} frames each; model {param_count(model):,} parameters; steps {step} -> {cfg.steps}")

    csv_path = work / "loss.csv"
    rows = []
    if csv_path.exists() and step > 0:
        with csv_path.open() as f:
            rows = [r for r in csv.DictReader(f) if int(r["step"]) <= step]
    with csv_path.open("w", newline="") as f:
        wr = csv.writer(f)
        wr.writerow(["step", "loss", "sigma_mean", "lr", "frames", "step_s"])
        for r in rows:
            wr.writerow([r["step"], r["loss"], r["sigma_mean"], r["lr"], r["frames"], r["step_s"]])

    t_start = time.time()
    frames_done = 0
    stopped = "steps"
    model.train()
    with csv_path.open("a", newline="") as f:
        wr = csv.writer(f)
        while step < cfg.steps:
            if time_budget_min is not None and time.time() - t_start > time_budget_min * 60:
                stopped = "time budget"
                break
            t0 = time.time()
            gt, st, hd, mk = sample_batch(cs, cfg, step)
            gen = torch.Generator().manual_seed(cfg.seed * 1_000_003 + step)
            sigma = sample_sigma(cfg, gen, gt.shape[0])
            eps = torch.randn(gt.shape, generator=gen)
            lr = cfg.lr * min(1.0, (step + 1) / max(1, cfg.warmup))
            for g in opt.param_groups:
                g["lr"] = lr
            loss = loss_fn(model, gt, st, hd, mk, sigma, eps, cfg.mask_weight)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            decay = min(cfg.ema, (1 + step) / (10 + step))
            with torch.no_grad():
                for pe, pm in zip(ema.parameters(), model.parameters()):
                    pe.lerp_(pm, 1 - decay)
                for be, bm in zip(ema.buffers(), model.buffers()):
                    be.copy_(bm)
            step += 1
            frames_done += gt.shape[0] * gt.shape[2]
            dt = time.time() - t0
            wr.writerow([step, f"{loss.item():.6g}", f"{sigma.mean().item():.4f}", f"{lr:.3g}", gt.shape[0] * gt.shape[2], f"{dt:.3f}"])
            f.flush()
            if not math.isfinite(loss.item()):
                raise FloatingPointError(f"loss is {loss.item()} at step {step}")
            if step % 10 == 0 or step == cfg.steps:
                log(f"step {step}/{cfg.steps} loss {loss.item():.5f} ({dt:.2f} s/step)")
            if step % cfg.ckpt_every == 0:
                save_checkpoint(work, model, ema, opt, step, cfg)
    save_checkpoint(work, model, ema, opt, step, cfg)
    wall = time.time() - t_start
    summary = {"step": step, "stopped": stopped, "wall_s": round(wall, 2), "frames": frames_done,
               "frames_per_s": round(frames_done / wall, 2) if wall > 0 else None, "clips": len(cs),
               "params": param_count(model), "seed": cfg.seed}
    log(f"stopped at step {step} ({stopped}); {wall:.1f} s, {summary['frames_per_s']} frames/s")
    return summary
