"""A service's NotFound or NotAllowed that no page catches: the plain 404 or 403 page (routes
have no `except NotFound: abort(404)` of their own); the API keeps its JSON bodies."""

from camp_app.extensions import db
from camp_app.roles import Role
from camp_app.service_errors import NotAllowed, NotFound, Problem
from tests.factories import (
    login,
    make_child,
    make_event,
    make_group,
    make_registration,
    make_user,
)

NOT_FOUND_PAGE = "We could not find that page."


def _page(response) -> str:
    return response.get_data(as_text=True)


def test_an_unknown_event_in_any_workspace_page_is_the_404_page(app_ctx, client):
    login(client, make_user((Role.COORDINATOR,), household=False))
    paths = [
        "/events/no-such-camp",
        "/manage/events/no-such-camp/edit",
        "/manage/events/no-such-camp/dashboard",
        "/manage/events/no-such-camp/roster",
        "/manage/events/no-such-camp/review",
        "/manage/events/no-such-camp/verification",
        "/manage/events/no-such-camp/waitlist",
        "/manage/events/no-such-camp/cabins",
        "/manage/events/no-such-camp/messages",
        "/manage/events/no-such-camp/exports",
        "/manage/events/no-such-camp/roster.csv",
        "/attendance/no-such-camp",
    ]
    for path in paths:
        response = client.get(path)
        assert (path, response.status_code) == (path, 404)
        assert NOT_FOUND_PAGE in _page(response)


def test_another_events_registration_or_group_is_the_404_page(app_ctx, client):
    login(client, make_user((Role.COORDINATOR,), household=False))
    event, other = make_event(), make_event()
    parent = make_user()
    registration = make_registration(other, make_child(parent.household), parent, "waitlisted")
    group = make_group(other, members=[registration])
    base = f"/manage/events/{event.slug}"
    for path in (
        f"{base}/waitlist/{registration.id}/promote",
        f"{base}/waitlist/{registration.id}/remove",
        f"{base}/registrations/{registration.id}/decision",
        f"{base}/cabins/groups/{group.id}/delete",
    ):
        response = client.post(path, data={"action": "decline"})
        assert (path, response.status_code) == (path, 404)
        assert NOT_FOUND_PAGE in _page(response)
    db.session.expire_all()
    assert (registration.status, registration.group_id) == ("waitlisted", group.id)


def test_another_familys_child_is_the_404_page(app_ctx, client):
    stranger_child = make_child(make_user().household)
    login(client, make_user())
    response = client.get(f"/family/children/{stranger_child.id}/edit")
    assert response.status_code == 404
    assert NOT_FOUND_PAGE in _page(response)
    assert stranger_child.first_name not in _page(response)


def test_a_refusal_no_page_caught_is_the_403_page_and_a_missing_record_the_404(app):
    def refused():
        raise NotAllowed(Problem("not_allowed", "Only coordinators."))

    def missing():
        raise NotFound(Problem("not_found", "No such thing."))

    refused.access = missing.access = ("public",)
    app.add_url_rule("/test-refused", "test_refused", refused)
    app.add_url_rule("/test-missing", "test_missing", missing)
    client = app.test_client()
    forbidden = client.get("/test-refused")
    assert forbidden.status_code == 403
    assert "You do not have access to this page." in _page(forbidden)
    assert "Only coordinators." not in _page(forbidden)
    not_found = client.get("/test-missing")
    assert not_found.status_code == 404
    assert NOT_FOUND_PAGE in _page(not_found)


def test_the_api_still_answers_a_services_not_found_with_its_json_body(client):
    response = client.get("/api/v1/events/no-such-camp")
    assert response.status_code == 404
    assert response.get_json() == {
        "errors": [{"code": "not_found", "message": "We could not find that event."}]
    }
