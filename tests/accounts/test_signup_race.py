"""Two sign-ups with the same address at the same moment: one account, and the loser's answer
is the ordinary "account exists" mail, never an error."""

import threading

from camp_app.accounts import services
from camp_app.accounts.models import User
from camp_app.extensions import db
from tests.accounts.helpers import mails_to
from tests.factories import PASSWORD


def test_simultaneous_sign_ups_make_one_account(app, monkeypatch):
    # Both threads look the address up before either inserts: the database must decide.
    both_looked = threading.Barrier(2, timeout=20)
    real_find = services.find_user_by_email
    thread_state = threading.local()

    def find_then_wait(email):
        found = real_find(email)
        if not getattr(thread_state, "waited", False):
            thread_state.waited = True
            both_looked.wait()
        return found

    monkeypatch.setattr(services, "find_user_by_email", find_then_wait)
    errors = []

    def sign_up(name):
        try:
            with app.test_request_context():
                services.sign_up(email="twin@example.org", password=PASSWORD, name=name)
        except Exception as error:  # reported below, with the assertion that matters
            errors.append(error)

    threads = [threading.Thread(target=sign_up, args=(n,)) for n in ("First", "Second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 1
        categories = sorted(m.category for m in mails_to("twin@example.org"))
        assert categories == ["account_exists", "account_verify"]
