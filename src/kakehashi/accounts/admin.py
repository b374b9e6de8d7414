"""What an administrator does to accounts: list them, change a role, deactivate and reactivate.

Deactivation ends the user's sessions and API tokens at once. An administrator cannot demote or
deactivate the last active administrator, so the installation always keeps one.

Users carry a version: a change made on an older read (``expected_version``, the ETag or the form's
hidden field) is refused, and the UPDATE itself is conditional on the version read, so two administrators
changing one user at once cannot both win; the loser's unit of work (sessions ended, tokens revoked,
audit entry) rolls back whole.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from kakehashi.accounts.models import Agency, User
from kakehashi.accounts.roles import Actor, Role
from kakehashi.accounts.service import AGENCIES, ensure_agencies, revoke_all_tokens
from kakehashi.accounts.sessions import end_all_sessions
from kakehashi.audit import service as audit
from kakehashi.audit.service import AuditKind
from kakehashi.errors import Conflict, FieldProblem, NotFound, PermissionDenied, ValidationFailed
from kakehashi.store.versions import flush_versioned, require_version


def _require_admin(actor: Actor) -> None:
    if actor.role != Role.ADMIN:
        raise PermissionDenied("Only an administrator can manage users.")


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("User %(id)s does not exist.", params={"id": user_id})
    return user


def user_for_admin(session: Session, actor: Actor, user_id: int) -> User:
    _require_admin(actor)
    return _user(session, user_id)


def user_by_email(session: Session, email: str) -> User:
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise NotFound("No user has the e-mail %(email)s.", params={"email": email})
    return user


def list_users(session: Session, actor: Actor) -> list[User]:
    _require_admin(actor)
    return list(session.scalars(select(User).order_by(User.id)))


def _active_admins(session: Session, *, besides: int | None = None) -> int:
    """Active administrators (but ``besides``). On PostgreSQL every active administrator's row is locked
    until the end of the transaction, always all of them and in id order, so two administrators demoting
    each other at once are decided one after the other (locking only the others' rows deadlocked)."""
    query = select(User.id).where(User.role == Role.ADMIN.value, User.is_active.is_(True)).order_by(User.id)
    ids = session.scalars(query.with_for_update()).all()
    return sum(1 for admin_id in ids if admin_id != besides)


def _keep_one_admin(session: Session, user: User) -> None:
    if user.role == Role.ADMIN.value and user.is_active and _active_admins(session, besides=user.id) == 0:
        raise Conflict("The last active administrator cannot be demoted or deactivated.")


def _still_one_admin(session: Session) -> None:
    """Checked again after the write: on SQLite the count above may predate a concurrent demotion that
    committed while this one waited for the write lock; the transaction then rolls back whole."""
    if _active_admins(session) == 0:
        raise Conflict("The last active administrator cannot be demoted or deactivated.")


def set_role(
    session: Session,
    actor: Actor,
    user_id: int,
    *,
    role: Role,
    organisation_id: int | None = None,
    agency_code: str | None = None,
    expected_version: int | None = None,
) -> User:
    """Give a user another role (a member needs an organisation, an officer ICE or JETRO)."""
    _require_admin(actor)
    user = _user(session, user_id)
    require_version(user.version, expected_version)
    if role == Role.VISITOR:
        raise ValidationFailed(
            "The role is not valid.", problems=[FieldProblem("role", "Visitors have no account.")]
        )
    if role == Role.MEMBER and organisation_id is None and user.organisation_id is None:
        raise ValidationFailed(
            "The role is not valid.",
            problems=[FieldProblem("organisation", "A member belongs to an organisation.")],
        )
    agency_id = None
    if role == Role.OFFICER:
        code = (agency_code or (user.agency.code if user.agency else "")).upper()
        if code not in {known for known, _, _ in AGENCIES}:
            raise ValidationFailed(
                "The role is not valid.",
                problems=[FieldProblem("agency", "An officer belongs to ICE or JETRO.")],
            )
        ensure_agencies(session)
        agency_id = session.scalar(select(Agency.id).where(Agency.code == code))
    if role != Role.ADMIN:
        _keep_one_admin(session, user)
    before = user.role
    user.role = role.value
    user.agency_id = agency_id
    if role == Role.MEMBER:
        user.organisation_id = organisation_id if organisation_id is not None else user.organisation_id
    else:
        user.organisation_id = None
    flush_versioned(session)
    if before == Role.ADMIN.value:
        _still_one_admin(session)
    session.expire(user, ["agency"])
    audit.record(
        session,
        AuditKind.ROLE_CHANGED,
        actor_user_id=actor.user_id,
        target=f"user:{user.id}",
        detail={"from": before, "to": user.role, "organisation_id": user.organisation_id},
    )
    return user


def set_active(
    session: Session, actor: Actor, user_id: int, *, active: bool, expected_version: int | None = None
) -> User:
    """Deactivate (ending every session and token) or reactivate a user."""
    _require_admin(actor)
    user = _user(session, user_id)
    require_version(user.version, expected_version)
    if user.is_active == active:
        return user
    if not active:
        _keep_one_admin(session, user)
        end_all_sessions(session, user.id)
        revoke_all_tokens(session, user.id)
    user.is_active = active
    flush_versioned(session)
    if not active and user.role == Role.ADMIN.value:
        _still_one_admin(session)
    audit.record(
        session,
        AuditKind.USER_ACTIVATED if active else AuditKind.USER_DEACTIVATED,
        actor_user_id=actor.user_id,
        target=f"user:{user.id}",
        detail={"email": user.email},
    )
    return user


def change_user(
    session: Session,
    actor: Actor,
    user_id: int,
    *,
    role: Role | None = None,
    organisation_id: int | None = None,
    agency_code: str | None = None,
    active: bool | None = None,
    expected_version: int | None = None,
) -> User:
    """A role change and / or (de)activation in one unit of work, checked against one version read."""
    user = user_for_admin(session, actor, user_id)
    require_version(user.version, expected_version)
    read_at = user.version
    if role is not None:
        set_role(session, actor, user_id, role=role, organisation_id=organisation_id, agency_code=agency_code)
    if active is not None:
        set_active(session, actor, user_id, active=active)
    if user.version == read_at:
        # Nothing changed, yet still an UPDATE on the version read: a request is never acknowledged
        # while a concurrent one changes the user.
        flag_modified(user, "is_active")
        flush_versioned(session)
    return user
