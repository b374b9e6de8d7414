"""The password policy: 12 to 256 characters, not common, not the e-mail, the name or "kakehashi".

The issue's finding: `password` and the e-mail itself were accepted (the rule was 8 characters)."""

from __future__ import annotations

import pytest

from kakehashi.accounts.passwords import (
    MAX_PASSWORD_LENGTH,
    common_passwords,
    is_common,
    password_problems,
)

EMAIL = "giulia.rossi@silicio-etneo.example"
NAME = "Giulia Rossi"


def _refused(password: str) -> bool:
    return bool(password_problems(password, email=EMAIL, display_name=NAME))


@pytest.mark.parametrize(
    "password",
    [
        "password",  # the finding
        EMAIL,  # the finding: the e-mail itself
        "short pass",  # under 12
        "x" * (MAX_PASSWORD_LENGTH + 1),
        "password1234",  # common, decorated
        "Password123456!",
        "1234567890qwerty",  # common (in the list as is)
        "GIULIA.ROSSI@silicio-etneo.example!",
        "giulia.rossi 2026 spring",  # the e-mail's name part
        "rossi-forever-and-ever",  # part of the name
        "my kakehashi password",  # the platform
        "Kake Hashi 2026 secret",  # the platform, spaced
    ],
)
def test_refused(password: str) -> None:
    assert _refused(password)


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery",
        "tre tigri contro tre tigri",
        "桜の下で会いましょう2026年春",
        "x" * MAX_PASSWORD_LENGTH,
    ],
)
def test_accepted(password: str) -> None:
    assert not _refused(password)


def test_the_shipped_list_is_large_and_has_the_usual_suspects() -> None:
    listed = common_passwords()
    assert len(listed) >= 10_000
    assert {"123456", "password", "qwerty", "iloveyou", "dragon"} <= listed
    assert is_common("IloveYou")


def test_a_problem_names_the_field_and_its_bound() -> None:
    (problem,) = password_problems("short", email=EMAIL)
    assert problem.field == "password"
    assert problem.params == {"min": 12}
    assert "12" in problem.text()
