"""The event rules between fields (dates in order, registration inside them, capacity not
below the seats taken, ages in order, a unique slug). Each field's own rule is declared in
camp_app/events/schema.py, which the API's document is generated from; the coordinator's form
and the API both come through `clean_event_data`.
"""

from datetime import date, datetime, time, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from camp_app.events.consents import document_problems
from camp_app.events.models import Event
from camp_app.events.schema import (
    ELIGIBILITY_FIELDS,
    READ_ONLY_FIELDS,
    TRANSLATED_FIELDS,
    EligibilityRules,
    EventInput,
)
from camp_app.extensions import db
from camp_app.schemas.validation import check
from camp_app.service_errors import InvalidInput, Problem
from camp_app.timeutil import camp_local_to_utc

WRITABLE_FIELDS = (
    *(
        name
        for name in EventInput.model_fields
        if name not in (*READ_ONLY_FIELDS, "eligibility", "consent_documents")
    ),
    *ELIGIBILITY_FIELDS,
)


def field_name(key: str) -> str:
    """The name a Problem gives a field: eligibility rules sit under `eligibility.`."""
    return f"eligibility.{key}" if key in ELIGIBILITY_FIELDS else key


class _Problems:
    def __init__(self):
        self.items: list[Problem] = []
        self.fields: set[str] = set()

    def add(self, key: str, code: str, message: str) -> None:
        self.items.append(Problem(code, message, field_name(key)))
        self.fields.add(key)


def slug_taken_message() -> str:
    return _("Another event already uses this web address name.")


def _current_values(event: Event | None) -> dict[str, Any]:
    if event is None:
        return {}
    return {key: getattr(event, key) for key in WRITABLE_FIELDS}


def _slug_taken(slug: str, event: Event | None) -> bool:
    query = select(Event.id).where(Event.slug == slug)
    if event is not None:
        query = query.where(Event.id != event.id)
    return db.session.scalar(query) is not None


def _end_of_event(ends_on: date) -> datetime:
    """The first moment after the event's last day, in the camp's zone, as UTC."""
    return camp_local_to_utc(datetime.combine(ends_on + timedelta(days=1), time()))


def _check_together(merged: dict, given: set[str], seats_taken: int, problems: _Problems) -> None:
    """Rules between fields; skipped where one side already has a problem of its own."""

    def usable(*keys):
        return not any(k in problems.fields or merged.get(k) is None for k in keys)

    def blame(preferred, other):
        return preferred if preferred in given or other not in given else other

    if usable("starts_on", "ends_on") and merged["ends_on"] < merged["starts_on"]:
        problems.add(
            blame("ends_on", "starts_on"),
            "ends_before_start",
            _("The last day cannot be before the first day."),
        )
    opens, closes = "registration_opens_at", "registration_closes_at"
    if usable(opens, closes) and merged[closes] <= merged[opens]:
        problems.add(
            blame(closes, opens),
            "closes_before_opens",
            _("Registration must close after it opens."),
        )
    if usable(closes, "ends_on") and merged[closes] >= _end_of_event(merged["ends_on"]):
        problems.add(
            blame(closes, "ends_on"),
            "closes_after_event",
            _("Registration must close before the event ends."),
        )
    if usable("capacity") and merged["capacity"] < seats_taken:
        problems.add(
            "capacity",
            "capacity_below_taken",
            _("%(n)d seats are already taken; the capacity cannot be lower.", n=seats_taken),
        )
    if usable("min_age", "max_age") and merged["min_age"] > merged["max_age"]:
        problems.add(
            blame("max_age", "min_age"),
            "ages_reversed",
            _("The youngest age cannot be above the oldest age."),
        )


def _check_document_keys(documents: list[dict], problems: _Problems) -> None:
    seen: set[str] = set()
    for document in documents:
        if document["key"] in seen:
            problems.items.append(
                Problem(
                    "duplicate_key",
                    _(
                        "Each document needs its own key; %(key)s is used twice.",
                        key=document["key"],
                    ),
                    "required_documents",
                )
            )
            problems.fields.add("required_documents")
        seen.add(document["key"])


def _merged_translations(given: dict | None, event: Event | None) -> dict:
    """The stored translations: what was given over what the event had (a text given
    replaces, one not given stays), empty texts and languages without any text left out."""
    merged = {lang: dict(texts) for lang, texts in ((event and event.translations) or {}).items()}
    for lang, texts in (given or {}).items():
        if texts is None:
            continue
        merged.setdefault(lang, {}).update(texts)
    kept = {}
    for lang, texts in merged.items():
        filled = {key: texts[key] for key in TRANSLATED_FIELDS if texts.get(key)}
        if filled:
            kept[lang] = filled
    return kept


def _flat(values: dict, *, new: bool) -> dict[str, Any]:
    """The model's columns: eligibility rules flat beside the other fields, read-only dropped.
    A new event without eligibility rules gets the defaults."""
    rules = values.pop("eligibility", None)
    if rules is None and new:
        rules = EligibilityRules().model_dump()
    for key in READ_ONLY_FIELDS:
        values.pop(key, None)
    return {**values, **(rules or {})}


def _documents_given(data: Any, cleaned: dict) -> list[dict] | None:
    """The documents to check together: the clean ones, or, when one of them has a problem
    of its own, the ones sent (so that every problem is named at once)."""
    if "consent_documents" in cleaned:
        return cleaned["consent_documents"]
    sent = data.get("consent_documents") if isinstance(data, dict) else None
    if not isinstance(sent, list):
        return None
    return [item if isinstance(item, dict) else {} for item in sent]


def clean_event_data(data: Any, *, event: Event | None = None, seats_taken: int = 0) -> dict:
    """Model values for the fields given in `data` (all fields, with defaults, for a new event),
    and `consent_documents` (None: not given) for events.consents.apply_documents.

    `event` is the event being changed (None: a new one); `seats_taken` its taken seats.
    Raises InvalidInput with every problem; changes nothing.
    """
    values, found = check(EventInput, data, partial=event is not None)
    cleaned = _flat(values, new=event is None)
    if "translations" in cleaned or event is None:
        cleaned["translations"] = _merged_translations(cleaned.get("translations"), event)
    problems = _Problems()
    for problem in found:
        problems.items.append(problem)
        problems.fields.add((problem.field or "").rsplit(".", 1)[-1])
    slug = cleaned.get("slug")
    if slug and (event is None or slug != event.slug) and _slug_taken(slug, event):
        problems.add("slug", "slug_taken", slug_taken_message())
    _check_document_keys(cleaned.get("required_documents") or [], problems)
    problems.items += document_problems(_documents_given(data, cleaned))
    merged = {**_current_values(event), **cleaned}
    _check_together(merged, set(cleaned), seats_taken, problems)
    if problems.items:
        raise InvalidInput(problems.items)
    return cleaned
