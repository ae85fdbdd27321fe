"""The Unicode PDF's own text handling: what it cannot draw, and how it wraps."""

from camp_app.roster.fast_pdf import UnicodePDF
from tests.exports.helpers import pdf_text


def test_characters_without_a_glyph_become_question_marks_and_controls_spaces():
    pdf = UnicodePDF()
    assert pdf.printable("Zoë “Sofía” Łukasz") == "Zoë “Sofía” Łukasz"
    assert pdf.printable("漢字 Ana") == "?? Ana"  # no CJK in DejaVu Sans
    assert pdf.printable("bell\x07tab\tdel\x7f") == "bell tab del "


def test_lines_wrap_at_spaces_and_line_breaks_and_long_words_are_cut():
    pdf = UnicodePDF()
    room = pdf.width("m" * 20, False, 10)
    lines = pdf.wrap("short\n" + "word " * 30 + "\n" + "x" * 100, room, False, 10)
    assert lines[0] == "short"
    assert all(pdf.width(line, False, 10) <= room for line in lines)
    assert "".join(line for line in lines if line.startswith("x")) == "x" * 100
    assert sum(line.count("word") for line in lines) == 30


def test_text_drawn_directly_reads_back_with_its_font():
    pdf = UnicodePDF()
    pdf.add_page()
    pdf.use(True, 10)
    pdf.put_many([(10, 20, "Allergies"), (10, 30, "Nguyễn (bee) \\ stings")])
    pdf.use(False, 10)
    pdf.put(10, "plain text", 5)
    assert pdf_text(pdf).splitlines() == ["Allergies", "Nguyễn (bee) \\ stings", "plain text"]
