"""The one CSV writer and the one rule for cells a spreadsheet could run."""

import csv
import io

import pytest

from camp_app.spreadsheets import csv_lines, safe_cell
from tests.support.spreadsheet_cells import FORMULA_CELLS


@pytest.mark.parametrize(("typed", "written"), FORMULA_CELLS)
def test_a_cell_that_could_run_is_prefixed_and_a_plain_number_is_not(typed, written):
    assert safe_cell(typed) == written


def test_other_values_are_their_text():
    assert [safe_cell(v) for v in (None, "", 7, -7, "Maya", "2027-06-14")] == [
        "", "", "7", "-7", "Maya", "2027-06-14",
    ]  # fmt: skip


def test_csv_lines_writes_the_header_then_a_line_per_row_one_at_a_time():
    rows = iter([["Maya", "=1+1", 3], ['say "hi", twice', None, "two\r\nlines"]])
    lines = csv_lines(["name", "note", "n"], rows)
    assert next(lines) == "name,note,n\r\n"
    assert next(lines) == "Maya,'=1+1,3\r\n"
    assert list(rows) == [['say "hi", twice', None, "two\r\nlines"]]  # not read ahead


def test_csv_lines_quotes_what_csv_must_quote():
    text = "".join(csv_lines(["a", "b", "c"], [['say "hi", twice', None, "two\r\nlines"]]))
    assert text == 'a,b,c\r\n"say ""hi"", twice",,"two\r\nlines"\r\n'
    assert list(csv.reader(io.StringIO(text, newline=""))) == [
        ["a", "b", "c"],
        ['say "hi", twice', "", "two\r\nlines"],
    ]
