"""Row ids. They are 32-bit integers on PostgreSQL: a larger number cannot name a row, and
PostgreSQL would refuse to compare an id column with it."""

MAX_ID = 2**31 - 1


def possible_id(value) -> bool:
    """An int (not a bool) that could be a row's id."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID
