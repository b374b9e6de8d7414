"""Password hashing with Argon2id (argon2-cffi's recommended parameters) and the password policy.

The policy follows NIST SP 800-63B and OWASP ASVS: a length between 12 and 256 characters, no composition
rules, and a check against the most common passwords of public breaches (shipped in the package, see
``data/SOURCE.txt``; nothing is looked up online), against the user's own e-mail and name, and against the
platform's name.
"""

from __future__ import annotations

import gzip
import re
from functools import lru_cache
from pathlib import Path
from typing import Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from kakehashi.errors import FieldProblem

MIN_PASSWORD_LENGTH: Final = 12
MAX_PASSWORD_LENGTH: Final = 256
COMMON_PASSWORDS_FILE: Final = Path(__file__).parent / "data" / "common-passwords.txt.gz"
_FORBIDDEN_WORDS: Final = ("kakehashi",)
# "password2024!", "monkey123456": a common password with digits or signs around it is still common.
_DECORATION = re.compile(r"^[\d\W_]+|[\d\W_]+$")


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    return PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as listed:
        return frozenset(line.strip() for line in listed if line.strip())


def is_common(password: str) -> bool:
    folded = password.casefold()
    common = common_passwords()
    if folded in common or folded.replace(" ", "") in common:
        return True
    core = _DECORATION.sub("", folded)
    return len(core) >= 4 and core in common


def _personal_words(email: str, display_name: str) -> list[str]:
    email = email.strip().casefold()
    words = [email, email.partition("@")[0], *_FORBIDDEN_WORDS]
    name = display_name.strip().casefold()
    if name:
        words.append(name)
        words.extend(part for part in re.split(r"\W+", name) if len(part) >= 4)
    return [word for word in words if len(word) >= 4]


def password_problems(password: str, *, email: str = "", display_name: str = "") -> list[FieldProblem]:
    """What is wrong with ``password`` as a new password (empty when it is acceptable)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return [FieldProblem("password", "At least %(min)s characters.", params={"min": MIN_PASSWORD_LENGTH})]
    if len(password) > MAX_PASSWORD_LENGTH:
        return [FieldProblem("password", "At most %(max)s characters.", params={"max": MAX_PASSWORD_LENGTH})]
    folded = password.casefold()
    compact = re.sub(r"\W+", "", folded)
    for word in _personal_words(email, display_name):
        if word in folded or re.sub(r"\W+", "", word) in compact:
            return [
                FieldProblem(
                    "password", "Must not contain your e-mail, your name or the name of the platform."
                )
            ]
    if is_common(password):
        return [FieldProblem("password", "This password is among the most common ones; choose another.")]
    return []
