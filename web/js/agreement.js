// Common ground on the plenary board, for the projector and the organiser console.
//
// Events carry only raw tallies, never how each group voted, so the split comes from
// GET /api/workshops/<id>/agreement (server/http.py; server/domain/agreement.py with its
// small-group suppression). It is fetched when the plenary items or their votes change,
// at most once every MIN_INTERVAL_MS; a suppressed side arrives as a status only and is
// shown as "—".
import { el } from "./dom.js";
import { t, currentLanguage } from "./console-common.js";

export const MIN_INTERVAL_MS = 2000;

/** Signature of what the split depends on: the plenary items and their tallies. */
function signature(state) {
  return Object.values(state.plenary || {})
    .map((i) => `${i.id}:${i.votes || 0}`).sort().join(",");
}

/**
 * tracker.update(state) after every state change; tracker.get(itemId) -> the item's split
 * or null (not fetched yet, or the fetch failed). onChange() is called when new splits arrive.
 */
export function agreementTracker({ token, onChange }) {
  let items = {};
  let wanted = null;       // signature the page shows
  let fetched = null;      // signature last fetched
  let workshopId = null;
  let last = 0;
  let timer = 0;
  let busy = false;

  async function load() {
    timer = 0;
    if (busy) { schedule(); return; }
    busy = true;
    last = Date.now();
    const sig = wanted;
    try {
      const resp = await fetch(`/api/workshops/${encodeURIComponent(workshopId)}/agreement`, {
        headers: { Authorization: `Bearer ${token}` }, cache: "no-store", credentials: "omit",
      });
      const body = await resp.json();
      if (resp.ok && body.ok) {
        items = body.items || {};
        fetched = sig;
        onChange();
      }
    } catch (_) {
      /* offline: the next change (or the retry below) tries again */
    } finally {
      busy = false;
      if (fetched !== wanted) schedule();
    }
  }

  function schedule() {
    if (timer) return;
    const wait = Math.max(0, last + MIN_INTERVAL_MS - Date.now());
    timer = setTimeout(load, wait);
  }

  return {
    update(state) {
      if (!state || !token || !state.workshop) return;
      workshopId = state.workshop.id;
      wanted = signature(state);
      if (wanted !== fetched) schedule();
    },
    get(itemId) { return items[String(itemId)] || null; },
  };
}

let pctFormat = null;
let pctLang = null;

function pct(share) {
  const lang = currentLanguage();
  if (!pctFormat || pctLang !== lang) {
    pctFormat = new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 0 });
    pctLang = lang;
  }
  return pctFormat.format(share);
}

/** "—" for a side that is suppressed (too few people) or absent (nobody of that side). */
export function sideText(cell) {
  return cell && cell.status === "shown" && typeof cell.share === "number" ? pct(cell.share) : "—";
}

/** The small line under a plenary item: "Police 50% · community 40%", or null before the first fetch. */
export function agreementLine(split, cls = "agreement-line") {
  if (!split) return null;
  const police = sideText(split.police);
  const community = sideText(split.community);
  const text = t("common.agreement.line", { police, community });
  return el("p", { class: [cls, split.agreement == null && "agreement-unknown"], dataset: { agreement: split.agreement == null ? "" : split.agreement } },
    text);
}

/** The legend that explains the line and the dash. */
export function agreementLegend(cls = "agreement-legend") {
  return el("p", { class: cls }, t("common.agreement.legend"));
}
