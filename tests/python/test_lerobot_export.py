"""Checks a LeRobot v3.0 dataset written by the studio's Node writer, with pyarrow, pandas and numpy only.

The dataset is made by tests/python/make_dataset.ts (two episodes written, a third appended) from
test videos it generates with ffmpeg. The expectations are lerobot's v3.0 layout as read from
huggingface/lerobot (tag v0.4.4, src/lerobot/datasets/utils.py, lerobot_dataset.py,
compute_stats.py, video_utils.py) and a dataset that lerobot 0.4.4 itself wrote with
LeRobotDataset.create / add_frame / save_episode, whose column types are listed below.
"""

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

REPO = Path(__file__).resolve().parents[2]
VIDEO_KEYS = {
    "generated": "observation.images.egocentric",
    "static": "observation.images.static",
    "hands": "observation.images.hands",
}
DEFAULT_FEATURES = ["timestamp", "frame_index", "episode_index", "index", "task_index"]
STAT_KEYS = ["min", "max", "mean", "std", "count", "q01", "q10", "q50", "q90", "q99"]
QUANTILES = [0.01, 0.10, 0.50, 0.90, 0.99]
# lerobot's decoders refuse a frame further than tolerance_s = 1e-4 s from the query.
TOLERANCE_S = 1e-4


def make_dataset(work: Path) -> Path:
    for tool in ("npx", "ffmpeg", "ffprobe"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is not on PATH; these tests need node (npx) and ffmpeg")
    proc = subprocess.run(
        ["npx", "tsx", "tests/python/make_dataset.ts", str(work)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, f"make_dataset.ts failed:\n{proc.stdout}\n{proc.stderr}"
    return work / "dataset"


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("lerobot-export")
    make_dataset(work)
    return work


@pytest.fixture(scope="module")
def root(work) -> Path:
    return work / "dataset"


@pytest.fixture(scope="module")
def source(work) -> dict:
    return json.loads((work / "episodes.json").read_text())


@pytest.fixture(scope="module")
def info(root) -> dict:
    return json.loads((root / "meta/info.json").read_text())


@pytest.fixture(scope="module")
def data(root) -> pd.DataFrame:
    return pd.read_parquet(root / "data/chunk-000/file-000.parquet")


@pytest.fixture(scope="module")
def episodes(root) -> pd.DataFrame:
    return pd.read_parquet(root / "meta/episodes/chunk-000/file-000.parquet")


def ffprobe_json(*args: str) -> dict:
    out = subprocess.run(["ffprobe", "-v", "error", "-print_format", "json", *args], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def frame_times(video: Path) -> np.ndarray:
    """Presentation times (s) of every frame of the first video stream, in order."""
    j = ffprobe_json("-select_streams", "v:0", "-show_entries", "packet=pts:stream=time_base", str(video))
    num, den = (int(x) for x in j["streams"][0]["time_base"].split("/"))
    return np.sort(np.array([p["pts"] * num / den for p in j["packets"] if "pts" in p]))


def decode_rgb(video: Path, width: int, height: int) -> np.ndarray:
    """All frames as uint8 (n, h, w, 3), decoded by ffmpeg."""
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-nostdin", "-i", str(video), "-map", "0:v:0", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        capture_output=True,
        check=True,
    ).stdout
    return np.frombuffer(raw, dtype=np.uint8).reshape(-1, height, width, 3)


def histogram_quantiles(values: np.ndarray, weights: np.ndarray | None = None) -> list[float]:
    """lerobot's RunningQuantileStats estimate: 5000 bins on [min - 1e-10, max + 1e-10], the first bin whose
    cumulative count reaches q * n, linear inside it (edges[0] below the first bin, edges[-1] past the last)."""
    values = np.asarray(values, dtype=np.float64)
    lo, hi = values.min(), values.max()
    edges = np.linspace(lo - 1e-10, hi + 1e-10, 5001)
    hist, _ = np.histogram(values, bins=edges, weights=weights)
    cumsum = np.cumsum(hist.astype(np.float64))
    total = cumsum[-1]
    out = []
    for q in QUANTILES:
        target = q * total
        i = int(np.searchsorted(cumsum, target))
        if i == 0:
            out.append(float(edges[0]))
        elif i >= len(cumsum):
            out.append(float(edges[-1]))
        else:
            inside = cumsum[i] - cumsum[i - 1]
            out.append(float(edges[i]) if inside == 0 else float(edges[i] + (target - cumsum[i - 1]) / inside * (edges[i + 1] - edges[i])))
    return out


def column_stats(x: np.ndarray) -> dict:
    """Per-column stats of an (n, d) array as lerobot reports them (quantiles as mean below 2 rows)."""
    x = np.asarray(x, dtype=np.float64)
    stats = {"min": x.min(0), "max": x.max(0), "mean": x.mean(0), "std": x.std(0), "count": [len(x)]}
    qs = np.array([histogram_quantiles(x[:, d]) if len(x) > 1 else [x[:, d].mean()] * 5 for d in range(x.shape[1])])
    for i, key in enumerate(STAT_KEYS[5:]):
        stats[key] = qs[:, i]
    return stats


def assert_stats(actual: dict, expected: dict, rtol=1e-9, atol=1e-12, what=""):
    assert list(actual) == STAT_KEYS, what
    assert list(np.ravel(actual["count"])) == list(np.ravel(expected["count"])), what
    for key in STAT_KEYS:
        if key != "count":
            np.testing.assert_allclose(np.ravel(actual[key]), np.ravel(expected[key]), rtol=rtol, atol=atol, err_msg=f"{what} {key}")


def feature_array(df: pd.DataFrame, key: str) -> np.ndarray:
    col = df[key]
    if isinstance(col.iloc[0], (np.ndarray, list)):
        return np.stack(col.to_numpy())
    return col.to_numpy()[:, None]


def expected_features(source: dict, info: dict) -> dict:
    ep = source["episodes"][0]
    video_info = {
        "video.height": source["height"],
        "video.width": source["width"],
        "video.codec": "h264",
        "video.pix_fmt": "yuv420p",
        "video.is_depth_map": False,
        "video.fps": source["fps"],
        "video.channels": 3,
        "has_audio": False,
    }
    features = {
        "observation.state": {"dtype": "float32", "shape": [len(ep["state"]["names"])], "names": ep["state"]["names"]},
        "action": {"dtype": "float32", "shape": [len(ep["action"]["names"])], "names": ep["action"]["names"]},
    }
    for key in VIDEO_KEYS.values():
        features[key] = {
            "dtype": "video",
            "shape": [source["height"], source["width"], 3],
            "names": ["height", "width", "channels"],
            "info": video_info,
        }
    features["timestamp"] = {"dtype": "float32", "shape": [1], "names": None}
    for key in DEFAULT_FEATURES[1:]:
        features[key] = {"dtype": "int64", "shape": [1], "names": None}
    return features


def test_info_json(info, source):
    eps = source["episodes"]
    assert info == {
        "codebase_version": "v3.0",
        "robot_type": source["robotType"],
        "total_episodes": len(eps),
        "total_frames": sum(e["frames"] for e in eps),
        "total_tasks": len({e["task"] for e in eps}),
        "chunks_size": 1000,
        "data_files_size_in_mb": 100,
        "video_files_size_in_mb": 200,
        "fps": source["fps"],
        "splits": {"train": f"0:{len(eps)}"},
        "data_path": "data/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet",
        "video_path": "videos/{video_key}/chunk-{chunk_index:03d}/file-{file_index:03d}.mp4",
        "features": expected_features(source, info),
    }
    # The paths are Python format strings lerobot fills in.
    assert info["video_path"].format(video_key="k", chunk_index=0, file_index=0) == "videos/k/chunk-000/file-000.mp4"


def test_files(root):
    files = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
    assert files == sorted(
        [
            "data/chunk-000/file-000.parquet",
            "meta/episodes/chunk-000/file-000.parquet",
            "meta/info.json",
            "meta/stats.json",
            "meta/tasks.parquet",
            *[f"videos/{k}/chunk-000/file-000.mp4" for k in VIDEO_KEYS.values()],
        ]
    )


def test_data_schema(root, info):
    f = pq.ParquetFile(root / "data/chunk-000/file-000.parquet")
    schema = f.schema_arrow
    assert schema.names == ["observation.state", "action", "timestamp", "frame_index", "episode_index", "index", "task_index"]
    for key in ("observation.state", "action"):
        t = schema.field(key).type
        # lerobot's own files restore fixed_size_list<float>[n] from pyarrow's ARROW:schema; a list<float> is what
        # the Parquet file itself says, and `datasets` casts it back using the `huggingface` features below.
        assert pa.types.is_list(t) or pa.types.is_fixed_size_list(t), t
        assert t.value_type == pa.float32()
    assert schema.field("timestamp").type == pa.float32()
    for key in DEFAULT_FEATURES[1:]:
        assert schema.field(key).type == pa.int64()
    hf = json.loads(f.metadata.metadata[b"huggingface"])["info"]["features"]
    assert hf["observation.state"] == {"feature": {"dtype": "float32", "_type": "Value"}, "length": info["features"]["observation.state"]["shape"][0], "_type": "List"}
    assert hf["action"] == {"feature": {"dtype": "float32", "_type": "Value"}, "length": info["features"]["action"]["shape"][0], "_type": "List"}
    assert hf["timestamp"] == {"dtype": "float32", "_type": "Value"}
    assert hf["index"] == {"dtype": "int64", "_type": "Value"}


def test_episodes_schema(root, info):
    schema = pq.read_schema(root / "meta/episodes/chunk-000/file-000.parquet")
    lst = pa.list_
    image = lst(lst(lst(pa.float64())))
    expected = [
        ("episode_index", pa.int64()),
        ("tasks", lst(pa.string())),
        ("length", pa.int64()),
        ("data/chunk_index", pa.int64()),
        ("data/file_index", pa.int64()),
        ("dataset_from_index", pa.int64()),
        ("dataset_to_index", pa.int64()),
    ]
    for key in VIDEO_KEYS.values():
        expected += [
            (f"videos/{key}/chunk_index", pa.int64()),
            (f"videos/{key}/file_index", pa.int64()),
            (f"videos/{key}/from_timestamp", pa.float64()),
            (f"videos/{key}/to_timestamp", pa.float64()),
        ]
    for key, ft in info["features"].items():
        for stat in STAT_KEYS:
            if stat == "count":
                t = lst(pa.int64())
            elif ft["dtype"] == "video":
                t = image
            elif ft["dtype"] == "int64" and stat in ("min", "max"):
                t = lst(pa.int64())
            else:
                t = lst(pa.float64())
            expected.append((f"stats/{key}/{stat}", t))
    expected += [("meta/episodes/chunk_index", pa.int64()), ("meta/episodes/file_index", pa.int64())]
    assert schema.names == [n for n, _ in expected]
    for name, t in expected:
        assert schema.field(name).type == t, name


def test_tasks(root, source):
    schema = pq.read_schema(root / "meta/tasks.parquet")
    assert schema.names == ["task_index", "__index_level_0__"]
    assert schema.field("task_index").type == pa.int64()
    assert schema.field("__index_level_0__").type in (pa.string(), pa.large_string())
    tasks = pd.read_parquet(root / "meta/tasks.parquet")
    # lerobot's load_tasks: a frame indexed by the task string, with a task_index column.
    unique = list(dict.fromkeys(e["task"] for e in source["episodes"]))
    assert list(tasks.index) == unique
    assert list(tasks["task_index"]) == list(range(len(unique)))
    assert int(tasks.loc[unique[1]].task_index) == 1
    assert tasks.iloc[0].name == unique[0]


def test_data_rows(data, episodes, info, source):
    fps = source["fps"]
    eps = source["episodes"]
    assert len(data) == info["total_frames"]
    assert len(episodes) == info["total_episodes"] == len(eps)
    assert list(data["index"]) == list(range(len(data)))
    task_index = {t: i for i, t in enumerate(dict.fromkeys(e["task"] for e in eps))}
    start = 0
    for i, ep in enumerate(eps):
        rows = data.iloc[start : start + ep["frames"]]
        assert (rows["episode_index"] == i).all()
        assert list(rows["frame_index"]) == list(range(ep["frames"]))
        assert (rows["task_index"] == task_index[ep["task"]]).all()
        np.testing.assert_array_equal(rows["timestamp"].to_numpy(), (np.arange(ep["frames"]) / fps).astype(np.float32))
        np.testing.assert_array_equal(feature_array(rows, "observation.state"), np.array(ep["state"]["values"], dtype=np.float32))
        np.testing.assert_array_equal(feature_array(rows, "action"), np.array(ep["action"]["values"], dtype=np.float32))
        row = episodes.iloc[i]
        assert row["episode_index"] == i
        assert list(row["tasks"]) == [ep["task"]]
        assert row["length"] == ep["frames"]
        assert (row["dataset_from_index"], row["dataset_to_index"]) == (start, start + ep["frames"])
        assert (row["data/chunk_index"], row["data/file_index"]) == (0, 0)
        assert (row["meta/episodes/chunk_index"], row["meta/episodes/file_index"]) == (0, 0)
        start += ep["frames"]


def test_video_files(root, episodes, info, source):
    fps = source["fps"]
    w, h = source["width"], source["height"]
    for role, key in VIDEO_KEYS.items():
        video = root / info["video_path"].format(video_key=key, chunk_index=0, file_index=0)
        stream = ffprobe_json("-show_streams", "-select_streams", "v:0", "-count_frames", str(video))["streams"][0]
        assert stream["codec_name"] == info["features"][key]["info"]["video.codec"]
        assert stream["pix_fmt"] == info["features"][key]["info"]["video.pix_fmt"]
        assert (stream["width"], stream["height"]) == (w, h)
        assert int(stream["nb_read_frames"]) == info["total_frames"]
        times = frame_times(video)
        joined = decode_rgb(video, w, h)
        assert len(times) == len(joined) == info["total_frames"]
        for i, ep in enumerate(source["episodes"]):
            row = episodes.iloc[i]
            assert (row[f"videos/{key}/chunk_index"], row[f"videos/{key}/file_index"]) == (0, 0)
            t0, t1 = row[f"videos/{key}/from_timestamp"], row[f"videos/{key}/to_timestamp"]
            inside = np.flatnonzero((times >= t0 - TOLERANCE_S) & (times < t1 - TOLERANCE_S))
            assert len(inside) == ep["frames"], (key, i)
            np.testing.assert_allclose(times[inside], t0 + np.arange(ep["frames"]) / fps, atol=TOLERANCE_S)
            # Joined without re-encoding: the episode's frames decode to exactly the source clip's.
            clip = decode_rgb(Path(ep["videos"][role]), w, h)
            np.testing.assert_array_equal(joined[inside], clip, err_msg=f"{key} episode {i}")


def test_episode_stats(data, episodes, info, source):
    start = 0
    for i, ep in enumerate(source["episodes"]):
        rows = data.iloc[start : start + ep["frames"]]
        for key, ft in info["features"].items():
            actual = {s: episodes.iloc[i][f"stats/{key}/{s}"] for s in STAT_KEYS}
            if ft["dtype"] == "video":
                role = next(r for r, k in VIDEO_KEYS.items() if k == key)
                pixels = decode_rgb(Path(ep["videos"][role]), source["width"], source["height"])
                # Fewer than 100 frames: lerobot samples them all; images are under 300 px: no striding.
                expected = image_stats(pixels)
                actual = {s: np.array([np.ravel(np.stack(c)) for c in v]).ravel() if s != "count" else v for s, v in actual.items()}
            else:
                expected = column_stats(feature_array(rows, key))
            assert_stats(actual, expected, what=f"episode {i} {key}")
        start += ep["frames"]


def image_stats(frames: np.ndarray) -> dict:
    """compute_episode_stats for a video feature: per channel over the pixels, divided by 255, count = frames."""
    px = frames.reshape(-1, 3).astype(np.float64)
    stats = {"min": px.min(0) / 255, "max": px.max(0) / 255, "mean": px.mean(0) / 255, "std": px.std(0) / 255, "count": [len(frames)]}
    qs = np.array([histogram_quantiles(px[:, c]) for c in range(3)]) / 255
    for i, key in enumerate(STAT_KEYS[5:]):
        stats[key] = qs[:, i]
    return stats


def test_stats_json(root, data, episodes, info):
    stats = json.loads((root / "meta/stats.json").read_text())
    assert sorted(stats) == sorted(info["features"])
    for key, ft in info["features"].items():
        if ft["dtype"] == "video":
            # aggregate_stats over the episodes: count-weighted mean, parallel variance, weighted quantiles.
            per = [{s: np.array(episodes.iloc[i][f"stats/{key}/{s}"].tolist(), dtype=object) for s in STAT_KEYS} for i in range(len(episodes))]
            counts = np.array([float(p["count"][0]) for p in per])
            vals = {s: np.array([[float(np.ravel(np.stack(c))[0]) for c in p[s]] for p in per]) for s in STAT_KEYS if s != "count"}
            total = counts.sum()
            mean = (vals["mean"] * counts[:, None]).sum(0) / total
            var = ((vals["std"] ** 2 + (vals["mean"] - mean) ** 2) * counts[:, None]).sum(0) / total
            expected = {"min": vals["min"].min(0), "max": vals["max"].max(0), "mean": mean, "std": np.sqrt(var), "count": [int(total)]}
            for q in STAT_KEYS[5:]:
                expected[q] = (vals[q] * counts[:, None]).sum(0) / total
            actual = {s: np.array(stats[key][s], dtype=np.float64).reshape(-1) for s in STAT_KEYS}
            assert np.array(stats[key]["mean"]).shape == (3, 1, 1)
            assert_stats(actual, expected, what=key)
        else:
            # Recomputed from the data over every frame.
            assert_stats(stats[key], column_stats(feature_array(data, key)), what=key)
            assert len(stats[key]["min"]) == ft["shape"][0]
            if ft["dtype"] == "int64":
                assert all(isinstance(v, int) for v in stats[key]["min"] + stats[key]["max"])
