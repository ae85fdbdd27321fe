"""An FPDF with a Unicode font and a fast way to write many short lines of text.

fpdf2's core fonts cover Latin-1 only, so "Zoë" works but “quotes”, "Łukasz" or "Nguyễn" do
not; this PDF embeds DejaVu Sans (camp_app/static/fonts, Bitstream Vera licence, subset on
output) and replaces the few characters it cannot draw (most emoji) with "?".

fpdf2's cell() and multi_cell() cost a few hundred microseconds each, text() some tens: a
10,000-child document of twenty lines per child would take half a minute. `put` measures with
the font's own widths, wraps here and writes the text operator directly, with each character's
glyph looked up once per document. It is for plain left-aligned lines; use fpdf2's own methods
for anything fancier (they can be mixed freely: the font state is fpdf2's).
"""

import re
from pathlib import Path

from fpdf import FPDF
from fpdf.util import escape_parens

FONT_DIR = Path(__file__).resolve().parent.parent / "static" / "fonts"
FONT = "DejaVu"
BASELINE = 0.72  # where the baseline sits in a line's height


_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")


class UnicodePDF(FPDF):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.add_font(FONT, "", FONT_DIR / "DejaVuSans.ttf")
        self.add_font(FONT, "B", FONT_DIR / "DejaVuSans-Bold.ttf")
        self.by_weight = {False: self.fonts[FONT.lower()], True: self.fonts[FONT.lower() + "B"]}
        fonts = self.by_weight.values()
        self.drawable = frozenset.intersection(*(frozenset(f.cmap) for f in fonts))
        # Below this character everything but control characters can be drawn: most text is
        # checked with one max() and one regular expression search.
        self.plain_below = chr(next(c for c in range(0xA0, 0x110000) if c not in self.drawable))
        # The widest Latin letter per font: a line shorter than that many of them fits.
        self.latin_widest = {f.i: max(f.cw[c] for c in range(32, 0x250)) for f in fonts}
        self.glyphs: dict[int, dict[str, str]] = {f.i: {} for f in fonts}
        self.style: tuple[bool, float] | None = None

    def printable(self, text: str) -> str:
        """`text` with characters the font cannot draw replaced by "?" (controls by a space)."""
        if not text or (max(text) < self.plain_below and not _CONTROLS.search(text)):
            return text
        return "".join(
            " " if _CONTROLS.match(c) else c if ord(c) in self.drawable else "?" for c in text
        )

    def use(self, bold: bool, size: float) -> None:
        if self.style != (bold, size):
            self.set_font(FONT, "B" if bold else "", size)
            self.style = (bold, size)

    def add_page(self, *args, **kwargs):
        self.style = None  # fpdf2 sets the font again on the new page
        super().add_page(*args, **kwargs)
        self.style = None

    def width(self, text: str, bold: bool | None = None, size: float | None = None) -> float:
        """Width of `text` in the given weight and size (default: the current font)."""
        font = self.current_font if bold is None else self.by_weight[bold]
        size = size or self.font_size_pt
        return sum(map(font.cw.__getitem__, map(ord, text))) * size * 0.001 / self.k

    def wrap(self, text: str, room: float, bold: bool, size: float) -> list[str]:
        """Printable `text` as lines no wider than `room` in that weight and size, broken at
        spaces and at the line breaks it has."""
        widest = self.latin_widest[self.by_weight[bold].i] * size * 0.001 / self.k
        lines: list[str] = []
        for paragraph in text.splitlines() or [""]:
            paragraph = self.printable(paragraph)
            surely_fits = len(paragraph) * widest <= room and max(paragraph, default=" ") < "\u0250"
            if surely_fits or self.width(paragraph, bold, size) <= room:
                lines.append(paragraph)
                continue
            line = ""
            for word in paragraph.split(" "):
                candidate = f"{line} {word}" if line else word
                if self.width(candidate, bold, size) <= room:
                    line = candidate
                    continue
                if line:
                    lines.append(line)
                while self.width(word, bold, size) > room:  # longer than the line: cut it
                    cut = max(1, int(len(word) * room / self.width(word, bold, size)))
                    lines.append(word[:cut])
                    word = word[cut:]
                line = word
            lines.append(line)
        return lines

    def room_for(self, height: float) -> bool:
        return self.get_y() + height <= self.page_break_trigger

    def _encoded(self, text: str) -> str:
        font = self.current_font
        glyphs = self.glyphs[font.i]
        for char in set(text).difference(glyphs):
            picked = font.subset.pick(ord(char))
            glyphs[char] = "" if picked is None else chr(picked)
        encoded = "".join(map(glyphs.__getitem__, text))
        return escape_parens(encoded.encode("utf-16-be").decode("latin-1"))

    def put_many(self, lines: list[tuple[float, float, str]]) -> None:
        """Draw printable texts, each with its baseline at (x, y), in the current font."""
        if not lines:
            return
        if not self.current_font_is_set_on_page:
            self._out(self._set_font_for_page(self.current_font, self.font_size_pt))
        k, h = self.k, self.h
        # What FPDF.text() writes, without its per-call overhead.
        self._out(
            "\n".join(
                f"BT {x * k:.2f} {(h - y) * k:.2f} Td ({self._encoded(text)}) Tj ET"
                for x, y, text in lines
            )
        )

    def put_at(self, x: float, y: float, text: str) -> None:
        self.put_many([(x, y, text)])

    def put(self, x: float, text: str, height: float) -> None:
        """Draw one line at the cursor and move the cursor down by `height`."""
        y = self.get_y()
        self.put_at(x, y + height * BASELINE, text)
        self.set_y(y + height)
