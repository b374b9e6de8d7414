"""Starting the notices e-mail job: after every commit that wrote notices to e-mail, and now and then in
case a process stopped between a commit and its job (the outbox keeps them; nothing is lost)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from kakehashi.notifications.notices import PENDING_MAIL
from kakehashi.notifications.outbox import has_pending
from kakehashi.store import Database

log = logging.getLogger(__name__)


class NoticeMailDispatch:
    """While started: ``submit()`` (enqueue the ``notifications.send`` job) after each commit of this
    database's sessions that wrote notices to e-mail, and every ``sweep_s`` when some still wait."""

    def __init__(self, database: Database, *, submit: Callable[[], Any], sweep_s: float) -> None:
        self.database = database
        self.submit = submit
        self.sweep_s = sweep_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _after_commit(self, session: Session) -> None:
        if session.info.pop(PENDING_MAIL, False):
            self._submit()

    @staticmethod
    def _after_rollback(session: Session) -> None:
        session.info.pop(PENDING_MAIL, None)

    def _submit(self) -> None:
        try:
            self.submit()
        except Exception:  # the queue may be briefly away: the sweep submits again
            log.exception("could not enqueue the notices e-mail job")

    def start(self) -> None:
        event.listen(self.database.sessionmaker, "after_commit", self._after_commit)
        event.listen(self.database.sessionmaker, "after_rollback", self._after_rollback)
        self._stop.clear()
        self._thread = threading.Thread(target=self._sweep, name="kakehashi-notice-mail", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        event.remove(self.database.sessionmaker, "after_commit", self._after_commit)
        event.remove(self.database.sessionmaker, "after_rollback", self._after_rollback)
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _sweep(self) -> None:
        while True:
            try:
                if has_pending(self.database):
                    self._submit()
            except Exception:  # the database may be briefly away; look again next time
                log.exception("looking for notice e-mails failed")
            if self._stop.wait(self.sweep_s):
                return
