"""Checks that a page fits a phone screen."""

PHONE = {"width": 390, "height": 844}

# The innermost elements whose right edge sticks out of the viewport, for a failure message.
_OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const sticksOut = (el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.right > width + 1;
  };
  const all = [...document.body.querySelectorAll('*')].filter(sticksOut);
  const innermost = all.filter((el) => !all.some((other) => other !== el && el.contains(other)));
  return innermost.slice(0, 8).map((el) => {
    const id = el.id ? '#' + el.id : '';
    const cls = typeof el.className === 'string' && el.className.trim()
      ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
    const text = (el.textContent || '').trim().slice(0, 40);
    const right = Math.round(el.getBoundingClientRect().right);
    return `${el.tagName.toLowerCase()}${id}${cls} "${text}" (right edge ${right}px)`;
  });
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
