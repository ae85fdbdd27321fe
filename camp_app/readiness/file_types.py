"""What a file is, judged by its first bytes (its signature), never by its name or the type
the browser claims: a renamed program stays a program."""

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"

# (signature at offset 0, content type, extension for the download's name)
_SIGNATURES = (
    (b"%PDF-", PDF, ".pdf"),
    (b"\xff\xd8\xff", JPEG, ".jpg"),
    (b"\x89PNG\r\n\x1a\n", PNG, ".png"),
)
EXTENSIONS = {content_type: extension for _sig, content_type, extension in _SIGNATURES}


def sniff(head: bytes) -> str | None:
    """The content type of a file starting with `head` (PDF, JPEG or PNG), or None."""
    for signature, content_type, _extension in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None
