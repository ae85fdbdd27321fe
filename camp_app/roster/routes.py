"""The event workspace's dashboard and roster pages (coordinators, admins)."""

from flask import Blueprint

bp = Blueprint("roster", __name__)
