// The council election on the screens (docs/council-election.md): the phone's card (stand or
// nominate, answer a nomination, the secret ballot, the results), the organiser's panel in the
// council tab (seats, nominations, the ballot, how many voted, the results, a second ballot or
// an appointment, then the co-chairs) and the projector's view (the candidates and how many
// voted; then "Your council"). What is shown is worked out in web/js/election-model.js; this
// file draws it. Styles: web/css/election.css. No count per candidate exists in any view.
//
//   phoneElectionCard({ state, outbox, send, redraw })     participant.js, at the top of the page
//   electionRefusalShown(item, error)                       participant.js onAck: true if the card says it
//   electionPanel({ state, conn, toast, ask })              organiser.js, the council tab
//   projectorElectionView(state, titleBar)                  display.js: a view, or null for the day's own

import { el, userText, announce } from "./dom.js";
import { t, hasKey, currentLanguage, formatNumber } from "./i18n.js";
import { GROUPS, MAX_SECTOR_SEATS, DEFAULT_SECTOR_SEATS } from "./rules.js";
import { sectorName } from "./room-agenda.js";
import * as agenda from "./agenda.js";
import { wholeNumberField } from "./number-field.js";
import {
  chainOf, latest, inCouncilSegment, myConstituencies, candidatesOf, myCandidacy, nomineesFor, waitingVote,
  toggleChoice, ballotPayload, combinedResults, sectorOrder, candidateLabels, electorateSize, phoneSteps, tieSettled, openTies,
} from "./election-model.js";

const digit = (n) => formatNumber(n);

// ------------------------------------------------------------------ names

// What a person with no name shown is called, at the start of a line and inside a sentence (the keys in
// full, so that tests/test_i18n.py finds each one).
const UNNAMED = {
  law_enforcement: "election.ui.unnamed.law_enforcement",
  community_member: "election.ui.unnamed.community_member",
  community_org: "election.ui.unnamed.community_org",
  government_other: "election.ui.unnamed.government_other",
  sector: "election.ui.unnamed.sector",
};
const UNNAMED_IN_SENTENCE = {
  law_enforcement: "election.ui.unnamed_in_sentence.law_enforcement",
  community_member: "election.ui.unnamed_in_sentence.community_member",
  community_org: "election.ui.unnamed_in_sentence.community_org",
  government_other: "election.ui.unnamed_in_sentence.government_other",
  sector: "election.ui.unnamed_in_sentence.sector",
};
const SIDES = { law_enforcement: "election.ui.side.law_enforcement", community: "election.ui.side.community" };
const STAGES = { nominating: "election.stage.nominating", voting: "election.stage.voting", closed: "election.stage.closed" };
const KINDS = { sectors: "election.kind.sectors", co_chairs: "election.kind.co_chairs" };

/** A sector's name in the page's language ({text, typed}; the four groups of before by their catalogue label). */
function sectorOf(state, key) {
  return sectorName(state, key, currentLanguage(), (k) => (GROUPS.includes(k) ? t(`group.${k}`) : null));
}

function sectorText(state, key) {
  return sectorOf(state, key).text;
}

/** A constituency's heading: a sector's name, or a co-chair seat's. A typed name is isolated inside it: the
 *  heading keeps the page's direction and side (a Latin name on the right of a Persian panel, as the rest). */
function constituencyNode(state, election, key, tag = "span", cls = "") {
  if (election.kind === "co_chairs") return el(tag, { class: cls }, t(SIDES[key]));
  const n = sectorOf(state, key);
  return el(tag, { class: cls }, n.typed ? userText(n.text) : n.text);
}

/** "A Youth member", numbered when needed: what a person with no name shown is called, as a label (text, and
 *  nodes() to draw it with a typed sector name isolated in its own direction: a Latin name in a Persian
 *  sentence, or the reverse); inSentence: the form inside a sentence or after a colon ("Appoint a Youth
 *  member", "Elected: a Youth member"; election.ui.unnamed_in_sentence.*). */
function unnamedFor(state, inSentence = false) {
  const keys = inSentence ? UNNAMED_IN_SENTENCE : UNNAMED;
  return (group, n) => {
    const sector = group !== "sector" && Object.hasOwn(keys, group) ? null : sectorOf(state, group);
    const key = sector ? keys.sector : keys[group];
    const who = t(key, sector ? { sector: sector.text } : {});
    const text = n ? t("election.ui.unnamed_n", { who, n }) : who;
    const nodes = () => {
      if (!sector || !sector.typed) return [text];
      const whoNodes = sentence(key, {}, { sector: userText(sector.text) });
      return n ? sentence("election.ui.unnamed_n", { n }, { who: el("span", {}, whoNodes) }) : whoNodes;
    };
    // Where no element can go (a phone's <option>): a typed sector name between direction isolates.
    const isolated = sector && sector.typed ? (() => {
      const whoIso = t(key, { sector: `\u2068${sector.text}\u2069` });
      return n ? t("election.ui.unnamed_n", { who: whoIso, n }) : whoIso;
    })() : text;
    return { text, typed: false, nodes, isolated };
  };
}

/** The labels of every candidate of a kind's ballots, by participant id (the first ballot names them). */
function labelsByPerson(state, kind, inSentence = false) {
  const out = {};
  for (const e of chainOf(state, kind).slice().reverse()) {
    const labels = candidateLabels(e, unnamedFor(state, inSentence));
    for (const c of Object.values(e.candidates || {})) out[c.participant_id] = labels[c.id];
  }
  return out;
}

function nameNode(label, cls = "election-name") {
  if (!label) return el("span", { class: cls }, "—");
  if (label.typed) return userText(label.text, "span", cls);
  return el("span", { class: [cls, "election-unnamed"] }, label.nodes ? label.nodes() : label.text);
}

/** A list of names, each isolated in its own direction, separated in the page's. */
function nameList(labels) {
  const out = [];
  labels.forEach((l, i) => { if (i) out.push(t("election.ui.list_separator")); out.push(nameNode(l)); });
  return out;
}

function personLabel(state, kind, pid, inSentence = false) {
  const known = labelsByPerson(state, kind, inSentence)[pid];
  if (known) return known;
  const m = (state.council || {})[String(pid)] || (state.participants || {})[String(pid)];
  if (m && m.name) return { text: m.name, typed: true };
  return unnamedFor(state, inSentence)(m ? m.group : "", null);
}

/** t(key) with each of `nodes` (by its {placeholder}) put in as that node: a typed name in a sentence stays
 *  in its own direction (a Persian name in an English button, or the reverse). A list for el(). */
function sentence(key, params, nodes) {
  const names = Object.keys(nodes);
  const marks = Object.fromEntries(names.map((k, i) => [k, `\u0000${i}\u0000`]));
  return t(key, { ...params, ...marks }).split(/\u0000(\d+)\u0000/)
    .map((part, i) => (i % 2 ? nodes[names[Number(part)]] : part)).filter((part) => part !== "");
}

/** t(key) with a sector's name as {sector}: one the organiser typed isolated in its own direction (a Latin name
 *  in a Persian sentence, or the reverse: its brackets stay its own), a catalogue's plain. A list for el(). */
function sectorSentence(state, key, sectorKey, params = {}) {
  const n = sectorOf(state, sectorKey);
  return n.typed ? sentence(key, params, { sector: userText(n.text) }) : [t(key, { ...params, sector: n.text })];
}

/** A label in a sentence said aloud (announce()): a typed name, or the typed sector name inside "a … member",
 *  between direction isolates. */
function isolatedText(label) {
  return label.typed ? `\u2068${label.text}\u2069` : label.isolated ?? label.text;
}

// ------------------------------------------------------------------ phone

// Kept across redraws: the choices ticked, the ballots sent from this page load, those the server
// said were voted in already, the nominee picked, the people nominated from here (their names).
const phone = { chosen: {}, sent: new Set(), known: new Set(), votedHere: new Set(), pick: {}, asked: {}, focus: null };

/** participant.js onAck: a refusal the card itself answers (a second vote: "you have voted"). */
export function electionRefusalShown(item, error) {
  if (!item || !String(item.command).startsWith("election_")) return false;
  if (item.command === "election_vote") {
    const id = item.payload && item.payload.election_id;
    phone.sent.delete(id);
    if (error && error.code === "already_voted") { phone.known.add(id); return true; }
  }
  if (item.command === "election_nominate" && item.payload) {
    const asked = phone.asked[item.payload.election_id];
    if (asked) delete asked[item.payload.participant_id];
  }
  return false;
}

function focusLater(id) {
  phone.focus = id;
}

function takeFocus(node) {
  if (phone.focus && node.id === phone.focus) {
    phone.focus = null;
    setTimeout(() => { if (node.isConnected) node.focus({ preventScroll: false }); }, 0);
  }
  return node;
}

function stageTitle(election) {
  const round = election.round > 1 ? [t("common.separator"), t("election.ui.second_ballot")] : null;
  return [t(KINDS[election.kind]), t("common.separator"), t(STAGES[election.status]), round];
}

function answerCard(state, { election, nomination }, outbox, send, redraw) {
  const waiting = outbox.some((i) => i.command === "election_nomination_answer" && i.payload.candidate_id === nomination.id);
  const answer = (accept) => {
    if (waiting) return;
    send("election_nomination_answer", { candidate_id: nomination.id, accept });
    announce(accept ? t("election.ui.phone.accepted") : t("election.ui.phone.declined"));
    redraw();
  };
  const id = `election-nom-${nomination.id}`;
  return el("section", { class: ["card", "election-card", "election-ask"], aria: { labelledby: id } },
    el("h2", { id }, election.kind === "co_chairs" ? t("election.ui.phone.nominated_co_chair") : t("election.nominated_you")),
    el("p", {}, election.kind === "co_chairs" ? t("election.ui.phone.nominated_co_chair_body", { side: t(SIDES[nomination.constituency]) })
      : sectorSentence(state, "election.ui.phone.nominated_body", nomination.constituency)),
    waiting ? el("p", { class: "election-waiting", role: "status" }, t("election.ui.phone.answer_waiting")) : null,
    el("div", { class: "election-actions" },
      el("button", { type: "button", class: "btn-primary", "data-key": `${id}-yes`, disabled: waiting, onclick: () => answer(true) }, t("election.accept")),
      el("button", { type: "button", class: "btn-secondary", "data-key": `${id}-no`, disabled: waiting, onclick: () => answer(false) }, t("election.decline"))));
}

function nominateCard(state, election, outbox, send, redraw) {
  const me = state.me;
  const mine = myCandidacy(state, election);
  const standing = outbox.some((i) => i.command === "election_nominate" && i.payload.election_id === election.id
    && i.payload.participant_id === me.participant_id);
  const withdrawing = outbox.some((i) => i.command === "election_withdraw" && i.payload.election_id === election.id);
  const asked = phone.asked[election.id] || (phone.asked[election.id] = {});
  const nominees = nomineesFor(state, election, new Set(Object.keys(asked).map(Number)));
  const sectors = election.kind === "sectors";
  const constituencies = myConstituencies(state, election);
  const labels = candidateLabels(election, unnamedFor(state));
  const stand = () => {
    if (standing || mine) return;
    send("election_nominate", { election_id: election.id, participant_id: me.participant_id });
    focusLater("election-you-stand");
    redraw();
  };
  const withdraw = () => {
    if (withdrawing || !mine) return;
    send("election_withdraw", { election_id: election.id });
    announce(t("election.pick_withdrawn"));
    focusLater(`election-stand-${election.id}`);  // once off the ballot, "I will stand" takes the focus
    redraw();
  };
  const pickId = `election-pick-${election.id}`;
  const chosenNominee = nominees.find((n) => String(n.id) === String(phone.pick[election.id])) || null;
  const nominate = (ev) => {
    ev.preventDefault();
    const who = nominees.find((n) => String(n.id) === String(phone.pick[election.id]));
    if (!who) return;
    asked[who.id] = who.name ? { text: who.name, typed: true } : unnamedFor(state)(who.group, null);
    phone.pick[election.id] = "";
    send("election_nominate", { election_id: election.id, participant_id: who.id });
    focusLater(`election-asked-${election.id}`);
    redraw();
  };
  const seatsLine = sectors
    ? sectorSentence(state, "election.ui.phone.seats", me.group, { count: election.seats[me.group] || 0 })
    : t("election.ui.phone.co_chair_seats");
  const ballot = constituencies.map((k) => {
    const list = candidatesOf(election, k);
    return el("div", { class: "election-so-far" },
      el("h3", {}, sectors ? t("election.ui.phone.so_far") : t(SIDES[k])),
      list.length ? el("ul", { class: "election-names" }, list.map((c) => el("li", {}, nameNode(labels[c.id]))))
        : el("p", { class: "hint" }, t("election.ui.phone.nobody_yet")));
  });
  const h = `election-h-${election.id}`;
  const askedNames = Object.values(asked);
  return el("section", { class: ["card", "election-card"], aria: { labelledby: h } },
    el("h2", { id: h }, stageTitle(election)),
    el("p", {}, seatsLine),
    mine ? el("div", { class: "election-stand" },
      takeFocus(el("p", { class: "election-you", id: "election-you-stand", tabindex: "-1", role: "status" },
        t("election.ui.phone.you_stand"), " ",
        mine.name ? sentence("election.ui.phone.shown_as_name", {}, { name: userText(mine.name) })
          : sentence("election.ui.phone.shown_as", {}, { who: el("span", {}, labels[mine.id].nodes ? labels[mine.id].nodes() : labels[mine.id].text) }))),
      el("p", { class: "hint", id: `election-withdraw-hint-${election.id}` }, t("election.pick_withdraw_hint")),
      el("button", { type: "button", class: "btn-secondary", "data-key": `election-withdraw-${election.id}`, disabled: withdrawing,
        "aria-describedby": `election-withdraw-hint-${election.id}`, onclick: withdraw },
      withdrawing ? t("election.pick_withdraw_waiting") : t("election.pick_withdraw")))
      : el("div", { class: "election-stand" },
        el("p", { class: "hint", id: `election-stand-hint-${election.id}` }, sectors ? t("election.ui.phone.stand_hint") : t("election.ui.phone.stand_hint_co_chair")),
        takeFocus(el("button", { type: "button", class: "btn-primary", id: `election-stand-${election.id}`,
          "data-key": `election-stand-${election.id}`, disabled: standing,
          "aria-describedby": `election-stand-hint-${election.id}`, onclick: stand },
        standing ? t("election.ui.phone.stand_waiting") : t("election.ui.phone.stand")))),
    el("form", { class: "election-nominate", onsubmit: nominate },
      el("label", { for: pickId }, sectors ? t("election.ui.phone.nominate_label") : t("election.ui.phone.nominate_label_co_chair")),
      sectors && nominees.length ? el("p", { class: "hint", id: `${pickId}-hint` }, t("election.pick_hint")) : null,
      nominees.length
        ? el("div", { class: "election-pick-row" },
          el("select", { id: pickId, "data-key": pickId, "aria-describedby": sectors ? `${pickId}-hint` : null, onchange: (e) => { phone.pick[election.id] = e.target.value; redraw(); } },
            el("option", { value: "", selected: !chosenNominee }, t("election.ui.phone.pick")),
            nominees.map((n) => el("option", { value: String(n.id), selected: chosenNominee && chosenNominee.id === n.id, dir: "auto" },
              n.name || unnamedFor(state)(n.group, null).isolated))),
          el("button", { type: "submit", class: "btn-secondary", "data-key": `${pickId}-go`, disabled: !chosenNominee }, t("election.ui.phone.nominate")))
        : el("p", { class: "hint", id: pickId }, sectors ? t("election.pick_nobody") : t("election.ui.phone.nobody_to_nominate_co_chair"))),
    askedNames.length ? takeFocus(el("p", { class: "election-asked", id: `election-asked-${election.id}`, tabindex: "-1", role: "status" },
      t("election.ui.phone.asked"), " ", nameList(askedNames))) : null,
    ballot);
}

function ballotCard(state, election, step, outbox, send, redraw) {
  const h = `election-h-${election.id}`;
  const labels = candidateLabels(election, unnamedFor(state));
  const shown = step === "vote" && phone.sent.has(election.id) ? "waiting" : step;
  const chosen = phone.chosen[election.id] || (phone.chosen[election.id] = []);
  const thanks = () => takeFocus(el("p", {
    class: ["election-thanks", shown === "waiting" && "election-waiting"], id: `election-thanks-${election.id}`, tabindex: "-1", role: "status",
  }, shown === "waiting" ? t("election.ui.phone.vote_waiting") : t("election.voted")));
  // Voted on another device, or before a reload: only the thanks.
  if (shown !== "vote" && !phone.votedHere.has(election.id)) {
    return el("section", { class: ["card", "election-card", "election-done"], aria: { labelledby: h } },
      el("h2", { id: h }, stageTitle(election)), thanks(), el("p", { class: "hint" }, t("election.ui.phone.results_soon")));
  }
  const locked = shown !== "vote";
  const payload = ballotPayload(state, election, chosen);
  const sendNow = () => {
    if (phone.sent.has(election.id) || waitingVote(outbox, election.id)) return; // a second tap
    const body = ballotPayload(state, election, phone.chosen[election.id]);
    if (!body) return;
    phone.sent.add(election.id);
    phone.votedHere.add(election.id);
    focusLater(`election-thanks-${election.id}`);
    Promise.resolve(send("election_vote", body)).then((ack) => {
      // Refused for a reason that may pass (not "already voted"): the ballot comes back.
      if (ack && !ack.ok && !(ack.error && ack.error.code === "already_voted")) {
        phone.sent.delete(election.id);
        phone.votedHere.delete(election.id);
      }
      redraw();
    });
    redraw();
  };
  const groups = myConstituencies(state, election).map((k) => {
    const seats = election.seats[k];
    const list = candidatesOf(election, k);
    const name = `election-${election.id}-${k}`;
    const legend = election.kind === "co_chairs" ? t(SIDES[k]) : sectorSentence(state, "election.ui.phone.ballot_for", k);
    return el("fieldset", { class: "election-ballot", disabled: locked },
      el("legend", {}, legend),
      el("p", { class: "hint" }, seats === 1 ? t("election.ui.phone.choose_one") : t("election.ui.phone.choose_up_to", { count: seats })),
      el("div", { class: "election-options" }, list.map((c) => {
        const on = chosen.includes(c.id);
        return el("label", { class: ["election-opt", on && "is-chosen"] },
          el("input", { type: seats === 1 ? "radio" : "checkbox", name, value: String(c.id), checked: on, "data-key": `${name}-${c.id}`,
            onchange: () => { phone.chosen[election.id] = toggleChoice(election, phone.chosen[election.id], c); redraw(); } }),
          nameNode(labels[c.id]));
      })));
  });
  return el("section", { class: ["card", "election-card", locked && "election-sent"], aria: { labelledby: h } },
    el("h2", { id: h }, stageTitle(election)),
    el("p", { class: "election-secret" }, t("election.secret")),
    groups,
    locked ? thanks() : el("div", { class: "election-actions" },
      el("button", { type: "button", class: "btn-primary election-send", "data-key": `election-send-${election.id}`,
        disabled: !payload, onclick: sendNow }, t("election.ui.phone.send"))));
}

function appointedIn(state, kind, row, pid) {
  const m = (state.council || {})[String(pid)];
  return Boolean(m) && (kind === "sectors" || m.role === `co_chair_${row.constituency}`);
}

function resultsBlock(state, kind, variant) {
  const rows = combinedResults(state, kind);
  if (!rows) return null;
  const first = chainOf(state, kind)[0];
  // Each list follows a colon ("Elected: a Faith member"): a person with no name shown in the sentence's form.
  const labels = labelsByPerson(state, kind, true);
  const label = (pid) => labels[pid] || personLabel(state, kind, pid, true);
  return el("ul", { class: ["election-results", `election-results-${variant}`] }, rows.map((r) => el("li", { class: "election-result" },
    constituencyNode(state, first, r.constituency, variant === "console" ? "h5" : "h3", "election-result-head"),
    r.elected.length ? el("p", { class: "election-elected" }, el("strong", {}, t("election.elected"), t("election.ui.colon")), " ",
      nameList(r.elected.map(label))) : null,
    r.status === "tied" && tieSettled(state, kind, r) ? el("p", { class: "election-appointed" }, el("strong", {}, t("election.ui.appointed"), t("election.ui.colon")), " ",
      nameList(r.tied.filter((pid) => appointedIn(state, kind, r, pid)).map(label)))
    : r.status === "tied" ? [el("p", { class: "election-tie" }, t("election.ui.tie", { count: r.open_seats }), " ", nameList(r.tied.map(label))),
      variant === "phone" ? el("p", { class: "hint" }, t("election.ui.tie_next")) : null]
      : r.status === "runoff" ? el("p", { class: "election-tie" }, t("election.ui.runoff_on", { count: r.open_seats || 1 }), " ",
        nameList(r.tied.map(label)))
        : !r.elected.length ? el("p", { class: "hint" }, t("election.ui.nobody_stood")) : null)));
}

function resultsCard(state, election) {
  const h = `election-h-${election.id}`;
  return el("section", { class: ["card", "election-card", "election-results-card"], aria: { labelledby: h } },
    el("h2", { id: h }, t(KINDS[election.kind]), t("common.separator"), t("election.stage.closed")),
    resultsBlock(state, election.kind, "phone"));
}

function noVoteCard(state, election) {
  const h = `election-h-${election.id}`;
  return el("section", { class: ["card", "election-card"], aria: { labelledby: h } },
    el("h2", { id: h }, stageTitle(election)),
    el("p", {}, election.kind === "co_chairs" ? t("election.ui.phone.members_vote") : t("election.ui.phone.no_seat")),
    election.round > 1 ? resultsBlock(state, election.kind, "phone") : null);
}

/** The election's cards at the top of the phone (a list, possibly empty). */
export function phoneElectionCard({ state, outbox, send, redraw }) {
  if (!state || !state.elections || state.me.role !== "participant") return [];
  const queue = outbox || [];
  return phoneSteps(state, queue, phone.known).map((s) => {
    if (s.step === "answer") return answerCard(state, s, queue, send, redraw);
    if (s.step === "nominate") return nominateCard(state, s.election, queue, send, redraw);
    if (s.step === "results") return resultsCard(state, s.election);
    if (s.step === "no_vote") return noVoteCard(state, s.election);
    return ballotCard(state, s.election, s.step, queue, send, redraw);
  });
}

// ------------------------------------------------------------------ organiser

// The seats typed, by field id (wholeNumberField's drafts).
const consoleUi = { seats: {} };

function consoleError(error) {
  const code = error && error.code;
  if (code && hasKey(`console.error.${code}`)) return t(`console.error.${code}`);
  if (code && hasKey(`error.${code}`)) return t(`error.${code}`);
  return (error && error.message) || t("error.unknown");
}

async function consoleRun(conn, toast, command, payload, done) {
  let ack;
  try { ack = await conn.send(command, payload); } catch (err) { ack = { ok: false, error: { code: "network" } }; }
  if (!ack || !ack.ok) toast.show(consoleError(ack && ack.error), "error");
  else if (done) announce(done);
  return ack || { ok: false };
}

// The seats as typed (number-field.js wholeNumberField: the console's own digits, a Persian keyboard's ۲
// taken, anything else refused with a line saying why).
function seatsForm(state, go) {
  const keys = sectorOrder(state, (state.sectors || []).map((s) => s.key));
  const fields = {};
  const field = (k) => {
    const id = `election-seats-${k}`;
    const f = fields[k] = wholeNumberField({ id, min: 0, max: MAX_SECTOR_SEATS, value: DEFAULT_SECTOR_SEATS, drafts: consoleUi.seats,
      message: t("election.ui.console.seats_invalid", { max: MAX_SECTOR_SEATS }), cls: "election-seat-input", errorCls: "election-seat-error" });
    return el("div", { class: "election-seat-field" },
      el("label", { for: id }, constituencyNode(state, { kind: "sectors" }, k)),
      f.input,
      f.error);
  };
  const submit = (ev) => {
    ev.preventDefault();
    const seats = {};
    let first = null;
    for (const k of keys) {
      const n = fields[k].read();
      if (n === null) first = first || fields[k].input;
      else seats[k] = n;
    }
    if (first) { first.focus(); return; }
    go(seats);
  };
  return el("form", { class: "election-seats", novalidate: true, onsubmit: submit },
    el("fieldset", {},
      el("legend", {}, t("election.ui.console.seats_legend", { max: MAX_SECTOR_SEATS })),
      el("div", { class: "election-seat-grid" }, keys.map(field))),
    el("button", { type: "submit", class: "btn btn-primary", id: "election-open" }, t("election.ui.console.open")));
}

function ballotTable(state, election) {
  const labels = candidateLabels(election, unnamedFor(state));
  const keys = sectorOrder(state, Object.keys(election.seats || {}), election.kind);
  const voting = election.status === "voting";
  // A phone shows each constituency as a block, a field to a line: this is the column's header beside it
  // (hidden from screen readers, which have the table's own headers; election.css).
  const cellLabel = (key) => el("span", { class: "cell-label", aria: { hidden: "true" } }, t(key));
  return el("div", { class: "table-scroll" }, el("table", { class: "election-table" },
    el("caption", { class: "visually-hidden" }, stageTitle(election)),
    el("thead", {}, el("tr", {},
      el("th", { scope: "col" }, election.kind === "co_chairs" ? t("election.ui.console.seat") : t("election.ui.console.sector")),
      el("th", { scope: "col" }, t("election.ui.console.seats")),
      el("th", { scope: "col" }, t("election.ui.console.candidates")),
      voting ? el("th", { scope: "col" }, t("election.ui.console.voted")) : null)),
    el("tbody", {}, keys.map((k) => {
      const list = candidatesOf(election, k);
      const electorate = election.kind === "co_chairs" ? "council" : k;
      return el("tr", {},
        el("th", { scope: "row" }, constituencyNode(state, election, k)),
        el("td", { class: "num" }, cellLabel("election.ui.console.seats"), el("span", {}, digit(election.seats[k]))),
        el("td", {}, cellLabel("election.ui.console.candidates"),
          list.length ? el("ul", { class: "election-names" }, list.map((c) => el("li", {}, nameNode(labels[c.id]))))
            : el("span", { class: "hint" }, t("election.ui.console.no_candidates"))),
        voting ? el("td", { class: "num" }, cellLabel("election.ui.console.voted"), el("span", { class: "election-voted" },
          t("election.ui.console.voted_of", { count: (election.voted || {})[electorate] || 0, total: electorateSize(state, election, k) })))
          : null);
    }))));
}

function kindBlock(state, kind, conn, toast, ask) {
  const chain = chainOf(state, kind);
  const e = chain[chain.length - 1];
  const council = inCouncilSegment(state);
  const run = (command, payload, done) => consoleRun(conn, toast, command, payload, done);
  const h = `election-${kind}-h`;
  const parts = [];
  if (!e) {
    if (kind === "sectors") {
      parts.push(el("p", { class: "hint" }, t("election.ui.console.explain")));
      parts.push(council ? seatsForm(state, (seats) => run("election_open", { seats }, t("election.ui.console.opened")))
        : el("p", { class: "hint" }, t("election.ui.console.not_yet")));
    } else {
      const members = Object.keys(state.council || {}).length;
      parts.push(el("p", { class: "hint" }, t("election.ui.console.co_chairs_explain")));
      parts.push(el("button", { type: "button", class: "btn btn-primary", id: "election-co-chairs-open", disabled: !council || !members,
        onclick: () => run("election_open", { kind: "co_chairs" }, t("election.ui.console.opened")) }, t("election.ui.console.open_co_chairs")));
    }
  } else {
    const rows = combinedResults(state, kind);
    // Closed, the results' heading says the stage ("Results"): the stage line is not said twice.
    if (!(rows && e.status === "closed")) {
      parts.push(el("p", { class: "election-stage", role: "status" }, el("strong", {}, t(STAGES[e.status])),
        e.round > 1 ? [t("common.separator"), t("election.ui.second_ballot")] : null));
    }
    if (e.status !== "closed") parts.push(ballotTable(state, e));
    if (e.status === "nominating") {
      const any = Object.keys(e.candidates || {}).length > 0;
      parts.push(el("p", { class: "hint" }, t("election.ui.console.nominating_hint")));
      parts.push(el("button", { type: "button", class: "btn btn-primary", id: `election-ballot-open-${kind}`, disabled: !any || !council,
        onclick: async () => {
          const ok = await ask({ title: t("election.ui.console.confirm_ballot"), body: t("election.ui.console.confirm_ballot_body"),
            confirm: t("election.ui.console.ballot_open") });
          if (ok) run("election_ballot_open", { election_id: e.id }, t("election.ui.console.ballot_opened"));
        } }, t("election.ui.console.ballot_open")));
    } else if (e.status === "voting") {
      parts.push(el("p", { class: "hint" }, t("election.ui.console.secret")));
      parts.push(el("button", { type: "button", class: "btn btn-primary", id: `election-close-${kind}`,
        onclick: async () => {
          const ok = await ask({ title: t("election.ui.console.confirm_close"), body: t("election.ui.console.confirm_close_body"),
            confirm: t("election.ui.console.close") });
          if (ok) run("election_close", { election_id: e.id }, t("election.ui.console.closed"));
        } }, t("election.ui.console.close")));
    }
    if (rows) {
      parts.push(el("h4", { class: "election-results-title" }, t("election.ui.console.results")));
      parts.push(resultsBlock(state, kind, "console"));
      const tied = openTies(state, kind);
      if (tied.length && e.status === "closed") {
        const labels = labelsByPerson(state, kind, true);   // "Appoint a Faith member", mid-sentence
        parts.push(el("div", { class: "election-tie-actions" },
          el("p", {}, t("election.ui.console.tie_help")),
          el("button", { type: "button", class: "btn btn-primary", id: `election-runoff-${kind}`, disabled: !council,
            onclick: () => run("election_runoff", { election_id: e.id }, t("election.ui.console.runoff_opened")) }, t("election.ui.console.runoff")),
          tied.map((r) => r.tied.map((pid) => {
            const label = labels[pid] || personLabel(state, kind, pid, true);
            const role = kind === "co_chairs" ? `co_chair_${r.constituency}` : "member";
            const done = t("election.ui.console.appointed", { name: isolatedText(personLabel(state, kind, pid)) });
            return el("button", { type: "button", class: "btn", id: `election-appoint-${pid}`,
              onclick: () => run("council_role_set", { participant_id: pid, role }, done) },
            // One span: a button lays out its children apart (a flex gap), the sentence's words are one text.
            el("span", {}, sentence("election.ui.console.appoint", {}, { name: nameNode(label, "election-appoint-name") })));
          }))));
      }
    }
  }
  return el("section", { class: "election-block", aria: { labelledby: h } },
    el("h3", { id: h, class: "election-block-title" }, t(KINDS[kind])), parts);
}

/** The organiser's election panel (the council tab), or null on a day without a council segment. */
export function electionPanel({ state, conn, toast, ask }) {
  const ws = state.workshop;
  if (!agenda.agendaOf(ws).includes("council") && !Object.keys(state.elections || {}).length) return null;
  const sectorsDone = (() => { const e = latest(state, "sectors"); return e && e.status === "closed"; })();
  return el("section", { class: ["card", "election-panel"], aria: { labelledby: "election-panel-h" } },
    el("h2", { id: "election-panel-h" }, t("election.ui.console.title")),
    kindBlock(state, "sectors", conn, toast, ask),
    sectorsDone || latest(state, "co_chairs") ? kindBlock(state, "co_chairs", conn, toast, ask) : null);
}

// ------------------------------------------------------------------ projector

function memberLabel(state, m) {
  if (m.name) return { text: m.name, typed: true };
  return unnamedFor(state)(m.group, null);
}

function projectorBallot(state, election) {
  const labels = candidateLabels(election, unnamedFor(state));
  const keys = sectorOrder(state, Object.keys(election.seats || {}), election.kind);
  const voting = election.status === "voting";
  // Two rows of cards (more than four constituencies) hold three names each, the rest as "and N more".
  const MAX_SHOWN = keys.length > 4 ? 3 : 5;
  return el("ul", { class: ["election-grid", keys.length > 4 && "election-grid-many"] }, keys.map((k) => {
    const list = candidatesOf(election, k);
    const electorate = election.kind === "co_chairs" ? "council" : k;
    const n = (election.voted || {})[electorate] || 0;
    return el("li", { class: "election-sector" },
      constituencyNode(state, election, k, "h2", "election-sector-name"),
      el("p", { class: "election-seats-line" }, t("election.ui.display.seats", { count: election.seats[k] })),
      list.length ? el("ul", { class: "election-names" }, list.slice(0, MAX_SHOWN).map((c) => el("li", {}, nameNode(labels[c.id]))),
        list.length > MAX_SHOWN ? el("li", { class: "election-more" }, t("election.ui.display.more", { count: list.length - MAX_SHOWN })) : null)
        : el("p", { class: "election-none" }, t("election.ui.display.none_yet")),
      voting ? el("p", { class: "election-voted" }, t("election.ui.display.voted", { count: n })) : null);
  }));
}

function councilIntro(state) {
  const members = Object.values(state.council || {});
  const chairs = ["co_chair_law_enforcement", "co_chair_community"].map((r) => members.find((m) => m.role === r)).filter(Boolean);
  const ties = [...openTies(state, "sectors"), ...(combinedResults(state, "sectors") || []).filter((r) => r.status === "runoff")];
  const tiedKeys = ties.map((r) => r.constituency);
  const keys = sectorOrder(state, [...new Set([...members.map((m) => m.group), ...tiedKeys])]);
  return el("div", { class: "election-council" },
    chairs.length ? el("div", { class: "election-chairs" }, chairs.map((m) => el("div", { class: "election-chair" },
      el("span", { class: "election-chair-role" }, t(m.role === "co_chair_law_enforcement" ? "election.ui.display.chair_law_enforcement" : "election.ui.display.chair_community")),
      nameNode(memberLabel(state, m), "election-chair-name"),
      el("span", { class: "election-chair-sector" }, sectorText(state, m.group))))) : null,
    el("ul", { class: ["election-grid", keys.length > 4 && "election-grid-many"] }, keys.map((k) => {
      const here = members.filter((m) => m.group === k).sort((a, b) => a.participant_id - b.participant_id);
      return el("li", { class: ["election-sector", tiedKeys.includes(k) && "election-sector-tied"] },
        constituencyNode(state, { kind: "sectors" }, k, "h2", "election-sector-name"),
        here.length ? el("ul", { class: "election-names" }, here.map((m) => el("li", {}, nameNode(memberLabel(state, m))))) : null,
        tiedKeys.includes(k) ? el("p", { class: "election-none" }, t("election.ui.display.tied")) : null);
    })));
}

/** The projector's election view in the council segment, or null: the day's own view is shown. */
export function projectorElectionView(state, titleBar) {
  if (!inCouncilSegment(state)) return null;
  const sectors = latest(state, "sectors");
  if (!sectors) return null;
  const chairs = latest(state, "co_chairs");
  const current = chairs && chairs.status !== "closed" ? chairs : sectors.status !== "closed" ? sectors : null;
  if (current) {
    const call = current.status === "nominating"
      ? (current.kind === "co_chairs" ? t("election.ui.display.call_nominate_co_chairs") : t("election.ui.display.call_nominate"))
      : t("election.ui.display.call_vote");
    return el("div", { class: ["view", "view-election", `view-election-${current.status}`] },
      titleBar(stageTitle(current)),
      el("p", { class: "election-call" }, call),
      projectorBallot(state, current),
      current.status === "voting" ? el("p", { class: "election-foot" }, t("election.ui.display.secret")) : null);
  }
  return el("div", { class: ["view", "view-election", "view-election-council"] },
    titleBar(t("election.ui.display.your_council")),
    councilIntro(state));
}

