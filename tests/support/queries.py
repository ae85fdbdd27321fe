"""Counting the SQL statements a request or a call runs (for the fixed-query-count tests)."""

from contextlib import contextmanager

from sqlalchemy import event as sa_event

from camp_app.extensions import db


@contextmanager
def counted_statements(app=None):
    """Yields a list that collects every statement run on the app's engine inside the block.
    Without `app`, an app context must be active; with it, none need be."""
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    if app is None:
        engine = db.engine
    else:
        with app.app_context():
            engine = db.engine
    sa_event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa_event.remove(engine, "before_cursor_execute", count)


def statements_for(client, url) -> int:
    """How many statements a GET of `url` runs (it must answer 200)."""
    db.session.expire_all()  # the test shares the request's session: start from nothing cached
    with counted_statements() as statements:
        response = client.get(url)
        response.get_data()
    assert response.status_code == 200
    return len(statements)
