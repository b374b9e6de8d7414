"""Users carry a version: ETag / If-Match on the admin API and on the user's own account writes, a hidden
version in the admin page and the password form, and a conditional UPDATE so that two administrators
changing one user at once cannot both win."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from kakehashi.accounts.models import User
from kakehashi.accounts.roles import Role
from kakehashi.accounts.service import issue_token
from kakehashi.audit.models import AuditEvent
from kakehashi.store import Database
from tests.api.conftest import API, World, assert_error
from tests.factories import PASSWORD, make_user
from tests.hardening.test_races import _at_once, assert_stale
from tests.web.conftest import csrf_token, sign_in

ROUNDS = 6


def _user_id(client: TestClient, world: World, who: str) -> int:
    return int(client.get(f"{API}/me", headers=world.auth(who)).json()["id"])


def _audit_count(database: Database, target: str) -> int:
    with database.session() as session:
        return session.query(AuditEvent).filter(AuditEvent.target == target).count()


@pytest.fixture
def second_admin(database: Database) -> dict[str, str]:
    with database.session() as session:
        user = make_user(session, role=Role.ADMIN)
        return {"Authorization": f"Bearer {issue_token(session, user, max_age_s=3600, label='tests')}"}


def test_a_user_is_read_and_changed_with_its_version_as_etag(client: TestClient, world: World) -> None:
    target = _user_id(client, world, "member_a")
    url, admin = f"{API}/users/{target}", world.auth("admin")
    read = client.get(url, headers=admin)
    assert read.status_code == 200
    assert read.headers["etag"] == f'"{read.json()["version"]}"'
    changed = client.patch(
        url, json={"role": "officer", "agency": "JETRO"}, headers={**admin, "If-Match": read.headers["etag"]}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["version"] == read.json()["version"] + 1
    assert changed.headers["etag"] == f'"{changed.json()["version"]}"'
    assert client.get(url, headers=admin).json()["role"] == "officer"
    assert_error(client.get(url, headers=world.auth("member_b")), 403)
    assert_error(client.get(f"{API}/users/999999", headers=admin), 404)


def test_a_stale_admin_change_is_a_409_with_the_user_as_it_is_now(
    client: TestClient, world: World, database: Database
) -> None:
    target = _user_id(client, world, "member_a")
    url, admin = f"{API}/users/{target}", world.auth("admin")
    etag = client.get(url, headers=admin).headers["etag"]
    first = client.patch(url, json={"role": "officer", "agency": "ICE"}, headers={**admin, "If-Match": etag})
    assert first.status_code == 200, first.text
    audited = _audit_count(database, f"user:{target}")
    stale = client.patch(url, json={"active": False}, headers={**admin, "If-Match": etag})
    current = assert_stale(stale)
    assert current["role"] == "officer"
    assert current["active"] is True
    # Nothing of the refused change happened: still active, its token works, no audit entry.
    assert client.get(f"{API}/me", headers=world.auth("member_a")).status_code == 200
    assert _audit_count(database, f"user:{target}") == audited


def test_two_administrators_changing_one_user_at_once_one_wins(
    client: TestClient, world: World, database: Database, second_admin: dict[str, str]
) -> None:
    first_admin = world.auth("admin")
    for _ in range(ROUNDS):
        with database.session() as session:
            officer = make_user(session, role=Role.OFFICER, agency="ICE")
            token = issue_token(session, officer, max_age_s=3600, label="tests")
            target = officer.id
        url = f"{API}/users/{target}"
        etag = client.get(url, headers=first_admin).headers["etag"]
        off = {**first_admin, "If-Match": etag}
        up = {**second_admin, "If-Match": etag}
        deactivate, promote = _at_once(
            [
                lambda url=url, off=off: client.patch(url, json={"active": False}, headers=off),
                lambda url=url, up=up: client.patch(url, json={"role": "admin"}, headers=up),
            ]
        )
        statuses = sorted([deactivate.status_code, promote.status_code])
        assert statuses == [200, 409], (deactivate.text, promote.text)
        final = client.get(url, headers=first_admin).json()
        assert final["version"] == int(etag.strip('"')) + 1
        token_works = client.get(f"{API}/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
        if deactivate.status_code == 200:
            assert_stale(promote)
            assert (final["active"], final["role"], token_works) == (False, "officer", False)
        else:
            assert_stale(deactivate)
            assert (final["active"], final["role"], token_works) == (True, "admin", True)
        assert _audit_count(database, f"user:{target}") == 3  # created, token issued, the change that won


def test_concurrent_admin_changes_without_if_match_never_half_happen(
    client: TestClient, world: World, database: Database, second_admin: dict[str, str]
) -> None:
    for _ in range(ROUNDS):
        with database.session() as session:
            target = make_user(session, role=Role.OFFICER, agency="ICE").id
        url = f"{API}/users/{target}"
        responses = _at_once(
            [
                lambda url=url: client.patch(url, json={"role": "admin"}, headers=world.auth("admin")),
                lambda url=url: client.patch(
                    url, json={"role": "officer", "agency": "JETRO"}, headers=second_admin
                ),
            ]
        )
        assert all(r.status_code in (200, 409) for r in responses), [r.text for r in responses]
        won = [r for r in responses if r.status_code == 200]
        assert won
        final = client.get(url, headers=world.auth("admin")).json()
        assert final["version"] == 1 + len(won)
        assert _audit_count(database, f"user:{target}") == 1 + len(won)


def test_my_password_change_checks_if_match(client: TestClient, world: World) -> None:
    me = client.get(f"{API}/me", headers=world.auth("member_b"))
    assert me.headers["etag"] == f'"{me.json()["version"]}"'
    body = {"current_password": PASSWORD, "new_password": "a long and unusual passphrase 77"}
    stale = client.put(
        f"{API}/me/password", json=body, headers={**world.auth("member_b"), "If-Match": '"999"'}
    )
    assert assert_stale(stale)["email"] == me.json()["email"]
    changed = client.put(
        f"{API}/me/password", json=body, headers={**world.auth("member_b"), "If-Match": me.headers["etag"]}
    )
    assert changed.status_code == 204, changed.text
    assert changed.headers["etag"] == f'"{me.json()["version"] + 1}"'
    # The stale try wrote nothing: the change above is the only one, and the old password is gone.
    signed_in = client.post(f"{API}/auth/token", json={"email": me.json()["email"], "password": PASSWORD})
    assert signed_in.status_code == 401


def test_an_admin_change_makes_an_older_password_form_stale(
    client: TestClient, world: World, database: Database
) -> None:
    me = client.get(f"{API}/me", headers=world.auth("member_b")).json()
    url = f"{API}/users/{me['id']}"
    assert (
        client.patch(url, json={"role": "officer", "agency": "ICE"}, headers=world.auth("admin")).status_code
        == 200
    )
    body = {"current_password": PASSWORD, "new_password": "a long and unusual passphrase 77"}
    response = client.put(
        f"{API}/me/password", json=body, headers={**world.auth("member_b"), "If-Match": f'"{me["version"]}"'}
    )
    assert assert_stale(response)["role"] == "officer"


# --- pages ------------------------------------------------------------------------------------------


def _version_of(database: Database, user_id: int) -> int:
    with database.session() as session:
        user = session.get(User, user_id)
        assert user is not None
        return user.version


def test_the_admin_page_sends_the_version_and_refuses_a_stale_form(
    client: TestClient, world: World, database: Database
) -> None:
    with database.session() as session:
        make_user(session, role=Role.ADMIN, email="pages-admin@example.org")
        target = make_user(session, role=Role.OFFICER, agency="ICE").id
    sign_in(client, "pages-admin@example.org")
    page = client.get("/admin/users")
    assert f'name="version" value="{_version_of(database, target)}"' in page.text
    read_at = _version_of(database, target)
    token = csrf_token(client, "/admin/users")
    fresh = client.post(
        f"/admin/users/{target}/role",
        data={"role": "officer", "agency": "JETRO", "version": str(read_at), "csrf_token": token},
        follow_redirects=False,
    )
    assert fresh.status_code == 303
    stale_role = client.post(
        f"/admin/users/{target}/role",
        data={"role": "admin", "version": str(read_at), "csrf_token": token},
        follow_redirects=False,
    )
    stale_off = client.post(
        f"/admin/users/{target}/deactivate",
        data={"version": str(read_at), "csrf_token": token},
        follow_redirects=False,
    )
    for response in (stale_role, stale_off):
        assert response.status_code == 409
        assert 'data-testid="form-errors"' in response.text
        assert f'name="version" value="{read_at + 1}"' in response.text
    with database.session() as session:
        user = session.get(User, target)
        assert user is not None
        assert (user.role, user.is_active, user.version) == ("officer", True, read_at + 1)


def test_the_password_form_carries_the_version_and_refuses_a_stale_one(
    client: TestClient, world: World, database: Database
) -> None:
    with database.session() as session:
        user = make_user(session, role=Role.OFFICER, email="pages-member@example.org")
        user_id, read_at = user.id, user.version
    sign_in(client, "pages-member@example.org")
    assert f'name="version" value="{read_at}"' in client.get("/account/password").text
    token = csrf_token(client, "/account/password")
    with database.session() as session:
        changed = session.get(User, user_id)
        assert changed is not None
        changed.display_name = "Renamed meanwhile"
    new = "a long and unusual passphrase 77"
    response = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": new,
            "confirm_password": new,
            "version": str(read_at),
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert response.status_code == 409
    assert f'name="version" value="{read_at + 1}"' in response.text
    assert _version_of(database, user_id) == read_at + 1  # the password was not changed


def test_two_administrators_deactivating_each_other_at_once_leave_one(
    client: TestClient, world: World, database: Database, second_admin: dict[str, str]
) -> None:
    first_admin = world.auth("admin")
    first_id = _user_id(client, world, "admin")
    second_id = int(client.get(f"{API}/me", headers=second_admin).json()["id"])
    responses = _at_once(
        [
            lambda: client.patch(f"{API}/users/{second_id}", json={"active": False}, headers=first_admin),
            lambda: client.patch(f"{API}/users/{first_id}", json={"active": False}, headers=second_admin),
        ]
    )
    assert sorted(r.status_code for r in responses) in ([200, 401], [200, 409]), [r.text for r in responses]
    with database.session() as session:
        admins = session.query(User).filter(User.role == Role.ADMIN.value, User.is_active.is_(True)).count()
    assert admins == 1
