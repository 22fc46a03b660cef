#!/usr/bin/env python3
"""Write the tiny random-weight test bundle to tests/fixtures/bundles/tiny-random/.

A model bundle with every moving part of a real one (tokenizer, text encoder, VAE with 4x
temporal and 8x spatial compression, B,F,C,H,W denoiser layout, mask + static + hands
conditioning, int64 timesteps, CogVideoX DDIM with v-prediction) at 64x48, 9 frames, so the
tests can run the whole pipeline in well under a second. Its weights are random: the output is
noise, but a deterministic noise that depends on the prompt, the negative prompt, the guidance,
the timesteps, the seed and both conditioning videos. See tools/bundles/README.md.

    python tools/bundles/make_tiny_bundle.py [--out DIR]

The output is deterministic: the same script and package versions (requirements.txt) give
byte-identical files.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers

import sys

sys.path.insert(0, str(Path(__file__).resolve().parent))
from onnx_common import const, format_json  # noqa: E402
from onnx_common import make_model as _make_model  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO / "tests" / "fixtures" / "bundles" / "tiny-random"

PRODUCER = "dwm-studio tools/bundles/make_tiny_bundle.py"


def make_model(graph: onnx.GraphProto, doc: str) -> onnx.ModelProto:
    return _make_model(graph, doc, PRODUCER)
SEED = 20240917

WIDTH, HEIGHT, FRAMES = 64, 48, 9
LATENT_CHANNELS = 4
TEMPORAL = 4
SPATIAL = 8
MASK_CHANNELS = 1
TEXT_DIM = 16
MAX_LENGTH = 8
TIME_DIM = 16  # sinusoidal timestep embedding: 8 sines + 8 cosines
DENOISER_IN = LATENT_CHANNELS + MASK_CHANNELS + 2 * LATENT_CHANNELS  # 13

# Special tokens first, then words a hand-interaction prompt is made of and punctuation (about 120 in all).
SPECIAL_TOKENS = ["[PAD]", "[UNK]"]
WORDS = """
a an the this that it its of to in on into onto from with at by up down off out and or then
hand hands left right both finger fingers thumb palm wrist arm
open close opens closes opening closing pull pulls push pushes pick picks place places put
grasp grasps grab grabs hold holds lift lifts lower turn turns rotate twist slide press touch
reach reaches move moves release take drop wipe pour
drawer door cabinet fridge handle knob lid box cup mug bottle bowl plate book phone towel
table shelf counter sink chair bag jar spoon knife cloth switch
slowly quickly gently carefully small large top bottom front back inside outside
, . ! ?
""".split()
VOCAB = SPECIAL_TOKENS + WORDS
assert len(set(VOCAB)) == len(VOCAB), "duplicate word in the vocabulary"

MANIFEST = {
    "manifestVersion": 1,
    "id": "tiny-random",
    "name": "Tiny random (test fixture)",
    "version": "1.0.0",
    "description": (
        "Test fixture with random weights: its output is deterministic noise. It has every part of a real bundle "
        "(tokenizer, text encoder, VAE with 4x temporal and 8x spatial compression, B,F,C,H,W denoiser layout, mask + "
        "static + hands conditioning, int64 timesteps, CogVideoX DDIM with v-prediction) at 64x48, 9 frames, so the "
        "tests can run the whole pipeline quickly. Written by tools/bundles/make_tiny_bundle.py."
    ),
    "license": "Apache-2.0",
    "baseline": False,
    "conditioning": {
        "width": WIDTH,
        "height": HEIGHT,
        "frames": FRAMES,
        "fps": 8,
        "background": [0, 0, 0],
        "handColours": {"left": [150, 235, 150], "right": [230, 115, 115]},
        "shading": "lambert",
        "fovYDefault": 67.38,
    },
    "uses": {"prompt": True, "staticVideo": True, "handsVideo": True},
    "graphs": {
        "textEncoder": {
            "file": "text_encoder.onnx",
            "inputs": {"inputIds": "input_ids"},
            "outputs": {"hiddenStates": "last_hidden_state"},
        },
        "vaeEncoder": {"file": "vae_encoder.onnx", "inputs": {"video": "video"}, "outputs": {"latent": "latent"}},
        "denoiser": {
            "file": "denoiser.onnx",
            "inputs": {"sample": "hidden_states", "timestep": "timestep", "text": "encoder_hidden_states"},
            "outputs": {"prediction": "prediction"},
        },
        "vaeDecoder": {"file": "vae_decoder.onnx", "inputs": {"latent": "latent"}, "outputs": {"video": "video"}},
    },
    "tokenizer": {"file": "tokenizer/tokenizer.json", "config": "tokenizer/tokenizer_config.json", "maxLength": MAX_LENGTH},
    "latent": {
        "channels": LATENT_CHANNELS,
        "temporalCompression": TEMPORAL,
        "spatialCompression": SPATIAL,
        "layout": "BFCHW",
        "scalingFactor": 0.7,
        "shiftFactor": 0.1,
    },
    "conditioningLayout": [{"source": "mask", "channels": MASK_CHANNELS, "value": 0}, {"source": "static"}, {"source": "hands"}],
    "timestepType": "int64",
    "scheduler": {
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
        "snrShiftScale": 1,
    },
    "defaults": {"steps": 4, "guidance": 6, "negativePrompt": "", "seed": 42},
}

TOKENIZER_CONFIG = {
    "tokenizer_class": "PreTrainedTokenizerFast",
    "model_max_length": MAX_LENGTH,
    "pad_token": "[PAD]",
    "unk_token": "[UNK]",
    "padding_side": "right",
    "truncation_side": "right",
    "clean_up_tokenization_spaces": False,
}


# --------------------------------------------------------------------------------------------
# Tokenizer


def make_tokenizer() -> Tokenizer:
    """WordLevel over VOCAB: lower-cased, split on whitespace and punctuation, unknown words -> [UNK].
    Padding (to the longest in a batch) uses [PAD] = 0; the pipeline pads and truncates to the
    manifest's maxLength itself."""
    tok = Tokenizer(models.WordLevel(vocab={w: i for i, w in enumerate(VOCAB)}, unk_token="[UNK]"))
    tok.normalizer = normalizers.Lowercase()
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.add_special_tokens(SPECIAL_TOKENS)
    tok.enable_padding(pad_id=VOCAB.index("[PAD]"), pad_token="[PAD]")
    return tok


# --------------------------------------------------------------------------------------------
# Graph helpers


def text_encoder(rng: np.random.Generator) -> onnx.ModelProto:
    """input_ids int64 [B,L] -> last_hidden_state [B,L,16] = tanh(embedding[ids] @ W + b)."""
    embedding = rng.standard_normal((len(VOCAB), TEXT_DIM)).astype(np.float32)
    weight = (rng.standard_normal((TEXT_DIM, TEXT_DIM)) / np.sqrt(TEXT_DIM)).astype(np.float32)
    bias = (0.1 * rng.standard_normal(TEXT_DIM)).astype(np.float32)
    nodes = [
        helper.make_node("Gather", ["embedding", "input_ids"], ["embedded"], axis=0, name="embed"),
        helper.make_node("MatMul", ["embedded", "proj_weight"], ["projected"], name="proj"),
        helper.make_node("Add", ["projected", "proj_bias"], ["pre_activation"], name="proj_bias_add"),
        helper.make_node("Tanh", ["pre_activation"], ["last_hidden_state"], name="tanh"),
    ]
    graph = helper.make_graph(
        nodes,
        "tiny_text_encoder",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "tokens"])],
        [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["batch", "tokens", TEXT_DIM])],
        initializer=[const("embedding", embedding), const("proj_weight", weight), const("proj_bias", bias)],
    )
    return make_model(graph, f"Tiny random text encoder: input_ids [B,L] -> tanh(Embedding({len(VOCAB)},{TEXT_DIM}) @ W + b).")


def vae_encoder(rng: np.random.Generator) -> onnx.ModelProto:
    """video [B,3,F,H,W] -> every 4th frame -> Conv3d 3->4, kernel = stride = (1,8,8) -> latent [B,4,(F-1)/4+1,H/8,W/8]."""
    fan_in = 3 * SPATIAL * SPATIAL
    weight = (rng.standard_normal((LATENT_CHANNELS, 3, 1, SPATIAL, SPATIAL)) / np.sqrt(fan_in)).astype(np.float32)
    bias = (0.1 * rng.standard_normal(LATENT_CHANNELS)).astype(np.float32)
    nodes = [
        helper.make_node("Slice", ["video", "starts", "ends", "axes", "steps"], ["key_frames"], name="every_4th_frame"),
        helper.make_node(
            "Conv",
            ["key_frames", "conv_weight", "conv_bias"],
            ["latent"],
            kernel_shape=[1, SPATIAL, SPATIAL],
            strides=[1, SPATIAL, SPATIAL],
            name="patchify",
        ),
    ]
    graph = helper.make_graph(
        nodes,
        "tiny_vae_encoder",
        [helper.make_tensor_value_info("video", TensorProto.FLOAT, ["batch", 3, "frames", "height", "width"])],
        [helper.make_tensor_value_info("latent", TensorProto.FLOAT, ["batch", LATENT_CHANNELS, "latent_frames", "latent_height", "latent_width"])],
        initializer=[
            const("starts", [0], np.int64),
            const("ends", [np.iinfo(np.int64).max], np.int64),
            const("axes", [2], np.int64),
            const("steps", [TEMPORAL], np.int64),
            const("conv_weight", weight),
            const("conv_bias", bias),
        ],
    )
    return make_model(graph, "Tiny random VAE encoder: frames 0,4,8,... then a (1,8,8)/(1,8,8) Conv3d to 4 channels.")


def vae_decoder(rng: np.random.Generator) -> onnx.ModelProto:
    """latent [B,4,F',H',W'] -> ConvTranspose3d 4->3, kernel = stride = (4,8,8) -> [B,3,4F',8H',8W'] -> first (F'-1)*4+1 frames -> tanh."""
    weight = (rng.standard_normal((LATENT_CHANNELS, 3, TEMPORAL, SPATIAL, SPATIAL)) / np.sqrt(LATENT_CHANNELS)).astype(np.float32)
    bias = (0.1 * rng.standard_normal(3)).astype(np.float32)
    nodes = [
        helper.make_node(
            "ConvTranspose",
            ["latent", "deconv_weight", "deconv_bias"],
            ["upsampled"],
            kernel_shape=[TEMPORAL, SPATIAL, SPATIAL],
            strides=[TEMPORAL, SPATIAL, SPATIAL],
            name="unpatchify",
        ),
        # 4F' frames -> the first 4F' - 3 = (F'-1)*4 + 1 (ends = -3 counts from the end).
        helper.make_node("Slice", ["upsampled", "starts", "ends", "axes"], ["trimmed"], name="trim_frames"),
        helper.make_node("Tanh", ["trimmed"], ["video"], name="to_pixel_range"),
    ]
    graph = helper.make_graph(
        nodes,
        "tiny_vae_decoder",
        [helper.make_tensor_value_info("latent", TensorProto.FLOAT, ["batch", LATENT_CHANNELS, "latent_frames", "latent_height", "latent_width"])],
        [helper.make_tensor_value_info("video", TensorProto.FLOAT, ["batch", 3, "frames", "height", "width"])],
        initializer=[
            const("deconv_weight", weight),
            const("deconv_bias", bias),
            const("starts", [0], np.int64),
            const("ends", [1 - TEMPORAL], np.int64),
            const("axes", [2], np.int64),
        ],
    )
    return make_model(graph, "Tiny random VAE decoder: (4,8,8)/(4,8,8) ConvTranspose3d to 3 channels, first (F'-1)*4+1 frames, tanh.")


def denoiser(rng: np.random.Generator) -> onnx.ModelProto:
    """hidden_states [B,F',13,H',W'] (B,F,C,H,W), timestep int64 [B], encoder_hidden_states [B,L,16]
    -> prediction [B,F',4,H',W'] = transpose(tanh(conv1x1x1(x) + time_bias + text_bias)).

    time_bias = [sin(t f), cos(t f)] @ W_t with f = 10000^(-k/8), k = 0..7;
    text_bias = mean over tokens of encoder_hidden_states @ W_e; both broadcast per channel.
    """
    half = TIME_DIM // 2
    freqs = np.exp(-np.log(10000.0) * np.arange(half) / half).astype(np.float32).reshape(1, half)
    conv_weight = (0.3 * rng.standard_normal((LATENT_CHANNELS, DENOISER_IN, 1, 1, 1)) / np.sqrt(DENOISER_IN)).astype(np.float32)
    conv_bias = (0.05 * rng.standard_normal(LATENT_CHANNELS)).astype(np.float32)
    time_weight = (0.5 * rng.standard_normal((TIME_DIM, LATENT_CHANNELS)) / np.sqrt(TIME_DIM)).astype(np.float32)
    text_weight = (1.0 * rng.standard_normal((TEXT_DIM, LATENT_CHANNELS)) / np.sqrt(TEXT_DIM)).astype(np.float32)
    nodes = [
        helper.make_node("Transpose", ["hidden_states"], ["channels_first"], perm=[0, 2, 1, 3, 4], name="to_bcfhw"),
        helper.make_node("Conv", ["channels_first", "conv_weight", "conv_bias"], ["mixed"], kernel_shape=[1, 1, 1], name="mix_channels"),
        # Sinusoidal timestep embedding [B,16] -> per-channel bias [B,4,1,1,1].
        helper.make_node("Cast", ["timestep"], ["timestep_f"], to=TensorProto.FLOAT, name="timestep_to_float"),
        helper.make_node("Unsqueeze", ["timestep_f", "axis_1"], ["timestep_col"], name="timestep_column"),
        helper.make_node("MatMul", ["timestep_col", "time_freqs"], ["phases"], name="timestep_phases"),
        helper.make_node("Sin", ["phases"], ["phases_sin"], name="timestep_sin"),
        helper.make_node("Cos", ["phases"], ["phases_cos"], name="timestep_cos"),
        helper.make_node("Concat", ["phases_sin", "phases_cos"], ["time_embedding"], axis=1, name="timestep_embedding"),
        helper.make_node("MatMul", ["time_embedding", "time_weight"], ["time_bias_bc"], name="time_proj"),
        helper.make_node("Reshape", ["time_bias_bc", "bias_shape"], ["time_bias"], name="time_bias_broadcast"),
        # Text: mean over tokens [B,16] -> per-channel bias [B,4,1,1,1].
        helper.make_node("ReduceMean", ["encoder_hidden_states"], ["text_mean"], axes=[1], keepdims=0, name="text_pool"),
        helper.make_node("MatMul", ["text_mean", "text_weight"], ["text_bias_bc"], name="text_proj"),
        helper.make_node("Reshape", ["text_bias_bc", "bias_shape"], ["text_bias"], name="text_bias_broadcast"),
        helper.make_node("Add", ["mixed", "time_bias"], ["with_time"], name="add_time"),
        helper.make_node("Add", ["with_time", "text_bias"], ["with_text"], name="add_text"),
        helper.make_node("Tanh", ["with_text"], ["out_channels_first"], name="tanh"),
        helper.make_node("Transpose", ["out_channels_first"], ["prediction"], perm=[0, 2, 1, 3, 4], name="to_bfchw"),
    ]
    graph = helper.make_graph(
        nodes,
        "tiny_denoiser",
        [
            helper.make_tensor_value_info(
                "hidden_states", TensorProto.FLOAT, ["batch", "latent_frames", DENOISER_IN, "latent_height", "latent_width"]
            ),
            helper.make_tensor_value_info("timestep", TensorProto.INT64, ["batch"]),
            helper.make_tensor_value_info("encoder_hidden_states", TensorProto.FLOAT, ["batch", "tokens", TEXT_DIM]),
        ],
        [
            helper.make_tensor_value_info(
                "prediction", TensorProto.FLOAT, ["batch", "latent_frames", LATENT_CHANNELS, "latent_height", "latent_width"]
            )
        ],
        initializer=[
            const("conv_weight", conv_weight),
            const("conv_bias", conv_bias),
            const("axis_1", [1], np.int64),
            const("time_freqs", freqs),
            const("time_weight", time_weight),
            const("text_weight", text_weight),
            const("bias_shape", [-1, LATENT_CHANNELS, 1, 1, 1], np.int64),
        ],
    )
    return make_model(
        graph,
        "Tiny random denoiser (B,F,C,H,W): 1x1x1 Conv 13->4 plus per-channel biases from a sinusoidal timestep "
        "embedding and from the token-mean of the text embedding, tanh.",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT.relative_to(REPO)})")
    out: Path = parser.parse_args().out
    (out / "tokenizer").mkdir(parents=True, exist_ok=True)

    # One generator, graphs built in a fixed order: the weights depend only on SEED.
    rng = np.random.default_rng(SEED)
    graphs = [
        ("text_encoder.onnx", text_encoder(rng)),
        ("vae_encoder.onnx", vae_encoder(rng)),
        ("denoiser.onnx", denoiser(rng)),
        ("vae_decoder.onnx", vae_decoder(rng)),
    ]
    for name, model in graphs:
        (out / name).write_bytes(model.SerializeToString(deterministic=True))

    tokenizer_json = json.loads(make_tokenizer().to_str())
    (out / "tokenizer" / "tokenizer.json").write_text(format_json(tokenizer_json), encoding="utf-8", newline="\n")
    (out / "tokenizer" / "tokenizer_config.json").write_text(format_json(TOKENIZER_CONFIG), encoding="utf-8", newline="\n")
    (out / "manifest.json").write_text(format_json(MANIFEST), encoding="utf-8", newline="\n")

    total = 0
    for root, _, files in sorted(os.walk(out)):
        for name in sorted(files):
            size = (Path(root) / name).stat().st_size
            total += size
            print(f"{Path(root) / name}  {size} bytes")
    print(f"total {total} bytes")


if __name__ == "__main__":
    main()
