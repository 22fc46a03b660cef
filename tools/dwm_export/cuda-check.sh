#!/usr/bin/env bash
# The prepared GPU check for issue 8: the tiny exported CogVideoX-Fun and Wan bundles through the
# studio's pipeline with the CUDA provider, timed against the CPU. Run from the repository root on
# a machine with an NVIDIA GPU, after `npm ci` (with onnxruntime-node's CUDA provider downloaded)
# and the tools' requirements: PY=path/to/python bash tools/dwm_export/cuda-check.sh
# It prints the provider each run used and the median time per denoising step. It has never run
# on a GPU: the machine it was written on has none.
set -euo pipefail
PY="${PY:-python3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$(dirname "$0")"
"$PY" -W ignore - "$work" <<'PYEOF'
import sys
from pathlib import Path
from dwm_export.cogvideox import export_bundle
from dwm_export.parity import make_condition_video
from dwm_export.tiny import TINY_SIZE, write_tiny_cogvideox_fun, write_tiny_dwm_lora
from dwm_export.wan import export_bundle as export_wan
from dwm_export.wan_tiny import write_tiny_wan_fun, write_tiny_dwm_wan_lora, TINY_WAN_SIZE
w = Path(sys.argv[1])
base = write_tiny_cogvideox_fun(w / "cog-base"); lora = write_tiny_dwm_lora(w / "cog-lora", base)
for p in ("fp32", "fp16"):
    export_bundle(base, lora, w / f"cog-{p}", size=TINY_SIZE, precision=p, bundle_id=f"cog-{p}", log=lambda _m: None)
wb = write_tiny_wan_fun(w / "wan-base"); wl = write_tiny_dwm_wan_lora(w / "wan-lora", wb)
for p in ("fp32", "fp16"):
    export_wan(wb, wl, w / f"wan-{p}", size=TINY_WAN_SIZE, precision=p, bundle_id=f"wan-{p}", log=lambda _m: None)
for name, size in (("cog", TINY_SIZE), ("wan", TINY_WAN_SIZE)):
    make_condition_video(w / f"{name}-static.mp4", size, "static"); make_condition_video(w / f"{name}-hands.mp4", size, "hands")
PYEOF
cd ../..
for model in cog wan; do
  for precision in fp32 fp16; do
    for provider in cpu cuda; do
      dump="$work/dump-$model-$precision-$provider"
      if npx tsx tools/dwm_export/node/run-studio-pipeline.ts --bundle "$work/$model-$precision" \
        --static "$work/$model-static.mp4" --hands "$work/$model-hands.mp4" --dump "$dump" \
        --prompt "a hand pulls the drawer open" --steps 20 --provider "$provider" >/dev/null 2>"$dump.err"; then
        node -e 'const r=require(process.argv[1]);const s=[...r.stepMs].sort((a,b)=>a-b);console.log(`${process.argv[2]}: provider ${r.providerUsed}, median step ${s[s.length>>1].toFixed(2)} ms, load ${r.timings.loadMs.toFixed(0)} ms, total ${r.timings.totalMs.toFixed(0)} ms`)' "$dump/result.json" "$model $precision $provider"
      else
        echo "$model $precision $provider: FAILED: $(grep -m1 -E "Error" "$dump.err" || tail -n 1 "$dump.err")"
      fi
    done
  done
done
