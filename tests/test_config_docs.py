"""Every setting is documented in docs/configuration.md, with its real default, and nothing else is."""

from __future__ import annotations

import re
from pathlib import Path

from kakehashi.config import Settings

DOC = Path(__file__).parents[1] / "docs" / "configuration.md"
ROW = re.compile(r"^\| `KAKEHASHI_([A-Z0-9_]+)` \| (.+?) \| (.+) \|$", re.MULTILINE)


def documented() -> dict[str, str]:
    return {name.lower(): default for name, default, _ in ROW.findall(DOC.read_text(encoding="utf-8"))}


def test_every_setting_is_documented_and_nothing_else() -> None:
    assert set(documented()) == set(Settings.model_fields)


def test_documented_defaults_are_the_real_ones() -> None:
    for name, default in documented().items():
        real = Settings.model_fields[name].default
        if real is None:
            assert default == "*(empty)*", name
        else:
            shown = str(real).lower() if isinstance(real, bool) else str(real)
            assert default == f"`{shown}`", name


def test_every_setting_has_a_description_in_code() -> None:
    assert all(field.description for field in Settings.model_fields.values())


def test_embedder_choices_are_the_embedders_that_exist() -> None:
    from typing import get_args

    from kakehashi.config import EmbedderChoice
    from kakehashi.matching.embed import EmbedderName

    assert set(get_args(EmbedderChoice)) == set(get_args(EmbedderName))
