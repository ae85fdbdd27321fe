"""Where uploaded documents are kept: outside the web root, behind a small interface chosen by
a URL (DOCUMENT_STORAGE_URL), so that moving them to an object store is a configuration change.

- `file:///var/lib/camp/documents` (the default is the folder `documents` in the instance
  folder): files on the server's disk, readable only by the app's user.
- any other URL (`s3://bucket/documents`, `gcs://…`): through fsspec and its backend (s3fs,
  gcsfs…), which are installed only where such a store is used.

Names are random ids made by the caller, never what a family's file was called.
"""

import os
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from flask import current_app

_EXTENSION_KEY = "camp_document_storage"


class DocumentStorage(Protocol):
    def save(self, name: str, data: bytes) -> None: ...
    def read(self, name: str) -> bytes: ...
    def delete(self, name: str) -> None: ...
    def exists(self, name: str) -> bool: ...


class FolderStorage:
    """Files in one folder of the server's disk (mode 0600, created exclusively)."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def _path(self, name: str) -> Path:
        if not name or "/" in name or "\\" in name or name.startswith("."):
            raise ValueError("not a storage name")
        return self.root / name

    def save(self, name: str, data: bytes) -> None:
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self._path(name), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(data)
        except BaseException:
            self.delete(name)
            raise

    def read(self, name: str) -> bytes:
        return self._path(name).read_bytes()

    def delete(self, name: str) -> None:
        self._path(name).unlink(missing_ok=True)

    def exists(self, name: str) -> bool:
        return self._path(name).is_file()

    def names(self) -> list[str]:
        return sorted(p.name for p in self.root.iterdir()) if self.root.is_dir() else []


class FsspecStorage:
    """Any store fsspec reaches (S3, GCS, Azure…), e.g. `s3://bucket/documents`."""

    def __init__(self, url: str):
        try:
            import fsspec  # optional: installed only where an object store is used
        except ImportError as error:
            raise RuntimeError(
                f"DOCUMENT_STORAGE_URL uses {urlsplit(url).scheme}://, which needs fsspec and "
                "its backend installed (e.g. pip install fsspec s3fs)"
            ) from error
        self.fs, self.root = fsspec.core.url_to_fs(url)

    def _path(self, name: str) -> str:
        return f"{self.root.rstrip('/')}/{name}"

    def save(self, name: str, data: bytes) -> None:
        self.fs.pipe_file(self._path(name), data)

    def read(self, name: str) -> bytes:
        return self.fs.cat_file(self._path(name))

    def delete(self, name: str) -> None:
        if self.fs.exists(self._path(name)):
            self.fs.rm_file(self._path(name))

    def exists(self, name: str) -> bool:
        return self.fs.exists(self._path(name))


def storage_for(url: str) -> DocumentStorage:
    parts = urlsplit(url)
    if parts.scheme in ("", "file"):
        return FolderStorage(parts.path if parts.scheme else url)
    return FsspecStorage(url)


def default_url() -> str:
    return (Path(current_app.instance_path) / "documents").as_uri()


def document_storage() -> DocumentStorage:
    """The app's storage (made once per app from DOCUMENT_STORAGE_URL)."""
    app = current_app
    found = app.extensions.get(_EXTENSION_KEY)
    if found is None:
        found = storage_for(app.config.get("DOCUMENT_STORAGE_URL") or default_url())
        app.extensions[_EXTENSION_KEY] = found
    return found
