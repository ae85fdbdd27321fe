"""Phone numbers the way people read them: the one formatting rule for pages (the Jinja filter
`phone_number`) and for JSON (phone_fields). Numbers are stored in E.164 form (schemas.fields);
the phonenumbers library formats them, never string slicing."""

import phonenumbers

# The hospital's country: its numbers are shown as people there dial them.
HOME_COUNTRY_CODE = 1
HOME_REGION = "US"


def readable_phone(value: str | None) -> str:
    """(305) 555-0100 for a number of the home country, +44 20 7946 0958 for any other;
    text that is no phone number comes back as it is (old rows, free text)."""
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, HOME_REGION)
    except phonenumbers.NumberParseException:
        return value
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == HOME_COUNTRY_CODE
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


def phone_fields(value: str | None, name: str = "phone") -> dict[str, str]:
    """A number for JSON: `phone` as stored (E.164, for dialing) and `phone_display` as
    people read it."""
    return {name: value or "", f"{name}_display": readable_phone(value)}
