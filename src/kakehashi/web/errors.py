"""Errors that only the pages raise."""

from __future__ import annotations

from kakehashi.errors import PermissionDenied


class CsrfFailed(PermissionDenied):
    """A form came without this session's CSRF token (a forged request, or a page left open too long)."""

    code = "csrf_failed"
