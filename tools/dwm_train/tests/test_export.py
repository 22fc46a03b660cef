"""The exported ONNX denoiser computes what PyTorch computes (a non-trivial, perturbed model)."""

import json

import torch

from dwm_train.export import export_bundle, verify
from dwm_train.model import Denoiser


def test_export_matches_torch(tmp_path):
    torch.manual_seed(1)
    model = Denoiser().eval()
    with torch.no_grad():  # make every zero-initialised layer non-zero so the whole net is exercised
        for p in model.parameters():
            if p.abs().max() == 0:
                p.normal_(0, 0.02)
    info = export_bundle(None, tmp_path / "bundle", model=model, log=print)
    assert info["max_abs_diff"] < 1e-4
    assert verify(model, tmp_path / "bundle" / "denoiser.onnx", shape=(1, 9, 4, 16, 24), seed=3) < 1e-4
    m = json.loads((tmp_path / "bundle" / "manifest.json").read_text())
    assert m["id"] == "dwm-synth-small" and m["baseline"] is False and m["uses"]["prompt"] is False
    assert sorted(p.name for p in (tmp_path / "bundle").iterdir()) == ["denoiser.onnx", "manifest.json", "vae_decoder.onnx", "vae_encoder.onnx"]
    assert info["bundle_bytes"] < 20e6
    assert not (tmp_path / ".bundle.staging").exists()
