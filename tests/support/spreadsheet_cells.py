"""The one rule for spreadsheet cells (camp_app/spreadsheets.py), written out: what a person
typed, and what every CSV and XLSX export writes for it. Each export's test checks its own
cells against this table."""

FORMULA_CELLS = [
    ('=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'),
    ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("+13055550100", "+13055550100"),  # a plain number runs nothing
    ("+1 (305) 555-0100", "+1 (305) 555-0100"),
    ("-12", "-12"),
    ("Ann = Annie", "Ann = Annie"),  # only the first character counts
]

# Names are trimmed when they are typed: a leading tab or return never reaches an export.
TRIMMED_FORMULA_CELLS = [
    (typed, written) for typed, written in FORMULA_CELLS if typed.strip() == typed
]
