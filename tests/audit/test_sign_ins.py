"""Sign-ins are audit entries (issue 12): through the pages (password, a link by mail, then the
authenticator's code) and the API (a token); failed ones too (a wrong password, a wrong code),
and those the cap on failed sign-ins refuses, which keeps working as before. For an address
nobody has, the entry has no actor and keeps nothing of the address."""

import json

from camp_app.audit.models import AuditEntry, EntryKind
from camp_app.extensions import db
from camp_app.roles import Role
from tests.accounts.test_sign_in_links import link_for
from tests.factories import PASSWORD, fresh_otp, login, make_user


def _sign_ins() -> list[AuditEntry]:
    db.session.expire_all()
    query = db.select(AuditEntry).where(AuditEntry.kind == EntryKind.SIGN_IN)
    return list(db.session.scalars(query.order_by(AuditEntry.id)))


def _summary() -> list[tuple]:
    return [(e.action, e.actor_id, e.entity_type, e.fields) for e in _sign_ins()]


def _post_login(client, email, password):
    return client.post("/account/login", data={"email": email, "password": password})


def test_a_parent_signing_in_with_a_password(client, app_ctx):
    parent = make_user()
    assert login(client, parent).status_code == 302
    assert _summary() == [("sign_in.web", parent.id, "users", ["password"])]


def test_the_password_alone_is_no_sign_in_until_the_code_passed(client, app_ctx):
    nurse = make_user((Role.NURSE,))
    assert (
        _post_login(client, nurse.email, PASSWORD)
        .headers["Location"]
        .endswith("/account/second-factor")
    )
    assert _summary() == []
    wrong = client.post("/account/second-factor", data={"code": "000000"})
    assert wrong.status_code == 422
    assert _summary() == [("sign_in.failed", nurse.id, "users", ["otp"])]
    right = client.post(
        "/account/second-factor", data={"code": fresh_otp(client.application, nurse)}
    )
    assert right.status_code == 302
    assert _summary()[-1] == ("sign_in.web", nurse.id, "users", ["otp", "password"])


def test_a_sign_in_link_is_named_as_the_factor(client, app_ctx):
    parent = make_user()
    assert client.post(link_for(client, parent)).status_code == 302
    assert _summary() == [("sign_in.web", parent.id, "users", ["sign_in_link"])]


def test_a_wrong_password_is_a_failed_sign_in_of_that_account(client, app_ctx):
    parent = make_user()
    assert _post_login(client, parent.email, "not the password at all").status_code == 422
    assert _summary() == [("sign_in.failed", parent.id, "users", ["password"])]


def test_an_unknown_address_has_no_actor_and_leaves_no_trace_of_itself(client, app_ctx):
    address = "nobody-here@example.org"
    assert _post_login(client, address, "some guess or other").status_code == 422
    [entry] = _sign_ins()
    assert (entry.action, entry.actor_id, entry.entity_type) == (
        "sign_in.failed",
        None,
        "sign_in_attempts",
    )
    row = [entry.action, entry.entity_type, entry.entity_id, entry.fields, entry.record_ids]
    assert "nobody-here" not in json.dumps(row)


def test_the_cap_still_refuses_and_each_refusal_is_recorded(client, app_ctx):
    parent = make_user()
    for n in range(10):
        answer = client.post(
            "/api/v1/tokens",
            json={"email": parent.email, "password": "a stranger's guess"},
            environ_base={"REMOTE_ADDR": f"192.0.2.{n}"},
        )
        assert answer.status_code == 401
    capped = client.post(
        "/api/v1/tokens",
        json={"email": parent.email, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "192.0.2.200"},
    )
    assert capped.status_code == 429  # the right password is not even checked
    actions = [action for action, *_rest in _summary()]
    assert actions == ["sign_in.failed"] * 10 + ["sign_in.refused"]
    assert all(actor == parent.id for _action, actor, *_rest in _summary())


def test_an_api_token_is_a_sign_in_and_a_wrong_code_a_failed_one(client, app_ctx):
    staff = make_user((Role.STAFF,))
    body = {"email": staff.email, "password": PASSWORD, "otp": "000000"}
    assert client.post("/api/v1/tokens", json=body).status_code == 401
    body["otp"] = fresh_otp(client.application, staff)
    assert client.post("/api/v1/tokens", json=body).status_code == 201
    assert _summary() == [
        ("sign_in.failed", staff.id, "users", ["otp"]),
        ("sign_in.api", staff.id, "users", ["otp", "password"]),
    ]


def test_a_password_change_is_no_new_sign_in(client, app_ctx):
    parent = make_user()
    assert login(client, parent).status_code == 302
    page = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "a brand new long passphrase 42",
            "new_password_confirm": "a brand new long passphrase 42",
        },
    )
    assert page.status_code == 302
    assert [action for action, *_rest in _summary()] == ["sign_in.web"]
