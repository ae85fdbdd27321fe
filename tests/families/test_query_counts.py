"""The family overview costs the same number of queries for one child or many."""

from camp_app.families.models import Household
from tests.factories import make_child, make_contact
from tests.support.queries import counted_statements

from .conftest import data, person, sign_in


def overview_queries(app, client) -> int:
    with counted_statements(app) as statements:
        assert client.get("/family").status_code == 200
    return len(statements)


def test_overview_queries_do_not_grow_with_the_family(app, client):
    parent = person(app)
    sign_in(client, parent)
    with data(app) as session:
        household = session.get(Household, parent.household_id)
        child = make_child(household, medications=[{"name": "A", "dose": "1", "schedule": "x"}])
        pickup = make_contact(household, "pickup")
        pickup.children = [child]
        session.commit()
    small = overview_queries(app, client)
    with data(app) as session:
        household = session.get(Household, parent.household_id)
        for n in range(5):
            medications = [{"name": f"M{n}{i}", "dose": "1", "schedule": "x"} for i in range(3)]
            extra = make_child(household, first_name=f"Kid{n}", medications=medications)
            contact = make_contact(household, "pickup", name=f"Pickup {n}")
            contact.children = [extra]
            make_contact(household, "emergency", name=f"Emergency {n}")
        session.commit()
    page = client.get("/family").get_data(as_text=True)
    assert "Kid4" in page and "M42" in page and "Emergency 4" in page
    assert overview_queries(app, client) == small
