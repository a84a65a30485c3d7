"""Every surface in its main states, at its sizes, in English and Persian:
a screenshot in test-artifacts/screenshots/ to look at, and layout checks
that catch breakage without anyone looking:

- no horizontal scrolling (document.scrollingElement.scrollWidth <= innerWidth),
  naming what sticks out when there is;
- <html lang> and dir: rtl for Persian, ltr for English;
- no catalogue key shown instead of its text (a missing translation);
- phone: every interactive target at least 44x44 CSS px (a radio or checkbox
  counts by its label, which is what a thumb presses);
- projector: fits 1920x1080 without scrolling, and no visible text smaller
  than MIN_PROJECTOR_PX (it is read from the back of a hall).

One staged workshop per state (tests/browser/stage.py) serves every surface,
size and language; one page per (surface, state, language) is resized through
the surface's sizes.

The same page serves the accessibility checks of tests/browser/test_accessibility.py
in the cases it lists: axe-core's WCAG 2.1 A/AA rules and every control named
(AXE_CASES, SPCP_AXE_CASES) first, on the page as it opened at the surface's
first size; then the layout checks and screenshots at every size; then, back
at the first size, the keyboard walk (KEYBOARD_CASES, SPCP_KEYBOARD_SEGMENTS;
English), last because it moves the focus. All are reported together; a case
fails if any finds anything.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.browser.stage import LANGS, SURFACES, open_surface
from tests.browser.test_accessibility import (
    AXE_CASES,
    KEYBOARD_CASES,
    SPCP_AXE_CASES,
    SPCP_KEYBOARD_SEGMENTS,
    axe_and_names,
    keyboard_problems,
)

pytestmark = pytest.mark.browser

MIN_TARGET_PX = 44
MIN_PROJECTOR_PX = 28   # 1.4rem at 1080p

CASES = [pytest.param(surface, state, lang, id=f"{surface}-{state}-{lang}")
         for surface, cfg in SURFACES.items() for state in cfg["states"] for lang in LANGS]

# Everything sticking out of the viewport sideways (the outermost such elements).
OVERFLOW_JS = """() => {
  const w = innerWidth, out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (!r.width || (r.right <= w + 0.5 && r.left >= -0.5)) continue;
    if (el.closest('.visually-hidden, [hidden]')) continue;
    if (out.some((o) => o.el.contains(el))) continue;
    out.push({ el, d: `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} [${Math.round(r.left)}..${Math.round(r.right)}]` });
  }
  return { scrollWidth: document.scrollingElement.scrollWidth, innerWidth: w,
           scrollHeight: document.scrollingElement.scrollHeight, innerHeight: innerHeight,
           culprits: out.slice(0, 8).map((o) => o.d) };
}"""

# Interactive targets smaller than min x min: [description, width, height].
SMALL_TARGETS_JS = """(min) => {
  const out = [];
  const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], [tabindex]:not([tabindex="-1"])';
  for (const el of document.querySelectorAll(sel)) {
    if (el.closest('[hidden], [inert], .visually-hidden, .skip-link') || el.disabled && el.type === 'hidden') continue;
    const cs = getComputedStyle(el);
    if (cs.display === 'none' || cs.visibility === 'hidden') continue;
    let target = el;
    if (el.matches('input[type=checkbox], input[type=radio]')) {
      target = el.closest('label') || (el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`)) || el;
    }
    // A link inside a sentence is exempt (WCAG 2.5.8 "inline").
    if (el.tagName === 'A' && cs.display === 'inline' && el.parentElement && el.parentElement.textContent.trim() !== el.textContent.trim()) continue;
    const r = target.getBoundingClientRect();
    if (!r.width && !r.height) continue;
    if (r.width < min - 0.5 || r.height < min - 0.5) {
      const name = (el.getAttribute('aria-label') || el.textContent || el.name || el.id || '').trim().slice(0, 30);
      out.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${[...el.classList].join('.')} "${name}" ${Math.round(r.width)}x${Math.round(r.height)}`);
    }
  }
  return out;
}"""

# Visible text nodes rendered smaller than min px: "text (px)".
SMALL_TEXT_JS = """(min) => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const text = n.textContent.trim();
    const el = n.parentElement;
    if (!text || !el || el.closest('.visually-hidden, [hidden], [aria-hidden="true"]')) continue;
    const range = document.createRange(); range.selectNodeContents(n);
    const r = range.getBoundingClientRect();
    if (!r.width || !r.height || r.bottom <= 0 || r.top >= innerHeight) continue;
    const cs = getComputedStyle(el);
    if (cs.visibility === 'hidden' || cs.display === 'none') continue;
    const px = parseFloat(cs.fontSize);
    if (px < min - 0.01) out.push(`"${text.slice(0, 40)}" (${px}px, .${[...el.classList].join('.')})`);
  }
  return out;
}"""

# Catalogue keys (and plural bases): shown as text, one means a missing string.
_EN = json.loads((Path(__file__).resolve().parents[2] / "web" / "i18n" / "en.json").read_text(encoding="utf-8"))
KEYS = set(_EN) | {k.rsplit(".", 1)[0] for k in _EN}
KEY_LIKE = re.compile(r"\b[a-z_]+(?:\.[A-Za-z_]+)+\b")


def shown_keys(page) -> list[str]:
    return sorted({k for k in KEY_LIKE.findall(page.evaluate("document.body.innerText")) if k in KEYS and "." in k})


# A text node that is a program's value, not words: `el.append(null)` writes "null".
JUNK_TEXT_JS = """() => {
  const out = [], walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const v = n.nodeValue.trim();
    if (/^(null|undefined|NaN|\\[object Object\\])$/.test(v)) out.push(v + " in " + n.parentElement.tagName);
  }
  return out.slice(0, 5);
}"""


# The cases (surface, state, lang) whose page axe also checks (test_accessibility.py).
AXE_KEYS = {tuple(p.values) for p in AXE_CASES}
SPCP_AXE_KEYS = {tuple(p.values) for p in SPCP_AXE_CASES}
# The cases whose page is also walked with Tab (test_accessibility.py), in English.
KEYBOARD_KEYS = {(surface, state, "en") for surface, state in KEYBOARD_CASES}
SPCP_KEYBOARD_KEYS = {("organiser", segment, "en") for segment in SPCP_KEYBOARD_SEGMENTS}


def axe_source_if_any(request):
    """axe-core's script (the axe_source fixture), or None where it may be missing (not CI): the layout
    checks run without it and the case is then reported skipped for its axe part."""
    try:
        return request.getfixturevalue("axe_source")
    except pytest.skip.Exception:
        return None


def check_surface(request, browser, staged, screenshots_dir, surface, state, lang, with_axe: bool,
                  with_keyboard: bool) -> None:
    """One page: axe and names first (with_axe), at the first size as it opened; then layout and screenshots
    at every size; then the keyboard walk (with_keyboard) at the first size again."""
    sizes = SURFACES[surface]["sizes"]
    axe_source = axe_source_if_any(request) if with_axe else None
    context, page = open_surface(browser, staged, surface, lang, sizes[0])
    try:
        problems = axe_and_names(context, page, axe_source, surface, state, lang) if axe_source else []
        problems += layout_problems(page, screenshots_dir, surface, state, lang, sizes)
        if with_keyboard:
            page.set_viewport_size({"width": sizes[0][0], "height": sizes[0][1]})
            page.evaluate("() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok)))")
            problems += keyboard_problems(page, surface, state)
    finally:
        context.close()
    assert not problems, "\n".join(problems)
    if with_axe and not axe_source:
        pytest.skip("axe-core not installed (npm ci): layout checked, axe not run")


@pytest.mark.parametrize("surface,state,lang", CASES)
def test_layout_and_accessibility(request, browser, stager, screenshots_dir, surface, state, lang):
    check_surface(request, browser, stager.get(state), screenshots_dir, surface, state, lang,
                  (surface, state, lang) in AXE_KEYS, (surface, state, lang) in KEYBOARD_KEYS)


# An SPCP day (docs/agenda.md; tests/browser/stage_spcp.py): the organiser console and the projector in
# its caucus round, its prioritisation (dots closed), its solution round and (projector) its report-out.
SPCP_SURFACES = {"organiser": ("caucus", "prioritise", "solution"),
                 "projector": ("caucus", "prioritise", "solution", "report_out")}
SPCP_CASES = [pytest.param(surface, segment, lang, id=f"spcp-{surface}-{segment}-{lang}")
              for surface, segments in SPCP_SURFACES.items() for segment in segments for lang in LANGS]


@pytest.fixture(scope="module")
def spcp_stager(live_server):
    from tests.browser.stage_spcp import SpcpStager
    return SpcpStager(live_server)


@pytest.mark.parametrize("surface,segment,lang", SPCP_CASES)
def test_spcp_layout_and_accessibility(request, browser, spcp_stager, screenshots_dir, surface, segment, lang):
    check_surface(request, browser, spcp_stager.get(segment), screenshots_dir, surface, f"spcp-{segment}", lang,
                  (surface, segment, lang) in SPCP_AXE_KEYS, (surface, segment, lang) in SPCP_KEYBOARD_KEYS)


def layout_problems(page, screenshots_dir, surface, state, lang, sizes) -> list[str]:
    """Screenshots of `page` at each size, and what the checks above find wrong with it."""
    problems: list[str] = []
    for width, height in sizes:
        page.set_viewport_size({"width": width, "height": height})
        page.evaluate("() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok)))")
        where = f"{surface} {state} {lang} {width}x{height}"
        page.screenshot(path=screenshots_dir / f"{surface}-{state}-{lang}-{width}x{height}.png",
                        full_page=surface != "projector")
        m = page.evaluate(OVERFLOW_JS)
        if m["scrollWidth"] > m["innerWidth"]:
            problems.append(f"{where}: scrolls sideways ({m['scrollWidth']} > {m['innerWidth']}): {m['culprits']}")
        html = page.evaluate("({lang: document.documentElement.lang, dir: document.documentElement.dir})")
        want_dir = "rtl" if lang == "fa" else "ltr"
        if html != {"lang": lang, "dir": want_dir}:
            problems.append(f"{where}: <html> is {html}, want lang={lang} dir={want_dir}")
        raw = shown_keys(page)
        if raw:
            problems.append(f"{where}: catalogue keys shown instead of text: {sorted(set(raw))}")
        junk = page.evaluate(JUNK_TEXT_JS)
        if junk:
            problems.append(f"{where}: a program's value shown as text: {junk}")
        if surface in ("phone", "join"):
            small = page.evaluate(SMALL_TARGETS_JS, MIN_TARGET_PX)
            if small:
                problems.append(f"{where}: targets smaller than {MIN_TARGET_PX}px: {small}")
        if surface == "projector":
            if m["scrollHeight"] > m["innerHeight"]:
                problems.append(f"{where}: does not fit the screen ({m['scrollHeight']} > {m['innerHeight']})")
            tiny = page.evaluate(SMALL_TEXT_JS, MIN_PROJECTOR_PX)
            if tiny:
                problems.append(f"{where}: text smaller than {MIN_PROJECTOR_PX}px: {tiny}")
    return problems


@pytest.mark.parametrize("lang", LANGS)
def test_home_page(browser, live_server, screenshots_dir, lang):
    """The home page (/) with its code form, on both phone sizes."""
    from playwright.sync_api import expect
    for width, height in SURFACES["join"]["sizes"]:
        context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=True, has_touch=True)
        try:
            context.add_init_script(f"try {{ localStorage.setItem('cg.lang', '{lang}'); }} catch (_) {{}}")
            page = context.new_page()
            page.goto(live_server.url + "/")
            expect(page.locator("html")).to_have_attribute("dir", "rtl" if lang == "fa" else "ltr")
            expect(page.locator("#join-form h2")).not_to_have_text("")
            page.screenshot(path=screenshots_dir / f"home-{lang}-{width}x{height}.png", full_page=True)
            m = page.evaluate(OVERFLOW_JS)
            assert m["scrollWidth"] <= m["innerWidth"], m
            assert page.evaluate(SMALL_TARGETS_JS, MIN_TARGET_PX) == []
        finally:
            context.close()
