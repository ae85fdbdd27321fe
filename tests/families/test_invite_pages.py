"""A second guardian joins through the pages: invitation mail, accept page, shared family."""

import logging
from datetime import timedelta

from camp_app.families.models import GuardianInvite, Household
from camp_app.notifications.models import OutboxMail
from camp_app.timeutil import utcnow
from tests.factories import make_child

from .conftest import data, invite_token_for, person, sign_in


def test_invite_accept_and_share_the_family_end_to_end(app):
    mom = person(app, name="Rosa Lopez", email="rosa@example.org")
    dad = person(app, name="Luis Lopez", email="luis@example.org")
    with data(app) as session:
        make_child(session.get(Household, mom.household_id), first_name="Maya")
    mom_client, dad_client = app.test_client(), app.test_client()
    sign_in(mom_client, mom)
    sign_in(dad_client, dad)

    response = mom_client.post("/family/invites", data={"email": "Luis@Example.org"})
    assert response.status_code == 302
    overview = mom_client.get("/family").get_data(as_text=True)
    assert "luis@example.org, valid until" in overview  # pending invitation listed
    with data(app) as session:
        mail = session.scalars(session.query(OutboxMail).statement).one()
        assert mail.to_address == "luis@example.org"
        assert "Rosa Lopez" in mail.body_text
        token = invite_token_for("luis@example.org")

    landing = dad_client.get(f"/family/invite/{token}")
    assert landing.status_code == 200
    assert "Rosa Lopez invited you" in landing.get_data(as_text=True)
    assert "Maya" not in landing.get_data(as_text=True)  # nothing private before joining
    joined = dad_client.post(f"/family/invite/{token}")
    assert joined.status_code == 302
    assert joined.headers["Location"].endswith("/family")

    dad_view = dad_client.get("/family").get_data(as_text=True)
    mom_view = mom_client.get("/family").get_data(as_text=True)
    for view in (dad_view, mom_view):
        assert "Maya Lopez" in view
        assert "Rosa Lopez (rosa@example.org)" in view
        assert "Luis Lopez (luis@example.org)" in view
    assert "valid until" not in mom_view  # no longer pending

    again = dad_client.post(f"/family/invite/{token}")
    assert again.status_code == 422
    assert "already been used" in again.get_data(as_text=True)


def test_expired_and_unknown_links_explain_themselves(app):
    mom, dad = person(app), person(app, email="dad@example.org")
    mom_client, dad_client = app.test_client(), app.test_client()
    sign_in(mom_client, mom)
    sign_in(dad_client, dad)
    mom_client.post("/family/invites", data={"email": "dad@example.org"})
    with data(app) as session:
        token = invite_token_for("dad@example.org")
        invite = session.scalars(session.query(GuardianInvite).statement).one()
        invite.expires_at = utcnow() - timedelta(minutes=1)
        session.commit()
    for method in (dad_client.get, dad_client.post):
        response = method(f"/family/invite/{token}")
        assert response.status_code == 422
        assert "expired" in response.get_data(as_text=True)
    unknown = dad_client.get("/family/invite/not-a-real-token")
    assert unknown.status_code == 404
    assert "not valid" in unknown.get_data(as_text=True)
    with data(app) as session:
        assert session.get(Household, mom.household_id).guardians[0].id == mom.id
        assert len(session.get(Household, mom.household_id).guardians) == 1


def test_invite_errors_show_next_to_the_email_field(app, client):
    mom = person(app, email="mom@example.org")
    sign_in(client, mom)
    response = client.post("/family/invites", data={"email": "not an email"})
    assert response.status_code == 422
    assert 'id="email-error"' in response.get_data(as_text=True)
    assert "valid email" in response.get_data(as_text=True)
    response = client.post("/family/invites", data={"email": "mom@example.org"})
    assert "already belongs to your family" in response.get_data(as_text=True)
    with data(app) as session:
        assert session.scalars(session.query(OutboxMail).statement).all() == []


def test_withdrawn_invitation_no_longer_works(app):
    mom, dad = person(app), person(app, email="dad@example.org")
    mom_client, dad_client = app.test_client(), app.test_client()
    sign_in(mom_client, mom)
    sign_in(dad_client, dad)
    mom_client.post("/family/invites", data={"email": "dad@example.org"})
    with data(app) as session:
        token = invite_token_for("dad@example.org")
        invite_id = session.scalars(session.query(GuardianInvite.id).statement).one()
    assert dad_client.post(f"/family/invites/{invite_id}/revoke").status_code == 404
    assert mom_client.post(f"/family/invites/{invite_id}/revoke").status_code == 302
    assert dad_client.post(f"/family/invite/{token}").status_code == 422


def test_the_accept_page_explains_a_refusal_before_anything_is_clicked(app):
    mom, stranger = person(app), person(app, email="stranger@example.org")
    mom_client, stranger_client = app.test_client(), app.test_client()
    sign_in(mom_client, mom)
    sign_in(stranger_client, stranger)
    mom_client.post("/family/invites", data={"email": "dad@example.org"})
    with data(app) as session:
        token = invite_token_for("dad@example.org")
    for method in (stranger_client.get, stranger_client.post):
        response = method(f"/family/invite/{token}")
        assert response.status_code == 422
        assert "sent to another email address" in response.get_data(as_text=True)
        assert 'name="confirm"' not in response.get_data(as_text=True)
    with data(app) as session:
        assert session.get(Household, mom.household_id).guardians[0].id == mom.id
        assert session.scalars(session.query(GuardianInvite).statement).one().accepted_at is None


def test_a_signed_out_invitee_is_sent_to_log_in_and_the_token_is_masked_in_logs(app, caplog):
    mom = person(app)
    mom_client = app.test_client()
    sign_in(mom_client, mom)
    mom_client.post("/family/invites", data={"email": "dad@example.org"})
    with data(app):
        token = invite_token_for("dad@example.org")
    to_login = app.test_client().get(f"/family/invite/{token}")
    assert to_login.status_code == 302
    login_url = to_login.headers["Location"]
    assert login_url.startswith("/account/login?next=")
    # Access logs keep query strings: the encoded link in `next` is masked like a plain path.
    logger = logging.getLogger("werkzeug")
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        logger.info('%s - - "%s" %s', "127.0.0.1", f"GET {login_url} HTTP/1.1", "200")
        logger.info('%s - - "%s" %s', "127.0.0.1", f"GET /family/invite/{token} HTTP/1.1", "200")
    assert token not in caplog.text
    assert caplog.text.count("[redacted]") == 2
