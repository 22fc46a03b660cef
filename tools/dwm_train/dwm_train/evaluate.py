"""Evaluate a bundle on a held-out set through the studio's own pipeline (onnxruntime-node).

Each clip: `npx tsx tools/dwm_export/node/run-studio-pipeline.ts` writes the generated mp4 (the
studio's H.264 writer, crf 14); it is decoded and compared with the ground truth. The overlay
baseline is the bundled baseline itself (resources/models/dwm-baseline-overlay, its manifest set to
the clips' size) run through the same pipeline and writer, so both pay the same decode, rounding
and codec losses.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

from . import REPO
from .data import cache_dir_for, list_clips, load_clip
from .metrics import clip_metrics
from .report import contact_sheet
from .video import decode



def node_available() -> str | None:
    """None when `npx tsx` can run the studio's pipeline here, else the reason."""
    if shutil.which("node") is None or shutil.which("npx") is None:
        return "node/npx is not on PATH"
    if not (REPO / "node_modules" / "tsx").exists() or not (REPO / "node_modules" / "onnxruntime-node").exists():
        return "node_modules lacks tsx or onnxruntime-node (run npm ci in the repository root)"
    return None


def run_studio(bundle: Path, static: Path, hands: Path, out_video: Path, dump: Path, steps: int, seed: int = 42) -> dict:
    cmd = ["npx", "tsx", "tools/dwm_export/node/run-studio-pipeline.ts", "--bundle", str(bundle), "--static", str(static),
           "--hands", str(hands), "--dump", str(dump), "--steps", str(steps), "--guidance", "1", "--seed", str(seed),
           "--out-video", str(out_video)]
    r = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"studio pipeline failed ({r.returncode}): {' '.join(cmd)}\n{r.stderr[-2000:]}")
    return json.loads((dump / "result.json").read_text())


def baseline_at(conditioning: dict, dest: Path) -> Path:
    """A copy of the bundled overlay baseline (resources/models/dwm-baseline-overlay) whose manifest asks
    for this size, length and rate: its graphs take any size, and only the manifest pins 720x480. The
    comparison then runs the baseline's own graphs through the same studio pipeline and MP4 writer."""
    src = REPO / "resources" / "models" / "dwm-baseline-overlay"
    shutil.copytree(src, dest)
    m = json.loads((src / "manifest.json").read_text())
    m["conditioning"] = {**m["conditioning"], **{k: conditioning[k] for k in ("width", "height", "frames", "fps")}}
    (dest / "manifest.json").write_text(json.dumps(m, indent=2))
    return dest


def _mean(xs):
    xs = [x for x in xs if x is not None]
    return float(np.mean(xs)) if xs else None


def summarise(rows: list[dict]) -> dict:
    out = {"clips": len(rows)}
    for who in ("model", "baseline"):
        out[who] = {k: _mean([r[who][k] for r in rows]) for k in ("psnr", "ssim", "maskPsnr")}
    return out


def evaluate(bundle: Path, data: Path, out: Path, limit: int | None = None, steps: int | None = None,
             cache_root: Path | None = None, log=print) -> dict:
    bundle, data, out = Path(bundle).resolve(), Path(data).resolve(), Path(out).resolve()
    reason = node_available()
    if reason:
        raise RuntimeError(f"cannot run the studio pipeline: {reason}")
    manifest = json.loads((bundle / "manifest.json").read_text())
    steps = steps or manifest["defaults"]["steps"]
    out.mkdir(parents=True, exist_ok=True)
    infos = list_clips(data)[:limit]
    if not infos:
        raise ValueError(f"{data}: no clips")
    cache = cache_dir_for(data, cache_root or (out / "cache"))
    rows, sheet_src = [], None
    work = Path(tempfile.mkdtemp(prefix="dwm-eval-"))
    try:
        baseline_bundle = baseline_at(manifest["conditioning"], work / "baseline-bundle")
        for info in infos:
            clip = load_clip(data, info.clip, cache)
            gen_mp4 = out / "videos" / f"{info.clip}.mp4"
            gen_mp4.parent.mkdir(parents=True, exist_ok=True)
            t0 = time.time()
            res = run_studio(bundle, data / "videos_static" / f"{info.clip}.mp4", data / "videos_hands" / f"{info.clip}.mp4",
                             gen_mp4, work / info.clip, steps)
            wall = time.time() - t0
            gen = decode(gen_mp4)
            gt, st, hd, mk = (np.asarray(clip[k]) for k in ("gt", "static", "hands", "mask"))
            # The overlay baseline: the bundled baseline's own graphs through the same studio pipeline and writer.
            base_mp4 = out / "baseline" / f"{info.clip}.mp4"
            base_mp4.parent.mkdir(parents=True, exist_ok=True)
            run_studio(baseline_bundle, data / "videos_static" / f"{info.clip}.mp4", data / "videos_hands" / f"{info.clip}.mp4",
                       base_mp4, work / f"{info.clip}.baseline", 2)
            comp = decode(base_mp4)
            n = min(len(gen), len(gt), len(comp))
            row = {"clip": info.clip, "partKind": info.part_kind, "steps": steps,
                   "model": clip_metrics(gen[:n], gt[:n], mk[:n]), "baseline": clip_metrics(comp[:n], gt[:n], mk[:n]),
                   "pipelineWallS": round(wall, 2), "timings": res.get("timings")}
            rows.append(row)
            log(f"{info.clip} ({info.part_kind}): model PSNR {row['model']['psnr']:.2f} SSIM {row['model']['ssim']:.4f} | "
                f"baseline PSNR {row['baseline']['psnr']:.2f} SSIM {row['baseline']['ssim']:.4f} ({wall:.1f} s)")
            if sheet_src is None or (sheet_src[0].part_kind != "drawer" and info.part_kind == "drawer"):
                sheet_src = (info, st, hd, gen, gt)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    kinds = sorted({r["partKind"] for r in rows})
    # Folder names only: the report is committed beside the bundle and must not record this machine's paths.
    result = {"bundle": bundle.name, "data": data.name, "steps": steps, "guidance": 1, "seed": 42,
              "mean": summarise(rows), "byKind": {k: summarise([r for r in rows if r["partKind"] == k]) for k in kinds},
              "clips": rows}
    (out / "metrics.json").write_text(json.dumps(result, indent=1))
    (out / "metrics.md").write_text(metrics_markdown(result, manifest))
    info, st, hd, gen, gt = sheet_src
    f = len(gt)
    frames = sorted({int(round(x)) for x in np.linspace(0, f - 1, 6)})
    contact_sheet({"static": st, "hands": hd, "generated": gen, "ground truth": gt}, frames, out / "contact-sheet.png",
                  f"{info.clip} ({info.part_kind}, held out) - {manifest['id']}, {steps} steps")
    return result


def _fmt(v, nd=2):
    return "n/a" if v is None else f"{v:.{nd}f}"


def metrics_markdown(result: dict, manifest: dict) -> str:
    lines = [f"# {manifest['name']} vs the hand-overlay baseline", "",
             f"Held-out set `{result['data']}`, studio pipeline (onnxruntime-node, CPU), {result['steps']} steps, guidance 1, seed 42.",
             "PSNR: mean over frames of per-frame PSNR (dB, capped at 100); SSIM: skimage's Gaussian SSIM, mean over frames; "
             "mask PSNR: pooled over the moving-part mask of every frame. Baseline: the bundled overlay baseline through the same pipeline and H.264 writer.",
             "", "| group | clips | model PSNR | baseline PSNR | model SSIM | baseline SSIM | model mask PSNR | baseline mask PSNR |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    groups = [("all", result["mean"])] + [(k, v) for k, v in result["byKind"].items()]
    for name, s in groups:
        m, b = s["model"], s["baseline"]
        lines.append(f"| {name} | {s['clips']} | {_fmt(m['psnr'])} | {_fmt(b['psnr'])} | {_fmt(m['ssim'], 4)} | {_fmt(b['ssim'], 4)} | "
                     f"{_fmt(m['maskPsnr'])} | {_fmt(b['maskPsnr'])} |")
    return "\n".join(lines) + "\n"
