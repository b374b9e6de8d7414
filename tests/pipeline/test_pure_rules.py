"""The pure cores: the stage table and the agreement checks (no store)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kakehashi.pipeline.agreements import validate
from kakehashi.pipeline.schemas import AgreementInput
from kakehashi.pipeline.stages import MOVES, may_move, skips_consent
from kakehashi.pipeline.vocab import Stage


def test_only_consent_reaches_accepted() -> None:
    assert not any(Stage.ACCEPTED in targets for targets in MOVES.values())
    for target in (Stage.MET, Stage.NEGOTIATING, Stage.AGREEMENT):
        assert skips_consent(Stage.PROPOSED, target)
        assert not may_move(Stage.PROPOSED, target)


@pytest.mark.parametrize("stage", [Stage.PROPOSED, Stage.ACCEPTED, Stage.MET, Stage.NEGOTIATING])
def test_every_open_stage_may_close(stage: Stage) -> None:
    assert may_move(stage, Stage.CLOSED)


def test_terminal_stages_go_nowhere() -> None:
    assert MOVES[Stage.AGREEMENT] == frozenset()
    assert MOVES[Stage.CLOSED] == frozenset()


def _agreement(**changes: object) -> AgreementInput:
    base: dict[str, object] = {
        "category": "technology",
        "subtype": "licence",
        "signed_on": date(2026, 11, 30),
        "amount": Decimal("450000"),
        "currency": "EUR",
        "jpy_per_eur": Decimal("162.35"),
    }
    return AgreementInput.model_validate({**base, **changes})


def test_a_licence_with_its_money_is_valid() -> None:
    assert validate(_agreement()) == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": Decimal("0")}, "amount"),
        ({"amount": None}, "amount"),
        ({"currency": "usd"}, "currency"),
        ({"jpy_per_eur": Decimal("600")}, "jpy_per_eur"),
        ({"subtype": "equity"}, "subtype"),
        ({"category": "research", "subtype": "joint_project", "amount": None, "currency": "GBP"}, "currency"),
    ],
)
def test_each_bad_value_names_its_field(changes: dict[str, object], field: str) -> None:
    assert field in {problem.field for problem in validate(_agreement(**changes))}
