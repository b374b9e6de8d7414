"""The CJK font the charts and the PDF need for Japanese labels, found on this machine (never downloaded):
Debian's ``fonts-noto-cjk`` at its usual paths, else whatever fontconfig knows that covers Japanese."""

from __future__ import annotations

import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Final

from kakehashi.store.backup import ToolMissing

KNOWN_PATHS: Final = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJKjp-Regular.otf"),
    Path("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc"),
)


@cache
def cjk_font_path() -> Path:
    """The path of a font with Japanese glyphs; :class:`ToolMissing` names the package to install."""
    for path in KNOWN_PATHS:
        if path.is_file():
            return path
    found = _fontconfig_japanese()
    if found is not None:
        return found
    raise ToolMissing(
        "No font with Japanese characters was found: install the Debian package fonts-noto-cjk."
    )


def _fontconfig_japanese() -> Path | None:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    listed = subprocess.run(
        [fc_list, ":lang=ja", "file"], capture_output=True, text=True, check=False, timeout=10
    ).stdout
    files = sorted(line.strip().rstrip(":") for line in listed.splitlines() if line.strip())
    regular = [name for name in files if "Regular" in name] or files
    return Path(regular[0]) if regular else None
