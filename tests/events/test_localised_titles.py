"""An event's title in notices and e-mails is the reader's language's when the event has one."""

from __future__ import annotations

from sqlalchemy import select

from kakehashi.events import requests
from kakehashi.events.schemas import MarkInput
from kakehashi.notifications.models import Notice
from kakehashi.notifications.params import Localised, decode_params, encode_params
from kakehashi.notifications.readers import addressee, reader_of
from kakehashi.notifications.render import notice_mail, notice_text
from kakehashi.store import Database
from tests.events.factories import booking_world

TITLES = {
    "title_en": "Partnering Days",
    "title_it": "Giornate di partenariato",
    "title_ja": "パートナリング・デイズ",
}


def test_a_localised_text_keeps_its_languages_and_falls_back_to_english() -> None:
    stored = encode_params({"event": Localised({"it": "Giornate", "ja": "", "en": "Days"})})
    assert stored == {"event": {"t": "text", "v": {"it": "Giornate", "en": "Days"}}}
    value = decode_params(stored)["event"]
    assert isinstance(value, Localised)
    assert (value.pick("it"), value.pick("ja"), value.pick("en")) == ("Giornate", "Days", "Days")


def test_request_notices_name_the_event_in_japanese_and_in_italian(database: Database) -> None:
    with database.session() as session:
        world = booking_world(session, **TITLES)
        japanese, italian = world.members["jp1"], world.members["it1"]
        japanese.user.locale, italian.user.locale = "ja", "it"
        assert japanese.registration is not None
        assert italian.registration is not None
        request = requests.mark(
            session,
            italian.actor,
            world.event.id,
            MarkInput(
                from_registration_id=italian.registration.id,
                to_registration_id=japanese.registration.id,
                mark="meet",
                note="SiC",
            ),
        )
        requests.answer(session, japanese.actor, request.id, accept=True)
        texts = {}
        for member in (japanese, italian):
            notice = session.scalars(
                select(Notice).where(Notice.user_id == member.user.id).order_by(Notice.id.desc())
            ).first()
            assert notice is not None
            reader = reader_of(session, member.user)
            texts[member.user.locale] = notice_text(notice, reader)
            mail = notice_mail(notice, to=addressee(member.user), reader=reader, site="https://k.example")
            assert TITLES[f"title_{member.user.locale}"] in mail.body
            assert TITLES["title_en"] not in mail.body
    assert "パートナリング・デイズ" in texts["ja"]
    assert "Giornate di partenariato" in texts["it"]


def test_an_event_without_a_japanese_title_is_named_in_english_for_a_japanese_reader(
    database: Database,
) -> None:
    with database.session() as session:
        world = booking_world(session, title_en="Partnering Days", title_it="Giornate", title_ja="")
        japanese = world.members["jp1"]
        japanese.user.locale = "ja"
        notice = session.scalars(select(Notice).where(Notice.user_id == japanese.user.id)).first()
        assert notice is not None
        assert "Partnering Days" in notice_text(notice, reader_of(session, japanese.user))
