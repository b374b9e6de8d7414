"""The quarterly report as a PDF, turned back into images and text with pypdfium2: it renders, the
Japanese title and labels are there as text, every glyph has a font embedded (no tofu, no U+FFFD), the
summary compares the quarter with the one before; and the command writes it."""

from __future__ import annotations

import ctypes
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from typer.testing import CliRunner

from kakehashi.analytics.report import ReportRequest, render_pdf, summary
from kakehashi.config import Settings
from kakehashi.formatting import LocaleFormatter
from kakehashi.store import Database
from kakehashi.web.i18n import load_translations
from tests.analytics.fake_indicators import install
from tests.analytics.sample_tables import MATRIX, TABLES, TRENDS, scaled

pytestmark = pytest.mark.slow


def pdf_text(pdf: bytes) -> tuple[str, list[object]]:
    document = pdfium.PdfDocument(pdf)
    try:
        texts, images = [], []
        for index in range(len(document)):
            page = document[index]
            texts.append(page.get_textpage().get_text_range())
            images.append(page.render(scale=0.6).to_pil())
        return "\n".join(texts), images
    finally:
        document.close()


def embedded_fonts(pdf: bytes) -> dict[str, bool]:
    """Every font the text of the PDF is set in, and whether it is embedded (what ``pdffonts`` says)."""
    document = pdfium.PdfDocument(pdf)
    found: dict[str, bool] = {}
    try:
        for index in range(len(document)):
            page = document[index]
            for item in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_TEXT], max_depth=4):
                font = pdfium_c.FPDFTextObj_GetFont(item.raw)
                size = pdfium_c.FPDFFont_GetBaseFontName(font, None, 0)
                buffer = ctypes.create_string_buffer(size)
                pdfium_c.FPDFFont_GetBaseFontName(font, buffer, size)
                found[buffer.value.decode("latin-1")] = bool(pdfium_c.FPDFFont_GetIsEmbedded(font))
    finally:
        document.close()
    return found


def test_the_japanese_report_renders_with_its_text_and_fonts(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    install(monkeypatch)
    pdf = render_pdf(database, ReportRequest(quarter="2026Q3", locale="ja"))
    text, images = pdf_text(pdf)
    assert images, "no page rendered"
    assert all(image.size[0] > 300 for image in images)  # type: ignore[attr-defined]
    assert "日伊協力 四半期レポート" in text
    assert "2026年第3四半期：2026/07/01〜2026/09/30。" in text
    assert "半導体・マイクロエレクトロニクス" in text  # a label of the matrix (chart and table)
    assert "双方が承諾" in text  # a stage of the funnel
    assert "\ufffd" not in text
    fonts = embedded_fonts(pdf)
    assert fonts, "no text object found"
    assert all(fonts.values()), fonts  # every glyph drawn from an embedded font: nothing missing
    assert any("CJK" in name for name in fonts), fonts


def test_the_summary_compares_the_quarter_with_the_one_before() -> None:
    translations = load_translations()
    sentences = summary(
        (MATRIX, TRENDS),
        (scaled(MATRIX, 0.5),),
        quarter="2026Q3",
        formatter=LocaleFormatter(locale="it", viewer_zone="Europe/Rome"),
        gettext=translations["it"].gettext,
    )
    assert sentences == ["Opportunità: da 28 nel T2 2026 a 56 nel T3 2026, in crescita (+100%)."]


def test_the_command_writes_the_report(
    settings: Settings, database: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from kakehashi.cli.main import build_app

    install(monkeypatch, TABLES[:2])
    monkeypatch.setenv("KAKEHASHI_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("KAKEHASHI_DATABASE_URL", database.url)
    out = tmp_path / "report.pdf"
    result = CliRunner().invoke(
        build_app(), ["analytics", "report", "--quarter", "2026Q3", "--lang", "it", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    text, _images = pdf_text(out.read_bytes())
    assert "Cooperazione Italia–Giappone: rapporto trimestrale" in text
