"""Issue 8, the Wan variant: the studio's TypeScript pipeline on a bundle exported from tiny
Wan2.1-Fun InP + DWM LoRA checkpoints (written in the hub's original VideoX-Fun layout)
computes what the PyTorch reference computes, step by step, for a 50-step run with guidance 6
(batch 2: negative and positive prompt).

Tolerance (fp32): max |studio - reference| under 1e-3 for the latents after every step and for
the decoded video. Measured on this machine: the latents differ by 2e-7 after the first step
and at most 2.2e-5 over the 50 steps, on latents of magnitude about 22 (a relative 1e-6: both
sides compute in float32, onnxruntime fuses and orders its sums differently from PyTorch, and
50 Euler steps with guidance 6 accumulate it); the decoded video differs by at most 3.3e-6.
1e-3 in [-1, 1] pixel units is an eighth of one 8-bit level, so the frames the studio writes
match the reference's to within one level, and the bound leaves 40x headroom for other CPUs
and onnxruntime builds. A conditioning or scheduler mistake moves the latents by orders of
magnitude more (measured after 10 steps: 2.3e-2 to 15), as the control tests show.

fp16 (text encoder and transformer weights; the VAE and the norms stay float32), against the
same fp32 reference: measured 2.7e-2 on latents of magnitude 22 (1.2e-3 relative, fp16's
epsilon is 9.8e-4) and 2.2e-3 on the decoded video; bounds 5e-3 relative and 3e-2 (four 8-bit
levels), as for the CogVideoX bundle.
"""

from __future__ import annotations

import json
import shutil

import pytest
from dwm_export.parity import assert_decoded_matches, assert_latents_match, compare, make_condition_video, read_f32, run_studio
from dwm_export.reference import read_video_rgb
from dwm_export.wan_tiny import TINY_CONFIG, TINY_WAN_SIZE, write_tiny_dwm_wan_lora, write_tiny_wan_fun

PROMPT = "a hand reaches for the drawer and pulls it open"
NEGATIVE = "blurry"
STEPS = 50  # inference.py's default
GUIDANCE = 6.0
CONTROL_STEPS = 10
FP32_TOL = 1e-3
FP16_REL_TOL = 5e-3
FP16_DECODED_TOL = 3e-2


@pytest.fixture(scope="module", autouse=True)
def one_torch_thread():
    """The tiny models gain nothing from threads, and one thread avoids OpenMP spin-waits when the CPU is
    shared (measured on a busy 2-core machine: the reference's 50 steps take 1.6 s with one thread, 21 s with two)."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def wan_checkpoints(tmp_path_factory):
    root = tmp_path_factory.mktemp("wan-checkpoints")
    base = write_tiny_wan_fun(root / "Wan2.1-Fun-tiny-InP")
    return base, write_tiny_dwm_wan_lora(root / "DWM-Wan-tiny-LoRA", base)


def export(checkpoints, out, precision):
    from dwm_export.wan import export_bundle

    return export_bundle(*checkpoints, out, size=TINY_WAN_SIZE, precision=precision, bundle_id=f"tiny-dwm-wan-{precision}", log=lambda _m: None)


@pytest.fixture(scope="module")
def wan_bundle(wan_checkpoints, tmp_path_factory):
    return export(wan_checkpoints, tmp_path_factory.mktemp("wan-bundles") / "tiny-wan-fp32", "fp32")


@pytest.fixture(scope="module")
def wan_reference(wan_checkpoints):
    from dwm_export.wan_reference import WanFunDwmReference

    return WanFunDwmReference(*wan_checkpoints)


@pytest.fixture(scope="module")
def wan_videos(tmp_path_factory):
    root = tmp_path_factory.mktemp("wan-videos")
    return make_condition_video(root / "static.mp4", TINY_WAN_SIZE, "static"), make_condition_video(root / "hands.mp4", TINY_WAN_SIZE, "hands")


def reference_run(reference, videos, initial, **over):
    static, hands = videos
    args = {"prompt": PROMPT, "negative": NEGATIVE, "steps": STEPS, "guidance": GUIDANCE, **over}
    w, h = TINY_WAN_SIZE["width"], TINY_WAN_SIZE["height"]
    return reference.generate(
        prompt=args["prompt"],
        negative_prompt=args["negative"],
        static_frames=read_video_rgb(static, w, h),
        hand_frames=read_video_rgb(hands, w, h),
        initial_latents=initial,
        steps=args["steps"],
        guidance=args["guidance"],
    )


def run_both(bundle, reference, videos, dump, **over):
    static, hands = videos
    args = {"prompt": PROMPT, "negative": NEGATIVE, "seed": 42, "steps": STEPS, "guidance": GUIDANCE, **over}
    studio = run_studio(bundle, static, hands, dump, **args)
    ref = reference_run(reference, videos, read_f32(dump / "initial.f32"), **{k: args[k] for k in ("prompt", "negative", "steps", "guidance")})
    L = TINY_CONFIG["text_len"]
    tokens = {"prompt": reference.tokenize(args["prompt"], L), "negative": reference.tokenize(args["negative"], L)}
    return studio, ref, compare(dump, ref, tokens)


@pytest.fixture(scope="module")
def fp32_run(wan_bundle, wan_reference, wan_videos, tmp_path_factory):
    return run_both(wan_bundle, wan_reference, wan_videos, tmp_path_factory.mktemp("wan-dump32"))


def test_manifest_says_what_the_reference_does(wan_bundle):
    m = json.loads((wan_bundle / "manifest.json").read_text())
    # configs/pipelines/wan2.1_fun_inp_hand_concat.yaml scheduler_kwargs: shift 5, no dynamic shifting.
    assert m["scheduler"] == {"type": "flow-euler", "numTrainTimesteps": 1000, "shift": 5.0}
    # resize_mask(1 - zeros): four channels of 1.0, unscaled; then the static and the hand latents.
    assert m["conditioningLayout"] == [{"source": "mask", "channels": 4, "value": 1.0}, {"source": "static"}, {"source": "hands"}]
    # Per-channel normalisation lives in the VAE graphs.
    assert m["latent"] == {"channels": 16, "temporalCompression": 4, "spatialCompression": 8, "layout": "BCFHW", "scalingFactor": 1, "shiftFactor": 0}
    assert m["timestepType"] == "float32"
    assert m["tokenizer"]["maxLength"] == 512
    assert m["graphs"]["textEncoder"]["inputs"] == {"inputIds": "input_ids", "attentionMask": "attention_mask"}
    assert {k: m["conditioning"][k] for k in TINY_WAN_SIZE} == TINY_WAN_SIZE
    assert m["defaults"] == {"steps": 50, "guidance": 6.0, "negativePrompt": "bad detailed", "seed": 42}


def test_tokens_match(fp32_run):
    assert fp32_run[2].tokens_equal


def test_latents_match_at_every_step(fp32_run):
    assert_latents_match(*fp32_run, STEPS, FP32_TOL)


def test_decoded_video_matches(fp32_run):
    _, ref, cmp = fp32_run
    assert_decoded_matches(ref, cmp, FP32_TOL)


def test_the_reference_runs_the_dwm_schedule(fp32_run):
    _, ref, _ = fp32_run
    from dwm_export.wan import DWM_WAN_SCHEDULER

    # FlowMatchEulerDiscreteScheduler(shift=5).set_timesteps(50, mu=1): from 1000 down to the doubly shifted 24.414.
    assert DWM_WAN_SCHEDULER["shift"] == 5.0
    assert ref["timesteps"][0] == 1000.0 and ref["timesteps"][-1] == pytest.approx(24.414, abs=1e-3)


def _mutate(bundle, dest, change):
    shutil.copytree(bundle, dest)
    m = json.loads((dest / "manifest.json").read_text())
    change(m)
    (dest / "manifest.json").write_text(json.dumps(m))
    return dest


MISTAKES = {
    # the inpainting mask as the CogVideoX bundle has it (one channel's value 0 = "keep all" misread)
    "mask value 0 instead of 1": lambda m: m["conditioningLayout"][0].update(value=0.0),
    # the pipeline's default `shift` argument (3.0), which FlowMatchEulerDiscreteScheduler ignores
    "shift 3 instead of 5": lambda m: m["scheduler"].update(shift=3.0),
    # hands before static
    "hands and static swapped": lambda m: m.update(conditioningLayout=[m["conditioningLayout"][0], m["conditioningLayout"][2], m["conditioningLayout"][1]]),
}


def test_without_guidance_too(wan_bundle, wan_reference, wan_videos, tmp_path):
    # guidance 1: one batch item, no negative branch
    _, _, cmp = run_both(wan_bundle, wan_reference, wan_videos, tmp_path, steps=CONTROL_STEPS, guidance=1.0)
    assert cmp.worst_step() < FP32_TOL and cmp.decoded_max_abs < FP32_TOL


@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_a_conditioning_mistake_is_caught(mistake, wan_bundle, wan_reference, wan_videos, tmp_path):
    """Control: the same graphs with one manifest mistake must fail the bound by far.

    Measured after 10 steps: mask value 0: 1.3; shift 3: 15.5; static and hands swapped: 2.3e-2
    (the least, because the tiny random patch embedding weighs the two 16-channel blocks alike;
    still 23x the bound and 1000x the measured parity error).
    """
    broken = _mutate(wan_bundle, tmp_path / "broken", MISTAKES[mistake])
    _, _, cmp = run_both(broken, wan_reference, wan_videos, tmp_path / "dump", steps=CONTROL_STEPS)
    print(f"\n{mistake}: latents max |diff| {cmp.worst_step():.2e}")
    assert cmp.worst_step() > 10 * FP32_TOL


def test_fp16_export_runs_close_to_the_fp32_reference(wan_checkpoints, wan_reference, wan_videos, tmp_path):
    bundle = export(wan_checkpoints, tmp_path / "tiny-wan-fp16", "fp16")
    _, _, cmp = run_both(bundle, wan_reference, wan_videos, tmp_path / "dump")
    rel = cmp.worst_step() / max(cmp.step_scale)
    print(f"\nfp16: latents max |diff| {cmp.worst_step():.2e} ({rel:.1e} of {max(cmp.step_scale):.1f}), decoded max |diff| {cmp.decoded_max_abs:.2e}")
    assert rel < FP16_REL_TOL and cmp.decoded_max_abs < FP16_DECODED_TOL
