"""python -m dwm_export: export checkpoints to studio bundles, make tiny stand-ins, compare with PyTorch.

  cogvideox  --base DIR --lora DIR --out DIR [--precision fp16|fp32] [--check-only] ...
  wan        --base DIR --lora DIR --out DIR [--text-encoder DIR] [--precision fp16|fp32] [--check-only] ...
  tiny       --out DIR          tiny random CogVideoX-Fun + DWM LoRA folders (for tests and bench)
  bench      [--steps N]        time per denoising step, PyTorch reference vs the studio, same tiny graphs
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .bundle_parts import DEFAULT_SIZE, PRECISIONS
from .layout import LayoutError, check_cogvideox_fun, check_dwm_lora
from .lora import LoraError


def _cogvideox(args) -> int:
    if args.check_only:
        base = check_cogvideox_fun(args.base)
        lora = check_dwm_lora(args.lora)
        print(f"{base.root}: CogVideoX-Fun InP, in_channels {base.transformer_config['in_channels']}, scheduler {base.scheduler_config['_class_name']}")
        print(f"{lora.root}: LoRA {lora.lora_weights.name}" + (f", non-LoRA {lora.non_lora_weights.name}" if lora.non_lora_weights else ""))
        print("the folders are complete; run again without --check-only to export")
        return 0
    from .cogvideox import export_bundle

    size = {"width": args.width, "height": args.height, "frames": args.frames, "fps": args.fps}
    export_bundle(
        args.base,
        args.lora,
        args.out,
        size=size,
        precision=args.precision,
        bundle_id=args.id,
        name=args.name,
        hand_look=args.hand_look,
        lora_scale=args.lora_scale,
        tile_vae=not args.no_tile_vae,
        log=lambda m: print(m, file=sys.stderr),
    )
    print(f"bundle written to {args.out}; add it in the studio with Settings > Models > Add model...")
    return 0


def _tiny(args) -> int:
    from .tiny import write_tiny_cogvideox_fun, write_tiny_dwm_lora

    out = Path(args.out)
    base = write_tiny_cogvideox_fun(out / "CogVideoX-Fun-tiny-InP")
    write_tiny_dwm_lora(out / "DWM-tiny-LoRA", base)
    print(f"tiny checkpoints in {out}: CogVideoX-Fun-tiny-InP/ and DWM-tiny-LoRA/")
    return 0


def _bench(args) -> int:
    from .bench import run_bench

    run_bench(steps=args.steps, log=lambda m: print(m, flush=True))
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["wan"]:
        # The Wan exporter has its own argument parser (wan --help).
        from .wan import main_wan

        return main_wan(argv[1:])
    p = argparse.ArgumentParser(prog="python -m dwm_export", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("cogvideox", help="CogVideoX-Fun-V1.1-5b-InP + DWM LoRA -> studio bundle")
    c.add_argument("--base", required=True, help="the alibaba-pai/CogVideoX-Fun-V1.1-5b-InP folder (diffusers layout)")
    c.add_argument("--lora", required=True, help="the byungjun-kim/DWM-CogVideoX-Fun-5b-LoRA folder")
    c.add_argument("--out", help="bundle folder to write (replaced only when the export is complete)")
    c.add_argument("--precision", choices=sorted(PRECISIONS), default="fp16", help="text encoder and transformer weights (the VAE stays fp32)")
    c.add_argument("--width", type=int, default=DEFAULT_SIZE["width"])
    c.add_argument("--height", type=int, default=DEFAULT_SIZE["height"])
    c.add_argument("--frames", type=int, default=DEFAULT_SIZE["frames"])
    c.add_argument("--fps", type=float, default=DEFAULT_SIZE["fps"])
    c.add_argument("--id", default="dwm-cogvideox-fun-5b")
    c.add_argument("--name", default="DWM (CogVideoX-Fun 5b InP + DWM LoRA)")
    c.add_argument("--hand-look", choices=["real", "synthetic"], default="real", help="hand colours the model was trained on")
    c.add_argument("--lora-scale", type=float, default=1.0)
    c.add_argument("--no-tile-vae", action="store_true", help="export the VAE untiled (more memory; the reference tiles)")
    c.add_argument("--check-only", action="store_true", help="only check the two folders")
    sub.add_parser("wan", help="Wan2.1-Fun-V1.1-14B-InP + DWM Wan LoRA -> studio bundle (wan --help for its options)")
    t = sub.add_parser("tiny", help="write tiny random-weight checkpoint folders")
    t.add_argument("--out", required=True)
    b = sub.add_parser("bench", help="per-step time, PyTorch vs the studio, on the tiny graphs")
    b.add_argument("--steps", type=int, default=20)
    args = p.parse_args(argv)
    if args.command == "cogvideox" and not args.check_only and not args.out:
        p.error("--out is required unless --check-only")
    try:
        return {"cogvideox": _cogvideox, "tiny": _tiny, "bench": _bench}[args.command](args)
    except (LayoutError, LoraError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
