// Small DOM helpers. Text is always inserted as text (never as HTML).
//
//   h("button", { class: "btn", type: "button", onclick: fn, "aria-pressed": "true", disabled: false }, "Vote")
//   userText(barrier.text, "p")   // typed text, shown in its own direction
//   announce("New barrier posted") // polite screen-reader message

const PROPS = new Set(["value", "checked", "selected", "indeterminate"]);

/** Create an element. attrs: class (string or array), on<event> functions, aria-*, data-*,
 *  boolean attributes (true = present, false/null/undefined = absent), value/checked as
 *  properties, style as an object ({color: "red"}). Children: nodes, strings, numbers,
 *  arrays; null/false/undefined are skipped. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class" || name === "className") {
      const cls = Array.isArray(value) ? value.filter(Boolean).join(" ") : String(value);
      if (cls) el.className = cls;
    } else if (name.startsWith("on") && typeof value === "function") {
      el.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === "style" && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) {
        if (k.startsWith("--")) el.style.setProperty(k, v);
        else el.style[k] = v;
      }
    } else if (name === "dataset" && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) if (v !== undefined && v !== null) el.dataset[k] = String(v);
    } else if (PROPS.has(name)) {
      el[name] = value;
    } else if (value === true) {
      el.setAttribute(name, "");
    } else {
      el.setAttribute(name, String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false || c === true) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Typed text from a person, isolated and shown in its own direction (dir="auto", like
 *  <bdi>): a Persian sentence in an English page, or the reverse, reads correctly and
 *  does not disturb the text around it. */
export function userText(str, tag = "span") {
  const el = document.createElement(tag);
  el.dir = "auto";
  el.classList.add("user-text");
  el.textContent = str == null ? "" : String(str);
  return el;
}

/** Remove every child of el; returns el. */
export function clear(el) {
  while (el && el.firstChild) el.removeChild(el.firstChild);
  return el;
}

let liveRegion = null;
let announceTimer = null;

/** Say something to screen-reader users without moving focus (aria-live="polite"). */
export function announce(message) {
  if (!message) return;
  if (!liveRegion || !liveRegion.isConnected) {
    liveRegion = document.getElementById("cg-live");
    if (!liveRegion) {
      liveRegion = h("div", { id: "cg-live", class: "visually-hidden", role: "status", "aria-live": "polite", "aria-atomic": "true" });
      document.body.append(liveRegion);
    }
  }
  liveRegion.textContent = "";
  clearTimeout(announceTimer);
  // A fresh text node after a short pause is announced even when the message repeats.
  announceTimer = setTimeout(() => { liveRegion.textContent = String(message); }, 60);
}

/** Hold a page's redraws while a finger or a mouse button is down.
 *
 *  A tap is pointerdown … pointerup … click. A board redrawn in between (a tally or a post
 *  arrived) replaces the button under the finger, and the browser then fires no click: the
 *  tap is lost, most often in a busy vote. `const press = pressGuard(redraw)`, then at the
 *  top of the page's render: `if (press.held()) return;` — the redraw that was held runs
 *  right after the click (whose own handler runs first and may draw at once), or shortly
 *  after a press that ends in no click (a scroll, a drag off the button), and never later
 *  than two seconds into a long press. Keyboard activation has no press and is not held. */
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
