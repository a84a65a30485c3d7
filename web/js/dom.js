// The DOM helpers of every page. Text is always inserted as text (never as HTML).
//
//   el("button", { class: "btn", type: "button", onclick: fn, aria: { pressed: "true" }, disabled: false }, "Vote")
//   userText(barrier.text, "p")      // typed text, shown in its own direction
//   rerender(main, nodes)            // replace a region, keeping focus, caret and scroll
//   announce("New barrier posted")   // polite screen-reader message
//   createToaster(container, {…})    // short messages with a dismiss button
//   pressGuard(redraw)               // no tap lost to a redraw (web/js/page.js uses it)

const PROPS = new Set(["value", "checked", "selected", "indeterminate"]);

/** Create an element. attrs: class (string or array), on<event> functions, aria-* (or an `aria`
 *  object: {label: "…"} for aria-label, null values skipped), data-* (or a `dataset` object),
 *  boolean attributes (true = present, false/null/undefined = absent), value/checked as
 *  properties, style as an object ({color: "red"}). Children: nodes, strings, numbers,
 *  arrays; null/false/undefined are skipped. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "aria" && typeof value === "object") {
      for (const [a, v] of Object.entries(value)) if (v !== null && v !== undefined) node.setAttribute(`aria-${a}`, String(v));
    } else if (name === "class" || name === "className") {
      const cls = Array.isArray(value) ? value.filter(Boolean).join(" ") : String(value);
      if (cls) node.className = cls;
    } else if (name.startsWith("on") && typeof value === "function") {
      node.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === "style" && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) {
        if (k.startsWith("--")) node.style.setProperty(k, v);
        else node.style[k] = v;
      }
    } else if (name === "dataset" && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) if (v !== undefined && v !== null) node.dataset[k] = String(v);
    } else if (PROPS.has(name)) {
      node[name] = value;
    } else if (value === true) {
      node.setAttribute(name, "");
    } else {
      node.setAttribute(name, String(value));
    }
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false || c === true) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Typed text from a person, isolated and shown in its own direction (dir="auto", like
 *  <bdi>): a Persian sentence in an English page, or the reverse, reads correctly and
 *  does not disturb the text around it. `cls`: more classes, space-separated. */
export function userText(str, tag = "span", cls = "") {
  const node = document.createElement(tag);
  node.dir = "auto";
  node.classList.add("user-text", ...String(cls).split(" ").filter(Boolean));
  node.textContent = str == null ? "" : String(str);
  return node;
}

/** Remove every child of node; returns node. */
export function clear(node) {
  while (node && node.firstChild) node.removeChild(node.firstChild);
  return node;
}

/**
 * Replace root's content with `nodes`, keeping focus, caret and typed input (elements with the
 * same id) and the scroll of [data-keep-scroll] boxes, so a live update never steals the keyboard.
 */
export function rerender(root, nodes) {
  const active = document.activeElement;
  const activeId = active && root.contains(active) ? active.id : null;
  let caret = null;
  if (activeId && "selectionStart" in active) {
    try { caret = [active.selectionStart, active.selectionEnd]; } catch (_) { caret = null; }
  }
  const scrollers = [...root.querySelectorAll("[data-keep-scroll]")].map((n) => [n.dataset.keepScroll, n.scrollTop]);
  root.replaceChildren(...[nodes].flat(Infinity).filter((n) => n !== null && n !== undefined && n !== false));
  for (const [key, top] of scrollers) {
    const n = root.querySelector(`[data-keep-scroll="${CSS.escape(key)}"]`);
    if (n) n.scrollTop = top;
  }
  if (activeId) {
    const again = document.getElementById(activeId);
    if (again && again !== document.activeElement) {
      again.focus({ preventScroll: true });
      if (caret && "setSelectionRange" in again) {
        try { again.setSelectionRange(caret[0], caret[1]); } catch (_) { /* not a text field */ }
      }
    }
  }
}

/** A text field whose typed draft survives re-renders (kept in `drafts` by id). */
export function draftInput(drafts, id, attrs = {}, multiline = false) {
  const node = el(multiline ? "textarea" : "input", { id, ...attrs });
  node.value = drafts[id] ?? attrs.value ?? "";
  node.addEventListener("input", () => { drafts[id] = node.value; });
  return node;
}

let liveRegion = null;
let announceTimer = null;

/** Say something to screen-reader users without moving focus (aria-live="polite"). */
export function announce(message) {
  if (!message) return;
  if (!liveRegion || !liveRegion.isConnected) {
    liveRegion = document.getElementById("cg-live");
    if (!liveRegion) {
      liveRegion = el("div", { id: "cg-live", class: "visually-hidden", role: "status", "aria-live": "polite", "aria-atomic": "true" });
      document.body.append(liveRegion);
    }
  }
  liveRegion.textContent = "";
  clearTimeout(announceTimer);
  // A fresh text node after a short pause is announced even when the message repeats.
  announceTimer = setTimeout(() => { liveRegion.textContent = String(message); }, 60);
}

/**
 * Short messages in `container` (ack errors, confirmations): `show(message, kind)`, kind "info",
 * "ok" or "error", each with a dismiss button, gone by themselves after `ms(kind)`.
 *   dismiss  () => the button's word, read at each toast (the page's language may have changed)
 *   icon     drawn on the button instead of the word, which becomes its accessible name
 *   single   a new toast replaces the one shown (the phone: one at a time)
 *   roles    each toast is a live region of its own (role alert for errors, else status);
 *            off where the container is one already
 */
export function createToaster(container, { dismiss = () => "×", icon = null, single = false, roles = true,
  ms = (kind) => (kind === "error" ? 12000 : 4000) } = {}) {
  let timer = 0;
  return {
    show(message, kind = "info") {
      const close = icon
        ? el("button", { type: "button", class: "btn-quiet toast-close", "aria-label": dismiss(), onclick: () => node.remove() }, icon)
        : el("button", { type: "button", class: "btn btn-small", onclick: () => node.remove() }, dismiss());
      const node = el("div", { class: ["toast", `toast-${kind}`], role: roles ? (kind === "error" ? "alert" : "status") : null },
        el("span", { class: "toast-text" }, message), close);
      if (single) { clear(container); clearTimeout(timer); }
      container.append(node);
      timer = setTimeout(() => node.remove(), ms(kind));
    },
  };
}

/** Hold a page's redraws while a finger or a mouse button is down.
 *
 *  A tap is pointerdown … pointerup … click. A board redrawn in between (a tally or a post
 *  arrived) replaces the button under the finger, and the browser then fires no click: the
 *  tap is lost, most often in a busy vote. `const press = pressGuard(redraw)`, then at the
 *  top of the page's render: `if (press.held()) return;` — the redraw that was held runs
 *  right after the click (whose own handler runs first and may draw at once), or shortly
 *  after a press that ends in no click (a scroll, a drag off the button), and never later
 *  than two seconds into a long press. Keyboard activation has no press and is not held.
 *  web/js/page.js does this for every page. */
export function pressGuard(redraw) {
  let pressed = false;
  let owed = false;
  let timer = 0;
  const release = () => {
    clearTimeout(timer);
    if (!pressed) return;
    pressed = false;
    if (owed) { owed = false; setTimeout(redraw, 0); }
  };
  const later = (ms) => { clearTimeout(timer); timer = setTimeout(release, ms); };
  document.addEventListener("pointerdown", () => { pressed = true; later(2000); }, true);
  document.addEventListener("pointerup", () => later(400), true);
  document.addEventListener("pointercancel", release, true);
  // Capture phase: released before the button's own click handler runs.
  document.addEventListener("click", release, true);
  return { held() { if (pressed) owed = true; return pressed; } };
}
