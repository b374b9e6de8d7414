"""Jinja2 for the pages: one environment per interface language, with gettext and locale-aware filters."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote

from babel.support import Translations
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup, escape

from kakehashi import __version__
from kakehashi.labels import has_label, label_message
from kakehashi.web.cards import kept_cards
from kakehashi.web.csrf import CSRF_FIELD, csrf_token
from kakehashi.web.deps import get_formatter, get_locale, pop_notice, session_user
from kakehashi.web.i18n import LANGUAGE_AUTONYMS, SUPPORTED_LOCALES, LocaleFormatter

TEMPLATE_DIR: Final = Path(__file__).parent / "templates"


class PageTemplates:
    """The Jinja2 environments, one per interface language, built once when the app is created."""

    def __init__(self, translations: Mapping[str, Translations]) -> None:
        loader = FileSystemLoader(TEMPLATE_DIR)
        self._environments = {
            locale: _environment(loader, translations[locale]) for locale in SUPPORTED_LOCALES
        }

    def environment(self, locale: str) -> Environment:
        return self._environments[locale]


def _environment(loader: FileSystemLoader, translations: Translations) -> Environment:
    environment = Environment(
        loader=loader,
        autoescape=select_autoescape(default=True, default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # packaged templates: no file check on every render
    )
    environment.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    environment.globals.update(gettext=_kept_gettext(translations), _=_kept_gettext(translations))
    environment.globals["card"] = kept_cards()
    environment.filters.update(
        date=_format_date,
        datetime=_format_datetime,
        number=_format_number,
        percent=_format_percent,
        money=_format_money,
        dual_time=_format_dual_time,
        label=_label_filter(translations),
        urlquote=lambda value: quote(str(value), safe=""),
    )
    environment.tests["labelled"] = lambda value, vocabulary: has_label(vocabulary, str(value))
    environment.globals.update(
        CSRF_FIELD=CSRF_FIELD,
        LANGUAGE_AUTONYMS=LANGUAGE_AUTONYMS,
        SUPPORTED_LOCALES=SUPPORTED_LOCALES,
        version=__version__,
    )
    return environment


_KEPT_MESSAGES: Final = 4096


def _kept_gettext(translations: Translations) -> Callable[..., str]:
    """Jinja2's new-style ``gettext`` (``_("…")``, same results), with each message without parameters
    translated, escaped and formatted once per language: a list page calls it well over a hundred times,
    and each call went through two context calls, a catalogue lookup, a Markup and a ``%``."""
    kept: dict[str, Markup] = {}

    @pass_context
    def gettext(context: Context, message: str, /, **variables: Any) -> str:
        if not context.eval_ctx.autoescape:
            return translations.gettext(message) % variables
        if variables:
            return Markup(translations.gettext(message)) % variables
        translated = kept.get(message)
        if translated is None:
            # As Jinja2 does, always a format string: "%%" reads "%" with or without parameters.
            translated = Markup(translations.gettext(message)) % {}
            if len(kept) < _KEPT_MESSAGES:
                kept[message] = translated
        return translated

    return gettext


def _formatter(context: Context) -> LocaleFormatter:
    formatter: LocaleFormatter = context["fmt"]
    return formatter


@pass_context
def _format_date(context: Context, value: Any, _style: str | None = None) -> str:
    """``{{ opp.deadline|date }}``: one date style per locale on every page (a style given is ignored)."""
    return _formatter(context).date(value)


@pass_context
def _format_datetime(context: Context, value: Any, zone: str | None = None) -> str:
    return _formatter(context).date_time(value, zone)


@pass_context
def _format_number(context: Context, value: Any) -> str:
    return _formatter(context).number(value)


@pass_context
def _format_percent(context: Context, value: Any) -> str:
    return _formatter(context).percent(value)


@pass_context
def _format_money(context: Context, value: Any, currency: str) -> str:
    """``{{ amount|money("EUR") }}``."""
    return _formatter(context).money(value, currency)


@pass_context
def _format_dual_time(context: Context, value: Any, other_zone: str | None = None) -> str:
    return _formatter(context).dual_time(value, other_zone)


def _label_filter(translations: Translations) -> Callable[[Any, str], str]:
    def label(value: Any, vocabulary: str) -> str:
        """The translated interface name of a vocabulary value: ``{{ opp.type|label("type") }}``."""
        return translations.gettext(label_message(vocabulary, str(value)))

    return label


def render(
    request: Request,
    template_name: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    """Render a page in the request's interface language, with what every page needs in its context."""
    locale = get_locale(request)
    templates: PageTemplates = request.app.state.templates
    has_session = "session" in request.scope
    template = templates.environment(locale).get_template(template_name)
    page_context: dict[str, Any] = {
        "request": request,
        "locale": locale,
        "fmt": get_formatter(request),
        # An error caught outside the session middleware (a crash) renders without a session.
        "current_user": session_user(request) if has_session else None,
        "csrf_token": LazyCsrfToken(request) if has_session else "",
        "notice": pop_notice(request) if has_session else None,
        "current_path": _current_path(request),
    }
    page_context.update(context or {})
    response = HTMLResponse(template.render(page_context), status_code=status_code)
    # The same address reads differently per interface language and per signed-in user.
    response.headers["vary"] = "Accept-Language, Cookie"
    response.headers["cache-control"] = "no-store" if has_session and session_user(request) else "no-cache"
    return response


class LazyCsrfToken:
    """The session's form token, made only when a page prints it: a visitor's page without a form then
    sets no session cookie, and can be kept for other visitors (``kakehashi.web.page_cache``)."""

    __slots__ = ("_request",)

    def __init__(self, request: Request) -> None:
        self._request = request

    def __str__(self) -> str:
        return csrf_token(self._request)

    def __html__(self) -> str:
        return str(escape(csrf_token(self._request)))


def _current_path(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")
