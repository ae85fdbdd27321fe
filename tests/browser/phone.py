"""Checks that a page fits a phone screen."""

PHONE = {"width": 390, "height": 844}

# The elements whose right edge sticks out of the viewport: names them in a failure message.
_OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.right > width + 1 && box.width > 0) {
      const id = el.id ? '#' + el.id : '';
      const cls = el.className && typeof el.className === 'string'
        ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
      out.push(`${el.tagName.toLowerCase()}${id}${cls} (right edge ${Math.round(box.right)}px)`);
    }
  }
  return out.slice(0, 8);
}"""


def horizontal_overflow(page) -> dict:
    """scrollWidth and clientWidth of the document, and what sticks out if anything."""
    sizes = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth,"
        " client: document.documentElement.clientWidth})"
    )
    sizes["overflowing"] = page.evaluate(_OVERFLOWING) if sizes["scroll"] > sizes["client"] else []
    return sizes


def assert_fits_phone(page) -> None:
    """No horizontal scrollbar at the current (phone) viewport."""
    sizes = horizontal_overflow(page)
    assert sizes["scroll"] <= sizes["client"], (
        f"{page.url} is wider than the phone screen: {sizes['scroll']}px > "
        f"{sizes['client']}px; sticking out: {sizes['overflowing']}"
    )
