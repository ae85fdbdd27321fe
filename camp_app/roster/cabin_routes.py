"""Cabins and groups of an event: define them, assign children (coordinators, admins)."""

from flask import Blueprint

bp = Blueprint("cabins", __name__)
