"""The documented export command without the real weights: it checks its arguments and the
folder layout and says exactly what is missing, before loading anything."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from dwm_export.layout import LayoutError, check_cogvideox_fun, check_dwm_lora

TOOLS = Path(__file__).resolve().parents[1]


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dwm_export", *args], cwd=TOOLS, capture_output=True, text=True)


def test_complete_folders_pass_the_check(tiny_checkpoints):
    base, lora = tiny_checkpoints
    r = cli("cogvideox", "--base", str(base), "--lora", str(lora), "--check-only")
    assert r.returncode == 0, r.stderr
    assert "the folders are complete" in r.stdout


def test_missing_folders_are_named(tmp_path):
    r = cli("cogvideox", "--base", str(tmp_path / "nope"), "--lora", str(tmp_path / "nada"), "--out", str(tmp_path / "b"))
    assert r.returncode == 2
    assert f"{tmp_path / 'nope'}: not a folder" in r.stderr


def test_every_missing_file_is_listed_at_once(tiny_checkpoints, tmp_path):
    base = tmp_path / "base"
    shutil.copytree(tiny_checkpoints[0], base)
    (base / "vae" / "diffusion_pytorch_model.safetensors").unlink()
    shutil.rmtree(base / "tokenizer")
    (base / "scheduler" / "scheduler_config.json").unlink()
    with pytest.raises(LayoutError) as err:
        check_cogvideox_fun(base)
    problems = "\n".join(err.value.problems)
    assert f"{base / 'vae'}: no weights" in problems
    assert f"{base / 'tokenizer'}: no spiece.model or tokenizer.json" in problems
    assert f"{base / 'scheduler' / 'scheduler_config.json'}: missing" in problems
    assert len(err.value.problems) == 3


def test_a_sharded_checkpoint_needs_every_shard(tiny_checkpoints, tmp_path):
    base = tmp_path / "base"
    shutil.copytree(tiny_checkpoints[0], base)
    weights = base / "transformer" / "diffusion_pytorch_model.safetensors"
    weights.rename(base / "transformer" / "diffusion_pytorch_model-00001-of-00002.safetensors")
    index = {"weight_map": {"a": "diffusion_pytorch_model-00001-of-00002.safetensors", "b": "diffusion_pytorch_model-00002-of-00002.safetensors"}}
    (base / "transformer" / "diffusion_pytorch_model.safetensors.index.json").write_text(json.dumps(index))
    with pytest.raises(LayoutError, match="transformer: no weights"):
        check_cogvideox_fun(base)
    (base / "transformer" / "diffusion_pytorch_model-00002-of-00002.safetensors").write_bytes(b"")
    check_cogvideox_fun(base)


def test_a_non_inpainting_checkpoint_is_refused(tiny_checkpoints, tmp_path):
    base = tmp_path / "base"
    shutil.copytree(tiny_checkpoints[0], base)
    cfg = json.loads((base / "transformer" / "config.json").read_text())
    cfg["in_channels"] = 4
    (base / "transformer" / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(LayoutError, match="is this the -InP model"):
        check_cogvideox_fun(base)


def test_lora_folder_without_weights(tmp_path):
    (tmp_path / "lora").mkdir()
    with pytest.raises(LayoutError, match="pytorch_lora_weights.safetensors: missing"):
        check_dwm_lora(tmp_path / "lora")


def test_lora_without_the_widened_input_layer_is_refused(tiny_checkpoints, tmp_path):
    base, lora = tiny_checkpoints
    bad = tmp_path / "lora"
    shutil.copytree(lora, bad)
    (bad / "non_lora_weights.safetensors").unlink()
    r = cli("cogvideox", "--base", str(base), "--lora", str(bad), "--out", str(tmp_path / "bundle"), "--width", "64", "--height", "48", "--frames", "9")
    assert r.returncode == 2
    assert "no patch_embed.proj.weight" in r.stderr
    assert not (tmp_path / "bundle").exists()


def test_video_size_is_checked(tiny_checkpoints, tmp_path):
    base, lora = tiny_checkpoints
    r = cli("cogvideox", "--base", str(base), "--lora", str(lora), "--out", str(tmp_path / "b"), "--width", "70", "--frames", "10")
    assert r.returncode == 2
    assert "multiples of 16" in r.stderr and "frames - 1 must be a multiple of 4" in r.stderr
