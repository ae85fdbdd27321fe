"""Events: the public catalogue, coordinators' changes, and a family's eligibility."""

from flask import jsonify, url_for

from camp_app import public_cache
from camp_app.api.blueprint import bp
from camp_app.api.core import api_public, api_roles, current_api_user, json_body
from camp_app.events import copying, services
from camp_app.families.services import household_of, load_family
from camp_app.i18n import header_language
from camp_app.registrations import event_seats
from camp_app.registrations.availability import seat_summaries, seat_summary
from camp_app.registrations.eligibility import evaluate
from camp_app.roles import MANAGERS, Role
from camp_app.timeutil import utcnow


def _sees_unpublished() -> bool:
    user = current_api_user()
    return user is not None and user.has_role(*MANAGERS)


@bp.get("/events")
@api_public
def events():
    language = header_language()

    def build() -> bytes:
        found = services.published_events(with_documents=True)
        summaries = seat_summaries(e.id for e in found)  # one grouped query for the whole list
        return jsonify(
            [event_seats.event_to_dict(e, summaries[e.id], language) for e in found]
        ).get_data()

    return public_cache.json_answer(build)


@bp.get("/events/<slug>")
@api_public
def event(slug: str):
    language = header_language()

    def build() -> bytes:
        found = services.event_by_slug(slug, include_unpublished=_sees_unpublished())
        return jsonify(event_seats.event_to_dict(found, language=language)).get_data()

    return public_cache.json_answer(build)


@bp.post("/events")
@api_roles(*MANAGERS)
def create_event():
    created = services.create_event(current_api_user(), json_body())
    location = url_for("api.event", slug=created.slug)
    return jsonify(event_seats.event_to_dict(created)), 201, {"Location": location}


@bp.patch("/events/<slug>")
@api_roles(*MANAGERS)
def update_event(slug: str):
    body = json_body()
    found = services.event_by_slug(slug, include_unpublished=True)
    return jsonify(
        event_seats.event_to_dict(event_seats.update_event(current_api_user(), found, body))
    )


@bp.post("/events/<slug>/copy")
@api_roles(*MANAGERS)
def copy_event(slug: str):
    source = services.event_by_slug(slug, include_unpublished=True)
    created = copying.copy_event(current_api_user(), source, json_body())
    location = url_for("api.event", slug=created.slug)
    return jsonify(event_seats.event_to_dict(created)), 201, {"Location": location}


@bp.get("/events/<slug>/eligibility")
@api_roles(Role.PARENT)
def eligibility(slug: str):
    found = services.event_by_slug(slug)
    family = load_family(household_of(current_api_user()))
    now, seats_left = utcnow(), seat_summary(found).left
    answers = []
    for child in family.children:
        reasons = evaluate(found, child, family, now, seats_left=seats_left)
        answers.append(
            {
                "child_id": child.id,
                "eligible": not reasons,
                "reasons": [reason.as_dict() for reason in reasons],
            }
        )
    return jsonify(answers)
