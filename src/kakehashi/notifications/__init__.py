"""Notifications: the platform's one service for telling users something.

- ``notices.notify``: write in-app notices in the caller's transaction (and e-mail them after commit);
- ``params``: typed parameters rendered per reader (language, zone);
- ``mail``: the SMTP sender.
"""

from kakehashi.notifications.notices import notify
from kakehashi.notifications.params import NoticeParam

__all__ = ["NoticeParam", "notify"]
