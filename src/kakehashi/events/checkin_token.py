"""The check-in pass of a registration: a short signed token (printed as a QR code), verified on scan.

The token names the event and the registration and carries an HMAC of both, and of the registration's
stored pass secret (``Registration.checkin_token``), under a key derived from the server's secret key: a
token cannot be forged or moved to another event or participant, and renewing the stored secret revokes
a lost pass. It holds nothing personal (no name, no e-mail): a lost pass lets someone check a participant
in, which staff see and can undo, and nothing else.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from typing import Final

from kakehashi.errors import FieldProblem, ValidationFailed

PREFIX: Final = "KH1"
_PURPOSE: Final = b"kakehashi.events.checkin.v1"
_SIGNATURE_CHARS: Final = 16  # 80 bits of base32: plenty against guessing, short enough for a small QR
_PATTERN: Final = re.compile(rf"^{PREFIX}-E(\d{{1,10}})-R(\d{{1,10}})-([A-Z2-7]{{{_SIGNATURE_CHARS}}})$")
TOKEN_MAX: Final = 60


@dataclass(frozen=True, slots=True)
class CheckinPass:
    event_id: int
    registration_id: int


def _key(secret: str) -> bytes:
    return hmac.new(secret.encode("utf-8"), _PURPOSE, hashlib.sha256).digest()


def _signature(secret: str, event_id: int, registration_id: int, nonce: str) -> str:
    message = f"{event_id}:{registration_id}:{nonce}".encode()
    mac = hmac.new(_key(secret), message, hashlib.sha256).digest()
    return base64.b32encode(mac).decode("ascii")[:_SIGNATURE_CHARS]


def checkin_token(secret: str, *, event_id: int, registration_id: int, nonce: str) -> str:
    """``KH1-E12-R345-ABCDEFGHIJKLMNOP``: upper case and digits only, so a QR code holds it compactly."""
    signature = _signature(secret, event_id, registration_id, nonce)
    return f"{PREFIX}-E{event_id}-R{registration_id}-{signature}"


def parse_checkin_token(token: str, *, event_id: int) -> CheckinPass:
    """The event and registration a token names (not yet verified: see :func:`verify_checkin_token`)."""
    cleaned = token.strip().upper()
    found = _PATTERN.match(cleaned) if len(cleaned) <= TOKEN_MAX else None
    if found is None:
        raise ValidationFailed(
            "This is not a check-in code of Kakehashi.",
            problems=[FieldProblem("token", "Scan the QR code on the participant's pass, or type its code.")],
        )
    token_event = int(found.group(1))
    if token_event != event_id:
        raise ValidationFailed(
            "This check-in code belongs to another event.",
            problems=[FieldProblem("token", "Event %(id)s.", params={"id": token_event})],
        )
    return CheckinPass(event_id=token_event, registration_id=int(found.group(2)))


def verify_checkin_token(secret: str, token: str, *, event_id: int, nonce: str) -> CheckinPass:
    """The pass of a scanned or typed token whose signature holds for the registration's ``nonce``; a
    clear error when it is malformed, forged, revoked or of another event (the caller writes nothing)."""
    found = parse_checkin_token(token, event_id=event_id)
    expected = checkin_token(secret, event_id=event_id, registration_id=found.registration_id, nonce=nonce)
    if not hmac.compare_digest(expected, token.strip().upper()):
        raise ValidationFailed(
            "This check-in code is not valid.",
            problems=[FieldProblem("token", "The code was altered, mistyped or replaced by a new pass.")],
        )
    return found
