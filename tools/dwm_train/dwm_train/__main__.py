"""python -m dwm_train {train,export,evaluate,all,fixtures} ... (run from tools/dwm_train)."""

from __future__ import annotations

import argparse
import json
import shutil
import time
from dataclasses import asdict
from pathlib import Path


def _train_args(p: argparse.ArgumentParser, data_flag: str) -> None:
    p.add_argument(data_flag, required=True, type=Path, help="training set (dwm-studio synth layout)")
    p.add_argument("--work", required=True, type=Path, help="checkpoints, loss.csv, decoded-frame cache")
    p.add_argument("--steps", type=int, default=2000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--batch", type=int, default=2)
    p.add_argument("--lr", type=float, default=3e-4)
    p.add_argument("--window", type=int, nargs=2, default=[16, 25], metavar=("MIN", "MAX"), help="frames per training window")
    p.add_argument("--crop", type=int, nargs=2, default=None, metavar=("H", "W"), help="random spatial crop (multiples of 8)")
    p.add_argument("--mask-weight", type=float, default=4.0, help="extra loss weight inside the moving-part mask")
    p.add_argument("--ssim-weight", type=float, default=0.0, help="weight of (1 - SSIM) beside the squared error")
    p.add_argument("--focus", type=float, default=0.0, help="share of windows drawn where the part moves")
    p.add_argument("--init-from", type=Path, default=None, help="start from this checkpoint's weights (a second phase)")
    p.add_argument("--region", type=int, nargs=2, default=[2, 16], metavar=("FRAMES", "PIXELS"),
                   help="the residual acts only this near a hand (0 0: everywhere)")
    p.add_argument("--mid-dilations", type=int, nargs="*", default=[2, 4, 8], metavar="D",
                   help="dilated temporal convolutions after the bottleneck (none: no such layers)")
    p.add_argument("--sigma-sampling", choices=["uniform", "logit-normal"], default="uniform")
    p.add_argument("--ckpt-every", type=int, default=200)
    p.add_argument("--time-budget-min", type=float, default=None, help="stop cleanly (and checkpoint) after this many minutes")
    p.add_argument("--resume", action="store_true", help="continue from WORK/checkpoint.pt")
    p.add_argument("--threads", type=int, default=2)


def _config(a, data: Path):
    from .model import ModelConfig
    from .train import TrainConfig

    model = ModelConfig(region=tuple(a.region), mid_dilations=tuple(a.mid_dilations))
    return TrainConfig(data=str(data.resolve()), seed=a.seed, steps=a.steps, batch=a.batch, lr=a.lr, window_min=a.window[0],
                       window_max=a.window[1], crop=a.crop, mask_weight=a.mask_weight, ssim_weight=a.ssim_weight,
                       sigma_sampling=a.sigma_sampling, ckpt_every=a.ckpt_every, threads=a.threads, focus=a.focus,
                       init_from=str(a.init_from.resolve()) if a.init_from else None, model=model.to_json())


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m dwm_train", description=__doc__)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("train", help="train (or --resume) into --work")
    _train_args(p, "--data")
    p = sub.add_parser("export", help="export WORK's EMA weights as a studio bundle")
    p.add_argument("--work", required=True, type=Path)
    p.add_argument("--out", required=True, type=Path)
    p.add_argument("--default-steps", type=int, default=4)
    p.add_argument("--shift", type=float, default=1.0, help="flow-Euler shift written to the manifest")
    p = sub.add_parser("evaluate", help="evaluate a bundle on a held-out set through the studio pipeline")
    p.add_argument("--bundle", required=True, type=Path)
    p.add_argument("--data", required=True, type=Path)
    p.add_argument("--out", required=True, type=Path)
    p.add_argument("--limit", type=int, default=None)
    p.add_argument("--steps", type=int, default=None, help="default: the manifest's defaults.steps")
    p.add_argument("--work", type=Path, default=None, help="with --work, loss.png is drawn from WORK/loss.csv")
    p = sub.add_parser("all", help="train from scratch, export, evaluate, write <bundle>/training-report/")
    _train_args(p, "--data-train")
    p.add_argument("--data-heldout", required=True, type=Path)
    p.add_argument("--bundle-out", required=True, type=Path)
    p.add_argument("--report-out", required=True, type=Path)
    p.add_argument("--limit", type=int, default=None, help="held-out clips to evaluate")
    p.add_argument("--default-steps", type=int, default=4)
    p.add_argument("--shift", type=float, default=1.0, help="flow-Euler shift written to the manifest")
    p = sub.add_parser("fixtures", help="write FIXTURE clips in the synth layout (not the studio generator)")
    p.add_argument("--out", required=True, type=Path)
    p.add_argument("--clips", type=int, default=4)
    p.add_argument("--first-seed", type=int, default=1000)
    p = sub.add_parser("bench", help="time one onnxruntime CPU denoiser call on [1,9,49,96,144]")
    p.add_argument("--bundle", required=True, type=Path)
    return ap


def main(argv=None) -> None:
    a = build_parser().parse_args(argv)

    import torch

    torch.set_num_threads(getattr(a, "threads", 2))
    if a.cmd == "train":
        from .train import train

        print(json.dumps(train(_config(a, a.data), a.work, resume=a.resume, time_budget_min=a.time_budget_min)))
    elif a.cmd == "export":
        from .export import export_bundle

        export_bundle(a.work, a.out, steps=a.default_steps, shift=a.shift)
    elif a.cmd == "evaluate":
        from .evaluate import evaluate
        from .report import loss_png

        evaluate(a.bundle, a.data, a.out, limit=a.limit, steps=a.steps)
        if a.work and (a.work / "loss.csv").exists():
            loss_png(a.work / "loss.csv", a.out / "loss.png")
            shutil.copy(a.work / "loss.csv", a.out / "loss.csv")
    elif a.cmd == "all":
        run_all(a)
    elif a.cmd == "fixtures":
        from .fixtures import write_fixture_set

        print(write_fixture_set(a.out, a.clips, a.first_seed))
    elif a.cmd == "bench":
        from .export import time_denoiser

        print(f"denoiser call on [1,9,49,96,144], onnxruntime CPU, 2 threads: {time_denoiser(a.bundle / 'denoiser.onnx'):.3f} s (median of 3)")


def run_all(a) -> dict:
    from .data import list_clips
    from .evaluate import evaluate
    from .export import export_bundle, time_denoiser
    from .report import loss_png

    t0 = time.time()
    from .train import train

    cfg = _config(a, a.data_train)
    summary = train(cfg, a.work, resume=a.resume, time_budget_min=a.time_budget_min)
    exp = export_bundle(a.work, a.bundle_out, steps=a.default_steps, shift=getattr(a, "shift", 1.0))
    denoiser_s = time_denoiser(a.bundle_out / "denoiser.onnx")
    print(f"denoiser call [1,9,49,96,144]: {denoiser_s:.3f} s (onnxruntime CPU, 2 threads)")
    report = Path(a.report_out)
    result = evaluate(a.bundle_out, a.data_heldout, report, limit=a.limit, cache_root=a.work / "cache")
    report_files = ["loss.png", "loss.csv", "metrics.md", "metrics.json", "contact-sheet.png", "config.json"]
    if cfg.init_from:
        # A second phase: its loss (part-weighted, with the SSIM term) is not comparable with the
        # first phase's, so each gets its own curve.
        loss_png(a.work / "loss.csv", report / "loss.png", title="phase 2 loss (part weighted, + SSIM term)")
        phase1_csv = Path(cfg.init_from).parent / "loss.csv"
        if phase1_csv.exists():
            loss_png(phase1_csv, report / "loss-phase1.png", title="phase 1 loss")
            report_files.append("loss-phase1.png")
    else:
        loss_png(a.work / "loss.csv", report / "loss.png")
    shutil.copy(a.work / "loss.csv", report / "loss.csv")
    init_from = str(Path(*Path(cfg.init_from).parts[-2:])) if cfg.init_from else None  # e.g. run/checkpoint.pt
    config = {"train": {**asdict(cfg), "data": Path(cfg.data).name, "init_from": init_from}, "summary": summary, "export": exp,
              "denoiserCallS": round(denoiser_s, 3),
              # Folder names only: the report is committed with the bundle and must not record this machine's paths.
              "data": {"train": a.data_train.name, "trainClips": len(list_clips(a.data_train)),
                       "heldout": a.data_heldout.name, "heldoutClips": len(list_clips(a.data_heldout)),
                       "evaluatedClips": result["mean"]["clips"]},
              "seed": cfg.seed, "steps": summary["step"], "wallS": round(time.time() - t0, 1)}
    (report / "config.json").write_text(json.dumps(config, indent=1))
    dest = Path(a.bundle_out) / "training-report"
    # npm run train-default-model writes the report straight into the bundle: nothing to copy then
    # (clearing dest first would delete the report itself).
    if dest.resolve() != report.resolve():
        shutil.rmtree(dest, ignore_errors=True)
        dest.mkdir(parents=True)
        for name in report_files:
            shutil.copy(report / name, dest / name)
    print((report / "metrics.md").read_text())
    return config


if __name__ == "__main__":
    main()
