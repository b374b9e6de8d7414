"""Charts drawn on the server: translated labels, numbers in the reader's language, a text alternative,
one panel per currency, and a clear error without a CJK font."""

from __future__ import annotations

import base64

import pytest

from kakehashi.analytics import charts, fonts
from kakehashi.analytics.charts import chart_for, chart_kind
from kakehashi.analytics.tables import Column, Table
from kakehashi.formatting import LocaleFormatter
from kakehashi.store.backup import ToolMissing
from kakehashi.web.i18n import load_translations
from tests.analytics.sample_tables import AMOUNTS, EMPTY, FUNNEL, MATRIX, TRENDS

TRANSLATIONS = load_translations()


def draw(table: object, locale: str) -> charts.Chart:
    formatter = LocaleFormatter(locale=locale, viewer_zone="Asia/Tokyo")
    return chart_for(table, formatter=formatter, gettext=TRANSLATIONS[locale].gettext)  # type: ignore[arg-type]


def test_each_table_shape_gets_its_chart() -> None:
    assert [chart_kind(t) for t in (FUNNEL, MATRIX, TRENDS, AMOUNTS, EMPTY)] == [
        "bars",
        "matrix",
        "lines",
        "bars",
        "none",
    ]


def test_the_matrix_in_japanese_names_sectors_and_countries_and_says_what_it_shows() -> None:
    chart = draw(MATRIX, "ja")
    assert chart.svg.startswith("<svg")
    assert "半導体・マイクロエレクトロニクス" in chart.svg
    assert "日本" in chart.svg
    assert "イタリア" in chart.svg
    assert ">31<" in chart.svg  # the cell's value is written in the cell
    assert chart.summary == "案件：最大は半導体・マイクロエレクトロニクス × 日本（31）です。 合計：56。"


def test_funnel_stages_keep_their_order_and_are_not_summed() -> None:
    chart = draw(FUNNEL, "it")
    svg = chart.svg
    assert svg.index("Proposta") < svg.index("Accettata da entrambi")
    assert chart.summary == "Presentazioni: il valore più alto è Proposta (40)."
    assert "Totale" not in chart.summary  # stages hold each other: a sum would count twice


def test_amounts_in_euro_and_yen_get_their_own_panels_in_the_readers_format() -> None:
    svg = draw(AMOUNTS, "it").svg
    assert "1.250.000,00" in svg  # euro, Italian grouping
    assert "€" in svg
    assert "203.750.000\xa0JPY" in svg  # yen, no decimals
    assert "2,5" not in svg  # counts are ticked on whole numbers
    assert svg.count('id="axes_') == 3  # counts, EUR, JPY: never one axis for two currencies


def test_trends_are_read_from_first_to_last_period() -> None:
    chart = draw(TRENDS, "en")
    assert "Q1 2026" in chart.svg
    assert "Q3 2026" in chart.svg
    assert chart.summary.startswith("Introductions went from 5 in Q1 2026 to 14 in Q3 2026.")
    assert "2026年第3四半期" in draw(TRENDS, "ja").svg


def test_an_empty_table_has_no_drawing_but_a_sentence() -> None:
    chart = draw(EMPTY, "ja")
    assert chart.svg == ""
    assert chart.summary == "この条件に該当する数値はありません。"


def test_a_drawing_is_kept_and_shown_as_an_image() -> None:
    first, second = draw(MATRIX, "it"), draw(MATRIX, "it")
    assert first is second
    assert base64.b64decode(first.data_uri.split(",", 1)[1]).decode() == first.svg
    assert draw(MATRIX, "en") is not first


def test_without_a_cjk_font_the_error_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    fonts.cjk_font_path.cache_clear()
    monkeypatch.setattr(fonts, "KNOWN_PATHS", ())
    monkeypatch.setattr(fonts.shutil, "which", lambda _name: None)
    try:
        with pytest.raises(ToolMissing, match="fonts-noto-cjk"):
            fonts.cjk_font_path()
    finally:
        fonts.cjk_font_path.cache_clear()


def many_events(n: int) -> Table:
    """``n`` events, the i-th with 10 + i participants (so the last ones are the largest) and a ratio."""
    return Table(
        key="events",
        title="Event outcomes",
        columns=(
            Column(key="title", label="Title", kind="text"),
            Column(key="participants", label="Participants", kind="count"),
            Column(key="acceptance", label="Acceptance ratio", kind="ratio"),
        ),
        rows=tuple((f"Forum {i}", 10 + i, 0.5) for i in range(n)),
    )


def test_a_chart_of_many_bars_shows_the_largest_then_the_others_summed() -> None:
    gettext = TRANSLATIONS["it"].gettext
    formatter = LocaleFormatter(locale="it", viewer_zone="Europe/Rome")
    shown = charts.top_rows(many_events(50), formatter=formatter, gettext=gettext)
    # the eleven largest (Forum 39..49) in the table's order, then one bar for the 39 others
    assert [row[0] for row in shown.rows] == [f"Forum {i}" for i in range(39, 50)] + ["Altri (39)"]
    assert shown.rows[-1][1] == sum(10 + i for i in range(39))  # counts are added up
    assert shown.rows[-1][2] is None  # a ratio is not
    chart = draw(many_events(50), "it")
    assert "Altri (39)" in chart.svg
    assert "Forum 3<" not in chart.svg  # one of the others: in the table behind, not a bar of its own
    total = sum(10 + i for i in range(50))
    assert chart.summary.endswith(f"Totale: {total:,}.".replace(",", "."))  # said of every event
    assert charts.top_rows(many_events(12), formatter=formatter, gettext=gettext).rows == many_events(12).rows
