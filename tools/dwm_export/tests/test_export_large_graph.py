"""The exporter's path for graphs over protobuf's 2 GB, as the real 5b transformer (about 11 GB
in fp16) and T5 encoder (about 9.5 GB) take it: torch writes its own external data (one file per
tensor), the exporter streams it into one `<graph>.onnx.data` file, and onnxruntime reads it back.

Also measured here (printed with -s): the legacy torch.onnx exporter's peak memory is about 4x
the weights for plain linear layers, so exporting the 5b's 11 GB transformer wants on the order
of 48 GB of RAM (see README)."""

from __future__ import annotations

import resource
import shutil

import numpy as np
import onnx
import pytest
import torch
from dwm_export.onnx_save import export_graph

WIDTH = 16384  # two 16384x16384 float32 layers: 2.15e9 bytes, over protobuf's 2 GiB


def big_model() -> torch.nn.Module:
    m = torch.nn.Sequential(torch.nn.Linear(WIDTH, WIDTH), torch.nn.Linear(WIDTH, WIDTH)).eval()
    with torch.no_grad():
        # distinct per layer and per row, so a tensor read from the wrong offset changes the output
        for k, layer in enumerate(m):
            layer.weight.copy_(torch.linspace(-1, 1, WIDTH).unsqueeze(1).expand(WIDTH, WIDTH) * (k + 1) / WIDTH)
            layer.bias.copy_(torch.linspace(0, 1, WIDTH) * (k + 1))
    return m


def test_a_graph_over_2_gb_ends_up_with_one_data_file(tmp_path):
    free = shutil.disk_usage(tmp_path).free
    if free < 9e9:
        pytest.skip(f"needs 9 GB free in {tmp_path}, has {free / 1e9:.1f} GB")
    model = big_model()
    x = torch.linspace(-1, 1, WIDTH).unsqueeze(0)
    with torch.no_grad():
        expected = model(x).numpy()
    out = tmp_path / "big.onnx"
    external = export_graph(model, (x,), out, ["x"], ["y"])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    del model
    print(f"\nexported 2.15 GB of weights; this process's peak RSS {peak:.1f} GB")
    assert external == ["big.onnx.data"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.onnx", "big.onnx.data"]
    assert out.stat().st_size < 1_000_000
    assert (tmp_path / "big.onnx.data").stat().st_size >= 2 * WIDTH * WIDTH * 4
    proto = onnx.load(str(out), load_external_data=False)
    big = [t for t in proto.graph.initializer if len(t.dims) == 2]
    assert len(big) == 2 and all(t.data_location == onnx.TensorProto.EXTERNAL for t in big)
    import onnxruntime as ort

    y = ort.InferenceSession(str(out), providers=["CPUExecutionProvider"]).run(None, {"x": x.numpy()})[0]
    np.testing.assert_allclose(y, expected, rtol=1e-4, atol=1e-4)
