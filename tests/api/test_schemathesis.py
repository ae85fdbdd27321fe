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
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events, from_schema
from schemathesis.engine.statistic import Statistic
from werkzeug.serving import make_server

from camp_app.accounts.models import Role
from tests.api.conftest import token_for
from tests.factories import make_child, make_contact, make_event, make_user

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "15"))
SEED = 20_260_101


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
    project.checks.update(included_check_names=["all"])
    project.generation.update(
        modes=["positive", "negative"], max_examples=MAX_EXAMPLES, no_shrink=True, database="none"
    )
    config.update(seed=SEED, max_failures=None)
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
            for failure in group.failures:
                lines.append(f"{label}: {failure.title}: {failure.message[:300]}")
    return "\n".join(lines)


@pytest.mark.parametrize("role", ["parent", "coordinator"])
def test_the_served_document_holds_for_every_check(app, served, role):
    token = _seed_tokens(app)[role]
    statistic = _run(served, token)
    assert statistic.total_cases > 0
    failures = len(statistic.unique_failures_map)
    assert failures == 0, f"{failures} failures as {role}:\n{_describe(statistic)}"
