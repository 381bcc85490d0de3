// 端末登録一覧: the subscriber's registrations with status badges and 確認, plus the contact
// phone number (SMS about defects goes there) with 編集.
import { h, replace, focusElement, announce, formatDateTime } from "../dom.js";
import { categoryLabel } from "../labels.js";
import { call } from "./session.js";
import { statusBadge } from "./detail.js";

const MOBILE = /^0[789]0\d{8}$/;

/** Normalise a typed phone number (full-width digits, hyphens, spaces) for checking. */
export function normalizePhone(raw) {
  return String(raw).normalize("NFKC").replace(/[\s\-‐－ー]/g, "");
}

function formatPhone(phone) {
  const d = normalizePhone(phone || "");
  return d.length === 11 ? `${d.slice(0, 3)}-${d.slice(3, 7)}-${d.slice(7)}` : d || "未登録";
}

export async function showList(main, me) {
  replace(main, h("p", { class: "spinner", role: "status" }, "読み込み中…"));
  let items = [];
  let loadError = null;
  try {
    items = (await call("/api/registrations")).items || [];
  } catch (err) {
    loadError = err.message;
  }
  const list = items.length
    ? h("ul", { class: "device-list", id: "registration-list" }, items.map((item) => {
      const dev = item.device || {};
      return h("li", { class: "card", dataset: { id: item.id, status: item.status } },
        h("div", null,
          h("div", { class: "name" }, `${dev.maker || ""} ${dev.model || ""}`),
          h("div", { class: "muted" }, `${categoryLabel(dev.category)}・${dev.imei_masked ? `IMEI ${dev.imei_masked}` : dev.serial || ""}`),
          h("div", { class: "muted" }, `登録日時：${formatDateTime(item.created_at)}`),
          statusBadge(item.status)),
        h("a", { class: "button", href: `#/registrations/${encodeURIComponent(item.id)}`, "aria-label": `${dev.maker || ""} ${dev.model || ""}の登録内容を確認` }, "確認"));
    }))
    : h("p", { class: "card", id: "registration-list-empty" }, loadError ? "" : "登録済みの端末はまだありません。「新規登録」から端末を登録してください。");

  replace(main,
    h("h1", { id: "list-title", tabindex: "-1" }, "端末登録一覧"),
    h("p", { class: "muted" }, `${me.plan_name || me.plan}・お申し込み日 ${me.enrolled_on}`),
    phoneSection(me),
    h("div", { class: "actions" }, h("a", { class: "button primary block", href: "#/new", id: "new-registration" }, "新規登録")),
    loadError ? h("div", { class: "notice error", role: "alert" }, loadError) : null,
    h("h2", null, "登録済みの端末"),
    h("p", { class: "muted" }, "不備のご連絡があった端末は「確認」から修正してください。"),
    list);
  focusElement(main.querySelector("#list-title"));
}

function phoneSection(me) {
  const value = h("span", { id: "phone-value" }, formatPhone(me.phone));
  const editButton = h("button", { type: "button", id: "phone-edit", "aria-expanded": "false", "aria-controls": "phone-form" }, "編集");
  const input = h("input", { type: "tel", id: "phone-input", name: "phone", autocomplete: "tel-national", inputmode: "tel", "aria-describedby": "phone-hint phone-error" });
  const error = h("p", { class: "field-error", id: "phone-error", hidden: true });
  const cancel = h("button", { type: "button" }, "キャンセル");
  const form = h("form", { id: "phone-form", hidden: true, novalidate: true },
    h("label", { for: "phone-input" }, "新しい連絡先電話番号"),
    h("p", { class: "hint", id: "phone-hint" }, "SMSを受信できる携帯電話番号（070・080・090で始まる11桁）を入力してください。"),
    input, error,
    h("div", { class: "actions" }, cancel, h("button", { type: "submit", class: "primary" }, "変更する")));
  const status = h("p", { role: "status", class: "muted", id: "phone-status" });
  const close = () => {
    form.hidden = true;
    editButton.setAttribute("aria-expanded", "false");
    editButton.focus();
  };
  editButton.addEventListener("click", () => {
    form.hidden = false;
    editButton.setAttribute("aria-expanded", "true");
    input.value = normalizePhone(me.phone || "");
    error.hidden = true;
    input.removeAttribute("aria-invalid");
    input.focus();
  });
  cancel.addEventListener("click", close);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const phone = normalizePhone(input.value);
    if (!MOBILE.test(phone)) {
      error.textContent = "070・080・090で始まる11桁の携帯電話番号を入力してください。";
      error.hidden = false;
      input.setAttribute("aria-invalid", "true");
      input.focus();
      return;
    }
    try {
      const res = await call("/api/me/phone", { method: "PUT", body: { phone } });
      me.phone = res.phone;
      value.textContent = formatPhone(res.phone);
      status.textContent = "連絡先電話番号を変更しました。";
      announce("連絡先電話番号を変更しました。");
      close();
    } catch (err) {
      error.textContent = err.message || "変更できませんでした。";
      error.hidden = false;
      input.setAttribute("aria-invalid", "true");
      input.focus();
    }
  });
  return h("section", { class: "card", "aria-labelledby": "phone-title" },
    h("h2", { id: "phone-title" }, "ご連絡先電話番号"),
    h("p", { class: "hint" }, "入力内容や写真に不備があった場合、この番号へSMS等でご連絡します。"),
    h("div", { class: "row" }, value, editButton),
    status, form);
}
