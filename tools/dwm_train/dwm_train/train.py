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
    # Weight of (1 - SSIM) beside the squared error. The squared error's optimum where the model is
    # unsure is a blend (a half-open drawer); SSIM, which the evaluation reports, punishes such
    # blends against a still scene, so the model learns to leave the overlay alone unless it knows.
    ssim_weight: float = 0.0
    sigma_sampling: str = "uniform"  # or "logit-normal"
    ckpt_every: int = 200
    # The share of windows drawn where the part moves (starting at most a quarter window before the
    # first moving frame), the rest uniformly: most of a clip is the hands approaching a still scene,
    # which the overlay already gets nearly right.
    focus: float = 0.0
    # Start from another run's weights (model and EMA; a fresh optimizer): a second phase with other
    # settings. Recorded so the report says what the run grew from.
    init_from: str | None = None
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
        if cfg.focus > 0 and rng.random() < cfg.focus:
            lo = min(max(0, cs.moving_from[i] - length // 4), cs.frames - length)
            start = int(rng.integers(lo, cs.frames - length + 1))
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


def _gaussian_window() -> torch.Tensor:
    x = torch.arange(-5, 6, dtype=torch.float32)
    g = torch.exp(-0.5 * (x / 1.5) ** 2)
    return g / g.sum()


def band(n: int, g: torch.Tensor) -> torch.Tensor:
    """[n, n - len(g) + 1]: column j holds g at rows j..j+len(g)-1 (x @ band = 'valid' filtering)."""
    k = len(g)
    m = torch.zeros(n, n - k + 1)
    for j in range(n - k + 1):
        m[j:j + k, j] = g
    return m


def ssim_frames(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Mean SSIM of [B,3,F,H,W] videos in [-1,1], as metrics.py defines it on 0..255 pixels (SSIM's
    luminance term is not offset-free, so the frames are mapped to 0..1 first): 11-tap Gaussian
    (sigma 1.5), population variances, the 5 px border left out, channels averaged."""
    g = _gaussian_window()
    h, w = a.shape[-2:]
    x = ((a + 1) / 2).permute(0, 2, 1, 3, 4).reshape(-1, 1, h, w)
    y = ((b + 1) / 2).permute(0, 2, 1, 3, 4).reshape(-1, 1, h, w)

    # The Gaussian as two banded matrices ('valid' output): matrix products are much faster on a
    # CPU than single-channel convolutions, and the five local statistics share them.
    stats = torch.stack([x, y, x * x, y * y, x * y], dim=0)[:, :, 0]  # 5, N, H, W
    ux, uy, sxx, syy, sxy = band(h, g).T @ stats @ band(w, g)
    c1, c2 = 0.01**2, 0.03**2
    vx, vy, vxy = sxx - ux * ux, syy - uy * uy, sxy - ux * uy
    s = ((2 * ux * uy + c1) * (2 * vxy + c2)) / ((ux * ux + uy * uy + c1) * (vx + vy + c2))
    return s.mean()


def loss_fn(model: Denoiser, gt, st, hd, mk, sigma, eps, mask_weight: float, ssim_weight: float = 0.0):
    s = sigma.view(-1, 1, 1, 1, 1)
    x_t = (1 - s) * gt + s * eps
    x0 = model.predict_x0(x_t, st, hd, sigma * 1000.0)
    w = 1.0 + mask_weight * mk
    loss = (w * (x0 - gt) ** 2).mean() / (1.0 + mask_weight * mk.mean())
    if ssim_weight > 0:
        loss = loss + ssim_weight * (1.0 - ssim_frames(x0, gt))
    return loss


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


def init_weights(model: Denoiser, state: dict) -> list[str]:
    """Load another run's weights; the only keys allowed to be missing are the zero-initialised
    temporal layers a later config adds (the function is unchanged until they learn)."""
    try:
        missing, unexpected = model.load_state_dict(state, strict=False)
    except RuntimeError as e:  # a tensor of another shape
        raise ValueError(f"init_from: the checkpoint does not fit this model: {e}") from e
    bad = [k for k in missing if not k.startswith("net.mid_temporal.")] + list(unexpected)
    if bad:
        raise ValueError(f"init_from: the checkpoint does not fit this model: {', '.join(bad[:6])}")
    return sorted({k.rsplit(".", 2)[0] for k in missing})


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
        if cfg.init_from:
            ck = torch.load(cfg.init_from, map_location="cpu", weights_only=False)
            added = init_weights(model, ck["model"])
            init_weights(ema, ck["ema"])
            log(f"initialised from {Path(cfg.init_from).name} (step {ck['step']}); new, zero-initialised: {', '.join(added) or 'none'}")
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
    resumed_from = step
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
            loss = loss_fn(model, gt, st, hd, mk, sigma, eps, cfg.mask_weight, cfg.ssim_weight)
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
    # wall_s is this call's; train_s_all_calls sums every step's time in loss.csv, so a run resumed
    # (or rerun after it finished, to redo the export) still reports what the whole training took.
    with csv_path.open() as f:
        all_s = sum(float(r["step_s"]) for r in csv.DictReader(f))
    summary = {"step": step, "stopped": stopped, "wall_s": round(wall, 2), "train_s_all_calls": round(all_s, 1),
               "resumed_from_step": resumed_from, "frames": frames_done,
               "frames_per_s": round(frames_done / wall, 2) if wall > 0 and frames_done else None, "clips": len(cs),
               "params": param_count(model), "seed": cfg.seed}
    log(f"stopped at step {step} ({stopped}); {wall:.1f} s, {summary['frames_per_s']} frames/s")
    return summary
