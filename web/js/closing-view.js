// The closing card on every phone (issue 16, "the report back to the room"): once the day is
// `closed`, thanks, the report of the day (read-only, in the person's language, without any
// names: GET /progress/<token>/report.pdf, server/reports/public.py) and the progress page, each
// as a link and a QR code (GET /progress/<token>/qr.svg). The progress token reaches the phone in
// the workshop view only while the day is closed (docs/protocol.md, Views). Styles: web/css/closing.css.
//
//   closingCard({ workshop, lang })   participant.js, in place of the room once the day is closed

import { el } from "./dom.js";
import { t } from "./i18n.js";

/** The paths of the closing card's links and QR codes for `token`, in `lang`. */
export function closingLinks(token, lang) {
  const base = `/progress/${encodeURIComponent(token)}`;
  const q = encodeURIComponent(lang);
  return {
    report: `${base}/report.pdf?lang=${q}`,
    reportQr: `${base}/qr.svg?to=report&lang=${q}`,
    progress: base,
    progressQr: `${base}/qr.svg?to=progress&lang=${q}`,
  };
}

// The phone redraws on every event: the QR images are kept across redraws (by their address), so
// they neither flicker nor load again.
const qrImages = new Map();

function qrImage(src, alt) {
  let img = qrImages.get(src);
  if (!img) {
    img = el("img", { class: "closing-qr", src, alt, width: "168", height: "168" });
    qrImages.set(src, img);
  }
  img.alt = alt; // the language may have changed
  return img;
}

function linkBlock(id, title, hint, href, label, qrSrc, qrAlt) {
  return el("div", { class: "closing-link", id },
    el("h3", {}, title),
    el("p", { class: "hint" }, hint),
    el("a", { class: "btn btn-primary closing-open", href, target: "_blank", rel: "noopener noreferrer" }, label),
    qrImage(qrSrc, qrAlt));
}

/** The card that takes the room's place once the day is closed. */
export function closingCard({ workshop, lang }) {
  const token = workshop && workshop.progress_token;
  const links = token ? closingLinks(token, lang) : null;
  return el("section", { class: "card stack closing-card", aria: { labelledby: "closing-h" } },
    el("h2", { id: "closing-h" }, t("closing.title")),
    el("p", {}, t("closing.body")),
    links
      ? el("div", { class: "closing-links" },
        linkBlock("closing-report", t("closing.report.title"), t("closing.report.hint"), links.report,
          t("closing.report.link"), links.reportQr, t("closing.report.qr")),
        linkBlock("closing-progress", t("closing.progress.title"), t("closing.progress.hint"), links.progress,
          t("closing.progress.link"), links.progressQr, t("closing.progress.qr")))
      : el("p", { class: "hint" }, t("closing.no_link")));
}
