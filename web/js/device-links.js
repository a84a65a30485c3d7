// The links this device has opened (docs/security.md, "Actors and defences": a shared device).
//
// An organiser, facilitator or projector link (/o#TOKEN, /f#TOKEN, /d#TOKEN) carries its key in
// the fragment. The page takes it from there, drops it from the address bar (so it is not shown
// on the projector or in a screenshot) and keeps it in localStorage under its role, so that the
// same device can reopen /o, /f or /d bare, in a new tab or after the browser restarts.
//
//   cg.links.<role> = [{ token, at, workshop_id?, title? }, …]   most recently opened first
//
// Several workshops on one device: the page opens the most recently opened one. A token the
// server refuses is forgotten; "Sign out of this device" (forgetToken) forgets it on purpose.

import { el } from "./dom.js";
import { t } from "./i18n.js";

const MAX_KEPT = 8;
export const LINK_ROLES = ["organiser", "facilitator", "display"];

function storageKey(role) {
  return `cg.links.${role}`;
}

/** The stored links of `role`, most recent first (an empty list when storage is blocked). */
export function storedLinks(role) {
  try {
    const items = JSON.parse(localStorage.getItem(storageKey(role)) || "[]");
    return Array.isArray(items) ? items.filter((i) => i && typeof i.token === "string" && i.token) : [];
  } catch (_) {
    return [];
  }
}

function save(role, items) {
  try {
    if (items.length) localStorage.setItem(storageKey(role), JSON.stringify(items.slice(0, MAX_KEPT)));
    else localStorage.removeItem(storageKey(role));
  } catch (_) { /* private mode or full: this tab still has the token in memory */ }
}

/** The token from the #fragment (kept on this device, then dropped from the address bar),
 *  else the most recently opened link of this role on this device, else null. */
export function takeToken(role) {
  // A new link pasted into this tab changes only the fragment: no page load. Load it.
  addEventListener("hashchange", () => { if (location.hash.length > 1) location.reload(); });
  const hash = location.hash.replace(/^#/, "");
  if (hash) {
    const token = hash;
    const rest = storedLinks(role).filter((i) => i.token !== token);
    const known = storedLinks(role).find((i) => i.token === token) || {};
    save(role, [{ ...known, token, at: Date.now() }, ...rest]);
    history.replaceState(null, "", location.pathname + location.search);
    return token;
  }
  const first = storedLinks(role)[0];
  return first ? first.token : null;
}

/** Once connected: note which workshop the token opens. An older link of the same workshop
 *  (before a re-issue) is dropped: it no longer works. */
export function noteWorkshop(role, token, workshop) {
  if (!workshop || !workshop.id) return;
  const items = storedLinks(role);
  const mine = items.find((i) => i.token === token);
  if (!mine) return; // signed out meanwhile
  const others = items.filter((i) => i.token !== token && i.workshop_id !== workshop.id);
  const updated = { ...mine, workshop_id: workshop.id, title: workshop.title || "" };
  save(role, items.map((i) => (i.token === token ? updated : i)).filter((i) => i === updated || others.includes(i)));
}

/** Forget one token of `role` on this device (refused by the server, or "Sign out of this device"). */
export function forgetToken(role, token) {
  save(role, storedLinks(role).filter((i) => i.token !== token));
}

/** Keep a token the server just issued for this device's own role (a re-issued link). */
export function replaceToken(role, oldToken, newToken) {
  save(role, storedLinks(role).map((i) => (i.token === oldToken ? { ...i, token: newToken, at: Date.now() } : i)));
}

/** "Sign out of this device": forget this link here (the link itself keeps working elsewhere),
 *  then `onDone()` (the page shows that it is signed out). */
export function signOutButton(role, token, onDone) {
  return el("button", { type: "button", class: "btn btn-small btn-quiet", id: "sign-out",
    onclick: () => { forgetToken(role, token); onDone(); } }, t("console.signOut.button"));
}
