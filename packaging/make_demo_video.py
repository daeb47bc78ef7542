"""Write ``resources/demo.mp4``, the clip the built-in demo service hands out.

A dev-time tool (needs PyAV and numpy, the ``test`` extra; never a runtime dependency):
the app only ships the resulting file. The clip is real H.264 (yuv420p, moov atom first)
so the preview exercises the same decoding path as a downloaded result. Every motion is
periodic in the clip length, so the preview can loop it without a visible jump.

Usage: ``python packaging/make_demo_video.py [output.mp4]``
"""

from __future__ import annotations

import sys
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

WIDTH, HEIGHT = 640, 360
FPS = 24
SECONDS = 7
FRAMES = FPS * SECONDS
DEFAULT_OUTPUT = Path(__file__).resolve().parents[1] / "resources" / "demo.mp4"

_Y, _X = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float32)
_U = _X / WIDTH
_V = _Y / HEIGHT


def _hue(h: np.ndarray | float) -> np.ndarray:
    """RGB in 0..1 for hue ``h`` (turns), soft pastel saturation."""
    h = np.asarray(h, dtype=np.float32)[..., None]
    phases = np.array([0.0, 1 / 3, 2 / 3], dtype=np.float32)
    return 0.55 + 0.35 * np.cos(2 * np.pi * (h - phases))


def render(phase: float) -> np.ndarray:
    """One RGB frame (uint8, HxWx3) at ``phase`` in [0, 1): a dusk gradient with glowing orbs."""
    turn = 2 * np.pi * phase
    # Background: deep dusk colours whose hue drifts once around the wheel per loop,
    # darker towards the bottom, with a slow diagonal wave running through it.
    wave = 0.08 * np.sin(2 * np.pi * (_U * 0.8 + _V * 0.5) + turn)
    depth = (0.55 - 0.35 * _V)[..., None]
    image = _hue(0.62 + 0.12 * np.sin(turn) + 0.25 * _U + wave) * depth

    # Three glowing orbs on closed Lissajous paths (integer frequencies keep the loop seamless),
    # added like light so they brighten what is behind them.
    for k, (fx, fy, size, hue_shift) in enumerate(
        [(1, 2, 60.0, 0.0), (2, 1, 48.0, 0.33), (1, 3, 38.0, 0.66)]
    ):
        cx = WIDTH * (0.5 + 0.33 * np.sin(fx * turn + k * 2.1))
        cy = HEIGHT * (0.5 + 0.28 * np.sin(fy * turn + k * 1.3))
        dist2 = (_X - cx) ** 2 + (_Y - cy) ** 2
        glow = np.exp(-dist2 / (2 * size * size))[..., None]
        image = image + _hue(phase + hue_shift) * 0.9 * glow

    # A thin ring that breathes at the centre with a bright arc sweeping round it.
    radius = 80 + 10 * np.sin(2 * turn)
    ring_dist = np.abs(np.hypot(_X - WIDTH / 2, _Y - HEIGHT / 2) - radius)
    angle = np.arctan2(_Y - HEIGHT / 2, _X - WIDTH / 2)
    sweep = (0.5 + 0.5 * np.cos(angle - 3 * turn)) ** 3
    ring = (np.exp(-(ring_dist**2) / 6.0) * (0.25 + 0.75 * sweep))[..., None]
    image = image + 0.8 * ring

    # Soft vignette so the edges settle down.
    vignette = 1 - 0.5 * ((_U - 0.5) ** 2 + (_V - 0.5) ** 2) * 2
    image = image * vignette[..., None]
    return (np.clip(image, 0, 1) * 255).astype(np.uint8)


def write(output: Path) -> None:
    """Encode the loop to ``output`` as H.264/yuv420p with ``+faststart``."""
    output.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(output), "w", options={"movflags": "+faststart"}) as container:
        stream = container.add_stream(
            "libx264",
            rate=FPS,
            options={"crf": "23", "preset": "slow", "tune": "animation", "g": str(FPS * 2)},
        )
        stream.width, stream.height = WIDTH, HEIGHT
        stream.pix_fmt = "yuv420p"
        stream.codec_context.time_base = Fraction(1, FPS)
        for index in range(FRAMES):
            frame = av.VideoFrame.from_ndarray(render(index / FRAMES), format="rgb24")
            frame.pts = index
            frame.time_base = Fraction(1, FPS)
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))


def verify(path: Path) -> tuple[int, float]:
    """Decode the file and return (frame count, duration in seconds)."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = sum(1 for _ in container.decode(stream))
        duration = float(stream.duration * stream.time_base) if stream.duration else 0.0
    return frames, duration


def main(argv: list[str]) -> int:
    output = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUTPUT
    write(output)
    frames, duration = verify(output)
    size_kb = output.stat().st_size / 1024
    print(f"{output}: {frames} frames, {duration:.2f} s, {size_kb:.0f} KB")
    return 0 if frames == FRAMES else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
