"""The interface catalogues are complete, and the locale is negotiated and formatted as promised."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from fastapi.testclient import TestClient

from kakehashi import labels
from kakehashi.profiles import vocab
from kakehashi.store import Database
from kakehashi.web.i18n import (
    SUPPORTED_LOCALES,
    LocaleFormatter,
    counterpart_zone,
    formatting_locale,
    load_translations,
    negotiate_locale,
    parse_accept_language,
    read_catalogue,
    valid_zone,
)
from tests.factories import make_opportunity, make_organisation

REPO_ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _extracted_message_ids() -> set[str]:
    """Every message the templates and the web code ask to translate, extracted as babel.cfg says."""
    with (REPO_ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    ids: set[str] = set()
    for _filename, _line, message, _comments, _context in extract_from_dir(
        str(REPO_ROOT), method_map, options_map
    ):
        ids.add(message if isinstance(message, str) else message[0])
    return ids


def _translated_ids(locale: str) -> dict[str, str]:
    catalogue = read_catalogue(locale)
    translated: dict[str, str] = {}
    for message in catalogue:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        if all(strings) and not message.fuzzy:
            translated[key] = " ".join(strings)
    return translated


def test_extraction_finds_the_interface_messages() -> None:
    ids = _extracted_message_ids()
    assert {"Sign in", "Opportunities", "Technology offer", "Page not found"} <= ids


@pytest.mark.parametrize("locale", ["it", "ja"])
def test_every_interface_message_is_translated(locale: str) -> None:
    untranslated = sorted(_extracted_message_ids() - set(_translated_ids(locale)))
    assert untranslated == [], f"{locale}: messages without a translation: {untranslated}"


@pytest.mark.parametrize("locale", ["it", "ja"])
def test_no_catalogue_entry_has_an_empty_translation(locale: str) -> None:
    catalogue = read_catalogue(locale)
    empty = [message.id for message in catalogue if message.id and not _all_strings(message.string)]
    assert empty == []


@pytest.mark.parametrize("locale", ["it", "ja"])
def test_translations_keep_every_placeholder(locale: str) -> None:
    for message_id, translation in _translated_ids(locale).items():
        assert set(PLACEHOLDER.findall(translation)) == set(PLACEHOLDER.findall(message_id)), (
            f"{locale}: placeholders differ in {message_id!r}"
        )


def test_catalogues_compile_in_memory_and_translate() -> None:
    translations = load_translations()
    assert set(translations) == set(SUPPORTED_LOCALES)
    assert translations["it"].gettext("Sign in") == "Accedi"
    assert translations["ja"].gettext("Sign in") == "ログイン"
    assert translations["en"].gettext("Sign in") == "Sign in"


def _all_strings(value: str | tuple[str, ...]) -> bool:
    return bool(value) if isinstance(value, str) else all(value)


def test_accept_language_is_read_by_quality() -> None:
    assert parse_accept_language("en;q=0.5, ja-JP, it;q=0.8") == ["ja", "it", "en"]
    assert parse_accept_language("fr, de;q=0") == ["fr"]
    assert parse_accept_language(None) == []


@pytest.mark.parametrize(
    ("chosen", "accept_language", "expected"),
    [
        ("ja", "it-IT,it;q=0.9", "ja"),  # the switch wins over the browser
        (None, "fr-FR, it;q=0.7, ja;q=0.8", "ja"),  # the browser's best supported language
        (None, "fr-FR, de", "en"),  # nothing supported: the default
        ("xx", None, "en"),  # a bad cookie is ignored
    ],
)
def test_locale_negotiation(chosen: str | None, accept_language: str | None, expected: str) -> None:
    assert negotiate_locale(chosen=chosen, accept_language=accept_language, default="en") == expected


def test_times_are_shown_in_the_viewer_zone_and_the_counterpart_zone() -> None:
    moment = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    in_rome = LocaleFormatter(locale="it", viewer_zone="Europe/Rome").dual_time(moment)
    assert "10:00" in in_rome
    assert "CET" in in_rome
    assert "18:00" in in_rome
    assert "JST" in in_rome
    assert in_rome.index("10:00") < in_rome.index("18:00")
    in_tokyo = LocaleFormatter(locale="ja", viewer_zone="Asia/Tokyo").dual_time(moment)
    assert in_tokyo.index("18:00") < in_tokyo.index("10:00")


def test_naive_times_are_read_as_utc() -> None:
    shown = LocaleFormatter(locale="en", viewer_zone="Asia/Tokyo").dual_time(datetime(2026, 7, 1, 0, 0))
    assert "9:00" in shown  # 00:00 UTC is 09:00 in Tokyo
    assert "2:00" in shown  # and 02:00 CEST in Rome


def test_dates_and_numbers_follow_the_locale() -> None:
    assert LocaleFormatter(locale="it", viewer_zone="Europe/Rome").number(12345.5) == "12.345,5"
    assert LocaleFormatter(locale="en", viewer_zone="UTC").number(12345.5) == "12,345.5"
    assert LocaleFormatter(locale="ja", viewer_zone="Asia/Tokyo").date(date(2027, 6, 30)) == "2027/06/30"
    assert LocaleFormatter(locale="it", viewer_zone="Europe/Rome").date(date(2027, 6, 30)) == "30 giu 2027"


def test_zones_from_the_browser_are_checked() -> None:
    assert valid_zone("Asia/Tokyo") == "Asia/Tokyo"
    assert valid_zone("Mars/Olympus") is None
    assert valid_zone("../../etc/passwd") is None
    assert counterpart_zone("Asia/Tokyo") == "Europe/Rome"
    assert counterpart_zone("Europe/Rome") == "Asia/Tokyo"


@pytest.mark.parametrize(
    ("language", "accept_language", "expected"),
    [
        ("en", "en-GB,en;q=0.8", "en_GB"),
        ("en", "en-US,en;q=0.8", "en_US"),
        ("en", None, "en"),
        ("it", "it-IT,it;q=0.9", "it_IT"),
        ("it", "en-GB", "it"),  # the switch chose Italian: no Italian region was asked for
        ("ja", "ja", "ja"),
        ("en", "en-ZZ", "en"),  # an unknown region is ignored
    ],
)
def test_the_formatting_locale_keeps_the_browser_region(
    language: str, accept_language: str | None, expected: str
) -> None:
    assert formatting_locale(language, accept_language) == expected


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en_GB", "31 Aug 2027"),
        ("en_US", "Aug 31, 2027"),
        ("en", "Aug 31, 2027"),
        ("it", "31 ago 2027"),
        ("it_IT", "31 ago 2027"),
        ("ja", "2027/08/31"),
    ],
)
def test_one_date_style_per_locale(locale: str, expected: str) -> None:
    formatter = LocaleFormatter(locale=locale, viewer_zone="Europe/Rome")
    assert formatter.date(date(2027, 8, 31)) == expected
    # A datetime reads as the same calendar date, in the same style (no "31 agosto 2027" elsewhere).
    assert formatter.date(datetime(2027, 8, 31, 9, 0, tzinfo=UTC)) == expected


def test_date_times_show_both_zones_in_one_style() -> None:
    moment = datetime(2027, 8, 31, 8, 0, tzinfo=UTC)
    assert LocaleFormatter("it", "Europe/Rome").dual_time(moment) == "31 ago 2027, 10:00 (CEST) · 17:00 (JST)"
    assert LocaleFormatter("ja", "Asia/Tokyo").dual_time(moment) == "2027/08/31 17:00 (JST) · 10:00 (CEST)"
    assert LocaleFormatter("en_GB", "Europe/Rome").date_time(moment) == "31 Aug 2027, 10:00 (CEST)"
    late = datetime(2027, 8, 31, 20, 0, tzinfo=UTC)  # already 1 September in Tokyo: the date is repeated
    assert LocaleFormatter("it", "Europe/Rome").dual_time(late) == (
        "31 ago 2027, 22:00 (CEST) · 1 set 2027, 05:00 (JST)"
    )


@pytest.mark.parametrize(
    ("locale", "euros", "yen"),
    [
        ("it", "3.500.000,00\xa0€", "120.000.000\xa0JPY"),
        ("ja", "€3,500,000.00", "￥120,000,000"),
        ("en_GB", "€3,500,000.00", "JP¥120,000,000"),
        ("en_US", "€3,500,000.00", "¥120,000,000"),
    ],
)
def test_money_in_euros_and_yen(locale: str, euros: str, yen: str) -> None:
    formatter = LocaleFormatter(locale=locale, viewer_zone="UTC")
    assert formatter.money(3_500_000, "EUR") == euros
    assert formatter.money(120_000_000, "jpy") == yen


def test_pages_format_dates_with_the_browser_region(client: TestClient, database: Database) -> None:
    with database.session() as session:
        org = make_organisation(session, country="IT")
        make_opportunity(session, org, status="published", deadline=date(2027, 8, 31))
    british = client.get("/opportunities", headers={"accept-language": "en-GB,en;q=0.9"})
    american = client.get("/opportunities", headers={"accept-language": "en-US,en;q=0.9"})
    assert "31 Aug 2027" in british.text
    assert "Aug 31, 2027" in american.text


def test_the_domain_labels_agree_with_the_interface_catalogue() -> None:
    """Matching explanations (profiles.vocab) and page badges (the catalogue) name a value alike."""
    translations = load_translations()
    pairs = [
        (vocab.SECTOR_LABELS, labels.SECTORS),
        (vocab.TYPE_LABELS, labels.OPPORTUNITY_TYPES),
        (vocab.STATUS_LABELS, labels.STATUSES),
        (vocab.KIND_LABELS, labels.ORGANISATION_KINDS),
        (vocab.COUNTRY_LABELS, labels.COUNTRIES),
        (vocab.LANGUAGE_LABELS, labels.LANGUAGES),
        (vocab.SIZE_LABELS, labels.SIZES),
    ]
    for domain, interface in pairs:
        assert set(domain) == set(interface)
        for value, message in interface.items():
            for locale in SUPPORTED_LOCALES:
                assert domain[value][locale] == translations[locale].gettext(message), (value, locale)


def test_a_date_style_asked_for_is_ignored_so_every_page_writes_dates_alike() -> None:
    formatter = LocaleFormatter(locale="it", viewer_zone="Europe/Rome")
    assert formatter.date(date(2027, 10, 31), "long") == formatter.date(date(2027, 10, 31)) == "31 ott 2027"
