"""What every CSV and XLSX export shares: the one rule for a cell a spreadsheet could run,
and the one CSV writer.

A cell that starts with = + - @, a tab or a carriage return is prefixed with ' so that a
spreadsheet shows it as text instead of running it as a formula (OWASP's advice on CSV
injection). A plain number, such as the phone number +13055550100, runs nothing and stays as
it is.
"""

import csv
import re
from collections.abc import Iterable, Iterator

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?[\d ().-]+")


def safe_cell(value) -> str:
    """The cell's text, prefixed with ' where a spreadsheet would run it; None is empty."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


class _Echo:
    """A file whose write() hands the line back, so that csv.writer yields line by line."""

    def write(self, line: str) -> str:
        return line


def csv_lines(header: Iterable, rows: Iterable[Iterable]) -> Iterator[str]:
    """The header line, then one line per row (CRLF ends each), every cell a safe_cell; one
    at a time, for a streamed response."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield writer.writerow([safe_cell(value) for value in header])
    for row in rows:
        yield writer.writerow([safe_cell(value) for value in row])
