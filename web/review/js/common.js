// Shared bits of the reviewer console: API calls with the reviewer token, vocabularies,
// the page header and the keyboard-shortcut help dialog.
import { apiFetch, REVIEWER_TOKEN_KEY } from "../../js/api.js";
import { h, replace } from "../../js/dom.js";
import { reviewerName } from "./auth/index.js";

export function rcall(path, options = {}) {
  return apiFetch(path, { ...options, tokenKey: REVIEWER_TOKEN_KEY });
}

/** ReasonCode values (shared/device_intake/domain/reasons.py; test_js_parity keeps them equal). */
export const REASON_CODES = [
  "UNSUPPORTED_FORMAT", "CORRUPT_FILE", "FILE_TOO_LARGE", "SCREENSHOT", "PARTIAL_FRAME",
  "CASE_ATTACHED", "WRONG_SUBJECT", "BACK_SIDE_SHOWN", "FRONT_SIDE_SHOWN", "LOW_RESOLUTION",
  "TOO_DARK", "BLURRY", "IMEI_NOT_FOUND", "IMEI_CHECKSUM_INVALID", "DATE_NOT_FOUND",
  "MODEL_OR_ID_NOT_FOUND", "PARTIAL_DOCUMENT", "IMEI_MISMATCH", "MODEL_MISMATCH", "DUPLICATE_IMEI",
  "DOCUMENT_MISSING", "CATEGORY_NOT_COVERED", "RELEASE_TOO_OLD", "PURCHASE_OUTSIDE_WINDOW",
  "PURCHASE_IN_FUTURE", "PURCHASE_BEFORE_RELEASE", "CARRIER_NOT_COVERED",
  "CARRIER_GUARANTEE_REQUIRED", "NOT_SOLD_BY_OPERATOR", "CONTRACT_TYPE_NOT_COVERED",
  "MODEL_NOT_IN_CATALOG", "DECLARATION_MISMATCH", "DECLARATION_INCOMPLETE", "INSPECTION_UNCERTAIN",
  "PURCHASED_FROM_INDIVIDUAL", "UPLOAD_OUTSIDE_PREFIX", "INSPECTION_FAILED",
];

export const PLANS = ["keitai-support-plus", "vision-hikari", "smart-care-m", "nap-mobile-anshin", "mobile-anshin-value"];

export const STATUS_TONE = {
  APPROVED: "ok", NEEDS_RESUBMISSION: "warn", REJECTED: "error", FAILED: "error",
  NEEDS_REVIEW: "pending", AWAITING_UPLOADS: "neutral", INSPECTING: "pending", DECIDING: "pending",
};

export function statusBadge(status) {
  return h("span", { class: "badge", "data-tone": STATUS_TONE[status] || "neutral", "data-status": status }, status);
}

export function sampleBadge() {
  return h("span", { class: "badge sample", "data-tone": "warn", title: "Quality sample of an auto-approved registration" }, "QUALITY SAMPLE");
}

export function formatAge(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
}

export function formatRemaining(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/** Fill the page header (who is signed in, sign-out). */
export function renderHeader(auth) {
  const who = document.getElementById("who");
  if (!who) return;
  const out = h("button", { type: "button", class: "header-button", id: "sign-out" }, "Sign out");
  out.addEventListener("click", () => {
    auth.signOut();
    window.location.assign(new URL("./", window.location.href).href);
  });
  replace(who, h("span", { id: "reviewer-name" }, reviewerName()), out);
}

/** A modal listing keyboard shortcuts, opened with "?". */
export function helpDialog(shortcuts) {
  const closeButton = h("button", { type: "button", class: "primary" }, "Close");
  const dialog = h("dialog", { id: "help-dialog", "aria-labelledby": "help-title" },
    h("h2", { id: "help-title" }, "Keyboard shortcuts"),
    h("table", { class: "shortcuts" },
      h("tbody", null, shortcuts.map(([key, text]) => h("tr", null, h("th", null, h("kbd", null, key)), h("td", null, text))))),
    h("div", { class: "actions" }, closeButton));
  closeButton.addEventListener("click", () => dialog.close());
  document.body.append(dialog);
  return {
    toggle() {
      if (dialog.open) dialog.close();
      else dialog.showModal();
    },
    get open() { return dialog.open; },
  };
}

/** True when a key press belongs to a text field (shortcuts must not fire while typing). */
export function isTyping(event) {
  const t = /** @type {HTMLElement} */ (event.target);
  if (!t || !t.tagName) return false;
  if (t.isContentEditable) return true;
  const tag = t.tagName.toLowerCase();
  if (tag === "textarea" || tag === "select") return true;
  if (tag === "input") {
    const type = /** @type {HTMLInputElement} */ (t).type;
    return !["checkbox", "radio", "button", "submit"].includes(type);
  }
  return false;
}
