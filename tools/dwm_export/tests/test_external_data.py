"""A bundle graph with 2.5 GB of weights in an external-data file loads and runs through the studio.

Writes, in pytest's tmp_path, a copy of the tiny-random test bundle whose VAE decoder carries one
extra float32 initializer of 625M elements (2.5e9 bytes) stored as ONNX external data in
vae_decoder.onnx.data, declared under graphs.vaeDecoder.externalData in the manifest. The decoder
keeps its inputs and outputs (so it still matches the manifest) and gains one output,
`far_values`: a Gather of the initializer at a few indices, most of them past the 2 GiB byte
offset. The file is zeros except at those indices, so the output proves the far bytes were read.
A second bundle (hard-linked to the same data file) has a Gather over constants only, which
onnxruntime's constant folding evaluates while loading: it shows what folding costs in memory.

tools/dwm_export/node/load-external-data.ts then loads each bundle with the studio's loadBundle
and SessionCache (CPU) and runs the decoder; it also times bundleHash and tries loading the graph
from a Buffer. Figures are printed (pytest -s); docs/model-bundles.md ("Graphs over 2 GB") has
them. Needs 6 GB free in the temp folder, else skips; the work folder is removed at the end.

    python -m pytest tools/dwm_export/tests/test_external_data.py -s -q
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper
from onnx.external_data_helper import set_external_data

try:
    import resource
except ImportError:  # Windows
    resource = None

REPO = Path(__file__).resolve().parents[3]
TINY = REPO / "tests" / "fixtures" / "bundles" / "tiny-random"
SCRIPT = "tools/dwm_export/node/load-external-data.ts"

ELEMENTS = 625_000_000  # float32 -> 2.5e9 bytes, past both 2^31 (signed 32-bit) and protobuf's 2 GB
DATA_FILE = "vae_decoder.onnx.data"
GIB_ELEMENT = 2**31 // 4  # the first float32 element whose bytes lie past the 2 GiB offset
# Known nonzero values (exact in float32) at these indices; everything else is zero.
PROBES = {
    0: 1.5,
    GIB_ELEMENT - 1: 2.25,
    GIB_ELEMENT: -3.5,
    GIB_ELEMENT + 1: 4.75,
    600_000_000: 8.125,
    ELEMENTS - 1: -16.0625,
}
FREE_NEEDED = 6e9
CHUNK = 64 * 2**20  # bytes of zeros written at a time: Python's peak memory stays near this


def write_weights(path: Path) -> None:
    """ELEMENTS float32 zeros with PROBES written in place, in chunks (never the whole array in memory)."""
    total = ELEMENTS * 4
    zeros = bytes(CHUNK)
    with open(path, "wb") as f:
        written = 0
        while written < total:
            n = min(CHUNK, total - written)
            f.write(zeros if n == CHUNK else bytes(n))
            written += n
        for index, value in PROBES.items():
            f.seek(index * 4)
            f.write(np.float32(value).tobytes())
        f.flush()
        os.fsync(f.fileno())


def drop_from_page_cache(path: Path) -> None:
    """Ask the kernel to forget the file's cached pages, so the next read comes from disk (best effort)."""
    if hasattr(os, "posix_fadvise"):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


def big_decoder(tiny_decoder: Path, foldable: bool) -> onnx.ModelProto:
    """The tiny decoder plus the external initializer and two outputs (no weight bytes in memory).

    `far_values`: the weights at PROBES' indices; `far_sum`: the sum of all 625M weights (so every
    byte of the file is read). foldable=False (the normal case): the indices and the reduced axis
    depend on the input (int64(sum(latent)), 0 for the zeros the script feeds), as real weights
    meet runtime tensors, so both are computed by session.run. foldable=True: both read constants
    only, so onnxruntime's constant folding (graphOptimizationLevel 'basic' and above) computes
    them while creating the session.
    """
    model = onnx.load(tiny_decoder)
    # set_external_data wants a raw_data field to move out; an empty one stands in (the bytes are
    # written straight to the file by write_weights) and is cleared again.
    weights = TensorProto(name="far_weights", data_type=TensorProto.FLOAT, dims=[ELEMENTS], raw_data=b"")
    set_external_data(weights, location=DATA_FILE, offset=0, length=ELEMENTS * 4)
    weights.ClearField("raw_data")
    g = model.graph
    g.initializer.extend(
        [
            weights,
            helper.make_tensor("far_indices", TensorProto.INT64, [len(PROBES)], list(PROBES)),
            helper.make_tensor("axis_0", TensorProto.INT64, [1], [0]),
        ]
    )
    if foldable:
        indices, axes = "far_indices", "axis_0"
    else:
        indices, axes = "far_at", "far_axes"
        g.node.extend(
            [
                helper.make_node("ReduceSum", ["latent"], ["latent_sum"], keepdims=0),
                helper.make_node("Cast", ["latent_sum"], ["latent_shift"], to=TensorProto.INT64),
                helper.make_node("Add", ["far_indices", "latent_shift"], [indices]),
                helper.make_node("Unsqueeze", ["latent_shift", "axis_0"], [axes]),
            ]
        )
    g.node.extend(
        [
            helper.make_node("Gather", ["far_weights", indices], ["far_values"], axis=0),
            helper.make_node("ReduceSum", ["far_weights", axes], ["far_sum"], keepdims=0),
        ]
    )
    g.output.extend(
        [
            helper.make_tensor_value_info("far_values", TensorProto.FLOAT, [len(PROBES)]),
            helper.make_tensor_value_info("far_sum", TensorProto.FLOAT, []),
        ]
    )
    return model


def write_bundle(bundle: Path, foldable: bool, weights_from: Path | None = None, link: str = "hard") -> Path:
    """A copy of tiny-random whose vaeDecoder is big_decoder().

    weights_from: instead of writing a data file, link to that one (link "hard" or "symlink").
    """
    shutil.copytree(TINY, bundle)
    model = big_decoder(TINY / "vae_decoder.onnx", foldable)
    # Serialise ourselves: the proto holds only the data's location, so it is a few kilobytes.
    (bundle / "vae_decoder.onnx").write_bytes(model.SerializeToString())
    if weights_from is None:
        write_weights(bundle / DATA_FILE)
        # The checker follows the external-data reference (the file exists inside the folder, is
        # not a link) without reading it. It refuses hard links and symlinks, so only checked here.
        onnx.checker.check_model(str(bundle / "vae_decoder.onnx"))
    elif link == "hard":
        os.link(weights_from, bundle / DATA_FILE)
    else:
        os.symlink(weights_from, bundle / DATA_FILE)
    manifest = json.loads((TINY / "manifest.json").read_text())
    manifest["id"] = bundle.name
    manifest["name"] = "Tiny random with a 2.5 GB external initializer (test)"
    manifest["graphs"]["vaeDecoder"]["externalData"] = [DATA_FILE]
    (bundle / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return bundle


def node(bundle: Path, mode: str) -> dict:
    proc = subprocess.run(
        ["npx", "tsx", SCRIPT, str(bundle), "--graph", "vaeDecoder", "--mode", mode],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, f"{SCRIPT} --mode {mode} failed:\n{proc.stdout}\n{proc.stderr}"
    return json.loads(proc.stdout.strip().splitlines()[-1])


def gb(n: float) -> str:
    return f"{n / 1e9:.2f} GB"


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    """The work folder, removed afterwards so no multi-GB file outlives the run (pytest keeps old tmp dirs)."""
    if shutil.which("npx") is None:
        pytest.fail("npx is not on PATH; this test runs the studio's loader with node (npx tsx)")
    root = tmp_path_factory.mktemp("external-data")
    free = shutil.disk_usage(root).free
    if free < FREE_NEEDED:
        reason = f"needs {gb(FREE_NEEDED)} free in {root}, has {gb(free)}"
        print(f"\nSKIP: {reason}")
        pytest.skip(reason)
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def bundle(root: Path) -> Path:
    start = time.perf_counter()
    bundle = write_bundle(root / "big-external", foldable=False)
    size = (bundle / DATA_FILE).stat().st_size
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 if resource else 0
    print(f"\nwrote {DATA_FILE}: {size} bytes ({gb(size)}) in {time.perf_counter() - start:.1f} s; Python peak RSS {gb(peak)}")
    return bundle


@pytest.fixture(scope="module")
def folded_bundle(root: Path, bundle: Path) -> Path:
    return write_bundle(root / "big-external-folded", foldable=True, weights_from=bundle / DATA_FILE)


def studio_run(bundle: Path) -> dict:
    drop_from_page_cache(bundle / DATA_FILE)
    r = node(bundle, "studio")
    assert r["ok"], r["error"]
    print(
        f"studio loader (SessionCache, cpu) on {bundle.name}: load {r['loadSeconds']:.2f} s, run {r['runSeconds']:.3f} s, "
        f"RSS after load {gb(r['rssAfterLoadBytes'])}, peak RSS {gb(r['peakRssBytes'])}; "
        f"then bundleHash {r['hashSeconds']:.2f} s ({gb(r['bundleBytes'])}), again (cached) {r['hashCachedSeconds']:.4f} s"
    )
    assert r["provider"] == "cpu"
    assert r["outputs"]["far_values"]["values"] == list(PROBES.values()), "wrong bytes read from the external data"
    assert r["outputs"]["far_sum"]["values"] == [sum(PROBES.values())], "the weights do not sum to the values written"
    # The decoder's own output is still there and shaped [1, 3, F, H, W].
    assert len(r["outputs"]["video"]["dims"]) == 5
    return r


def test_studio_loads_and_runs_graph_with_external_data_over_2gb(bundle: Path) -> None:
    assert (bundle / DATA_FILE).stat().st_size == ELEMENTS * 4 > 2**31
    r = studio_run(bundle)
    # onnxruntime maps the external file into memory: creating the session reads (almost) none of
    # it and copies nothing; the run then pages the weights in (file-backed, so they count in RSS
    # once, not twice).
    assert r["rssAfterLoadBytes"] < ELEMENTS * 4 / 4, "creating the session read the external weights into memory"
    assert r["peakRssBytes"] < ELEMENTS * 4 * 1.5, "the external weights were copied"


def test_constant_folding_over_external_weights_copies_them(folded_bundle: Path) -> None:
    """Documents a limit, asserts only correctness: folding a node over the weights copies them (peak about 2x)."""
    r = studio_run(folded_bundle)
    print(f"  constant-folded graph: peak RSS / weight bytes = {r['peakRssBytes'] / (ELEMENTS * 4):.2f}")


def test_symlinked_external_data_outside_the_bundle_is_refused(root: Path, bundle: Path) -> None:
    """onnxruntime refuses an external-data file whose real path is outside the graph's folder."""
    try:
        linked = write_bundle(root / "big-external-symlink", foldable=False, weights_from=bundle / DATA_FILE, link="symlink")
    except OSError as err:  # e.g. Windows without the symlink privilege
        pytest.skip(f"cannot make a symlink here: {err}")
    r = node(linked, "studio")
    print(f"symlinked data file pointing outside the bundle: {'ok' if r['ok'] else 'fails: ' + r['error']}")
    assert not r["ok"]
    assert "onnxruntime cannot load it" in r["error"] and "escapes model directory" in r["error"]


def test_bundle_hash_of_external_data_from_cold_cache(bundle: Path) -> None:
    drop_from_page_cache(bundle / DATA_FILE)
    r = node(bundle, "hash")
    rate = r["bundleBytes"] / r["hashSeconds"] / 1e9
    print(f"bundleHash, file dropped from the page cache first: {r['hashSeconds']:.2f} s for {gb(r['bundleBytes'])} ({rate:.2f} GB/s)")
    assert len(r["hash"]) == 64


def test_loading_from_a_buffer(bundle: Path) -> None:
    """From memory onnxruntime has no model path: the external data is only found when told the folder."""
    plain = node(bundle, "buffer")
    print(f"InferenceSession.create(Buffer): {'ok' if plain['ok'] else 'fails: ' + plain['error']}")
    folder = node(bundle, "buffer-folder")
    print(
        "InferenceSession.create(Buffer) with session.model_external_initializers_file_folder_path: "
        + (f"ok, load {folder['loadSeconds']:.2f} s, peak RSS {gb(folder['peakRssBytes'])}" if folder["ok"] else "fails: " + folder["error"])
    )
    assert not plain["ok"] and "external data" in plain["error"].lower()
    assert folder["ok"]
    assert folder["outputs"]["far_values"]["values"] == list(PROBES.values())
