"""Loads a dataset written by the studio with lerobot itself (LeRobotDataset) and reads frames back.

Skipped, with the reason printed, when lerobot cannot be imported. lerobot is not in
requirements.txt: it pins torch < 2.11 (0.4.x) and needs Python >= 3.12 from 0.5 on, so it is
installed by hand into a separate environment, e.g. for Python 3.11:

    python3.11 -m venv .venv-lerobot
    .venv-lerobot/bin/pip install torch==2.13.0                 # the CPU build
    .venv-lerobot/bin/pip install --no-deps lerobot==0.4.4
    .venv-lerobot/bin/pip install "datasets>=4,<5" "huggingface-hub>=0.34.2,<0.36" "av>=15,<16" \
        "accelerate>=1.10,<2" jsonlines einops opencv-python-headless draccus==0.10.0 gymnasium \
        termcolor deepdiff "imageio[ffmpeg]" "setuptools<81" torchcodec==0.13.0 pytest pandas pyarrow

plus a torchvision that imports next to that torch (lerobot.datasets imports torchvision at module
level; its video decoding uses torchcodec).
"""

import inspect
import json
import os
import tempfile
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_CACHE", tempfile.mkdtemp(prefix="hf-datasets-"))

try:
    from lerobot.datasets.compute_stats import aggregate_stats, get_feature_stats, sample_indices
    from lerobot.datasets.lerobot_dataset import CODEBASE_VERSION, LeRobotDataset
except Exception as err:  # ImportError, or a binary dependency (torch, torchvision, torchcodec) that fails to load
    reason = f"lerobot cannot be imported: {type(err).__name__}: {err}"
    print(f"\ntest_lerobot_load.py skipped: {reason}")
    pytest.skip(reason, allow_module_level=True)

from test_lerobot_export import VIDEO_KEYS, decode_rgb, make_dataset  # noqa: E402

STAT_KEYS = ["min", "max", "mean", "std", "count", "q01", "q10", "q50", "q90", "q99"]


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("lerobot-load")
    make_dataset(work)
    return work


@pytest.fixture(scope="module")
def source(work) -> dict:
    return json.loads((work / "episodes.json").read_text())


@pytest.fixture(scope="module")
def dataset(work):
    assert "root" in inspect.signature(LeRobotDataset.__init__).parameters
    return LeRobotDataset(repo_id="local/test", root=work / "dataset")


def source_frames(source: dict, episode: int, role: str) -> np.ndarray:
    """The episode's clip decoded by ffmpeg, as lerobot returns frames: float32 (n, 3, h, w) in [0, 1]."""
    rgb = decode_rgb(Path(source["episodes"][episode]["videos"][role]), source["width"], source["height"])
    return rgb.transpose(0, 3, 1, 2).astype(np.float32) / 255


def test_metadata(dataset, source):
    eps = source["episodes"]
    assert CODEBASE_VERSION == "v3.0"
    assert dataset.meta.info["codebase_version"] == "v3.0"
    assert len(dataset) == dataset.num_frames == sum(e["frames"] for e in eps)
    assert dataset.num_episodes == len(eps)
    assert dataset.fps == source["fps"]
    assert dataset.meta.video_keys == list(VIDEO_KEYS.values())
    assert dataset.meta.names["observation.state"] == eps[0]["state"]["names"]
    assert list(dataset.meta.tasks.index) == list(dict.fromkeys(e["task"] for e in eps))
    assert set(dataset.meta.stats) == set(dataset.meta.features)


def test_frames(dataset, source):
    item = dataset[0]
    ego = item["observation.images.egocentric"]
    assert tuple(ego.shape) == (3, source["height"], source["width"])
    assert str(ego.dtype) == "torch.float32"
    assert 0.0 <= float(ego.min()) and float(ego.max()) <= 1.0
    assert tuple(item["observation.state"].shape) == (len(source["episodes"][0]["state"]["names"]),)
    np.testing.assert_array_equal(item["observation.state"].numpy(), np.array(source["episodes"][0]["state"]["values"][0], dtype=np.float32))
    assert item["task"] == source["episodes"][0]["task"]

    # First and last frame of every episode, and one inside: each camera shows that frame of that episode's clip.
    start = 0
    for e, ep in enumerate(source["episodes"]):
        for f in sorted({0, ep["frames"] // 2, ep["frames"] - 1}):
            item = dataset[start + f]
            assert int(item["episode_index"]) == e and int(item["frame_index"]) == f
            np.testing.assert_array_equal(item["action"].numpy(), np.array(ep["action"]["values"][f], dtype=np.float32))
            for role, key in VIDEO_KEYS.items():
                clip = source_frames(source, e, role)
                frame = item[key].numpy()
                diffs = np.abs(clip - frame[None]).mean(axis=(1, 2, 3))
                # The test clips' frames differ from their neighbours by about 0.1 on average; lerobot's frame must be
                # that frame of that clip (torchcodec's YUV->RGB may differ from ffmpeg's by a level or two).
                assert int(np.argmin(diffs)) == f, (key, e, f, diffs)
                assert diffs[f] < 0.01, (key, e, f, diffs[f])
        start += ep["frames"]


def test_delta_timestamps(work, source):
    dt = 1 / source["fps"]
    ds = LeRobotDataset(
        repo_id="local/test",
        root=work / "dataset",
        delta_timestamps={"observation.images.egocentric": [-dt, 0.0, dt], "action": [0.0, dt]},
    )
    first = source["episodes"][0]["frames"]
    item = ds[first]  # first frame of episode 1: the frame before it is outside the episode
    assert tuple(item["observation.images.egocentric"].shape) == (3, 3, source["height"], source["width"])
    assert item["observation.images.egocentric_is_pad"].tolist() == [True, False, False]
    last = first + source["episodes"][1]["frames"] - 1
    assert ds[last]["observation.images.egocentric_is_pad"].tolist() == [False, False, True]
    assert ds[last]["action_is_pad"].tolist() == [False, True]


def test_stats_agree_with_lerobot(work, dataset, source):
    """Per-episode stats equal lerobot's get_feature_stats on the same data; stats.json's video stats equal its aggregate_stats."""
    import pyarrow.parquet as pq

    episodes = pq.read_table(work / "dataset/meta/episodes/chunk-000/file-000.parquet").to_pylist()
    data = dataset.hf_dataset.with_format("numpy")
    start = 0
    per_episode = []
    for e, ep in enumerate(source["episodes"]):
        ours_all = {}
        for key, ft in dataset.meta.features.items():
            ours = {s: np.array(episodes[e][f"stats/{key}/{s}"], dtype=np.float64) for s in STAT_KEYS}
            if ft["dtype"] == "video":
                role = next(r for r, k in VIDEO_KEYS.items() if k == key)
                idx = sample_indices(ep["frames"])
                imgs = decode_rgb(Path(ep["videos"][role]), source["width"], source["height"])[idx].transpose(0, 3, 1, 2)
                # Given float64 pixels: lerobot computes std as sqrt(E[x^2] - E[x]^2) in the input's dtype, which for
                # uint8 overflows in 0.4.4 and loses digits in float32 (0.6 promotes to float32); the writer is exact.
                theirs = get_feature_stats(imgs.astype(np.float64), axis=(0, 2, 3), keepdims=True)
                theirs = {k: v if k == "count" else np.squeeze(v / 255.0, axis=0) for k, v in theirs.items()}
            else:
                col = np.asarray(data[start : start + ep["frames"]][key])
                theirs = get_feature_stats(col.astype(np.float64), axis=0, keepdims=col.ndim == 1)
            for s in STAT_KEYS:
                np.testing.assert_allclose(ours[s].reshape(-1), np.asarray(theirs[s], dtype=np.float64).reshape(-1), rtol=1e-9, atol=1e-12, err_msg=f"{e} {key} {s}")
            ours_all[key] = {s: v.reshape(theirs[s].shape) if s != "count" else v.astype(np.int64) for s, v in ours.items()}
        per_episode.append(ours_all)
        start += ep["frames"]
    aggregated = aggregate_stats(per_episode)
    stats = json.loads((work / "dataset/meta/stats.json").read_text())
    for key in VIDEO_KEYS.values():
        for s in STAT_KEYS:
            np.testing.assert_allclose(np.ravel(stats[key][s]), np.ravel(aggregated[key][s]), rtol=1e-12, err_msg=f"{key} {s}")
