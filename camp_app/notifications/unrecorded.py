"""What this worker process knows and the database does not yet.

When the database stays away longer than claims.persist keeps trying, two facts would be lost
with the failed write:

- the SMTP server accepted a mail: if the row stayed "sending", its lease would run out and
  another worker would send it a second time;
- a batch was claimed and not finished: its untried mails would stay "sending", out of every
  worker's reach, until their lease ran out (5 minutes).

So both are kept here, in the process, and written first thing when the database answers again,
before anything new is claimed: the accepted mails as sent (never sent again), then the
abandoned batches handed back (due at once, their attempts refunded).

One memory per app object, shared by the threads of a process. It does not outlive the process:
a worker killed while the database is away leaves its accepted mails to be sent again when their
lease runs out, with the same Message-ID so that the receiving server can drop the copy.
"""

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app

from camp_app.notifications import claims

log = logging.getLogger(__name__)

EXTENSION_KEY = "camp_app.unrecorded_mail"


@dataclass
class Unrecorded:
    accepted: dict[int, datetime] = field(default_factory=dict)  # mail id -> accepted at
    abandoned: set[str] = field(default_factory=set)  # claim tokens of unfinished batches
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note_accepted(self, mail_id: int, at: datetime) -> None:
        with self.lock:
            self.accepted[mail_id] = at

    def forget_accepted(self, mail_id: int) -> None:
        with self.lock:
            self.accepted.pop(mail_id, None)

    def note_abandoned(self, token: str) -> None:
        with self.lock:
            self.abandoned.add(token)

    @property
    def empty(self) -> bool:
        with self.lock:
            return not self.accepted and not self.abandoned

    def write_down(self) -> None:
        """Record every accepted mail as sent, then hand back every abandoned batch. Raises
        (and keeps what is left) while the database is still away."""
        with self.lock:
            accepted = dict(self.accepted)
            abandoned = set(self.abandoned)
        for mail_id, at in accepted.items():
            claims.mark_sent(mail_id, now=at)
            self.forget_accepted(mail_id)
            log.info("mail %s: recorded as sent after the database came back", mail_id)
        # Only after the accepted ones: handing back first would make them due again.
        for token in abandoned:
            handed_back = claims.release_claim(token)
            with self.lock:
                self.abandoned.discard(token)
            if handed_back:
                log.info("mail worker: handed back %s mails of an unfinished batch", handed_back)


def unrecorded() -> Unrecorded:
    """This app's (so this process's) memory."""
    return current_app.extensions.setdefault(EXTENSION_KEY, Unrecorded())
