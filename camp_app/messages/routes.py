"""Messages from coordinators to the families of an event."""

from flask import Blueprint

bp = Blueprint("messages", __name__)
