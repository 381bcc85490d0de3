// One registration under review: claim/lease, the three documents side by side with boxes,
// editable fields, approve / reject / request resubmission, audit trail, shortcuts.
import { h, replace, focusElement, announce, formatDateTime } from "../../js/dom.js";
import { ensureSignedIn, reviewerName } from "./auth/index.js";
import { rcall, REASON_CODES, statusBadge, sampleBadge, formatRemaining, renderHeader, helpDialog, isTyping } from "./common.js";
import { ImageViewer } from "./viewer.js";
import { claim, itemUrl, leaseIsLive } from "./queue.js";

const main = /** @type {HTMLElement} */ (document.getElementById("main"));
const KINDS = [["front", "Front photo"], ["back", "Back photo"], ["proof", "Purchase proof"]];
const FIELDS = [
  ["imei", "IMEI", "text"], ["serial", "Serial", "text"], ["purchase_date", "Purchase date", "date"],
  ["model_name", "Model", "text"], ["store_name", "Store", "text"], ["price_jpy", "Price (JPY)", "text"], ["carrier", "Carrier", "text"],
];
const DECISIONS = {
  APPROVED: { key: "a", label: "Approve", cls: "primary", needsReason: false },
  REJECTED: { key: "r", label: "Reject", cls: "danger", needsReason: true },
  NEEDS_RESUBMISSION: { key: "s", label: "Request resubmission", cls: "", needsReason: true },
};

class ReviewItemPage {
  constructor(id, auth) {
    this.id = id;
    this.auth = auth;
    this.viewers = {};
    this.fieldInputs = {};
    this.active = "front";
    this.lease = null; // Date the lease ends
    this.leaseTimer = null;
    this.pending = null; // decision waiting for confirmation
    this.decided = false;
    this.sample = false;
  }

  async start() {
    replace(main, h("p", { class: "spinner", role: "status" }, "Loading…"));
    try {
      this.view = await rcall(`/api/review/registrations/${encodeURIComponent(this.id)}`);
    } catch (err) {
      replace(main, h("h1", { tabindex: "-1", id: "item-title" }, "Registration"),
        h("div", { class: "notice error", role: "alert" }, err.status === 404 ? "Not found." : err.message),
        h("a", { class: "button", href: "./" }, "Back to queue"));
      return;
    }
    await this.lookUpQueueEntry();
    this.render();
    await this.claim();
    this.wireKeys();
  }

  /** The queue entry says whether this is a quality sample and who holds the lease. */
  async lookUpQueueEntry() {
    try {
      const items = (await rcall("/api/review/queue?limit=200")).items || [];
      const entry = items.find((i) => i.registration_id === this.id);
      this.queueEntry = entry || null;
      this.sample = Boolean(entry && entry.sample);
    } catch {
      this.queueEntry = null;
    }
  }

  render() {
    const v = this.view;
    const dev = v.device || {};
    this.leaseArea = h("div", { class: "lease", id: "lease", "aria-live": "polite" });
    this.claimButton = h("button", { type: "button", id: "claim-button" }, "Claim");
    this.releaseButton = h("button", { type: "button", id: "release-button", hidden: true }, "Release");
    this.claimButton.addEventListener("click", () => this.claim({ force: true }));
    this.releaseButton.addEventListener("click", () => this.release());
    this.resultArea = h("div", { id: "result", role: "status" });

    const docs = Object.fromEntries((v.documents || []).map((d) => [d.kind, d]));
    const panels = KINDS.map(([kind, title]) => this.documentPanel(kind, title, docs[kind]));

    this.boxesToggle = h("input", { type: "checkbox", id: "toggle-boxes", checked: true });
    this.boxesToggle.addEventListener("change", () => this.setBoxes(this.boxesToggle.checked));

    replace(main,
      h("div", { class: "item-head" },
        h("a", { class: "button", href: "./", id: "back-to-queue" }, "← Queue"),
        h("h1", { id: "item-title", tabindex: "-1" }, "Registration ", h("span", { class: "mono" }, v.id)),
        h("span", { id: "item-status" }, statusBadge(v.status)),
        this.sample ? sampleBadge() : null,
        h("div", { class: "lease-box" }, this.leaseArea, this.claimButton, this.releaseButton)),
      this.sample ? h("div", { class: "notice warn", id: "sample-notice" }, "Quality sample: this registration was approved automatically and was picked for a quality check.") : null,
      this.resultArea,
      h("section", { class: "facts card", "aria-labelledby": "facts-title" },
        h("h2", { id: "facts-title" }, "Declared facts"),
        h("dl", { class: "facts-grid" },
          fact("Subscriber", v.subscriber_id), fact("Plan", v.plan), fact("Enrolled on", v.enrolled_on),
          fact("Category", dev.category), fact("Maker", dev.maker), fact("Model", dev.model),
          fact("Catalog id", dev.model_id || "— (free text)"), fact("IMEI", dev.imei || dev.imei_masked), fact("Serial", dev.serial),
          v.purchased_after_enrollment !== undefined ? fact("Purchased after enrollment", String(v.purchased_after_enrollment)) : null,
          v.release_over_5_years !== undefined ? fact("Release > 5 years", String(v.release_over_5_years)) : null,
          fact("Required", (v.required_documents || []).join(", ")), fact("Optional", (v.optional_documents || []).join(", ")),
          fact("Created", formatDateTime(v.created_at)))),
      this.systemDecision(v),
      h("div", { class: "viewer-toolbar row" },
        h("label", { class: "inline", for: "toggle-boxes" }, this.boxesToggle, " Show detected boxes (b)"),
        h("span", { class: "muted" }, "Drag to pan · wheel or +/- to zoom · 0 fits · 1/2/3 select image")),
      h("div", { class: "documents-grid", id: "documents" }, panels),
      this.decisionPanel(v),
      this.auditTrail(v));
    focusElement(main.querySelector("#item-title"));
    this.selectViewer("front");
  }

  systemDecision(v) {
    const d = v.decision;
    if (!d) return h("section", { class: "card", id: "current-decision" }, h("h2", null, "Decision"), h("p", null, "No decision yet."));
    return h("section", { class: "card", id: "current-decision" },
      h("h2", null, `Current decision: ${d.decision} (by ${d.by})`),
      h("p", { class: "muted" }, formatDateTime(d.decided_at)),
      d.coverage_starts_on ? h("p", null, `Coverage starts on ${d.coverage_starts_on}`) : null,
      h("ul", { class: "reason-list" }, (d.reasons || []).map((r) => h("li", null, h("code", null, r.code), " ", r.title))));
  }

  documentPanel(kind, title, doc) {
    const d = doc || { kind, status: "AWAITING_UPLOAD", flags: [], fields: null, boxes: [] };
    const viewer = new ImageViewer({ kind, title, imageUrl: d.image_url || null, imageSize: d.image_size || null, boxes: d.boxes || [] });
    this.viewers[kind] = viewer;
    const zoomIn = h("button", { type: "button", "aria-label": `Zoom in ${title}` }, "+");
    const zoomOut = h("button", { type: "button", "aria-label": `Zoom out ${title}` }, "−");
    const fit = h("button", { type: "button", "aria-label": `Fit ${title}` }, "Fit");
    zoomIn.addEventListener("click", () => viewer.zoom(1.25));
    zoomOut.addEventListener("click", () => viewer.zoom(1 / 1.25));
    fit.addEventListener("click", () => viewer.fit());
    viewer.viewport.addEventListener("focus", () => this.selectViewer(kind));
    viewer.viewport.addEventListener("pointerdown", () => this.selectViewer(kind));

    const fields = d.fields || {};
    this.fieldInputs[kind] = {};
    const fieldRows = FIELDS.map(([name, label, type]) => {
      const id = `field-${kind}-${name}`;
      const original = fields[name] === null || fields[name] === undefined ? "" : String(fields[name]);
      const input = h("input", { type, id, name, value: original, dataset: { original } });
      this.fieldInputs[kind][name] = input;
      return h("div", { class: "field-row" }, h("label", { for: id }, label), input);
    });
    const boxTexts = (d.boxes || []).filter((b) => b.text);
    return h("section", { class: "doc-panel card", id: `panel-${kind}`, dataset: { kind }, "aria-labelledby": `panel-${kind}-title` },
      h("div", { class: "row" },
        h("h2", { id: `panel-${kind}-title` }, title),
        h("span", { class: "badge", "data-tone": "neutral" }, d.status),
        d.version ? h("span", { class: "muted" }, `v${d.version}`) : null),
      h("div", { class: "chips" }, (d.flags || []).length
        ? d.flags.map((f) => h("span", { class: "chip flag", dataset: { flag: f } }, f))
        : h("span", { class: "muted" }, "No flags")),
      h("div", { class: "row zoom-buttons" }, zoomOut, zoomIn, fit),
      viewer.viewport,
      boxTexts.length ? h("details", { class: "box-texts" }, h("summary", null, `Read text (${boxTexts.length})`),
        h("ul", null, boxTexts.map((b) => h("li", null, h("strong", null, `${b.label}: `), b.text)))) : null,
      h("fieldset", { class: "fields" }, h("legend", null, "Extracted fields (editable)"), fieldRows));
  }

  decisionPanel(v) {
    const current = new Set([...(v.decision ? v.decision.reasons.map((r) => r.code) : []), ...(v.documents || []).flatMap((d) => d.flags || [])]);
    // Codes the pipeline sends that this page does not know yet still get a checkbox.
    const codes = [...REASON_CODES, ...[...current].filter((c) => !REASON_CODES.includes(c))];
    this.reasonBoxes = codes.map((code) => h("label", { class: "reason-option" },
      h("input", { type: "checkbox", name: "reason", value: code, checked: current.has(code) }), ` ${code}`));
    this.note = h("textarea", { id: "decision-note", name: "note", maxlength: "2000", rows: "3" });
    this.decisionError = h("p", { class: "field-error", id: "decision-error", role: "alert" });
    this.confirmBar = h("div", { class: "confirm-bar", id: "confirm-bar", hidden: true });
    this.decisionButtons = Object.entries(DECISIONS).map(([value, d]) => {
      const b = h("button", { type: "button", class: d.cls, id: `decide-${value}`, dataset: { decision: value } },
        d.label, h("kbd", { "aria-hidden": "true" }, d.key));
      b.addEventListener("click", () => this.askDecision(value));
      return b;
    });
    return h("section", { class: "card decision-panel", id: "decision-panel", "aria-labelledby": "decision-title" },
      h("h2", { id: "decision-title" }, "Your decision"),
      h("fieldset", { class: "reasons" }, h("legend", null, "Reason codes (required to reject or request resubmission)"), h("div", { class: "reason-grid" }, this.reasonBoxes)),
      h("label", { for: "decision-note" }, "Note (kept in the audit trail)"), this.note,
      this.decisionError,
      h("div", { class: "row decision-buttons" }, this.decisionButtons),
      this.confirmBar);
  }

  auditTrail(v) {
    const rows = (v.audit || []).map((a) => h("tr", null,
      h("td", null, formatDateTime(a.at)), h("td", null, a.actor), h("td", null, a.action),
      h("td", { class: "mono" }, show(a.before), " → ", show(a.after)), h("td", null, a.note || "")));
    return h("section", { class: "card", id: "audit", "aria-labelledby": "audit-title" },
      h("h2", { id: "audit-title" }, "Audit trail"),
      rows.length
        ? h("div", { class: "table-scroll" }, h("table", { class: "audit" },
          h("thead", null, h("tr", null, ["When", "Who", "What", "Before → after", "Note"].map((t) => h("th", { scope: "col" }, t)))),
          h("tbody", null, rows)))
        : h("p", { class: "muted" }, "No entries."));
  }

  // ---------- lease ----------
  async claim({ force = false } = {}) {
    if (this.decided) return;
    const entry = this.queueEntry;
    if (!force && entry && leaseIsLive(entry) && entry.claimed_by === reviewerName()) {
      // Claimed from the queue a moment ago: no second claim (and audit entry) needed.
      this.holdLease(new Date(entry.lease_expires_at));
      return;
    }
    try {
      const res = await rcall(`/api/review/items/${encodeURIComponent(this.id)}/claim`, { method: "POST" });
      this.holdLease(new Date(res.lease_expires_at));
    } catch (err) {
      this.lease = null;
      this.setDecisionEnabled(false);
      this.releaseButton.hidden = true;
      const who = this.queueEntry && leaseIsLive(this.queueEntry) ? ` (${this.queueEntry.claimed_by})` : "";
      const text = err.status === 409 ? `Claimed by someone else${who}. You can look but not decide.` : `Cannot claim: ${err.message}`;
      replace(this.leaseArea, h("span", { class: "lease-warning", id: "lease-conflict" }, text));
      announce(text, { assertive: true });
    }
  }

  holdLease(until) {
    this.lease = until;
    this.claimButton.textContent = "Extend lease";
    this.releaseButton.hidden = false;
    this.setDecisionEnabled(true);
    this.tickLease();
  }

  async release() {
    try {
      await rcall(`/api/review/items/${encodeURIComponent(this.id)}/release`, { method: "POST" });
    } catch (err) {
      announce(err.message);
    }
    window.location.assign("./");
  }

  tickLease() {
    if (this.leaseTimer) window.clearInterval(this.leaseTimer);
    const update = () => {
      if (!this.lease) return;
      const left = this.lease.getTime() - Date.now();
      if (left <= 0) {
        replace(this.leaseArea, h("span", { class: "lease-warning" }, "Lease expired — claim again to decide."));
        this.setDecisionEnabled(false);
        this.claimButton.textContent = "Claim";
        window.clearInterval(this.leaseTimer);
        return;
      }
      replace(this.leaseArea, h("span", { class: left < 120_000 ? "lease-warning" : "" }, `Your lease: ${formatRemaining(left)} left`));
    };
    update();
    this.leaseTimer = window.setInterval(update, 1000);
  }

  setDecisionEnabled(enabled) {
    for (const b of this.decisionButtons || []) b.disabled = !enabled || this.decided;
  }

  // ---------- decision ----------
  askDecision(value) {
    if (this.decided || !this.lease || this.decisionButtons[0].disabled) {
      announce("Claim the item first.");
      return;
    }
    const d = DECISIONS[value];
    const reasons = this.reasonBoxes.map((l) => l.querySelector("input")).filter((i) => i.checked).map((i) => i.value);
    if (d.needsReason && !reasons.length) {
      this.decisionError.textContent = `Choose at least one reason code to ${d.label.toLowerCase()}.`;
      this.reasonBoxes[0].querySelector("input").focus();
      return;
    }
    this.decisionError.textContent = "";
    this.pending = value;
    const confirm = h("button", { type: "button", class: d.cls || "primary", id: "confirm-decision" }, `Confirm: ${d.label}`);
    const cancel = h("button", { type: "button", id: "cancel-decision" }, "Cancel (Esc)");
    confirm.addEventListener("click", () => this.submitDecision(value));
    cancel.addEventListener("click", () => this.cancelDecision());
    replace(this.confirmBar,
      h("p", null, `${d.label} with ${reasons.length ? reasons.join(", ") : "no reason codes"}${this.fieldEdits() ? " and field edits" : ""}?`),
      h("div", { class: "row" }, confirm, cancel));
    this.confirmBar.hidden = false;
    confirm.focus();
  }

  cancelDecision() {
    this.pending = null;
    this.confirmBar.hidden = true;
  }

  fieldEdits() {
    const edits = {};
    for (const [kind, inputs] of Object.entries(this.fieldInputs)) {
      for (const [name, input] of Object.entries(inputs)) {
        if (input.value !== input.dataset.original) {
          edits[kind] = edits[kind] || {};
          edits[kind][name] = input.value.trim() === "" ? null : input.value.trim();
        }
      }
    }
    return Object.keys(edits).length ? edits : null;
  }

  async submitDecision(value) {
    const reasons = DECISIONS[value].needsReason || value !== "APPROVED"
      ? this.reasonBoxes.map((l) => l.querySelector("input")).filter((i) => i.checked).map((i) => i.value)
      : [];
    const body = { decision: value, reasons, note: this.note.value.trim() || null, field_edits: this.fieldEdits() || {} };
    this.setDecisionEnabled(false);
    try {
      const view = await rcall(`/api/review/items/${encodeURIComponent(this.id)}/decision`, { method: "POST", body });
      this.decided = true;
      this.confirmBar.hidden = true;
      if (this.leaseTimer) window.clearInterval(this.leaseTimer);
      replace(this.leaseArea, "");
      this.claimButton.hidden = true;
      this.releaseButton.hidden = true;
      replace(this.resultArea, h("div", { class: "notice ok", id: "decision-result" },
        h("strong", null, `Saved: ${view.status}. `), "Press n for the next item."));
      announce(`Decision saved: ${view.status}. Press n for the next item.`);
      this.view = view;
      replace(document.getElementById("item-status"), statusBadge(view.status));
      const current = document.getElementById("current-decision");
      if (current) current.replaceWith(this.systemDecision(view));
      const audit = document.getElementById("audit");
      if (audit && view.audit) audit.replaceWith(this.auditTrail(view));
      focusElement(this.resultArea.firstChild);
    } catch (err) {
      this.setDecisionEnabled(true);
      this.confirmBar.hidden = true;
      this.decisionError.textContent = err.status === 409 ? "You no longer hold the lease (someone else claimed it or it expired)." : err.message;
      focusElement(this.decisionError);
    }
  }

  async next() {
    let items = [];
    try {
      items = (await rcall("/api/review/queue?limit=50")).items || [];
    } catch (err) {
      announce(err.message);
      return;
    }
    const me = reviewerName();
    for (const item of items) {
      if (item.registration_id === this.id) continue;
      if (leaseIsLive(item) && item.claimed_by !== me) continue;
      try {
        await claim(item.registration_id);
        if (this.lease && !this.decided) {
          await rcall(`/api/review/items/${encodeURIComponent(this.id)}/release`, { method: "POST" }).catch(() => null);
        }
        window.location.assign(itemUrl(item.registration_id));
        return;
      } catch {
        // lost the race for this one: try the next
      }
    }
    announce("No other unclaimed item in the queue.");
    replace(this.resultArea, h("div", { class: "notice" }, "No other unclaimed item in the queue."));
  }

  // ---------- viewers and keys ----------
  selectViewer(kind) {
    this.active = kind;
    for (const [k, v] of Object.entries(this.viewers)) v.viewport.parentElement.classList.toggle("active", k === kind);
  }

  setBoxes(visible) {
    this.boxesToggle.checked = visible;
    for (const v of Object.values(this.viewers)) v.setBoxesVisible(visible);
  }

  wireKeys() {
    const help = helpDialog([
      ["a", "Approve (then Enter to confirm)"], ["r", "Reject"], ["s", "Request resubmission"],
      ["Esc", "Cancel a pending decision"], ["n", "Next unclaimed item"], ["+ / −", "Zoom the selected image"],
      ["0", "Fit the selected image"], ["1 / 2 / 3", "Select front / back / proof"], ["b", "Show or hide boxes"],
      ["c", "Claim or extend the lease"], ["?", "Show or hide this help"],
    ]);
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && this.pending) {
        this.cancelDecision();
        return;
      }
      if (isTyping(event) || event.ctrlKey || event.metaKey || event.altKey) return;
      if (help.open && event.key !== "?") return;
      const viewer = this.viewers[this.active];
      const actions = {
        "?": () => help.toggle(),
        a: () => this.askDecision("APPROVED"),
        r: () => this.askDecision("REJECTED"),
        s: () => this.askDecision("NEEDS_RESUBMISSION"),
        n: () => this.next(),
        c: () => this.claim({ force: true }),
        b: () => this.setBoxes(!this.boxesToggle.checked),
        "+": () => viewer && viewer.zoom(1.25),
        "=": () => viewer && viewer.zoom(1.25),
        "-": () => viewer && viewer.zoom(1 / 1.25),
        0: () => viewer && viewer.fit(),
        1: () => this.selectViewer("front"),
        2: () => this.selectViewer("back"),
        3: () => this.selectViewer("proof"),
      };
      const action = actions[event.key];
      if (action) {
        event.preventDefault();
        action();
      }
    });
  }
}

function fact(label, value) {
  return h("div", null, h("dt", null, label), h("dd", null, value === null || value === undefined || value === "" ? "—" : String(value)));
}

function show(value) {
  if (value === null || value === undefined) return "—";
  return typeof value === "string" ? value : JSON.stringify(value);
}

async function start() {
  const auth = await ensureSignedIn(main);
  renderHeader(auth);
  const id = new URLSearchParams(window.location.search).get("id");
  if (!id) {
    window.location.replace("./");
    return;
  }
  const page = new ReviewItemPage(id, auth);
  await page.start();
}

start();
