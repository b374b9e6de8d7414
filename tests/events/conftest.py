"""The page tests of events use the pages' client (tests/web/conftest.py)."""

from tests.web.conftest import app, client  # noqa: F401 (fixtures)
