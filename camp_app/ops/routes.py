"""/healthz for the load balancer, /metrics for Prometheus. Neither touches the session, so
neither sets a cookie."""

import hmac

from flask import Blueprint, Response, current_app, jsonify, request

from camp_app.access import public
from camp_app.ops import metrics
from camp_app.ops.health import health

bp = Blueprint("ops", __name__)


@bp.get("/healthz")
@public  # the load balancer has no account; the answer names no person and no mail
def healthz():
    body, status = health()
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def _token_given(expected: str) -> bool:
    scheme, _space, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not given:
        return False
    return hmac.compare_digest(given.strip().encode(), expected.encode())


@bp.get("/metrics")
@public  # for Prometheus, which has no account: guarded by METRICS_TOKEN instead
def metrics_page():
    expected = current_app.config.get("METRICS_TOKEN")
    if not expected:  # off unless configured: nothing about the app is shown
        return Response("Not found\n", 404, mimetype="text/plain")
    if not _token_given(expected):
        return Response(
            "A bearer token is required\n",
            401,
            mimetype="text/plain",
            headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
        )
    body, content_type = metrics.exposition(request.headers.get("Accept"))
    return Response(body, 200, content_type=content_type, headers={"Cache-Control": "no-store"})
