"""Roster and medical-summary exports of an event (coordinators, admins)."""

from flask import Blueprint

bp = Blueprint("roster_exports", __name__)
