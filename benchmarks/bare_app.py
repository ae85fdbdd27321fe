"""The yardstick of `make bench-rush`: a bare Flask app on the same gunicorn and database, doing
the least a request can do there: one INSERT (POST /insert) or one SELECT (GET /select/<id>).

    BARE_DATABASE_URL=postgresql://127.0.0.1:5432/rush_x gunicorn -w 4 benchmarks.bare_app:app
"""

import json
import os

import psycopg
from flask import Flask, request

app = Flask(__name__)
# A sync gunicorn worker serves one request at a time: one connection per process, opened on
# first use (after the fork) and kept, as the app's pool keeps its connections.
_connection: list[psycopg.Connection] = []


def connection() -> psycopg.Connection:
    if not _connection:
        _connection.append(psycopg.connect(os.environ["BARE_DATABASE_URL"], autocommit=True))
    return _connection[0]


@app.post("/insert")
def insert_row():
    body = request.get_json()
    row = (
        connection()
        .execute(
            "INSERT INTO bare_rows (family, payload) VALUES (%s, %s) RETURNING id",
            (body["family"], json.dumps(body)),
        )
        .fetchone()
    )
    return {"id": row[0]}, 201


@app.get("/select/<int:row_id>")
def select_row(row_id: int):
    query = "SELECT id, family, payload FROM bare_rows WHERE id = %s"
    found = connection().execute(query, (row_id,)).fetchone()
    return {"id": found[0], "family": found[1], "payload": found[2]} if found else ({}, 404)


SCHEMA = """
CREATE TABLE IF NOT EXISTS bare_rows (
    id serial PRIMARY KEY,
    family integer NOT NULL,
    payload text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
)
"""
