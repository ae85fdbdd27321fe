from flask import Blueprint

bp = Blueprint("registrations", __name__)
