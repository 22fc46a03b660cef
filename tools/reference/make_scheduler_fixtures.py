"""Reference values for src/main/pipeline/schedulers, computed by diffusers itself.

Writes tests/fixtures/schedulers/*.json, which tests/unit/pipeline/schedulers.test.ts replays.

Run from the repository root:

    python3 -m venv .venv-reference
    .venv-reference/bin/pip install -r tools/reference/requirements.txt
    .venv-reference/bin/python tools/reference/make_scheduler_fixtures.py

The output is deterministic (fixed seeds, CPU, float64 stepping), so rerunning it with the pinned
versions rewrites identical files. It finishes by running the repository's biome formatter on them
(`npm ci` first), so they pass `npm run lint` as written.

How the trajectories are made: the initial sample and the per-step model outputs are float32
(numpy, fixed seed). diffusers runs each step on float64 copies of its inputs, so a stored
`prevSample` carries no rounding of its own; the next step starts from it rounded to float32, as the
studio's pipeline keeps its latents. Checkpoint steps also store that float32 input, so a test can
replay a single step on exactly diffusers' input as well as the whole loop from the initial sample.
"""

import json
import subprocess
import sys
from pathlib import Path

import diffusers
import numpy as np
import torch
from diffusers import CogVideoXDDIMScheduler, DDIMScheduler, FlowMatchEulerDiscreteScheduler

REPO = Path(__file__).resolve().parents[2]
OUT_DIR = REPO / "tests" / "fixtures" / "schedulers"
ELEMENTS = 8


def f32(value):
    """A float32 as its shortest round-trip decimal (read it back through a Float32Array)."""
    return float(str(np.float32(value)))


def f64(value):
    """10 significant digits: a relative 5e-11, far below what the tests resolve, at half the size."""
    return float(f"{value:.10g}")


# The TypeScript config (src/shared/model/manifest.ts SchedulerConfig) and its diffusers spelling.
DDIM_KEYS = {
    "numTrainTimesteps": "num_train_timesteps",
    "betaSchedule": "beta_schedule",
    "betaStart": "beta_start",
    "betaEnd": "beta_end",
    "predictionType": "prediction_type",
    "timestepSpacing": "timestep_spacing",
    "stepsOffset": "steps_offset",
    "setAlphaToOne": "set_alpha_to_one",
    "rescaleBetasZeroSnr": "rescale_betas_zero_snr",
}

SD15 = {
    "type": "ddim",
    "numTrainTimesteps": 1000,
    "betaSchedule": "scaled_linear",
    "betaStart": 0.00085,
    "betaEnd": 0.012,
    "predictionType": "epsilon",
    "timestepSpacing": "leading",
    "stepsOffset": 1,
    "setAlphaToOne": False,
    "rescaleBetasZeroSnr": False,
    "snrShiftScale": 1.0,
}
# alibaba-pai/CogVideoX-Fun-V1.1-5b-InP scheduler/scheduler_config.json.
COGVIDEOX_FUN_5B = {
    "type": "cogvideox-ddim",
    "numTrainTimesteps": 1000,
    "betaSchedule": "scaled_linear",
    "betaStart": 0.00085,
    "betaEnd": 0.012,
    "predictionType": "v_prediction",
    "timestepSpacing": "trailing",
    "stepsOffset": 0,
    "setAlphaToOne": True,
    "rescaleBetasZeroSnr": True,
    "snrShiftScale": 1.0,
}

# name -> (config, step counts with a trajectory)
CASES = {
    "ddim-sd15-epsilon-leading": (SD15, [1, 4, 50]),
    "ddim-vpred-trailing-zero-snr": (
        {**SD15, "predictionType": "v_prediction", "timestepSpacing": "trailing", "stepsOffset": 0,
         "setAlphaToOne": True, "rescaleBetasZeroSnr": True},
        [1, 4, 50],
    ),
    "ddim-linear-sample-linspace": (
        {**SD15, "betaSchedule": "linear", "betaStart": 0.0001, "betaEnd": 0.02, "predictionType": "sample",
         "timestepSpacing": "linspace", "stepsOffset": 0},
        [1, 7, 50],
    ),
    "ddim-cosine-epsilon-leading": (
        {**SD15, "betaSchedule": "squaredcos_cap_v2", "stepsOffset": 0, "setAlphaToOne": True},
        [1, 3, 50],
    ),
    "cogvideox-fun-5b-inp": (COGVIDEOX_FUN_5B, [1, 4, 50]),
    # THUDM/CogVideoX-2b: the same but with the SNR shift.
    "cogvideox-2b-snr-shift-3": ({**COGVIDEOX_FUN_5B, "snrShiftScale": 3.0}, [1, 4, 50]),
    # float32 betas (linear) take a different dtype path through CogVideoXDDIMScheduler than scaled_linear.
    "cogvideox-linear-epsilon-leading": (
        {**COGVIDEOX_FUN_5B, "betaSchedule": "linear", "betaStart": 0.0001, "betaEnd": 0.02,
         "predictionType": "epsilon", "timestepSpacing": "leading", "stepsOffset": 1, "setAlphaToOne": False,
         "rescaleBetasZeroSnr": False, "snrShiftScale": 2.0},
        [1, 7, 50],
    ),
    "flow-euler-shift-1": ({"type": "flow-euler", "numTrainTimesteps": 1000, "shift": 1.0}, [1, 4, 50]),
    # Wan 2.1.
    "flow-euler-shift-5": ({"type": "flow-euler", "numTrainTimesteps": 1000, "shift": 5.0}, [1, 4, 50]),
}

# Timesteps only, for step counts where the spacing arithmetic is delicate (non-divisors, ties in
# np.round, numpy's arange length), and an exhaustive sweep of a tiny schedule.
TIMESTEP_STEPS = [1, 2, 3, 7, 13, 50]
# np.arange(1000, 0, -1000 / 61) has 62 values: diffusers' trailing spacing then ends on timestep -1.
TRAILING_OVERSHOOT = 61
TINY_TRAIN = 10


def make_scheduler(config):
    if config["type"] == "flow-euler":
        return FlowMatchEulerDiscreteScheduler(
            num_train_timesteps=config["numTrainTimesteps"], shift=config["shift"], use_dynamic_shifting=False
        )
    kwargs = {DDIM_KEYS[k]: v for k, v in config.items() if k in DDIM_KEYS}
    if config["type"] == "cogvideox-ddim":
        return CogVideoXDDIMScheduler(**kwargs, clip_sample=False, snr_shift_scale=config["snrShiftScale"])
    return DDIMScheduler(**kwargs, clip_sample=False, thresholding=False)


def timesteps_for(config, steps):
    scheduler = make_scheduler(config)
    scheduler.set_timesteps(steps)
    # Flow timesteps are float32; DDIM's are int64.
    as_json = f32 if scheduler.timesteps.is_floating_point() else int
    return scheduler, [as_json(t.item()) for t in scheduler.timesteps]


def checkpoints(steps):
    """Steps stored in full: all of a short run, both ends and the middle of a long one."""
    return list(range(steps)) if steps <= 8 else sorted({0, 1, steps // 2, steps - 2, steps - 1})


def trajectory(config, steps, seed):
    scheduler, timesteps = timesteps_for(config, steps)
    assert len(timesteps) == steps, (config, steps, timesteps)
    rng = np.random.default_rng(seed)
    # Three decimals keep the files small; the float32 nearest each is the actual input.
    sample = rng.standard_normal(ELEMENTS).round(3).astype(np.float32)
    model_outputs = rng.standard_normal((steps, ELEMENTS)).round(3).astype(np.float32)
    initial = sample.copy()
    keep = set(checkpoints(steps))
    stored = []
    for i, t in enumerate(scheduler.timesteps):
        out = scheduler.step(
            torch.from_numpy(model_outputs[i].astype(np.float64)), t, torch.from_numpy(sample.astype(np.float64))
        ).prev_sample
        assert out.dtype == torch.float64
        out = out.numpy()
        if i in keep:
            stored.append({"step": i, "sample": [f32(v) for v in sample], "prevSample": [f64(v) for v in out]})
        sample = out.astype(np.float32)
    return {
        "steps": steps,
        "timesteps": timesteps,
        "initialSample": [f32(v) for v in initial],
        "modelOutputs": [[f32(v) for v in row] for row in model_outputs],
        # `sample` is the float32 input of that step (the previous step's prev_sample, rounded).
        "checkpoints": stored,
    }


def alphas_cumprod(config, timesteps):
    """The schedule at the visited timesteps and both ends, to check it apart from the stepping."""
    if config["type"] == "flow-euler":
        return None
    scheduler = make_scheduler(config)
    n = config["numTrainTimesteps"]
    index = sorted({0, n - 1, *timesteps})
    values = scheduler.alphas_cumprod
    exact = f32 if values.dtype == torch.float32 else float
    return {
        "dtype": str(values.dtype).removeprefix("torch."),
        "index": index,
        "values": [exact(values[i].item()) for i in index],
        "finalAlphaCumprod": scheduler.final_alpha_cumprod.item(),
    }


def write(name, payload):
    payload = {
        "generatedBy": "tools/reference/make_scheduler_fixtures.py",
        "versions": {"diffusers": diffusers.__version__, "torch": torch.__version__, "numpy": np.__version__},
        **payload,
    }
    path = OUT_DIR / f"{name}.json"
    path.write_text(json.dumps(payload, separators=(",", ":")) + "\n")
    print(path.relative_to(REPO))


def timestep_tables():
    configs = {
        "ddim-leading": SD15,
        "ddim-trailing": {**SD15, "timestepSpacing": "trailing", "stepsOffset": 0},
        "ddim-linspace": {**SD15, "timestepSpacing": "linspace", "stepsOffset": 0},
        "flow-shift-1": {"type": "flow-euler", "numTrainTimesteps": 1000, "shift": 1.0},
        "flow-shift-5": {"type": "flow-euler", "numTrainTimesteps": 1000, "shift": 5.0},
        # Not representable in float32, so the float32 and float64 halves of the flow schedule differ.
        "flow-shift-3.17": {"type": "flow-euler", "numTrainTimesteps": 1000, "shift": 3.17},
    }
    tables = []
    for name, config in configs.items():
        counts = TIMESTEP_STEPS + ([TRAILING_OVERSHOOT] if config.get("timestepSpacing") == "trailing" else [])
        runs = [{"steps": s, "timesteps": timesteps_for(config, s)[1]} for s in counts]
        tables.append({"name": name, "config": config, "runs": runs})
        tiny = {**config, "numTrainTimesteps": TINY_TRAIN}
        if name == "ddim-leading":
            tiny["stepsOffset"] = 0  # with offset 1, steps = numTrainTimesteps runs past the schedule
        runs = [{"steps": s, "timesteps": timesteps_for(tiny, s)[1]} for s in range(1, TINY_TRAIN + 1)]
        tables.append({"name": f"{name}-tiny", "config": tiny, "runs": runs})
    return tables


def main():
    torch.set_num_threads(1)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for seed, (name, (config, step_counts)) in enumerate(CASES.items()):
        runs = [trajectory(config, steps, seed * 100 + steps) for steps in step_counts]
        longest = max(runs, key=lambda r: r["steps"])
        write(name, {"name": name, "config": config, "alphasCumprod": alphas_cumprod(config, longest["timesteps"]),
                     "runs": runs})
    write("timesteps", {"tables": timestep_tables()})
    # The repository lints JSON too; its formatter is the only reliable spelling of its style.
    return subprocess.run(["npx", "--no-install", "biome", "format", "--write", str(OUT_DIR)], cwd=REPO).returncode


if __name__ == "__main__":
    sys.exit(main())
