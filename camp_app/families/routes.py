from flask import Blueprint

bp = Blueprint("families", __name__)
