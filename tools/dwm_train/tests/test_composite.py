"""The composite is the baseline's overlay, and an untrained model is exactly the baseline."""

import numpy as np
import onnxruntime as ort
import torch

from dwm_train import REPO
from dwm_train.composite import composite, sigma_from_timestep
from dwm_train.model import Denoiser

BASELINE = REPO / "resources" / "models" / "dwm-baseline-overlay" / "denoiser.onnx"


def _inputs(seed=0, shape=(2, 9, 5, 16, 24)):
    g = torch.Generator().manual_seed(seed)
    x = torch.rand(shape, generator=g) * 2 - 1
    # hands channels: mostly black with bright blobs and values inside the 12..40/255 ramp
    hands = torch.where(torch.rand((shape[0], 1) + shape[2:], generator=g) < 0.6, -1.0, x[:, 6:9])
    hands[:, :, 0, 0, :12] = torch.linspace(-1, -0.6, 12)  # sweep the ramp
    x[:, 6:9] = hands
    return x


def baseline_velocity(x, t):
    sess = ort.InferenceSession(str(BASELINE), providers=["CPUExecutionProvider"])
    return sess.run(["prediction"], {"hidden_states": x.numpy(), "timestep": t.numpy()})[0]


def test_composite_equals_baseline_onnx():
    x = _inputs()
    t = torch.tensor([1000.0, 333.25])
    ref = baseline_velocity(x, t)
    ours = ((x[:, :3] - composite(x[:, 3:6], x[:, 6:9])) / sigma_from_timestep(t)).numpy()
    diff = np.abs(ours - ref).max()
    print(f"max |composite velocity - baseline ONNX| = {diff:.3g}")
    assert diff <= 1e-6


def test_untrained_model_is_exactly_the_composite():
    torch.manual_seed(0)
    model = Denoiser().eval()
    x = _inputs(1, (1, 9, 7, 32, 48))
    t = torch.tensor([500.0])
    with torch.no_grad():
        x0 = model.predict_x0(x[:, :3], x[:, 3:6], x[:, 6:9], t)
        v = model(x, t)
    comp = composite(x[:, 3:6], x[:, 6:9])
    assert torch.equal(x0, comp)
    assert torch.equal(v, (x[:, :3] - comp) / sigma_from_timestep(t))
    ref = baseline_velocity(x, t)
    assert np.abs(v.numpy() - ref).max() <= 1e-6
