"""Who is acting. Every service function takes an :class:`Actor` first and checks it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    VISITOR = "visitor"
    MEMBER = "member"
    OFFICER = "officer"
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class Actor:
    role: Role
    user_id: int | None = None
    organisation_id: int | None = None
    agency_code: str | None = None

    @property
    def is_staff(self) -> bool:
        """Agency officers and admins curate the whole catalogue."""
        return self.role in (Role.OFFICER, Role.ADMIN)

    @property
    def is_signed_in(self) -> bool:
        return self.user_id is not None

    def belongs_to(self, organisation_id: int | None) -> bool:
        return (
            self.role == Role.MEMBER
            and self.organisation_id is not None
            and self.organisation_id == organisation_id
        )


VISITOR = Actor(role=Role.VISITOR)
