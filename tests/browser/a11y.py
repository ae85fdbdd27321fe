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


# --- axe-core ------------------------------------------------------------------------------
# axe-core itself (Deque's engine, MPL-2.0) comes from the axe-playwright-python package,
# pinned in requirements-dev.lock: its axe.min.js is injected into the page, so nothing is
# fetched at run time. We call axe.run ourselves, to choose the rules and read the results.

BLOCKING_IMPACTS = ("serious", "critical")  # the bar: none of these on any page
# Rules that axe ships switched off as "experimental" and that WCAG 2.1 AA asks for: a
# control's accessible name contains its visible text (2.5.3 Label in Name).
EXTRA_RULES = ("label-content-name-mismatch",)

_RUN_AXE = """async (extraRules) => {
  const rules = {};
  for (const id of extraRules) rules[id] = {enabled: true};
  const results = await axe.run(document, {resultTypes: ['violations'], rules});
  return results.violations.map((v) => ({
    rule: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({
      impact: n.impact,
      target: n.target.join(' '),
      html: n.html.slice(0, 160),
      summary: (n.failureSummary || '').split('\\n').slice(1, 2).join('').trim(),
    })),
  }));
}"""


def axe_script() -> str:
    from axe_playwright_python.base import AXE_SCRIPT  # a test tool: imported when used

    return AXE_SCRIPT


def axe_violations(page) -> list[dict]:
    """Every violation axe finds on the page as it is now, one entry per element:
    {rule, impact, help, target, html, summary}."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_script())
    found = []
    for violation in page.evaluate(_RUN_AXE, list(EXTRA_RULES)):
        for node in violation["nodes"]:
            impact = node["impact"] or violation["impact"]
            found.append({**node, "rule": violation["rule"], "impact": impact,
                          "help": violation["help"]})  # fmt: skip
    return found


def blocking(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in BLOCKING_IMPACTS]


# --- the focus ring ------------------------------------------------------------------------

MIN_FOCUS_CONTRAST = 3.0  # WCAG 2.1 1.4.11: a focus indicator against what is next to it

# Every visible control a keyboard should reach: that it is in the tab order and takes the
# focus; and, for each kind of control (tag, class, type, background), the contrast of its
# focus ring (the :focus-visible outline) with the background it is drawn on: the nearest
# ancestor's opaque background, as the outline sits outside the element, past its offset.
_FOCUS_RINGS = """(minimum) => {
  const parse = (c) => {
    const m = c.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  };
  const luminance = ({r, g, b}) => {
    const ch = (v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * ch(r) + 0.7152 * ch(g) + 0.0722 * ch(b);
  };
  const ratio = (x, y) => {
    const [a, b] = [luminance(x), luminance(y)].sort((m, n) => n - m);
    return (a + 0.05) / (b + 0.05);
  };
  const behind = (el) => {
    for (let n = el.parentElement; n; n = n.parentElement) {
      const c = getComputedStyle(n).backgroundColor;
      const parsed = parse(c);
      if (parsed && parsed.a > 0) return [parsed, c];
    }
    return [{r: 255, g: 255, b: 255, a: 1}, 'white'];
  };
  const describe = (el) => {
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim();
    return `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} "${text.slice(0, 40)}"`;
  };
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary';
  const problems = [];
  const kinds = new Set();
  let checked = 0;
  for (const el of document.querySelectorAll(selector)) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || el.disabled) continue;
    // Not shown now (in a closed <details>, say): nothing to reach until it is.
    if (!el.checkVisibility({visibilityProperty: true, contentVisibilityAuto: true})) continue;
    if (el.tabIndex < 0) {
      problems.push(`${describe(el)}: tabindex=-1, the keyboard skips it`);
      continue;
    }
    const [background, named] = behind(el);
    const kind = [el.tagName, el.className, el.type || '', named].join('|');
    if (kinds.has(kind)) continue;
    kinds.add(kind);
    el.focus();
    if (document.activeElement !== el) {
      problems.push(`${describe(el)}: does not take the focus`);
      continue;
    }
    checked += 1;
    const style = getComputedStyle(el);
    const width = parseFloat(style.outlineWidth) || 0;
    if (style.outlineStyle === 'none' || width < 2) {
      problems.push(`${describe(el)}: no focus ring (outline: ${style.outline})`);
      continue;
    }
    const contrast = ratio(parse(style.outlineColor), background);
    if (contrast < minimum) {
      const colours = `${style.outlineColor} on ${named}`;
      problems.push(`${describe(el)}: focus ring ${colours} is ${contrast.toFixed(2)}:1`);
    }
  }
  if (document.activeElement) document.activeElement.blur();
  return {checked, problems};
}"""


def focus_ring_problems(page) -> tuple[int, list[str]]:
    """(kinds of control checked, problems), each control focused in turn as after a Tab
    (one real Tab first, so that Chromium draws :focus-visible for the focus that follows)."""
    page.keyboard.press("Tab")
    found = page.evaluate(_FOCUS_RINGS, MIN_FOCUS_CONTRAST)
    return found["checked"], found["problems"]
