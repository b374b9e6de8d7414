"""Charts of indicator tables, drawn on the server as SVG with matplotlib (Agg, no browser, no network).

One drawing per shape of :class:`~kakehashi.analytics.tables.Table`, read from its column kinds:
a period column gives trend lines by period; two label columns (sector × country) a heat matrix; one label
column bars in the table's order (a funnel's stages, event outcomes, agreement types). Money in EUR and in
JPY never share an axis: each currency gets its own panel. Labels are translated with the reader's
catalogue and numbers written by :mod:`kakehashi.formatting`; every chart comes with a sentence that says
what it shows (the text alternative). Drawings are kept per (table content, language): the content is the
data version, so a changed figure draws again and an unchanged one costs nothing.
"""

from __future__ import annotations

import base64
import hashlib
import io
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Any, Final, Literal

from kakehashi.analytics.cells import (
    Gettext,
    format_value,
    label_columns,
    label_of,
    number_of,
    numeric_columns,
)
from kakehashi.analytics.fonts import cjk_font_path
from kakehashi.analytics.tables import Table
from kakehashi.formatting import LocaleFormatter

ChartKind = Literal["bars", "matrix", "lines", "none"]
PANEL_KINDS: Final = ("count", "eur", "jpy", "days")  # ratios are drawn only when nothing else is
COLOURS: Final = ("#1f5f8b", "#c8553d", "#588157", "#8d6a9f", "#d4a017", "#4a4e69")
KEPT_CHARTS: Final = 256
WIDTH_IN: Final = 7.2


@dataclass(frozen=True, slots=True)
class Chart:
    """One drawn table: the SVG markup (no XML prolog), its kind and its text alternative."""

    key: str
    kind: ChartKind
    svg: str
    summary: str

    @property
    def data_uri(self) -> str:
        """The SVG as an image address: pages show it as ``<img alt=summary>`` (the SVG's own styles
        stay inside the image, under the pages' content security policy)."""
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode("ascii")


MAX_SERIES: Final = 6  # more measures than this stay in the table behind the chart
MAX_BARS: Final = 12  # more rows than this: the largest ones, then one summed bar for the others
SUMMED_KINDS: Final = ("count", "eur", "jpy")  # what a bar of "the others" adds up (not ratios, days)


def chart_kind(table: Table) -> ChartKind:
    labels, numbers = label_columns(table), numeric_columns(table)
    if not table.rows or not labels or not numbers:
        return "none"
    if any(table.columns[i].kind == "period" for i in labels):
        return "lines"
    if _matrix_axes(table) is not None:
        return "matrix"
    return "bars"


def _matrix_axes(table: Table) -> tuple[int, int] | None:
    """Sector × country: the rows (the one with more values) and the columns of the heat matrix."""
    found = {column.vocabulary: i for i, column in enumerate(table.columns) if column.kind == "code"}
    if "sector" not in found or "country" not in found:
        return None
    return found["sector"], found["country"]


def _category_column(table: Table) -> int:
    """What a bar stands for: a text (an event's title), else the most specific named code."""
    labels = label_columns(table)
    texts = [i for i in labels if table.columns[i].kind == "text"]
    named = [i for i in labels if table.columns[i].vocabulary]
    return (texts or named[-1:] or labels)[0]


def panels(table: Table) -> list[list[int]]:
    """The numeric columns drawn, grouped by kind (one panel per kind: counts, EUR, JPY, days)."""
    numbers = numeric_columns(table)
    groups = [[i for i in numbers if table.columns[i].kind == kind][:MAX_SERIES] for kind in PANEL_KINDS]
    drawn = [group for group in groups if group]
    return drawn or [[i for i in numbers if table.columns[i].kind == "ratio"]]


_kept: OrderedDict[str, Chart] = OrderedDict()
_lock = threading.Lock()  # matplotlib's settings are global: one drawing at a time


def chart_for(table: Table, *, formatter: LocaleFormatter, gettext: Gettext) -> Chart:
    """The chart of ``table`` for a reader of ``formatter.locale`` (kept once drawn)."""
    fingerprint = hashlib.sha256(
        repr((table.key, table.title, table.columns, table.rows, formatter.locale)).encode()
    ).hexdigest()
    with _lock:
        kept = _kept.get(fingerprint)
        if kept is not None:
            _kept.move_to_end(fingerprint)
            return kept
        chart = _draw(table, formatter=formatter, gettext=gettext)
        _kept[fingerprint] = chart
        while len(_kept) > KEPT_CHARTS:
            _kept.popitem(last=False)
        return chart


def outline(table: Table, *, formatter: LocaleFormatter, gettext: Gettext) -> Chart:
    """What a page needs of the chart of ``table`` without drawing it (its kind and its text alternative):
    the page links to the drawing (``/analytics/charts/<key>.svg``), a request of its own."""
    shown = drawn_rows(table)
    return Chart(
        key=table.key,
        kind=chart_kind(shown),
        svg="",
        summary=describe(shown, formatter=formatter, gettext=gettext),
    )


def forget_charts() -> None:
    with _lock:
        _kept.clear()


def drawn_rows(table: Table) -> Table:
    """The table without its total rows (a row whose labels are all empty counts every other row): a bar
    for the total would dwarf the others and count them twice. The table behind the chart keeps it."""
    labels = label_columns(table)
    rows = tuple(row for row in table.rows if any(row[i] is not None for i in labels))
    return replace(table, rows=rows) if len(rows) != len(table.rows) else table


def _draw(table: Table, *, formatter: LocaleFormatter, gettext: Gettext) -> Chart:
    table = drawn_rows(table)
    kind = chart_kind(table)
    summary = describe(table, formatter=formatter, gettext=gettext)
    if kind == "none":
        return Chart(key=table.key, kind=kind, svg="", summary=summary)
    if kind == "bars":
        table = top_rows(table, formatter=formatter, gettext=gettext)
    figure = _figure(table, kind, formatter=formatter, gettext=gettext)
    return Chart(key=table.key, kind=kind, svg=_svg(figure), summary=summary)


def top_rows(table: Table, *, formatter: LocaleFormatter, gettext: Gettext, limit: int = MAX_BARS) -> Table:
    """At most ``limit`` bars: the ``limit - 1`` rows largest by the first drawn measure, in the table's
    order, then one bar "Others (n)" summing the counts and amounts of the rest (its ratios and days empty).
    Fifty events of six series each were 300 bars nobody reads (and most of a cold chart's time); every row
    stays in the table behind the chart, and the sentence is said of every row."""
    if len(table.rows) <= limit:
        return table
    measure = panels(table)[0][0]
    ranked = sorted(range(len(table.rows)), key=lambda i: (-number_of(table.rows[i][measure]), i))
    kept = set(ranked[: limit - 1])
    rest = [row for i, row in enumerate(table.rows) if i not in kept]
    category = _category_column(table)
    others: list[Any] = []
    for i, column in enumerate(table.columns):
        if i == category:
            others.append(gettext("Others (%(count)s)") % {"count": len(rest)})
        elif column.kind in SUMMED_KINDS:
            found: list[Any] = [row[i] for row in rest if row[i] is not None]
            others.append(sum(found[1:], found[0]) if found else None)  # ints, or Decimals kept exact
        else:
            others.append(None)
    named = (
        (
            *row[:category],
            label_of(table.columns[category], row[category], gettext, formatter),
            *row[category + 1 :],
        )
        for i, row in enumerate(table.rows)
        if i in kept
    )
    rows = (*named, tuple(others))
    # The bars are named by their labels, written now: the others' bar has no code of a vocabulary.
    columns = tuple(
        replace(column, kind="text", vocabulary=None) if i == category else column
        for i, column in enumerate(table.columns)
    )
    return replace(table, columns=columns, rows=rows)


def _figure(table: Table, kind: ChartKind, *, formatter: LocaleFormatter, gettext: Gettext) -> Any:
    from matplotlib.figure import Figure

    _configure_matplotlib()
    groups = [[0]] if kind == "matrix" else panels(table)
    height = _height(table, kind)
    figure = Figure(figsize=(WIDTH_IN, height), layout="constrained")
    axes_row = figure.subplots(1, len(groups), squeeze=False)[0]
    for axes, group in zip(axes_row, groups, strict=True):
        if kind == "lines":
            _lines(axes, table, group, formatter=formatter, gettext=gettext)
        elif kind == "matrix":
            _matrix(axes, table, formatter=formatter, gettext=gettext)
        else:
            _bars(axes, table, group, formatter=formatter, gettext=gettext)
    return figure


def _height(table: Table, kind: ChartKind) -> float:
    if kind == "lines":
        return 3.2
    if kind == "matrix":
        axes = _matrix_axes(table)
        rows = len({row[axes[0]] for row in table.rows}) if axes else 1
        return max(2.4, 0.42 * rows + 1.2)
    series = max(len(group) for group in panels(table))
    return min(14.0, max(2.0, 0.3 * len(table.rows) * (1 + series / 2) + 1.0))


def _value_axis(axis: Any, kind: str, formatter: LocaleFormatter) -> None:
    """Ticks written as the values are (counts on whole numbers, money in its currency)."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    axis.set_major_formatter(FuncFormatter(lambda value, _position: format_value(kind, value, formatter)))
    axis.set_major_locator(MaxNLocator(nbins=4 if kind in ("eur", "jpy") else 6, integer=kind == "count"))


def _bars(axes: Any, table: Table, group: list[int], *, formatter: LocaleFormatter, gettext: Gettext) -> None:
    label_index = _category_column(table)
    names = [label_of(table.columns[label_index], row[label_index], gettext, formatter) for row in table.rows]
    width = 0.8 / len(group)
    value_kind = table.columns[group[0]].kind
    for series, column_index in enumerate(group):
        values = [number_of(row[column_index]) for row in table.rows]
        positions = [i - 0.4 + width * (series + 0.5) for i in range(len(values))]
        bars = axes.barh(
            positions,
            values,
            height=width,
            color=COLOURS[series % len(COLOURS)],
            label=gettext(table.columns[column_index].label),
        )
        axes.bar_label(bars, labels=[format_value(value_kind, v, formatter) for v in values], padding=3)
    axes.set_yticks(range(len(names)), labels=names)
    axes.invert_yaxis()  # the table's first row (a funnel's first stage) on top
    _value_axis(axes.xaxis, value_kind, formatter)
    if value_kind != "count":
        axes.set_xticks([])  # each bar says its amount; long money ticks would overlap
    axes.margins(x=0.35)
    axes.spines[["top", "right"]].set_visible(False)
    if len(group) > 1:
        axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.04), frameon=False, ncols=2, fontsize="small")
    else:
        axes.set_xlabel(gettext(table.columns[group[0]].label))


def _lines(
    axes: Any, table: Table, group: list[int], *, formatter: LocaleFormatter, gettext: Gettext
) -> None:
    labels = label_columns(table)
    period_index = next(i for i in labels if table.columns[i].kind == "period")
    periods = list(dict.fromkeys(str(row[period_index]) for row in table.rows))
    value_kind = table.columns[group[0]].kind
    for series, (name, values) in enumerate(_series(table, group, period_index, periods, gettext)):
        axes.plot(range(len(periods)), values, marker="o", color=COLOURS[series % len(COLOURS)], label=name)
    period_column = table.columns[period_index]
    axes.set_xticks(
        range(len(periods)), labels=[label_of(period_column, p, gettext, formatter) for p in periods]
    )
    _value_axis(axes.yaxis, value_kind, formatter)
    axes.set_ylim(bottom=0)
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="y", alpha=0.3)
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), frameon=False, ncols=2, fontsize="small")


def _series(
    table: Table, group: list[int], period_index: int, periods: list[str], gettext: Gettext
) -> list[tuple[str, list[float]]]:
    """Lines: one per code of a second label column (the first numeric column), else one per column."""
    codes = [i for i in label_columns(table) if i != period_index]
    position = {period: i for i, period in enumerate(periods)}
    if codes:
        code_index, value_index = codes[0], group[0]
        found: dict[str, list[float]] = {}
        for row in table.rows:
            name = label_of(table.columns[code_index], row[code_index], gettext)
            found.setdefault(name, [0.0] * len(periods))[position[str(row[period_index])]] += number_of(
                row[value_index]
            )
        return list(found.items())
    lines = []
    for column_index in group:
        values = [0.0] * len(periods)
        for row in table.rows:
            values[position[str(row[period_index])]] += number_of(row[column_index])
        lines.append((gettext(table.columns[column_index].label), values))
    return lines


def _grid(table: Table, gettext: Gettext) -> tuple[list[str], list[str], list[list[float]], int]:
    """The matrix's row names, column names, summed cells, and the value column."""
    axes = _matrix_axes(table)
    assert axes is not None
    row_index, column_index = axes
    value_index = panels(table)[0][0]
    row_names = list(
        dict.fromkeys(label_of(table.columns[row_index], r[row_index], gettext) for r in table.rows)
    )
    column_names = list(
        dict.fromkeys(label_of(table.columns[column_index], r[column_index], gettext) for r in table.rows)
    )
    grid = [[0.0] * len(column_names) for _ in row_names]
    for row in table.rows:
        y = row_names.index(label_of(table.columns[row_index], row[row_index], gettext))
        x = column_names.index(label_of(table.columns[column_index], row[column_index], gettext))
        grid[y][x] += number_of(row[value_index])
    return row_names, column_names, grid, value_index


def _matrix(axes: Any, table: Table, *, formatter: LocaleFormatter, gettext: Gettext) -> None:
    row_names, column_names, grid, value_index = _grid(table, gettext)
    value_kind = table.columns[value_index].kind
    largest = max((value for line in grid for value in line), default=0.0) or 1.0
    axes.imshow(grid, cmap="Blues", vmin=0, vmax=largest, aspect="auto")
    for y, line in enumerate(grid):
        for x, value in enumerate(line):
            colour = "white" if value > largest * 0.6 else "#1b1b1b"
            axes.text(
                x, y, format_value(value_kind, value, formatter), ha="center", va="center", color=colour
            )
    axes.set_xticks(range(len(column_names)), labels=column_names)
    axes.set_yticks(range(len(row_names)), labels=row_names)
    axes.xaxis.tick_top()
    axes.tick_params(length=0)
    for spine in axes.spines.values():
        spine.set_visible(False)


def _svg(figure: Any) -> str:
    out = io.StringIO()
    figure.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    text = out.getvalue()
    return text[text.index("<svg") :]


_configured = False


def _configure_matplotlib() -> None:
    """Agg, no GUI; Japanese glyphs from the machine's CJK font; SVG text kept as text (searchable,
    translated, small), read by browsers and WeasyPrint with the same installed font."""
    global _configured
    if _configured:
        return
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager

    path = cjk_font_path()
    font_manager.fontManager.addfont(str(path))
    name = font_manager.FontProperties(fname=str(path)).get_name()
    matplotlib.rcParams.update(
        {
            "font.family": "sans-serif",
            "font.sans-serif": [name, "DejaVu Sans"],
            "font.size": 9,
            "svg.fonttype": "none",
            "svg.hashsalt": "kakehashi",
            "axes.unicode_minus": False,
        }
    )
    _configured = True


def describe(table: Table, *, formatter: LocaleFormatter, gettext: Gettext) -> str:
    """The chart in one or two sentences: its largest value and its total (or a trend's first and last)."""
    table = drawn_rows(table)
    kind = chart_kind(table)
    if kind == "none":
        return gettext("No figures for this selection.")
    if kind == "lines":
        return _describe_trend(table, formatter=formatter, gettext=gettext)
    if kind == "matrix":
        row_names, column_names, grid, value_index = _grid(table, gettext)
        largest, y, x = max((value, y, x) for y, line in enumerate(grid) for x, value in enumerate(line))
        name = f"{row_names[y]} × {column_names[x]}"
    else:
        value_index = panels(table)[0][0]
        category = _category_column(table)
        top = max(table.rows, key=lambda row: number_of(row[value_index]))
        largest = number_of(top[value_index])
        name = label_of(table.columns[category], top[category], gettext, formatter)
    value_kind = table.columns[value_index].kind
    sentence = gettext("%(measure)s: the largest is %(name)s (%(value)s).") % {
        "measure": gettext(table.columns[value_index].label),
        "name": name,
        "value": format_value(value_kind, largest, formatter),
    }
    if value_kind in ("count", "eur", "jpy") and not _is_funnel(table):
        total = sum(number_of(row[value_index]) for row in table.rows)
        sentence += " " + gettext("Total: %(total)s.") % {"total": format_value(value_kind, total, formatter)}
    return sentence


def _is_funnel(table: Table) -> bool:
    """Stages of a funnel hold each other: their sum counts the same introduction several times."""
    return any(column.vocabulary == "stage" for column in table.columns)


def _describe_trend(table: Table, *, formatter: LocaleFormatter, gettext: Gettext) -> str:
    labels = label_columns(table)
    period_index = next(i for i in labels if table.columns[i].kind == "period")
    periods = list(dict.fromkeys(str(row[period_index]) for row in table.rows))
    group = panels(table)[0]
    value_kind = table.columns[group[0]].kind
    sentences = []
    for name, values in _series(table, group, period_index, periods, gettext)[:3]:
        sentences.append(
            gettext("%(series)s went from %(first)s in %(start)s to %(last)s in %(end)s.")
            % {
                "series": name,
                "first": format_value(value_kind, values[0], formatter),
                "start": label_of(table.columns[period_index], periods[0], gettext, formatter),
                "last": format_value(value_kind, values[-1], formatter),
                "end": label_of(table.columns[period_index], periods[-1], gettext, formatter),
            }
        )
    return " ".join(sentences)
