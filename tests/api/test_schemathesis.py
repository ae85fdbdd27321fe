"""Property-based testing of the served OpenAPI document with Schemathesis: every check
(server errors, status codes, content types, response schemas, negative data rejected, positive
data accepted, unsupported methods, ...) in every phase, positive and negative data, as a
signed-in parent and as a coordinator. Any failure fails the test, listing what was found.

The run is bounded (a fixed seed, a few examples per operation, no shrinking) so that it takes
a minute or two here; SCHEMATHESIS_MAX_EXAMPLES raises it for a deeper local run.
"""

import os
import threading

import pytest
import schemathesis
from hypothesis import strategies as st
from schemathesis.config import HealthCheck, SchemathesisConfig
from schemathesis.engine import events, from_schema
from schemathesis.engine.statistic import Statistic
from schemathesis.openapi.checks import RejectedPositiveData
from schemathesis.specs.openapi.checks import positive_data_acceptance
from werkzeug.serving import make_server

from camp_app.roles import Role
from tests.api.conftest import token_for
from tests.factories import make_child, make_contact, make_event, make_user

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "15"))
SEED = 20_260_101


# The document's `phone` format: a valid number, international or written the US way.
_AREA_CODES = st.sampled_from(["212", "305", "415", "617", "786", "954"])
_LINE = st.integers(100, 199).map(lambda n: f"{n:04d}")
schemathesis.openapi.format(
    "phone",
    st.one_of(
        st.builds(lambda area, line: f"+1{area}555{line}", _AREA_CODES, _LINE),
        st.builds(lambda area, line: f"({area}) 555-{line}", _AREA_CODES, _LINE),
        st.sampled_from(["+44 20 7946 0958", "+34 912 345 678"]),
    ),
)


def _rule_failures(case) -> set[tuple[str, str | None]]:
    declared = case.operation.definition.raw.get("x-rule-failures", [])
    return {(rule["code"], rule.get("field")) for rule in declared}


@schemathesis.check
def positive_data_accepted_or_refused_by_a_declared_rule(ctx, response, case):
    """Schemathesis's positive_data_acceptance, except that a 422 naming only rules the
    operation declares beyond its schema (`x-rule-failures`: an ineligible child, a date of
    birth in the future, a slug already taken) is a right answer to a schema-valid request.
    A 422 with any code of the schema's own rules still fails."""
    try:
        return positive_data_acceptance(ctx, response, case)
    except RejectedPositiveData:
        if response.status_code == 422:
            problems = {(e["code"], e.get("field")) for e in response.json()["errors"]}
            if problems <= _rule_failures(case):
                return None
        raise


def _seed_tokens(app) -> dict[str, str]:
    """A parent with a complete household (a patient, an emergency and a pickup contact), an
    open published event that child fits, and a coordinator; a token for each person."""
    with app.app_context():
        parent = make_user((Role.PARENT,), name="Paula Parent")
        make_child(parent.household)
        make_contact(parent.household)
        make_contact(parent.household, kind="pickup", name="Pete Pickup")
        make_event(slug="summer-camp")
        coordinator = make_user((Role.COORDINATOR,), name="Cora Coordinator")
        return {"parent": token_for(parent), "coordinator": token_for(coordinator)}


@pytest.fixture
def served(app):
    """The app behind a real HTTP server on the loopback address, as a client would meet it
    (Schemathesis's in-process WSGI transport cannot run every check)."""
    server = make_server("127.0.0.1", 0, app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def _run(base_url: str, token: str) -> Statistic:
    config = SchemathesisConfig()
    project = config.projects.override
    project.update(headers={"Authorization": f"Bearer {token}"}, workers=1)
    project.checks.update(
        included_check_names=["all"], excluded_check_names=["positive_data_acceptance"]
    )
    project.generation.update(
        modes=["positive", "negative"], max_examples=MAX_EXAMPLES, no_shrink=True, database="none"
    )
    # filter_too_much only says that Hypothesis threw away many drawn values (impossible
    # dates: the 31st of a short month) before it found enough; it judges the generator, not
    # the app, and a document change can trip it for one seed.
    config.update(seed=SEED, max_failures=None, suppress_health_check=[HealthCheck.filter_too_much])
    schema = schemathesis.openapi.from_url(f"{base_url}/api/v1/openapi.json", config=config)
    statistic = Statistic()
    errors = []
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished | events.FuzzScenarioFinished):
            statistic.on_scenario_finished(event.recorder)
        elif isinstance(event, events.NonFatalError | events.FatalError):
            errors.append(event)
            if os.environ.get("ST_DEBUG"):
                print(event.info.format() if hasattr(event, "info") else event)
    assert not errors, errors
    return statistic


def _describe(statistic: Statistic) -> str:
    lines = []
    for label, grouped in statistic.failures.items():
        for group in grouped.values():
            answer = group.response.text[:300] if group.response is not None else ""
            for failure in group.failures:
                lines.append(f"{label}: {failure.title}: {failure.message[:300]} -> {answer}")
    return "\n".join(lines)


@pytest.mark.parametrize("role", ["parent", "coordinator"])
def test_the_served_document_holds_for_every_check(app, served, role):
    token = _seed_tokens(app)[role]
    statistic = _run(served, token)
    assert statistic.total_cases > 0
    failures = len(statistic.unique_failures_map)
    assert failures == 0, f"{failures} failures as {role}:\n{_describe(statistic)}"
