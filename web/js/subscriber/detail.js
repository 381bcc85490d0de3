// 登録内容の確認: one registration, per-document feedback right after upload (polling), and
// a re-upload button per slot to fix a defect (端末登録一覧 → 確認).
import { h, replace, focusElement, announce, formatDateTime } from "../dom.js";
import { DOCUMENT_LABELS, DOCUMENT_STATUS, REGISTRATION_STATUS, categoryLabel } from "../labels.js";
import { uploadToTicket } from "../api.js";
import { call } from "./session.js";
import { createSlot, contentTypeOf } from "./slots.js";

const POLL_MS = 1500;
const POLL_LIMIT_MS = 3 * 60 * 1000;
const KIND_ORDER = ["proof", "front", "back"];

export function statusBadge(status, table = REGISTRATION_STATUS) {
  const s = table[status] || { label: status, tone: "neutral" };
  return h("span", { class: "badge", "data-tone": s.tone, "data-status": status }, s.label);
}

function messageList(messages, tone) {
  if (!messages || !messages.length) return null;
  return h("ul", { class: "messages" }, messages.map((m) => h("li", { class: tone || "", "data-code": m.code },
    h("span", { class: "title" }, m.title || m.code),
    m.action ? h("span", { class: "action" }, m.action) : null)));
}

function decisionNotice(view) {
  const d = view.decision;
  switch (view.status) {
    case "APPROVED":
      return h("div", { class: "notice ok" },
        h("p", null, "端末の登録が完了しました。"),
        d && d.coverage_starts_on ? h("p", null, `補償の開始日：${d.coverage_starts_on}`) : null);
    case "NEEDS_RESUBMISSION":
      return h("div", { class: "notice warn" },
        h("p", null, "登録内容に不備がありました。下記の内容をご確認のうえ、写真をアップロードし直してください。"),
        d ? messageList(d.reasons) : null);
    case "REJECTED":
      return h("div", { class: "notice error" },
        h("p", null, "この端末は登録できませんでした。"),
        d ? messageList(d.reasons, "error") : null);
    case "NEEDS_REVIEW":
      return h("div", { class: "notice" }, h("p", null, "担当者が内容を確認しています。結果はこの画面でお知らせします。"));
    case "FAILED":
      return h("div", { class: "notice error" }, h("p", null, "処理中にエラーが発生しました。担当者が確認します。お手数ですが、しばらくしてから再度ご確認ください。"));
    case "INSPECTING":
    case "DECIDING":
      return h("div", { class: "notice" }, h("p", { class: "spinner" }, "写真を確認しています。そのままお待ちください。"));
    default:
      return h("div", { class: "notice" }, h("p", null, "必要な写真のアップロードをお待ちしています。"));
  }
}

/** A registration page that keeps itself up to date while the pipeline works. */
export class RegistrationDetail {
  constructor({ main, id, flash }) {
    this.main = main;
    this.id = id;
    this.flash = flash || null;
    this.cards = {};
    this.timer = null;
    this.stopped = false;
    this.awaitingKinds = new Set(); // uploaded by us, not yet seen as UPLOADED by the API
    this.awaitSince = 0;
    this.pollStarted = Date.now();
    this.lastStatus = null;
  }

  async show() {
    replace(this.main, h("p", { class: "spinner", role: "status" }, "読み込み中…"));
    let view;
    try {
      view = await call(`/api/registrations/${encodeURIComponent(this.id)}`);
    } catch (err) {
      replace(this.main,
        h("h1", { tabindex: "-1", id: "detail-title" }, "登録内容の確認"),
        h("div", { class: "notice error", role: "alert" }, err.status === 404 ? "この登録は見つかりません。" : err.message),
        h("a", { class: "button", href: "#/" }, "端末登録一覧へ戻る"));
      focusElement(this.main.querySelector("#detail-title"));
      return;
    }
    if (this.flash && this.flash.uploaded) {
      for (const kind of this.flash.uploaded) this.awaitingKinds.add(kind);
      this.awaitSince = Date.now();
    }
    this.build(view);
    focusElement(this.main.querySelector("#detail-title"));
    this.schedule(view);
  }

  stop() {
    this.stopped = true;
    if (this.timer) window.clearTimeout(this.timer);
  }

  build(view) {
    const dev = view.device || {};
    this.statusArea = h("div", { id: "registration-status", "aria-live": "polite" });
    this.docsArea = h("div", { id: "documents" });
    replace(this.main,
      h("h1", { id: "detail-title", tabindex: "-1" }, "登録内容の確認"),
      this.flash && this.flash.message ? h("div", { class: this.flash.failed ? "notice warn" : "notice ok", role: "status", id: "flash" }, this.flash.message) : null,
      h("div", { class: "card" },
        h("dl", { class: "summary-list" },
          h("div", null, h("dt", null, "種別"), h("dd", null, categoryLabel(dev.category))),
          h("div", null, h("dt", null, "メーカー"), h("dd", { id: "device-maker" }, dev.maker || "")),
          h("div", null, h("dt", null, "機種"), h("dd", { id: "device-model" }, dev.model || "")),
          h("div", null, h("dt", null, dev.imei_masked ? "IMEI" : "シリアル番号"), h("dd", null, dev.imei_masked || dev.serial || "—")),
          h("div", null, h("dt", null, "登録日時"), h("dd", null, formatDateTime(view.created_at))))),
      this.statusArea,
      h("h2", null, "提出書類"),
      this.docsArea,
      h("div", { class: "actions" },
        h("a", { class: "button", href: "#/" }, "端末登録一覧へ戻る"),
        h("a", { class: "button primary", href: "#/new", id: "register-another" }, "他端末の登録を行う")));
    this.update(view);
  }

  update(view) {
    const changed = this.lastStatus !== null && this.lastStatus !== view.status;
    this.lastStatus = view.status;
    replace(this.statusArea,
      h("p", { class: "row" }, h("span", null, "状態："), statusBadge(view.status)),
      decisionNotice(view));
    if (changed) announce(`登録の状態：${(REGISTRATION_STATUS[view.status] || { label: view.status }).label}`);

    let required = view.required_documents || [];
    let optional = view.optional_documents || [];
    const byKind = Object.fromEntries((view.documents || []).map((d) => [d.kind, d]));
    // A row with alternatives (購入証明書, or 正面 + 背面) comes as required [proof],
    // optional [front, back]. Once both photos are sent, they are what counts and the
    // proof is optional: do not tell the subscriber a proof is still missing.
    const sent = (k) => this.awaitingKinds.has(k) || (byKind[k] && byKind[k].status !== "AWAITING_UPLOAD");
    if (required.length === 1 && required[0] === "proof" && ["front", "back"].every((k) => optional.includes(k) && sent(k))) {
      required = ["front", "back"];
      optional = ["proof"];
    }
    const kinds = KIND_ORDER.filter((k) => required.includes(k) || optional.includes(k) || byKind[k]);
    for (const kind of kinds) {
      const doc = byKind[kind] || { kind, status: "AWAITING_UPLOAD", flags: [], messages: [] };
      if (doc.status !== "AWAITING_UPLOAD") this.awaitingKinds.delete(kind);
      let card = this.cards[kind];
      if (!card) {
        card = this.buildCard(kind);
        this.cards[kind] = card;
        this.docsArea.append(card.root);
      }
      card.required = required.includes(kind);
      card.tag.className = card.required ? "required-tag" : "optional-tag";
      card.tag.textContent = card.required ? "必須" : "任意";
      this.updateCard(card, doc, view);
    }
  }

  buildCard(kind) {
    const slot = createSlot(kind, { idPrefix: `doc-${this.id}`, tag: false });
    const tag = h("span", { class: "optional-tag" }, "任意");
    const stateArea = h("div", { class: "doc-state", "aria-live": "polite" });
    const uploadButton = h("button", { type: "button", class: "primary block", id: `reupload-${kind}`, dataset: { kind } }, "この写真をアップロードする");
    const uploadStatus = h("p", { class: "muted", role: "status" });
    uploadButton.addEventListener("click", () => this.reupload(kind, card));
    const summary = h("summary", null, "写真を差し替える");
    const controls = h("details", { class: "reupload tips" }, summary, slot.root, uploadButton, uploadStatus);
    const root = h("section", { class: "card document", id: `document-${kind}`, dataset: { kind }, "aria-labelledby": `document-${kind}-title` },
      h("h3", { id: `document-${kind}-title` }, DOCUMENT_LABELS[kind], tag),
      stateArea, controls);
    const card = { kind, required: false, tag, root, slot, stateArea, controls, summary, uploadButton, uploadStatus };
    return card;
  }

  updateCard(card, doc, view) {
    const waiting = this.awaitingKinds.has(card.kind) && doc.status === "AWAITING_UPLOAD";
    const status = waiting ? "UPLOADED" : doc.status;
    card.root.dataset.status = status;
    card.root.dataset.version = String(doc.version || 0);
    card.root.dataset.flags = (doc.flags || []).join(" ");
    const flagged = (doc.flags || []).length > 0 || doc.status === "REJECTED_FILE";
    // An inspected photo with defects must not wear the green "確認済み" badge.
    const badge = status === "INSPECTED" && flagged
      ? h("span", { class: "badge", "data-tone": "warn", "data-status": status }, "不備あり")
      : statusBadge(status, DOCUMENT_STATUS);
    const parts = [h("p", { class: "row" }, h("span", null, "状態："), badge)];
    if (status === "INSPECTED" && !flagged) parts.push(h("p", { class: "ok-text" }, "この写真に問題は見つかりませんでした。"));
    if (status === "UPLOADED" || status === "INSPECTING") parts.push(h("p", { class: "spinner" }, "写真を確認しています…"));
    if (flagged) parts.push(h("p", null, "この写真には次の不備があります。撮り直してアップロードしてください。"));
    parts.push(messageList(doc.messages, doc.status === "REJECTED_FILE" ? "error" : ""));
    replace(card.stateArea, parts);
    const closed = view.status === "APPROVED" || view.status === "REJECTED";
    const needsUpload = doc.status === "AWAITING_UPLOAD" && !waiting;
    const canFix = !closed && (needsUpload || flagged || view.status === "NEEDS_RESUBMISSION");
    card.controls.hidden = !canFix;
    // A slot that is missing or has a defect opens its controls; a clean one can still be
    // replaced (cross-document reasons such as IMEI_MISMATCH), behind a disclosure.
    if ((needsUpload && card.required) || flagged) card.controls.open = true;
    card.summary.textContent = needsUpload ? "写真をアップロードする" : flagged ? "撮り直した写真をアップロードする" : "写真を差し替える";
    card.uploadButton.textContent = needsUpload ? "この写真をアップロードする" : "撮り直した写真を再アップロードする";
    card.slot.root.querySelector("legend").firstChild.textContent = needsUpload ? "写真を選ぶ" : "新しい写真を選ぶ";
  }

  async reupload(kind, card) {
    const file = card.slot.file;
    if (!file) {
      card.slot.showError("アップロードする写真を選択してください。");
      card.slot.focus();
      return;
    }
    card.uploadButton.disabled = true;
    card.uploadStatus.textContent = "アップロードしています…";
    try {
      const ticket = await call(`/api/registrations/${encodeURIComponent(this.id)}/documents/${kind}/upload`, {
        method: "POST",
        body: { content_type: contentTypeOf(file), filename: file.name },
      });
      await uploadToTicket(ticket, file, file.name);
      card.uploadStatus.textContent = "アップロードしました。写真を確認しています…";
      announce(`${DOCUMENT_LABELS[kind]}をアップロードしました。確認結果をお待ちください。`);
      card.slot.reset();
      this.awaitingKinds.add(kind);
      this.awaitSince = Date.now();
      this.pollStarted = Date.now();
      this.poll();
    } catch (err) {
      card.uploadStatus.textContent = err.message || "アップロードできませんでした。";
      announce(card.uploadStatus.textContent, { assertive: true });
    } finally {
      card.uploadButton.disabled = false;
    }
  }

  needsPolling(view) {
    if (view.status === "INSPECTING" || view.status === "DECIDING") return true;
    if ((view.documents || []).some((d) => d.status === "UPLOADED" || d.status === "INSPECTING")) return true;
    // Just uploaded: the storage event may not have reached the pipeline yet.
    return this.awaitingKinds.size > 0 && Date.now() - this.awaitSince < 60_000;
  }

  schedule(view) {
    if (this.stopped) return;
    if (this.timer) window.clearTimeout(this.timer);
    if (!this.needsPolling(view) || Date.now() - this.pollStarted > POLL_LIMIT_MS) return;
    this.timer = window.setTimeout(() => this.poll(), POLL_MS);
  }

  async poll() {
    if (this.stopped) return;
    try {
      const view = await call(`/api/registrations/${encodeURIComponent(this.id)}`);
      if (this.stopped) return;
      this.update(view);
      this.schedule(view);
    } catch {
      if (!this.stopped) this.timer = window.setTimeout(() => this.poll(), POLL_MS * 2);
    }
  }
}
