"""Accessibility of every surface in its main states (WCAG 2.1 A and AA).

- axe-core (node_modules/axe-core, pinned in package.json) with the wcag2a,
  wcag2aa, wcag21a and wcag21aa rules: any serious or critical violation fails
  (all violations are printed). The CSP (script-src 'self') refuses an inline
  <script>, so page.add_script_tag(content=…) cannot inject axe; page.evaluate
  runs it through the DevTools protocol, which the CSP does not govern.
- every control has an accessible name, read from Chromium's own
  accessibility tree (what a screen reader gets);
  these two run in tests/browser/test_screenshots.py (test_layout_and_accessibility), on
  the page it opens for its layout checks: one page load serves both, each case
  of AXE_CASES and SPCP_AXE_CASES below (axe_and_names) checked there;
- keyboard: every interactive control is reached with Tab (one stop per radio
  group), and shows a visible focus indicator (its outline or box-shadow,
  or its label's, differs from the unfocused look); checked (keyboard_problems)
  on the English page of each of KEYBOARD_CASES and SPCP_KEYBOARD_SEGMENTS that
  test_screenshots.py opens, after its axe and layout checks, at the surface's
  first size again;
- live regions: the polite region (aria-live="polite") is in the page from the
  start and says when new posts arrive and when a minute is left on the timer.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.stage import SURFACES, Client, open_surface, stage

pytestmark = pytest.mark.browser

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = {"serious", "critical"}
# Controls (and images and dialogs), which must have a name; a timer or a status needs none.
NAMED_ROLES = {"button", "link", "textbox", "searchbox", "combobox", "listbox", "checkbox", "radio", "switch",
               "slider", "spinbutton", "menuitem", "tab", "img", "dialog", "alertdialog"}

# axe and names: every surface in every state in English, and in Persian in the states
# with the most on screen (contrast does not change with the language; lang/dir and
# mirrored layouts do), at the surface's first size.
FA_STATES = ("reveal", "plenary", "action_plan", "council")
AXE_CASES = [pytest.param(surface, state, lang, id=f"{surface}-{state}-{lang}")
             for surface, cfg in SURFACES.items() for state in cfg["states"] for lang in ("en", "fa")
             if lang == "en" or state in FA_STATES or surface == "join"]
# Keyboard: the states with the most controls (the projector has none).
KEYBOARD_CASES = [("join", "lobby"), ("phone", "reveal"), ("phone", "vote"), ("phone", "solutions"),
                  ("facilitator", "reveal"), ("facilitator", "report_out"), ("facilitator", "plenary"),
                  ("organiser", "reveal"), ("organiser", "plenary"), ("organiser", "action_plan"),
                  ("progress", "council"), ("council", "council")]
# And an SPCP day's console (the organiser, stage_spcp.py): the agenda's buttons, the priorities to tick and
# confirm, the solution rooms.
SPCP_KEYBOARD_SEGMENTS = ("prioritise", "solution")




RUN_AXE_JS = """async (tags) => {
  const r = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
  return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 6).map((n) => `${n.target.join(' ')} :: ${(n.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 240)}`) }));
}"""


def unnamed_controls(context, page) -> list[str]:
    """Controls in Chromium's accessibility tree whose computed name is empty."""
    cdp = context.new_cdp_session(page)
    try:
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
        out = []
        for n in nodes:
            role = (n.get("role") or {}).get("value")
            if n.get("ignored") or role not in NAMED_ROLES:
                continue
            if str((n.get("name") or {}).get("value") or "").strip():
                continue
            desc = role
            if n.get("backendDOMNodeId"):
                node = cdp.send("DOM.describeNode", {"backendNodeId": n["backendDOMNodeId"]})["node"]
                attrs = node.get("attributes", [])
                pairs = dict(zip(attrs[::2], attrs[1::2]))
                desc = f"{role} <{node.get('localName')} id={pairs.get('id', '')!r} class={pairs.get('class', '')!r}>"
            out.append(desc)
        return out
    finally:
        cdp.detach()


# An SPCP day (docs/agenda.md; tests/browser/stage_spcp.py): the organiser console in its caucus round, its
# prioritisation (dots closed: the priorities to tick) and its solution round; the projector's report-out.
SPCP_AXE_CASES = [pytest.param(surface, segment, lang, id=f"spcp-{surface}-{segment}-{lang}")
                  for surface, segment in (("organiser", "caucus"), ("organiser", "prioritise"),
                                           ("organiser", "solution"), ("projector", "report_out"))
                  for lang in ("en", "fa")]


def axe_and_names(context, page, axe_source, surface, state, lang) -> list[str]:
    """axe and accessible names on `page` as it is now (open_surface at the surface's first size, before
    anything else is done with it): what fails, as messages (every violation printed)."""
    page.evaluate(axe_source)
    violations = page.evaluate(RUN_AXE_JS, AXE_TAGS)
    unnamed = unnamed_controls(context, page)
    report = "\n".join(f"[{v['impact']}] {v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in violations)
    if violations:
        print(f"\naxe, {surface} {state} {lang}:\n{report}")
    problems = []
    if any(v["impact"] in FAILING_IMPACTS for v in violations):
        problems.append(f"serious/critical axe violations on {surface} {state} {lang}:\n{report}")
    if unnamed:
        problems.append(f"controls without an accessible name on {surface} {state} {lang}: {unnamed}")
    return problems


# Every control that should take part in Tab order: [{key, desc, group, sig}].
CONTROLS_JS = """() => {
  const sel = 'a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled]), ' +
              'textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';
  const out = [];
  for (const el of document.querySelectorAll(sel)) {
    if (el.closest('[inert], [hidden]') || !el.getClientRects().length) continue;
    const cs = getComputedStyle(el);
    if (cs.visibility === 'hidden' || cs.display === 'none') continue;
    if (el.matches('details:not([open]) > :not(summary), details:not([open]) > :not(summary) *')) continue;
    out.push({ key: window.__kbKey(el), desc: window.__kbDesc(el),
               group: el.type === 'radio' && el.name ? `radio:${el.form ? el.form.id : ''}:${el.name}` : null,
               sig: window.__kbSig(el) });
  }
  return out;
}"""

HELPERS_JS = """() => {
  window.__kbKey = (el) => {
    if (el.id) return '#' + el.id;
    const path = [];
    for (let n = el; n && n !== document.body; n = n.parentElement) {
      const same = n.parentElement ? [...n.parentElement.children].filter((c) => c.tagName === n.tagName) : [n];
      path.unshift(`${n.tagName.toLowerCase()}:${same.indexOf(n)}`);
    }
    return path.join('>');
  };
  window.__kbDesc = (el) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : ''} "${(el.getAttribute('aria-label') || el.textContent || el.value || '').trim().slice(0, 30)}"`;
  window.__kbSig = (el) => {
    const part = (n) => { if (!n) return ''; const c = getComputedStyle(n);
      return [c.outlineStyle, c.outlineWidth, c.outlineColor, c.boxShadow, c.borderColor, c.backgroundColor].join('|'); };
    return part(el) + '||' + part(el.closest('label')) + '||' + part(el.parentElement);
  };
  window.__kbRing = (el) => {
    const ring = (n) => { if (!n) return false; const c = getComputedStyle(n);
      return (c.outlineStyle !== 'none' && parseFloat(c.outlineWidth) > 0) || c.boxShadow !== 'none'; };
    return ring(el) || ring(el.closest('label'));
  };
}"""

FOCUSED_JS = """async () => {
  await new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok)));   // styles settled
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  // The outline is drawn around the element, over what is behind it: the nearest ancestor
  // with a background colour (a control positioned over the page counts the page's).
  const cs = getComputedStyle(el);
  let behind = null;
  for (let n = el.parentElement; n && !behind; n = n.parentElement) {
    const bg = getComputedStyle(n).backgroundColor;
    if (bg && bg !== 'transparent' && !/rgba\\(.*,\\s*0\\)$/.test(bg)) behind = bg;
  }
  return { key: window.__kbKey(el), desc: window.__kbDesc(el), sig: window.__kbSig(el), ring: window.__kbRing(el),
           outline: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0 ? cs.outlineColor : null,
           behind: behind || 'rgb(255, 255, 255)',
           group: el.type === 'radio' && el.name ? `radio:${el.form ? el.form.id : ''}:${el.name}` : null };
}"""


def _luminance(css_color: str) -> float:
    parts = [float(x) for x in re.findall(r"[\d.]+", css_color)[:3]]
    lin = [(c / 255) / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in parts]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def keyboard_problems(page, surface, state) -> list[str]:
    """Tab through `page` (the surface in English at its first size): what is not reached, has no visible
    focus indicator or too faint an outline, as messages. Leaves the focus and scroll where Tab left them."""
    page.evaluate(HELPERS_JS)
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    controls = page.evaluate(CONTROLS_JS)
    if not controls:
        return [f"no controls found on {surface} {state}"]
    baseline = {c["key"]: c["sig"] for c in controls}
    reached: dict[str, dict] = {}
    last = None
    for _ in range(3 * len(controls) + 20):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED_JS)
        if focused is None:
            continue    # past the last control: the next Tab starts again at the top
        if focused["key"] == last:
            continue    # a date or time input: Tab walks its day, month and year first
        if focused["key"] in reached:
            break       # wrapped around
        reached[focused["key"]] = focused
        last = focused["key"]

    reached_groups = {f["group"] for f in reached.values() if f["group"]}
    missing = [c["desc"] for c in controls
               if c["key"] not in reached and not (c["group"] and c["group"] in reached_groups)]
    no_ring = [f["desc"] for k, f in reached.items()
               if not (f["ring"] and (k not in baseline or baseline[k] != f["sig"]))]
    # WCAG 1.4.11: a focus outline needs 3:1 against what it is drawn over.
    faint = [f"{f['desc']} ({f['outline']} on {f['behind']}: {contrast(f['outline'], f['behind']):.1f}:1)"
             for f in reached.values() if f["outline"] and contrast(f["outline"], f["behind"]) < 3]
    problems = []
    if missing:
        problems.append(f"{surface} {state}: not reachable with Tab: {missing}")
    if no_ring:
        problems.append(f"{surface} {state}: no visible focus indicator on: {no_ring}")
    if faint:
        problems.append(f"{surface} {state}: focus outline below 3:1 against its background: {faint}")
    return problems


def test_live_regions_announce_new_posts_and_the_timer(browser, live_server):
    """The polite live region is there before anything is said, and says it."""
    staged = stage(live_server, "reveal")   # its own workshop: this test changes it
    phone_ctx, phone = open_surface(browser, staged, "phone", "en", SURFACES["phone"]["sizes"][0])
    fac_ctx, fac = open_surface(browser, staged, "facilitator", "en", SURFACES["facilitator"]["sizes"][0])
    other = facilitator = None
    try:
        regions = {}
        for name, page in (("phone", phone), ("facilitator", fac)):
            region = page.locator('[aria-live="polite"]#cg-live')
            expect(region).to_have_count(1)   # present from the start, not made on first use
            regions[name] = region

        # Someone else in the room posts: both screens say so.
        neighbour = next(p for p in staged.people[1:] if p["room_id"] == staged.room_id)
        other = Client(staged.url, neighbour["token"])
        other.ok("barrier_post", text="Nobody answers the non-emergency line at night")
        expect(regions["phone"]).to_have_text("1 new post", timeout=10_000)
        expect(regions["facilitator"]).to_have_text("New post in your room", timeout=10_000)

        # A minute left on the timer: both screens say so.
        facilitator = Client(staged.url, staged.facilitator_url.split("#", 1)[1])
        facilitator.ok("timer_set", seconds=62)
        expect(regions["phone"]).to_have_text("1 minute left", timeout=15_000)
        expect(regions["facilitator"]).to_contain_text("one minute left", timeout=15_000)
    finally:
        for c in (other, facilitator):
            if c:
                c.close()
        phone_ctx.close()
        fac_ctx.close()
