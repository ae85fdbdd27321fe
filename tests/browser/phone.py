"""Checks that a page fits a phone screen."""

PHONE = {"width": 390, "height": 844}

# The innermost elements whose right edge sticks out of the viewport, widest first.
_OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const sticksOut = (el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.right > width + 1;
  };
  const all = [...document.body.querySelectorAll('*')].filter(sticksOut);
  const innermost = all.filter((el) => !all.some((other) => other !== el && el.contains(other)));
  // The widest first: usually the one that stretches the others.
  innermost.sort((a, b) => b.getBoundingClientRect().right - a.getBoundingClientRect().right);
  return innermost.slice(0, 5).map((el) => {
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


# Links, buttons and fields whose right edge is past the screen: inside a sideways-scrolling
# table they do not widen the page, yet a person on a phone does not see them.
_CLIPPED_CONTROLS = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.querySelectorAll('a[href], button, input, select, textarea')) {
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.right > width + 1) {
      const name = (el.getAttribute('aria-label') || el.textContent || el.name || '').trim();
      const right = Math.round(box.right);
      out.push(`${el.tagName.toLowerCase()} "${name.slice(0, 60)}" (right edge ${right}px)`);
    }
  }
  return out.slice(0, 5);
}"""


def controls_out_of_view(page) -> list[str]:
    """Controls that a phone user would have to scroll sideways to find."""
    return page.evaluate(_CLIPPED_CONTROLS)


# A checkbox or radio button whose label is not beside it (a line below, say): on a small
# screen the person cannot tell which box belongs to which words.
_DETACHED_CHOICES = """() => {
  const out = [];
  for (const el of document.querySelectorAll('input[type=checkbox], input[type=radio]')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || !el.labels || el.labels.length === 0) continue;
    const label = el.labels[0].getBoundingClientRect();
    const beside = label.top < box.bottom && label.bottom > box.top;
    if (!beside) out.push(`${el.type} "${el.labels[0].textContent.trim().slice(0, 40)}"`);
  }
  return out.slice(0, 5);
}"""


def choices_apart_from_their_labels(page) -> list[str]:
    """Checkboxes and radio buttons whose label is not on the same line."""
    return page.evaluate(_DETACHED_CHOICES)
