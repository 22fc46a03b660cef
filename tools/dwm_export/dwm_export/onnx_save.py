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
        data_name = f"{out.name}.data"
        for stale in (out, out.parent / data_name):
            if stale.exists():
                stale.unlink()
        # Over 2 GB torch has already written the weights as external data, one file per tensor:
        # gather them into one file by streaming, so the weights are never all in memory again.
        model = onnx.load(str(traced), load_external_data=False)
        if any(_is_external(t) for t in model.graph.initializer):
            _gather_external(model, Path(tmp), out.parent / data_name)
            onnx.save_model(model, str(out))
            external = [data_name]
        elif sum(t.ByteSize() for t in model.graph.initializer) > EXTERNAL_THRESHOLD:
            onnx.save_model(model, str(out), save_as_external_data=True, all_tensors_to_one_file=True, location=data_name, size_threshold=1024)
            external = [data_name]
        else:
            onnx.save_model(model, str(out))
            external = []
    # The checker on the path (not the object) so graphs over 2 GB are checked too.
    onnx.checker.check_model(str(out))
    return external


def _is_external(t: onnx.TensorProto) -> bool:
    return t.data_location == onnx.TensorProto.EXTERNAL


def _gather_external(model: onnx.ModelProto, src_dir: Path, data_file: Path, chunk: int = 64 << 20) -> None:
    """Copy every external tensor into `data_file` (64-byte aligned, as onnx writes it) and point the graph there."""
    with open(data_file, "wb") as dst:
        for t in model.graph.initializer:
            if not _is_external(t):
                continue
            info = {e.key: e.value for e in t.external_data}
            offset = int(info.get("offset", 0))
            length = int(info["length"]) if "length" in info else (src_dir / info["location"]).stat().st_size - offset
            pad = (-dst.tell()) % 64
            dst.write(b"\0" * pad)
            at = dst.tell()
            with open(src_dir / info["location"], "rb") as src:
                src.seek(offset)
                left = length
                while left:
                    block = src.read(min(chunk, left))
                    if not block:
                        raise OSError(f"{src_dir / info['location']}: ended {left} bytes early")
                    dst.write(block)
                    left -= len(block)
            del t.external_data[:]
            for key, value in (("location", data_file.name), ("offset", str(at)), ("length", str(length))):
                entry = t.external_data.add()
                entry.key, entry.value = key, value
