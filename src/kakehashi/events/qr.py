"""QR codes as inline SVG (segno: pure Python, no image library), for the check-in passes."""

from __future__ import annotations

from functools import lru_cache

import segno


@lru_cache(maxsize=2048)  # a pass's token never changes: its code is drawn once per process
def qr_svg(data: str, *, title: str, scale: int = 4) -> str:
    """An ``<svg>`` element (no XML declaration) to put in a page; ``title`` is its accessible name."""
    code = segno.make(data, error="m", micro=False)
    svg: str = code.svg_inline(scale=scale, border=2, title=title, dark="#000", light="#fff")
    return svg
