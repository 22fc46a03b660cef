"""Trace a PyTorch module to ONNX and store it the way the studio loads it.

Graphs whose weights pass EXTERNAL_THRESHOLD keep them in one `<graph>.onnx.data` file beside
the graph: protobuf cannot hold a model over 2 GB, and onnxruntime reads external data relative
to the graph's path. Smaller graphs stay a single file.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import onnx
import torch

OPSET = 17
# Well under protobuf's 2 GB so the graph structure itself always fits.
EXTERNAL_THRESHOLD = 1_500_000_000


def export_graph(
    module: torch.nn.Module,
    args: tuple,
    out: Path,
    input_names: list[str],
    output_names: list[str],
    dynamic_axes: dict | None = None,
) -> list[str]:
    """Write `out` (and its external-data file when needed); returns the external-data file names."""
    module.eval()
    with tempfile.TemporaryDirectory(dir=out.parent) as tmp:
        traced = Path(tmp) / "graph.onnx"
        with torch.no_grad():
            torch.onnx.export(
                module,
                args,
                str(traced),
                dynamo=False,
                opset_version=OPSET,
                input_names=input_names,
                output_names=output_names,
                dynamic_axes=dynamic_axes or {},
                do_constant_folding=True,
            )
        model = onnx.load(str(traced), load_external_data=True)
        weights = sum(t.ByteSize() for t in model.graph.initializer)
        data_name = f"{out.name}.data"
        for stale in (out, out.parent / data_name):
            if stale.exists():
                stale.unlink()
        if weights > EXTERNAL_THRESHOLD:
            onnx.save_model(model, str(out), save_as_external_data=True, all_tensors_to_one_file=True, location=data_name, size_threshold=1024)
            external = [data_name]
        else:
            onnx.save_model(model, str(out))
            external = []
    # The checker on the path (not the object) so graphs over 2 GB are checked too.
    onnx.checker.check_model(str(out))
    return external
