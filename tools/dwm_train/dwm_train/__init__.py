"""dwm_train: train, export and evaluate the small learned default model `dwm-synth-small`.

A pixel-space conditional video flow-matching model: static-scene video + hand-only video ->
interaction video. See tools/dwm_train/README.md.
"""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
TOOL_DIR = PACKAGE_DIR.parent
REPO = TOOL_DIR.parents[1]

WIDTH, HEIGHT, FRAMES, FPS = 144, 96, 49, 8
