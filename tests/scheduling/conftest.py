from __future__ import annotations

from pathlib import Path

import pytest

# The real data lives beside the repository (shared/data), never inside it.
DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "b2b-dev"


@pytest.fixture
def data_dir() -> Path:
    if not DATA.exists():
        pytest.skip("the real Forum 2014 data (shared/data/b2b-dev) is not on this machine")
    return DATA
