"""The document storage: a folder chosen by URL, random names only, files only the app's user
reads; an upload whose database write fails leaves no file behind."""

import io
import os
import stat

import pytest

from camp_app.readiness import documents
from camp_app.readiness.storage import FolderStorage, document_storage, storage_for
from tests.readiness.conftest import PDF, document_rows, stored_files


def test_the_url_chooses_the_folder(app_ctx, documents_folder):
    storage = document_storage()
    assert isinstance(storage, FolderStorage)
    assert storage.root == documents_folder


def test_files_are_private_and_names_cannot_leave_the_folder(tmp_path):
    storage = storage_for((tmp_path / "docs").as_uri())
    storage.save("abc123", b"data")
    mode = stat.S_IMODE(os.stat(tmp_path / "docs" / "abc123").st_mode)
    assert mode == 0o600
    assert storage.read("abc123") == b"data"
    for bad in ("../secret_key", "a/b", ".hidden", ""):
        with pytest.raises(ValueError):
            storage.save(bad, b"x")
    storage.delete("abc123")
    assert not storage.exists("abc123")


def test_an_object_store_url_without_its_library_says_what_to_install(tmp_path):
    try:
        import fsspec  # noqa: F401
    except ImportError:
        with pytest.raises(RuntimeError, match="fsspec"):
            storage_for("s3://bucket/documents")
    else:
        storage = storage_for("memory://camp-documents")
        storage.save("n1", b"x")
        assert storage.read("n1") == b"x"


def test_a_failed_database_write_removes_the_stored_file(world, documents_folder, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(documents, "record", broken)
    with pytest.raises(RuntimeError):
        documents.upload_document(
            world.parent, world.child.id, "physician_form", io.BytesIO(PDF), "a.pdf"
        )
    assert stored_files(documents_folder) == []
    assert document_rows() == 0
