"""Per-step time of the PyTorch reference and of the studio's pipeline, same tiny graphs and inputs.

Printed, not asserted (npm run bench runs it too). Both run on the CPU of this machine, one
process each: the reference in this Python process (PyTorch eager, LoRA as peft adapters), the
studio in Node (onnxruntime-node on the exported bundle, LoRA merged).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

PROMPT = "the right hand reaches for the drawer handle and pulls the drawer open"
NEGATIVE = "blurry, distorted hands"


def run_bench(steps: int = 20, log=print) -> dict:
    import torch

    from .cogvideox import export_bundle
    from .parity import compare, make_condition_video, read_f32, run_studio
    from .reference import CogVideoXFunDwmReference, read_video_rgb
    from .tiny import TINY_MAX_TOKENS, TINY_SIZE, write_tiny_cogvideox_fun, write_tiny_dwm_lora

    with tempfile.TemporaryDirectory(prefix="dwm-bench-") as tmp:
        root = Path(tmp)
        t0 = time.perf_counter()
        base = write_tiny_cogvideox_fun(root / "base")
        lora = write_tiny_dwm_lora(root / "lora", base)
        bundle = export_bundle(base, lora, root / "bundle", size=TINY_SIZE, precision="fp32", bundle_id="tiny-dwm-bench", log=lambda _m: None)
        export_s = time.perf_counter() - t0
        static = make_condition_video(root / "static.mp4", TINY_SIZE, "static")
        hands = make_condition_video(root / "hands.mp4", TINY_SIZE, "hands")
        size = f"{TINY_SIZE['width']}x{TINY_SIZE['height']}x{TINY_SIZE['frames']}"
        log(f"tiny CogVideoX-Fun + DWM LoRA at {size}, {steps} steps, guidance 6 (batch 2), torch threads {torch.get_num_threads()}")
        log(f"export (tiny checkpoints + 4 graphs): {export_s:.1f} s")

        studio = run_studio(bundle, static, hands, root / "dump", prompt=PROMPT, negative=NEGATIVE, seed=42, steps=steps, guidance=6.0)
        ref = CogVideoXFunDwmReference(base, lora)
        w, h = TINY_SIZE["width"], TINY_SIZE["height"]
        out = ref.generate(
            prompt=PROMPT,
            negative_prompt=NEGATIVE,
            static_frames=read_video_rgb(static, w, h),
            hand_frames=read_video_rgb(hands, w, h),
            initial_latents=read_f32(root / "dump" / "initial.f32"),
            steps=steps,
            guidance=6.0,
        )
        tokens = {"prompt": ref.tokenize(PROMPT, TINY_MAX_TOKENS), "negative": ref.tokenize(NEGATIVE, TINY_MAX_TOKENS)}
        cmp = compare(root / "dump", out, tokens)

    # The first step of each includes one-off warm-up; the median leaves it out fairly.
    s_ms = studio["stepMs"]
    r_ms = [x * 1000 for x in out["timings"]["step_s"]]
    rows = [
        ("PyTorch reference", statistics.median(r_ms), statistics.mean(r_ms), r_ms[0]),
        ("studio (onnxruntime-node)", statistics.median(s_ms), statistics.mean(s_ms), s_ms[0]),
    ]
    log(f"{'per denoising step':28} {'median ms':>10} {'mean ms':>10} {'first ms':>10}")
    for name, med, mean, first in rows:
        log(f"{name:28} {med:10.2f} {mean:10.2f} {first:10.2f}")
    t = studio["timings"]
    log(
        f"studio phases: load {t['loadMs']:.0f} ms, text {t['textMs']:.1f} ms, encode {t['encodeMs']:.1f} ms, "
        f"decode {t['decodeMs']:.1f} ms, write {t['writeMs']:.0f} ms"
    )
    rt = out["timings"]
    log(f"reference phases: text {rt['text_s'] * 1000:.1f} ms, encode {rt['encode_s'] * 1000:.1f} ms, decode {rt['decode_s'] * 1000:.1f} ms")
    log(
        f"parity: tokens equal {cmp.tokens_equal}, latents max |diff| {cmp.worst_step():.2e} (scale {max(cmp.step_scale):.2f}), "
        f"decoded max |diff| {cmp.decoded_max_abs:.2e}"
    )
    return {"studio_step_ms": s_ms, "reference_step_ms": r_ms, "comparison": cmp}
