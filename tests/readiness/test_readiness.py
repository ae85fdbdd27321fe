"""GET /events/{slug}/readiness, the dashboard's count and the day sheet: who is missing
what, in a fixed number of statements whatever the event's size."""

import io
from datetime import date

from camp_app.extensions import db
from camp_app.roles import Role
from tests.factories import login, make_child, make_registration, make_user
from tests.readiness.conftest import PDF
from tests.support.queries import counted_statements


def _upload(api, world, key, child=None):
    child = child or world.child
    answer = api.post(
        f"/family/children/{child.id}/documents",
        world.tokens["parent"],
        data={"key": key, "file": (io.BytesIO(PDF), "a.pdf")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["id"]


def _readiness(api, world, who="nurse"):
    return api.get("/events/summer-camp/readiness", world.tokens[who])


def test_missing_submitted_accepted(api, world):
    first = _upload(api, world, "physician_form")
    api.post(f"/documents/{first}/review", world.tokens["nurse"], json={"action": "accept"})
    _upload(api, world, "immunizations")
    answer = _readiness(api, world)
    assert answer.status_code == 200
    rows = {row["child_first_name"]: row for row in answer.get_json()}
    assert rows["Maya"] == {
        "registration_id": world.registration.id,
        "child_first_name": "Maya",
        "child_last_name": "Lopez",
        "missing": [],
        "submitted": ["immunizations"],
        "accepted": ["physician_form"],
        "rejected": [],
        "medical_confirmed_at": None,  # the factory's child was never confirmed
    }
    assert rows["Omar"]["missing"] == ["physician_form", "immunizations"]


def test_a_rejected_document_is_missing_again(api, world):
    document = _upload(api, world, "physician_form")
    api.post(
        f"/documents/{document}/review",
        world.tokens["coordinator"],
        json={"action": "reject", "note": "Unsigned."},
    )
    [maya] = [r for r in _readiness(api, world).get_json() if r["child_first_name"] == "Maya"]
    assert maya["missing"] == ["physician_form", "immunizations"]
    assert maya["rejected"] == ["physician_form"]


def test_only_active_registrations_and_only_the_health_center(api, world):
    world.registration.status = "cancelled"
    db.session.commit()
    names = [r["child_first_name"] for r in _readiness(api, world).get_json()]
    assert names == ["Omar"]
    assert _readiness(api, world, "coordinator").status_code == 200
    assert _readiness(api, world, "staff").status_code == 403
    assert _readiness(api, world, "parent").status_code == 403
    assert api.get("/events/nope/readiness", world.tokens["nurse"]).status_code == 404


def _add_children(world, n):
    signer = world.parent
    for i in range(n):
        child = make_child(signer.household, first_name=f"Kid{i}", date_of_birth=date(2015, 1, 1))
        make_registration(world.event, child, signer)


def _statements(api, world) -> int:
    db.session.expire_all()
    with counted_statements() as statements:
        assert _readiness(api, world).status_code == 200
    return len(statements)


def test_no_statement_per_row(api, world):
    _upload(api, world, "physician_form")
    _statements(api, world)  # the token's first use of the minute is written down
    few = _statements(api, world)
    _add_children(world, 12)
    assert _statements(api, world) == few
    assert few <= 5  # the token, the event, the registrations, the newest documents


def test_the_dashboard_counts_what_needs_attention(client, world, api):
    _upload(api, world, "physician_form")
    login(client, world.coordinator)
    page = client.get(f"/manage/events/{world.event.slug}/dashboard").get_data(as_text=True)
    assert "2 children still missing health documents" in page
    assert "1 document to review" in page


def test_the_day_sheet_shows_each_childs_readiness(client, world, api):
    for key in ("physician_form", "immunizations"):
        document = _upload(api, world, key)
        api.post(f"/documents/{document}/review", world.tokens["nurse"], json={"action": "accept"})
    staff = make_user((Role.STAFF,))
    login(client, staff)
    page = client.get(f"/attendance/summer-camp/{world.event.starts_on}").get_data(as_text=True)
    maya = page[page.index("Lopez, Maya") :]
    assert "Documents complete" in maya[:2000]
    omar = page[page.index(", Omar") :]
    assert "Documents missing: Physician&#39;s clearance, Immunization record" in omar[:2000]
