// The organiser's "Personal data" panel (action-plan tab, shown once the workshop is closed): erase the
// workshop's personal data after the exports (`workshop_purge`, server/domain/purge.py), behind a
// confirm dialog that says exactly what is deleted and what stays. docs/security.md, "Data protection".
import { el } from "./dom.js";
import { t, run, askDialog } from "./console-common.js";

function purgeDialogBody() {
  return el("div", { class: "stack" },
    el("p", {}, t("console.privacy.dialog.intro")),
    el("p", { class: "label-text" }, t("console.privacy.dialog.deleted")),
    el("ul", {},
      el("li", {}, t("console.privacy.item.names")),
      el("li", {}, t("console.privacy.item.contacts")),
      el("li", {}, t("console.privacy.item.links")),
      el("li", {}, t("console.privacy.item.reasons"))),
    el("p", { class: "label-text" }, t("console.privacy.dialog.kept")),
    el("p", {}, t("console.privacy.keptList")),
    el("p", {}, el("strong", {}, t("console.privacy.dialog.final"))));
}

export function privacyPanel(state, ctx) {
  const purged = state.privacy && state.privacy.purged_at;
  const erase = async () => {
    const ok = await askDialog({
      title: t("console.privacy.dialog.title"),
      body: purgeDialogBody(),
      confirm: t("console.privacy.confirm"),
      danger: true,
    });
    if (!ok) return;
    const ack = await run(ctx, "workshop_purge", {}, t("console.privacy.done"));
    if (ack.ok) ctx.toast.show(t("console.privacy.done"));
  };
  return el("section", { class: "card privacy-panel", aria: { labelledby: "privacy-h" } },
    el("h3", { id: "privacy-h" }, t("console.privacy.title")),
    purged
      ? el("p", { role: "status" }, t("console.privacy.erased"))
      : [el("p", { class: "hint" }, t("console.privacy.explain")),
        el("button", { type: "button", class: "btn btn-danger", id: "purge", onclick: erase }, t("console.privacy.button"))]);
}
