"""Admin: find users, give and take roles, deactivate without deleting anything."""

from __future__ import annotations

from lms.auth.models import User


def test_admin_searches_users_by_name_and_role(client, auth, make_user):
    admin = make_user("admin")
    make_user("coach", display_name="Khadija Benali")
    make_user("learner", display_name="Hassan")
    auth.login(admin)
    page = client.get("/admin/users?q=khadija").get_data(as_text=True)
    assert "Khadija Benali" in page and "Hassan" not in page
    page = client.get("/admin/users?role=coach").get_data(as_text=True)
    assert "Khadija Benali" in page and "Hassan" not in page


def test_admin_gives_and_takes_a_role(client, auth, make_user, db):
    admin, learner = make_user("admin"), make_user("learner")
    auth.login(admin)
    url = f"/admin/users/{learner.public_id}/roles"
    assert client.post(url, data={"role": "trainer", "action": "grant"}).status_code == 302
    assert db.get(User, learner.id).roles == {"learner", "trainer"}
    db.expire_all()
    assert client.post(url, data={"role": "learner", "action": "revoke"}).status_code == 302
    db.expire_all()
    assert db.get(User, learner.id).roles == {"trainer"}


def test_a_new_role_opens_its_pages(client, auth, make_user):
    admin, someone = make_user("admin"), make_user("learner")
    other = client.application.test_client()
    other.post("/login", data={"email": someone.email, "password": "correct-horse-battery"})
    assert other.get("/admin/users").status_code == 403
    auth.login(admin)
    client.post(
        f"/admin/users/{someone.public_id}/roles", data={"role": "admin", "action": "grant"}
    )
    assert other.get("/admin/users").status_code == 200


def test_deactivation_blocks_login_and_keeps_the_account(client, auth, make_user, db):
    admin, learner = make_user("admin"), make_user("learner")
    auth.login(admin)
    client.post(f"/admin/users/{learner.public_id}/active", data={"action": "deactivate"})
    kept = db.get(User, learner.id)
    assert kept is not None and kept.active is False and kept.email == learner.email
    auth.logout()
    assert auth.login(learner).status_code == 400
    auth.login(admin)
    client.post(f"/admin/users/{learner.public_id}/active", data={"action": "reactivate"})
    auth.logout()
    assert auth.login(learner).status_code == 302


def test_an_admin_cannot_lock_themselves_out(client, auth, make_user, db):
    admin = make_user("admin")
    auth.login(admin)
    client.post(f"/admin/users/{admin.public_id}/active", data={"action": "deactivate"})
    client.post(f"/admin/users/{admin.public_id}/roles", data={"role": "admin", "action": "revoke"})
    db.expire_all()
    me = db.get(User, admin.id)
    assert me.active and me.has_role("admin")


def test_an_unknown_user_page_is_a_clear_404(client, auth, make_user):
    auth.login(make_user("admin"))
    response = client.get("/admin/users/nobody")
    assert response.status_code == 404
    assert "Page introuvable" in response.get_data(as_text=True)


def test_a_session_naming_no_account_is_anonymous(client, make_user):
    """The user loader and the pages look people up the same way (find_by_public_id)."""
    with client.session_transaction() as cookie:
        cookie["_user_id"] = "no-such-account"
    response = client.get("/admin/users")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
