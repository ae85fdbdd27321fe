"""Accessibility checks that a test can make on any page."""

_UNLABELLED = """() => {
  const controls = document.querySelectorAll(
    'input:not([type=hidden]):not([type=submit]):not([type=button]), select, textarea');
  const unlabelled = [];
  for (const el of controls) {
    const named = (el.labels && el.labels.length > 0) || el.getAttribute('aria-label')
      || el.getAttribute('aria-labelledby') || el.getAttribute('title');
    if (!named) unlabelled.push(`${el.tagName.toLowerCase()} name=${el.name} id=${el.id}`);
  }
  return unlabelled;
}"""


def unlabelled_controls(page) -> list[str]:
    """Form controls that no <label>, aria-label or aria-labelledby names."""
    return page.evaluate(_UNLABELLED)
