"""The store: SQLAlchemy 2 engine and sessions, the declarative base, Alembic migrations."""

from kakehashi.store.base import Base, TimestampMixin, utcnow
from kakehashi.store.database import Database

__all__ = ["Base", "Database", "TimestampMixin", "utcnow"]
