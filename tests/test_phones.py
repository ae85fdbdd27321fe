"""Phone numbers as people read them: one rule for pages and JSON (camp_app/phones.py)."""

from camp_app.phones import phone_fields, readable_phone


def test_home_numbers_are_national_and_others_international():
    assert readable_phone("+13055550100") == "(305) 555-0100"
    assert readable_phone("+442079460958") == "+44 20 7946 0958"


def test_empty_and_unparseable_values_stay_as_they_are():
    assert readable_phone(None) == ""
    assert readable_phone("") == ""
    assert readable_phone("ask at the desk") == "ask at the desk"


def test_json_carries_the_stored_number_and_the_readable_one():
    assert phone_fields("+13055550100") == {
        "phone": "+13055550100",
        "phone_display": "(305) 555-0100",
    }
    assert phone_fields(None, "contact_phone") == {"contact_phone": "", "contact_phone_display": ""}
