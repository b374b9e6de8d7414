"""Errors carry a message id and parameters, never a finished sentence, and babel extracts every id.

A new error class must be a keyword in ``babel.cfg``; a message built with an f-string, ``%`` or
``.format()`` at the raise site cannot be translated (its text differs per value) and fails here.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest
from babel.messages.frontend import parse_mapping_cfg

import kakehashi
from kakehashi.errors import FieldProblem, KakehashiError, NotFound, format_message
from kakehashi.labels import Choices, Label
from kakehashi.validation import InvalidValue

REPO_ROOT = Path(__file__).resolve().parents[1]
SOURCE = REPO_ROOT / "src" / "kakehashi"


def _keywords() -> dict[str, object]:
    with (REPO_ROOT / "babel.cfg").open() as config:
        _method_map, options_map = parse_mapping_cfg(config)
    return dict(options_map["src/kakehashi/**.py"]["keywords"])


def _error_classes() -> set[type[KakehashiError]]:
    for module in pkgutil.walk_packages(kakehashi.__path__, "kakehashi."):
        if ".migrations" not in module.name:
            importlib.import_module(module.name)
    found: set[type[KakehashiError]] = set()
    pending = [KakehashiError]
    while pending:
        cls = pending.pop()
        found.add(cls)
        pending.extend(cls.__subclasses__())
    return found


def _first_parameter(cls: type[KakehashiError]) -> str:
    parameters = list(inspect.signature(cls.__init__).parameters)
    return parameters[1] if len(parameters) > 1 else ""


def test_every_error_class_is_an_extraction_keyword() -> None:
    keywords = _keywords()
    # Classes whose constructor does not take (message, ...) mark their message with N_ inside.
    takes_message = {cls.__name__ for cls in _error_classes() if _first_parameter(cls) == "message"}
    missing = takes_message - set(keywords)
    assert missing == set(), f"add these to the keywords of babel.cfg: {sorted(missing)}"
    assert keywords["FieldProblem"] == (2,)


def _message_calls() -> list[tuple[Path, int, str]]:
    """Calls of an error constructor or FieldProblem whose message is built at the call site."""
    keywords = _keywords()
    found = []
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            if node.func.id not in keywords:
                continue
            position = 1 if node.func.id == "FieldProblem" else 0
            message = node.args[position] if len(node.args) > position else None
            message = next((k.value for k in node.keywords if k.arg == "message"), message)
            formatted = isinstance(message, ast.Call) and getattr(message.func, "attr", "") == "format"
            if isinstance(message, ast.JoinedStr | ast.BinOp) or formatted:
                found.append((path.relative_to(REPO_ROOT), node.lineno, ast.unparse(message)))
    return found


def test_no_error_message_is_built_where_it_is_raised() -> None:
    assert _message_calls() == []


def test_messages_are_formatted_with_their_parameters_in_the_reader_language() -> None:
    error = NotFound("Opportunity %(id)s does not exist.", params={"id": 7})
    assert error.message_id == "Opportunity %(id)s does not exist."
    assert str(error) == "Opportunity 7 does not exist."
    italian = {"Opportunity %(id)s does not exist.": "L'opportunità %(id)s non esiste."}
    assert error.localised(lambda text: italian.get(text, text)) == "L'opportunità 7 non esiste."


def test_a_broken_translation_falls_back_to_english() -> None:
    assert format_message("At most %(n)s.", {"n": 3}, lambda _text: "Al massimo %(m)s.") == "At most 3."


def test_vocabulary_parameters_are_written_with_their_labels() -> None:
    japanese = {
        "Published": "公開中",
        "Technology offer": "技術提供",
        "Business offer": "ビジネス提供",
        ", ": "、",
    }
    gettext = lambda text: japanese.get(text, text)  # noqa: E731
    assert Label("status", "published").localise(gettext) == "公開中"
    assert (
        Choices("type", ("technology_offer", "business_offer")).localise(gettext) == "技術提供、ビジネス提供"
    )
    assert Choices(None, ("a", "b")).localise(gettext) == "'a'、'b'"
    problem = FieldProblem(
        "type", "Choose one of: %(allowed)s.", params={"allowed": Choices("type", ("technology_offer",))}
    )
    assert problem.describe() == "type: Choose one of: Technology offer."


def test_problems_compare_and_describe_with_lines() -> None:
    problem = FieldProblem("title", "Write at most %(n)s characters.", 3, params={"n": 300})
    assert problem == FieldProblem("title", "Write at most %(n)s characters.", 3, params={"n": 300})
    assert problem.describe() == "line 3, title: Write at most 300 characters."


def test_invalid_value_keeps_its_id_and_parameters() -> None:
    error = InvalidValue("%(code)s is not an ATECO code (ISTAT).", params={"code": "99.99"})
    assert error.message == "%(code)s is not an ATECO code (ISTAT)."
    assert error.params == {"code": "99.99"}


@pytest.mark.parametrize("name", ["NotFound", "ValidationFailed", "FieldProblem", "InvalidValue"])
def test_the_keywords_cover_the_common_constructors(name: str) -> None:
    assert name in _keywords()
