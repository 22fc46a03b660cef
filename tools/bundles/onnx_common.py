"""Shared by the bundle scripts: ONNX model assembly and JSON written the way biome prints it."""

from __future__ import annotations

import json

import numpy as np
import onnx
from onnx import helper, numpy_helper

# Opset 17 / IR 8: what onnxruntime 1.x and the onnx checker both accept without warnings.
OPSET = 17
IR_VERSION = 8


def const(name: str, value, dtype=np.float32) -> onnx.TensorProto:
    return numpy_helper.from_array(np.asarray(value, dtype=dtype), name)


def make_model(graph: onnx.GraphProto, doc: str, producer: str) -> onnx.ModelProto:
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", OPSET)],
        producer_name=producer,
        producer_version="1",
        doc_string=doc,
    )
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model, full_check=True)
    onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
    return model


# --------------------------------------------------------------------------------------------
# JSON written the way the repository's formatter (biome: 2-space indent, 140 columns) prints
# it, so `biome check .` passes on the generated files: objects always expanded, arrays of
# scalars on one line when they fit.


def format_json(value) -> str:
    return _fmt(value, 0, 0) + "\n"


def _scalar(v) -> str:
    return json.dumps(v, ensure_ascii=False)


def _inline(v):
    if isinstance(v, dict):
        return None if v else "{}"
    if isinstance(v, list):
        parts = [_inline(x) for x in v]
        return None if any(p is None for p in parts) else "[" + ", ".join(parts) + "]"
    return _scalar(v)


def _fmt(v, indent: int, column: int) -> str:
    pad = " " * indent
    if isinstance(v, dict):
        if not v:
            return "{}"
        lines = []
        for k, x in v.items():
            head = pad + "  " + json.dumps(k, ensure_ascii=False) + ": "
            lines.append(head + _fmt(x, indent + 2, len(head)))
        return "{\n" + ",\n".join(lines) + "\n" + pad + "}"
    if isinstance(v, list):
        flat = _inline(v)
        if flat is not None and column + len(flat) + 1 <= 140:
            return flat
        lines = [pad + "  " + _fmt(x, indent + 2, indent + 2) for x in v]
        return "[\n" + ",\n".join(lines) + "\n" + pad + "]"
    return _scalar(v)
