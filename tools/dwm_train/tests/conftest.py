"""Shared fixtures. The clips used here are FIXTURES in the synthetic-set layout drawn by
dwm_train.fixtures (numpy rectangles and blobs), not clips from the studio's generator."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def pytest_configure(config):
    try:
        import torch  # noqa: F401
    except ImportError:
        pytest.exit("torch is not installed; pip install -r tools/dwm_train/requirements.txt (it pins the CPU build, torch==2.13.0)", 0)
    if shutil.which("ffmpeg") is None:
        pytest.exit("ffmpeg is not on PATH; tools/dwm_train tests need it", 2)
    import torch

    torch.set_num_threads(2)


@pytest.fixture(scope="session")
def fixture_set(tmp_path_factory):
    from dwm_train.fixtures import write_fixture_set

    return write_fixture_set(tmp_path_factory.mktemp("fixture-clips") / "train", 3, first_seed=1000)


@pytest.fixture(scope="session")
def heldout_set(tmp_path_factory):
    from dwm_train.fixtures import write_fixture_set

    return write_fixture_set(tmp_path_factory.mktemp("fixture-clips") / "heldout", 1, first_seed=3000)
