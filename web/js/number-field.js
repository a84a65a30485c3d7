// A whole number typed in a console's field (the seats per sector, the priorities to tick, a meeting's
// length): in the reader's digits, a Persian or Arabic keyboard's digits taken. Its own small module: the
// phone's election card (election-view.js) shares its file with the organiser's panel and should not load
// the whole console (console-common.js) for it.
import { el } from "./dom.js";
import { currentLanguage } from "./i18n.js";

/** n in the page's digits with no grouping: a number to type over ("1000", "۱۰۰۰"), not "1,000". */
const plain = (n) => new Intl.NumberFormat(currentLanguage(), { useGrouping: false }).format(n);

/** A whole number as typed: Latin, Persian (۲) or Arabic-Indic (٢) digits, spaces around; null for anything
 *  else (empty, a sign, a fraction, a letter) and for a number outside min..max. */
export function parseWholeNumber(text, min, max) {
  const latin = String(text ?? "").trim().replace(/[\u06F0-\u06F9]/g, (d) => String(d.charCodeAt(0) - 0x06F0))
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660));
  if (!/^\d+$/.test(latin)) return null;
  const n = Number(latin);
  return n >= min && n <= max ? n : null;
}

// The fields of wholeNumberField refused, by id: still marked when the page draws again.
const refusedNumbers = new Set();

/**
 * A field for a whole number from min to max in the console's digits: a text field (inputmode numeric; a
 * number field shows Latin digits only and drops a Persian keyboard's ۲) that takes Latin, Persian and
 * Arabic-Indic digits and shows a number left in the console's own; anything else is refused as it is typed
 * (aria-invalid, and `message` on a line of its own as the field's description); the arrow keys step it by
 * `step`, as in a number field. What is typed is kept in `drafts` by id across redraws (dom.draftInput).
 * `value`: the number shown at first; null for an empty field (a custom timer's minutes), whose arrows start at min.
 * Returns {input, error, read}: read() is the number, or null with the field marked (the caller focuses it).
 */
export function wholeNumberField({ id, min, max, value, message, drafts, step = 1, cls = "", errorCls = "" }) {
  const errorId = `${id}-error`;
  const bad = refusedNumbers.has(id);
  const parse = () => parseWholeNumber(input.value, min, max);
  const mark = (refused) => {
    if (refused) refusedNumbers.add(id); else refusedNumbers.delete(id);
    input.setAttribute("aria-invalid", refused ? "true" : "false");
    error.hidden = !refused;
    if (refused) input.setAttribute("aria-describedby", errorId);
    else input.removeAttribute("aria-describedby");
  };
  const show = (n) => { input.value = drafts[id] = plain(n); };
  const input = el("input", { id, type: "text", inputmode: "numeric", autocomplete: "off", spellcheck: "false",
    class: ["number-input", cls], value: drafts[id] ?? (value === null ? "" : plain(value)),
    "aria-invalid": bad ? "true" : "false", "aria-describedby": bad ? errorId : null,
    oninput: () => {
      drafts[id] = input.value;
      // Refused as it is typed (a number out of range, a letter); an empty field only when sent.
      mark(input.value.trim() !== "" && parse() === null);
    },
    onchange: () => {   // left with a number: in the console's digits (a Persian keyboard's ۲ in English: 2)
      const n = parse();
      if (n !== null) show(n);
    },
    onkeydown: (e) => {
      if (e.key !== "ArrowUp" && e.key !== "ArrowDown") return;
      e.preventDefault();
      const from = parse() ?? value;
      show(from === null ? min : Math.min(max, Math.max(min, from + (e.key === "ArrowUp" ? step : -step))));
      mark(false);
    } });
  const error = el("p", { class: ["number-error", errorCls], id: errorId, hidden: !bad }, message);
  const read = () => {
    const n = parse();
    mark(n === null);
    return n;
  };
  return { input, error, read };
}
