"""The exports page: what each download holds, for which registrations."""

from tests.exports.helpers import registered_child


def test_the_page_explains_each_export_and_counts_the_filtered_registrations(as_coordinator, camp):
    response = as_coordinator.get(f"/manage/events/{camp.event.slug}/exports?group={camp.pine.id}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    assert "2 registrations match" in page  # Maya and Pat in Pine
    assert "Cabin or group: Pine" in page
    assert "Confidential medical information." in page
    assert "3 confirmed children." in page  # the medical summary: every cabin
    assert "1 more is waiting for review." in page
    # Download links carry the filter, with the status always spelled out.
    assert f"/roster.csv?status=active&amp;group={camp.pine.id}" in page
    assert f"/roster.xlsx?status=active&amp;group={camp.pine.id}" in page
    assert "/medical-summary.pdf" in page


def test_any_status_can_be_chosen_and_survives_in_the_links(as_coordinator, camp):
    page = as_coordinator.get(f"/manage/events/{camp.event.slug}/exports?status=").get_data(
        as_text=True
    )
    assert "6 registrations match" in page
    assert "/roster.csv?status=" in page


def test_the_counts_follow_new_registrations(as_coordinator, camp):
    registered_child(camp.event, first_name="New")
    page = as_coordinator.get(f"/manage/events/{camp.event.slug}/exports").get_data(as_text=True)
    assert "6 registrations match" in page
