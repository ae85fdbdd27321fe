"""Sealed columns: values encrypted at rest with authenticated encryption (Fernet: AES-128-CBC
with HMAC-SHA256, from the `cryptography` library), so that a copy of the database alone
reveals nothing sealed.

Keys come from ENCRYPTION_KEYS (comma-separated Fernet keys, newest first: the newest seals,
every one of them opens, which is how keys are rotated), else from a key generated once into
the instance folder, as SECRET_KEY is. Use `EncryptedText` as a column type for any value to
seal; it holds text, and the database column is plain TEXT holding the token (`EncryptedJSON`
holds a JSON value the same way). Every column of either type is re-sealed under the newest key
by `flask privacy rotate-keys` (privacy/key_rotation.py finds them in the mapped models).

An empty text is sealed too, so a copy of the database does not even tell which child has
allergies or a note; only NULL stays NULL.
"""

import json
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator

KEY_FILE = "encryption_keys"
CONFIG_KEY = "ENCRYPTION_KEYS"


class SealingKeyError(RuntimeError):
    """The keys configured cannot open a sealed value (a key was dropped too early)."""


def instance_encryption_key(instance_path: str) -> str:
    """A key generated once and kept in the instance folder, readable only by us."""
    path = Path(instance_path) / KEY_FILE
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key().decode()
    # O_EXCL: when two processes start at once, one writes and both use the same key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def parse_keys(text: str) -> list[str]:
    keys = [part.strip() for part in (text or "").split(",") if part.strip()]
    for key in keys:
        Fernet(key)  # ValueError at start-up for a malformed key, not at the first read
    return keys


def _ciphers() -> tuple[MultiFernet, Fernet]:
    """Built once per key set and kept on the app: a value costs one decryption, not a key
    schedule."""
    app = current_app._get_current_object()  # one look-up of the proxy, not three
    keys = app.config[CONFIG_KEY]
    cached = app.extensions.get("sealing")
    if cached is None or cached[0] != keys:  # a copy: a list changed in place is seen too
        fernets = [Fernet(key) for key in keys]
        cached = (list(keys), MultiFernet(fernets), fernets[0])
        app.extensions["sealing"] = cached
    return cached[1], cached[2]


def _cipher() -> MultiFernet:
    return _ciphers()[0]


def seal(plain: str) -> str:
    return _cipher().encrypt(plain.encode()).decode()


def unseal(token: str) -> str:
    try:
        return _cipher().decrypt(token.encode()).decode()
    except InvalidToken:
        raise SealingKeyError("no configured key opens this value") from None


def reseal(token: str) -> str:
    """The same value sealed under the newest key (for rotation)."""
    try:
        return _cipher().rotate(token.encode()).decode()
    except InvalidToken:
        raise SealingKeyError("no configured key opens this value") from None


def sealed_under_newest(token: str) -> bool:
    """Whether the newest key opens this token (rotation leaves it alone)."""
    try:
        _ciphers()[1].decrypt(token.encode())
    except InvalidToken:
        return False
    return True


class EncryptedText(TypeDecorator):
    """Text sealed in the database; plain text in Python. None stays None (not sealed), so
    `IS NULL` still works; nothing else can be compared in SQL. A stored empty string (a
    column's server default, nothing sealed) reads as an empty string."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return seal(value)

    def process_result_value(self, value, dialect):
        if not value:
            return value
        return unseal(value)


class EncryptedJSON(EncryptedText):
    """A JSON value (a list of flags, say) sealed as its JSON text."""

    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return seal(json.dumps(value, separators=(",", ":")))

    def process_result_value(self, value, dialect):
        if not value:
            return None
        return json.loads(unseal(value))
