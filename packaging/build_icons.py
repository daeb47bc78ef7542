"""Render the app icon from ``resources/reelwatch.svg`` into every format the packages need.

A packaging-time tool; the outputs are committed, so a build never needs it:

- ``resources/reelwatch.png`` (256 px): the window icon where Qt's SVG plugin is missing;
- ``packaging/icons/reelwatch.ico`` (16–256 px) for the Windows executable;
- ``packaging/icons/reelwatch.icns`` (16–1024 px) for the macOS ``.app``;
- ``packaging/linux/icons/hicolor/<n>x<n>/apps/tech.reelwatch.Reelwatch.png`` (48, 128, 256,
  512) and ``.../scalable/apps/tech.reelwatch.Reelwatch.svg`` for the Linux desktop.

Qt (already a dependency) rasterises the SVG; the ICO and ICNS containers are written here
by hand (both are a small index in front of PNG or bitmap images), so no imaging library is
needed. The output is byte-for-byte reproducible: ``--check`` fails if a committed file is
stale, for CI.

Usage: ``python packaging/build_icons.py [--check]``
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "resources" / "reelwatch.svg"
APP_ID = "tech.reelwatch.Reelwatch"

WINDOW_PNG = ROOT / "resources" / "reelwatch.png"
ICO = ROOT / "packaging" / "icons" / "reelwatch.ico"
ICNS = ROOT / "packaging" / "icons" / "reelwatch.icns"
HICOLOR = ROOT / "packaging" / "linux" / "icons" / "hicolor"
HICOLOR_SIZES = (48, 128, 256, 512)

#: Windows wants 256 px as PNG and the small sizes as plain bitmaps (what its own tools write).
ICO_SIZES = (16, 20, 24, 32, 40, 48, 64, 128, 256)
ICO_PNG_FROM = 256

#: ICNS element types holding PNG data, by pixel size (``@2x`` types share sizes with ``@1x``).
ICNS_TYPES = (
    (b"icp4", 16),
    (b"ic11", 32),  # 16@2x
    (b"icp5", 32),
    (b"ic12", 64),  # 32@2x
    (b"ic07", 128),
    (b"ic13", 256),  # 128@2x
    (b"ic08", 256),
    (b"ic14", 512),  # 256@2x
    (b"ic09", 512),
    (b"ic10", 1024),  # 512@2x
)


def render(size: int) -> bytes:
    """The SVG drawn at `size` x `size` pixels, as PNG bytes (transparent background)."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        raise SystemExit(f"cannot read {SOURCE}")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG", 0)  # for PNG, Qt maps quality 0 to maximum zlib compression
    buffer.close()
    return bytes(data.data())


def _bgra_rows(size: int) -> list[bytes]:
    """Rows of straight-alpha BGRA pixels, top to bottom, for an ICO bitmap entry."""
    from PySide6.QtGui import QImage

    image = QImage.fromData(render(size), "PNG").convertToFormat(QImage.Format.Format_ARGB32)
    stride = image.bytesPerLine()
    raw = bytes(image.constBits())
    # Format_ARGB32 is 0xAARRGGBB per 32-bit word: B, G, R, A in memory on little-endian.
    if sys.byteorder != "little":
        raise SystemExit("ICO bitmaps are written assuming a little-endian machine")
    return [raw[y * stride : y * stride + size * 4] for y in range(size)]


def ico_bitmap(size: int) -> bytes:
    """A 32-bit DIB entry: header, bottom-up BGRA pixels, then the 1-bit AND mask."""
    rows = _bgra_rows(size)
    mask_stride = ((size + 31) // 32) * 4
    mask = bytearray()
    for row in reversed(rows):
        bits = bytearray(mask_stride)
        for x in range(size):
            if row[x * 4 + 3] == 0:  # fully transparent: masked out for old renderers
                bits[x // 8] |= 0x80 >> (x % 8)
        mask += bits
    pixels = b"".join(reversed(rows))
    # BITMAPINFOHEADER; the height counts the XOR and the AND bitmap together.
    header = struct.pack(
        "<IiiHHIIiiII", 40, size, size * 2, 1, 32, 0, len(pixels) + len(mask), 0, 0, 0, 0
    )
    return header + pixels + bytes(mask)


def build_ico() -> bytes:
    images = [
        (size, render(size) if size >= ICO_PNG_FROM else ico_bitmap(size)) for size in ICO_SIZES
    ]
    out = bytearray(struct.pack("<HHH", 0, 1, len(images)))
    offset = 6 + 16 * len(images)
    for size, data in images:
        edge = 0 if size >= 256 else size  # 0 means 256 in the one-byte fields
        out += struct.pack("<BBBBHHII", edge, edge, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
    for _, data in images:
        out += data
    return bytes(out)


def build_icns() -> bytes:
    cache: dict[int, bytes] = {}
    body = bytearray()
    for kind, size in ICNS_TYPES:
        data = cache.setdefault(size, render(size))
        body += kind + struct.pack(">I", 8 + len(data)) + data
    return b"icns" + struct.pack(">I", 8 + len(body)) + bytes(body)


def outputs() -> dict[Path, bytes]:
    """Every generated file and its content."""
    files = {WINDOW_PNG: render(256), ICO: build_ico(), ICNS: build_icns()}
    for size in HICOLOR_SIZES:
        files[HICOLOR / f"{size}x{size}" / "apps" / f"{APP_ID}.png"] = render(size)
    files[HICOLOR / "scalable" / "apps" / f"{APP_ID}.svg"] = SOURCE.read_bytes()
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if a committed file is stale")
    args = parser.parse_args(argv)

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication([])  # QImage text/PNG plugins need it
    stale = []
    for path, data in outputs().items():
        if path.exists() and path.read_bytes() == data:
            continue
        if args.check:
            stale.append(path)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"wrote {path.relative_to(ROOT)} ({len(data):,} bytes)")
    del app
    if stale:
        names = ", ".join(str(p.relative_to(ROOT)) for p in stale)
        print(f"stale icons (run python packaging/build_icons.py): {names}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
