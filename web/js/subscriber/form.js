// STEP 02 (入力) and STEP 03 (確認 → 登録 → アップロード) of seed 000.
import { h, replace, focusElement, announce, formatBytes } from "../dom.js";
import { identifierFeedback } from "../imei.js";
import { DEFAULT_ROWS, requiredDocuments } from "../rules.js";
import { CATEGORIES, CARRIERS, CONTRACT_TYPES, DOCUMENT_LABELS, categoryLabel } from "../labels.js";
import { uploadToTicket } from "../api.js";
import { call } from "./session.js";
import { createSlot, contentTypeOf } from "./slots.js";

const OTHER = "__other__";
const KIND_ORDER = ["proof", "front", "back"];

function steps(current) {
  const names = ["ログイン", "入力", "確認・登録"];
  return h(
    "ol",
    { class: "steps", "aria-label": "登録の手順" },
    names.map((name, i) => h("li", { "aria-current": i + 1 === current ? "step" : null },
      h("span", { class: "step-no" }, `STEP 0${i + 1}`), h("span", { class: "step-name" }, name))),
  );
}

function radio(name, value, label, describedBy) {
  const id = `${name}-${value}`;
  return h(
    "label",
    { class: "choice", for: id },
    h("input", { type: "radio", name, value, id, "aria-describedby": describedBy || null }),
    h("span", null, label),
  );
}

/** Fill a <select> with options built from data (textContent only). */
function fillSelect(select, placeholder, options, otherLabel) {
  select.replaceChildren(h("option", { value: "" }, placeholder));
  for (const [value, label] of options) select.append(h("option", { value }, label));
  if (otherLabel) select.append(h("option", { value: OTHER }, otherLabel));
}

/**
 * The registration wizard. Kept alive between STEP 02 and STEP 03 so that going back keeps
 * every answer (including chosen files).
 */
export class RegistrationWizard {
  /**
   * @param {{me: any, main: HTMLElement, onRegistered: (id: string, uploaded: string[], failed: number) => void}} deps
   */
  constructor({ me, main, onRegistered }) {
    this.me = me;
    this.main = main;
    this.onRegistered = onRegistered;
    this.models = [];
    this.catalogToken = 0;
    this.form = this.buildForm();
  }

  // ---------- STEP 02 ----------
  buildForm() {
    const me = this.me;
    this.errorSummary = h("div", { class: "error-summary", role: "alert", tabindex: "-1", hidden: true });

    // 1 種別
    this.category = h("select", { id: "category", name: "category", "aria-describedby": "category-error" });
    // Only the categories the plan covers, when the API says which (GET /api/me categories).
    const covered = Array.isArray(me.categories) && me.categories.length ? new Set(me.categories) : null;
    fillSelect(this.category, "選択してください", CATEGORIES.filter(([id]) => !covered || covered.has(id)));
    this.category.addEventListener("change", () => this.loadMakers());

    // 2 メーカー
    this.maker = h("select", { id: "maker", name: "maker", disabled: true, "aria-describedby": "maker-hint maker-error" });
    fillSelect(this.maker, "先に種別を選択してください", []);
    this.makerOther = h("input", { type: "text", id: "maker-other", name: "maker_other", autocomplete: "off", maxlength: "80", "aria-describedby": "maker-error" });
    this.makerOtherWrap = h("div", { hidden: true }, h("label", { for: "maker-other" }, "メーカー名を入力"), this.makerOther);
    this.maker.addEventListener("change", () => this.loadModels());

    // 3 機種
    this.model = h("select", { id: "model", name: "model", disabled: true, "aria-describedby": "model-hint model-error" });
    fillSelect(this.model, "先にメーカーを選択してください", []);
    this.modelOther = h("input", { type: "text", id: "model-other", name: "model_other", autocomplete: "off", maxlength: "120", "aria-describedby": "model-error" });
    this.modelOtherWrap = h("div", { hidden: true }, h("label", { for: "model-other" }, "機種名を入力"), this.modelOther);
    this.modelHint = h("p", { class: "hint", id: "model-hint", "aria-live": "polite" }, "メーカー・機種が選択肢にない場合は「その他」を選択して、入力欄にご入力ください。");
    this.model.addEventListener("change", () => this.onModelChange());

    // 4 IMEI / シリアル番号 / 製造番号
    this.identifier = h("input", {
      type: "text", id: "identifier", name: "identifier", autocomplete: "off", spellcheck: "false",
      autocapitalize: "characters", maxlength: "40", "aria-describedby": "identifier-hint identifier-feedback",
    });
    this.identifierFeedback = h("p", { class: "feedback", id: "identifier-feedback", "aria-live": "polite", "data-state": "empty" });
    this.identifier.addEventListener("input", () => this.renderIdentifierFeedback());
    this.identifier.addEventListener("blur", () => this.renderIdentifierFeedback());

    // 5, 6
    const enrolled = me.enrolled_on || "お申し込み日";
    this.purchaseFieldset = h(
      "fieldset",
      { id: "purchase-timing", "aria-describedby": "purchase-hint purchase-error" },
      h("legend", null, h("span", { class: "num", "aria-hidden": "true" }, "5"), "端末の購入時期", h("span", { class: "required-tag" }, "必須")),
      h("p", { class: "hint", id: "purchase-hint" }, `お申し込み日（${enrolled}）以降に購入した端末かどうかお選びください。`),
      radio("purchase", "after", `お申し込み日（${enrolled}）以降に購入した`),
      radio("purchase", "before", `お申し込み日（${enrolled}）より前に購入した`),
      h("p", { class: "field-error", id: "purchase-error", hidden: true }),
    );
    this.releaseFieldset = h(
      "fieldset",
      { id: "release-timing", "aria-describedby": "release-hint release-error" },
      h("legend", null, h("span", { class: "num", "aria-hidden": "true" }, "6"), "端末のメーカー発売時期", h("span", { class: "required-tag" }, "必須")),
      h("p", { class: "hint", id: "release-hint" }, "お申し込み日時点でメーカー発売日から5年経過しているかどうかお選びください。「5年経過している」を選んだ場合は購入証明書のアップロードが必要です。"),
      radio("release", "within", "5年経過していない"),
      radio("release", "over", "5年経過している"),
      h("p", { class: "field-error", id: "release-error", hidden: true }),
    );
    for (const fs of [this.purchaseFieldset, this.releaseFieldset]) fs.addEventListener("change", () => this.renderRequired());

    // 7 必要な写真 (live)
    this.requiredPanel = h("div", { id: "required-docs", class: "notice", "aria-live": "polite" });
    this.choiceSignature = null;
    this.proofChoice = h(
      "fieldset",
      { id: "proof-choice", hidden: true },
      h("legend", null, "登録に使う書類を選んでください"),
      h("p", { class: "hint" }, "お申し込み日以降に購入した端末は、正面・背面の写真の代わりに購入証明書で登録できます。購入証明書がない場合は正面・背面の写真で登録してください。"),
      h("div", { class: "choices" }),
    );
    this.proofChoice.addEventListener("change", () => this.renderRequired());

    // 8, 9
    this.slots = {
      proof: createSlot("proof", { number: "8", heading: "購入証明書", idPrefix: "new" }),
      front: createSlot("front", { number: "9", heading: "端末の正面写真", idPrefix: "new" }),
      back: createSlot("back", { number: "9", heading: "端末の背面写真", idPrefix: "new" }),
    };

    // mobile-anshin-value facts
    this.declared = null;
    if (me.plan === "mobile-anshin-value") this.declared = this.buildDeclared();

    const form = h(
      "form",
      { id: "registration-form", novalidate: true, "aria-labelledby": "form-title" },
      steps(2),
      h("h1", { id: "form-title", tabindex: "-1" }, "端末情報の入力"),
      h("p", null, "各項目をご確認いただき、必要な情報を入力してください。入力内容や写真に不備があった場合は、ご登録の電話番号へSMS等でご連絡する場合があります。"),
      this.errorSummary,
      h(
        "fieldset",
        { id: "device-fields" },
        h("legend", null, "端末の情報"),
        h("label", { for: "category" }, h("span", { class: "num", "aria-hidden": "true" }, "1"), "種別", h("span", { class: "required-tag" }, "必須")),
        this.category,
        h("p", { class: "field-error", id: "category-error", hidden: true }),
        h("label", { for: "maker" }, h("span", { class: "num", "aria-hidden": "true" }, "2"), "メーカー", h("span", { class: "required-tag" }, "必須")),
        h("p", { class: "hint", id: "maker-hint" }, "種別を選んだうえで、メーカーをお選びください。"),
        this.maker,
        this.makerOtherWrap,
        h("p", { class: "field-error", id: "maker-error", hidden: true }),
        h("label", { for: "model" }, h("span", { class: "num", "aria-hidden": "true" }, "3"), "機種", h("span", { class: "required-tag" }, "必須")),
        this.modelHint,
        this.model,
        this.modelOtherWrap,
        h("p", { class: "field-error", id: "model-error", hidden: true }),
        h("label", { for: "identifier" }, h("span", { class: "num", "aria-hidden": "true" }, "4"), "IMEI番号／シリアル番号／製造番号", h("span", { class: "required-tag" }, "必須")),
        h("p", { class: "hint", id: "identifier-hint" }, "どれか一つを入力してください。全角数字やハイフン入りでも入力できます。スマートフォンのIMEIは、電話をかけるときと同じ画面で「*#06#」と入力すると表示されます（または「設定」→「端末情報」→「端末の状態」、iPhoneは「設定」→「一般」→「情報」）。"),
        this.identifier,
        this.identifierFeedback,
      ),
      this.declared ? this.declared.root : null,
      this.purchaseFieldset,
      this.releaseFieldset,
      h("section", { "aria-labelledby": "required-title", class: "card" },
        h("h2", { id: "required-title" }, h("span", { class: "num", "aria-hidden": "true" }, "7"), "アップロードが必要な写真"),
        this.requiredPanel,
        this.proofChoice),
      this.slots.proof.root,
      this.slots.front.root,
      this.slots.back.root,
      h("div", { class: "actions" },
        h("a", { class: "button", href: "#/" }, "端末登録一覧へ戻る"),
        h("button", { type: "submit", class: "primary" }, "入力内容を確認する")),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.toConfirm();
    });
    this.renderIdentifierFeedback();
    this.renderRequired();
    return form;
  }

  buildDeclared() {
    const carrier = h("select", { id: "carrier", name: "carrier" });
    fillSelect(carrier, "選択してください", CARRIERS);
    const contract = h("select", { id: "contract-type", name: "contract_type" });
    fillSelect(contract, "選択してください", CONTRACT_TYPES);
    const guarantee = h("fieldset", { id: "carrier-guarantee" },
      h("legend", null, "通信キャリアの補償サービスに加入していますか"),
      radio("carrier_guarantee", "yes", "加入している"), radio("carrier_guarantee", "no", "加入していない"));
    const sold = h("fieldset", { id: "sold-by-operator" },
      h("legend", null, "当社または代理店で購入した端末ですか"),
      radio("sold_by_operator", "yes", "はい"), radio("sold_by_operator", "no", "いいえ"));
    const error = h("p", { class: "field-error", id: "declared-error", hidden: true });
    const root = h("fieldset", { id: "declared-fields" },
      h("legend", null, "ご契約の情報"),
      h("label", { for: "carrier" }, "通信キャリア"), carrier,
      h("label", { for: "contract-type" }, "契約の種類"), contract,
      guarantee, sold, error);
    const radioValue = (name) => {
      const el = root.querySelector(`input[name="${name}"]:checked`);
      return el ? el.value === "yes" : null;
    };
    return {
      root, error, carrier,
      value: () => ({
        carrier: carrier.value || null,
        contract_type: contract.value || null,
        carrier_guarantee: radioValue("carrier_guarantee"),
        sold_by_operator: radioValue("sold_by_operator"),
      }),
    };
  }

  show() {
    replace(this.main, this.form);
    focusElement(this.form.querySelector("#form-title"));
  }

  async loadMakers() {
    const category = this.category.value;
    const token = ++this.catalogToken;
    this.models = [];
    this.maker.disabled = true;
    this.model.disabled = true;
    fillSelect(this.model, "先にメーカーを選択してください", []);
    this.modelOtherWrap.hidden = true;
    this.makerOtherWrap.hidden = true;
    if (!category) {
      fillSelect(this.maker, "先に種別を選択してください", []);
      return;
    }
    fillSelect(this.maker, "読み込み中…", []);
    try {
      const data = await call(`/api/catalog/models?category=${encodeURIComponent(category)}`);
      if (token !== this.catalogToken) return;
      fillSelect(this.maker, "選択してください", (data.makers || []).map((m) => [m, m]), "その他（一覧にない）");
    } catch {
      if (token !== this.catalogToken) return;
      fillSelect(this.maker, "一覧を読み込めませんでした", [], "その他（入力する）");
    }
    this.maker.disabled = false;
  }

  async loadModels() {
    const maker = this.maker.value;
    const token = ++this.catalogToken;
    this.makerOtherWrap.hidden = maker !== OTHER;
    this.modelOtherWrap.hidden = true;
    this.models = [];
    this.modelHint.textContent = "メーカー・機種が選択肢にない場合は「その他」を選択して、入力欄にご入力ください。";
    if (!maker) {
      this.model.disabled = true;
      fillSelect(this.model, "先にメーカーを選択してください", []);
      return;
    }
    if (maker === OTHER) {
      // A maker outside the catalog has no model list: the model is free text too.
      fillSelect(this.model, "その他（入力する）", []);
      this.model.replaceChildren(h("option", { value: OTHER }, "その他（入力する）"));
      this.model.value = OTHER;
      this.model.disabled = true;
      this.modelOtherWrap.hidden = false;
      return;
    }
    this.model.disabled = true;
    fillSelect(this.model, "読み込み中…", []);
    try {
      const q = `category=${encodeURIComponent(this.category.value)}&maker=${encodeURIComponent(maker)}`;
      const data = await call(`/api/catalog/models?${q}`);
      if (token !== this.catalogToken) return;
      this.models = data.models || [];
      fillSelect(this.model, "選択してください", this.models.map((m) => [m.id, m.name]), "その他（一覧にない）");
    } catch {
      if (token !== this.catalogToken) return;
      fillSelect(this.model, "一覧を読み込めませんでした", [], "その他（入力する）");
    }
    this.model.disabled = false;
  }

  onModelChange() {
    const value = this.model.value;
    this.modelOtherWrap.hidden = value !== OTHER;
    const chosen = this.models.find((m) => m.id === value);
    if (chosen && chosen.released_on) {
      const over = this.releaseIsOver5Years(chosen.released_on);
      this.modelHint.textContent = `この機種の発売日：${chosen.released_on}（お申し込み日時点で5年${over ? "経過しています" : "経過していません"}）。6の選択の参考にしてください。`;
    } else {
      this.modelHint.textContent = "メーカー・機種が選択肢にない場合は「その他」を選択して、入力欄にご入力ください。";
    }
  }

  releaseIsOver5Years(releasedOn) {
    const enrolled = new Date(`${this.me.enrolled_on}T00:00:00Z`);
    const released = new Date(`${releasedOn}T00:00:00Z`);
    const fiveYearsAfter = new Date(Date.UTC(released.getUTCFullYear() + 5, released.getUTCMonth(), released.getUTCDate()));
    return enrolled > fiveYearsAfter;
  }

  renderIdentifierFeedback() {
    const fb = identifierFeedback(this.identifier.value);
    this.identifierFeedback.dataset.state = fb.state;
    this.identifierFeedback.textContent = fb.message;
    if (fb.state === "error") this.identifier.setAttribute("aria-invalid", "true");
    else this.identifier.removeAttribute("aria-invalid");
    return fb;
  }

  radioValue(name) {
    const el = this.form ? this.form.querySelector(`input[name="${name}"]:checked`) : null;
    return el ? el.value : null;
  }

  /** The plan's documents matrix: from GET /api/me when the API sends it (see rules.js). */
  documentRows() {
    if (Array.isArray(this.me.document_rows) && this.me.document_rows.length) return this.me.document_rows;
    // Until the API sends its rows: seed 004 (mobile-anshin-value) always needs all three.
    if (this.me.plan === "mobile-anshin-value") return [{ alternatives: [["proof", "front", "back"]] }];
    return DEFAULT_ROWS;
  }

  /** Required kinds from items 5, 6 (and, when a row has alternatives, the one chosen). */
  currentRequirement() {
    const purchase = this.radioValue("purchase");
    const release = this.radioValue("release");
    const rule = requiredDocuments(purchase === null ? null : purchase === "after", release === null ? null : release === "over", this.documentRows());
    if (!rule) return null;
    if (rule.alternatives.length === 1) return { ...rule, needsChoice: false, show: rule.alternatives[0] };
    const choice = this.radioValue("doc_choice");
    const chosen = choice === null ? null : rule.alternatives[Number(choice)];
    if (chosen) return { ...rule, needsChoice: false, show: chosen };
    return { ...rule, needsChoice: true, show: [] };
  }

  /** (Re)build the alternative radios when the applicable row changes. */
  renderChoice(rule) {
    const signature = rule && rule.alternatives.length > 1 ? JSON.stringify(rule.alternatives) : "";
    this.proofChoice.hidden = !signature;
    if (signature === this.choiceSignature) return;
    this.choiceSignature = signature;
    const options = this.proofChoice.querySelector(".choices");
    options.replaceChildren();
    if (!signature) return;
    rule.alternatives.forEach((alt, i) => {
      const names = alt.map((k) => DOCUMENT_LABELS[k]).join("と");
      const label = i === 0 ? `${names}で登録する` : `${names}で登録する（${rule.alternatives[0].map((k) => DOCUMENT_LABELS[k]).join("と")}がない場合）`;
      options.append(radio("doc_choice", String(i), label));
    });
  }

  renderRequired() {
    const req = this.form ? this.currentRequirement() : null;
    const panel = this.requiredPanel;
    if (this.proofChoice) this.renderChoice(req);
    if (!req) {
      replace(panel, "「5 端末の購入時期」と「6 端末のメーカー発売時期」を選択すると、必要な写真の種類が表示されます。");
    } else if (req.needsChoice) {
      const names = req.alternatives.map((alt) => alt.map((k) => DOCUMENT_LABELS[k]).join("と"));
      replace(panel, `この端末は、${names.join("、または")}のどちらかで登録できます。下でお選びください。`);
    } else {
      const items = [];
      if (req.show.includes("proof")) items.push("購入証明書の写真");
      if (req.show.includes("front") && req.show.includes("back")) items.push("端末の正面写真と背面写真");
      else if (req.show.includes("front")) items.push("端末の正面写真");
      else if (req.show.includes("back")) items.push("端末の背面写真");
      const marks = ["①", "②", "③"];
      replace(panel,
        h("p", null, `端末登録には、${items.map((_, i) => marks[i]).join("")}の写真アップロードが必要となります。`),
        h("ul", { id: "required-docs-list" }, items.map((item, i) => h("li", null, `${marks[i]}${item}`))));
    }
    const show = req ? req.show : [];
    for (const kind of KIND_ORDER) {
      const slot = this.slots && this.slots[kind];
      if (!slot) continue;
      slot.root.hidden = !show.includes(kind);
      slot.setRequired(true);
    }
  }

  // ---------- validation ----------
  validate() {
    const errors = [];
    const setError = (id, message, focusTarget) => {
      const el = this.form.querySelector(`#${id}`);
      if (el) {
        el.textContent = message || "";
        el.hidden = !message;
      }
      if (message) errors.push({ message, target: focusTarget });
    };
    const markInvalid = (el, bad) => (bad ? el.setAttribute("aria-invalid", "true") : el.removeAttribute("aria-invalid"));

    markInvalid(this.category, !this.category.value);
    setError("category-error", this.category.value ? "" : "種別を選択してください。", this.category);

    let makerProblem = "";
    if (!this.maker.value) makerProblem = "メーカーを選択してください。";
    else if (this.maker.value === OTHER && !this.makerOther.value.trim()) makerProblem = "メーカー名を入力してください。";
    markInvalid(this.maker, makerProblem && !this.maker.value);
    markInvalid(this.makerOther, makerProblem && this.maker.value === OTHER);
    setError("maker-error", makerProblem, this.maker.value === OTHER ? this.makerOther : this.maker);

    let modelProblem = "";
    if (this.maker.value && !this.model.value) modelProblem = "機種を選択してください。";
    else if (this.model.value === OTHER && !this.modelOther.value.trim()) modelProblem = "機種名を入力してください。";
    else if (!this.maker.value) modelProblem = "機種を選択してください。";
    markInvalid(this.model, modelProblem && this.model.value !== OTHER);
    markInvalid(this.modelOther, modelProblem && this.model.value === OTHER);
    setError("model-error", modelProblem, this.model.value === OTHER ? this.modelOther : this.model);

    const fb = this.renderIdentifierFeedback();
    if (!fb.identifier || fb.identifier.kind === "imei_bad_checksum") {
      this.identifier.setAttribute("aria-invalid", "true");
      errors.push({ message: fb.state === "empty" ? "IMEI番号／シリアル番号／製造番号を入力してください。" : fb.message, target: this.identifier });
    }

    const purchase = this.radioValue("purchase");
    setError("purchase-error", purchase ? "" : "端末の購入時期を選択してください。", this.purchaseFieldset.querySelector("input"));
    const release = this.radioValue("release");
    setError("release-error", release ? "" : "端末のメーカー発売時期を選択してください。", this.releaseFieldset.querySelector("input"));

    const req = this.currentRequirement();
    if (req && req.needsChoice) {
      errors.push({ message: "登録に使う書類（購入証明書、または正面・背面の写真）を選択してください。", target: this.proofChoice.querySelector("input") });
    }
    if (req) {
      for (const kind of req.show) {
        const slot = this.slots[kind];
        if (!slot.file) {
          const message = `${DOCUMENT_LABELS[kind]}を選択してください。`;
          slot.showError(message);
          errors.push({ message, target: slot.root.querySelector("input[type=file]:not([capture])") });
        } else slot.showError(null);
      }
    }

    if (this.declared) {
      const d = this.declared.value();
      const missing = !d.carrier || !d.contract_type || d.carrier_guarantee === null || d.sold_by_operator === null;
      this.declared.error.textContent = missing ? "ご契約の情報をすべて選択してください。" : "";
      this.declared.error.hidden = !missing;
      if (missing) errors.push({ message: "ご契約の情報をすべて選択してください。", target: this.declared.carrier });
    }
    return errors;
  }

  renderErrorSummary(errors) {
    const summary = this.errorSummary;
    if (!errors.length) {
      summary.hidden = true;
      summary.replaceChildren();
      return;
    }
    replace(summary,
      h("h2", null, `入力内容をご確認ください（${errors.length}件）`),
      h("ul", null, errors.map((e) => h("li", null, h("a", {
        href: "#",
        onclick: (event) => {
          event.preventDefault();
          e.target.focus();
        },
      }, e.message)))));
    summary.hidden = false;
    focusElement(summary);
  }

  /** The RegistrationRequest body (docs/api.md). */
  requestBody() {
    const fb = identifierFeedback(this.identifier.value);
    const id = fb.identifier;
    const makerIsOther = this.maker.value === OTHER;
    const modelIsOther = this.model.value === OTHER;
    const chosen = this.models.find((m) => m.id === this.model.value);
    const body = {
      category: this.category.value,
      maker: makerIsOther ? this.makerOther.value.trim() : this.maker.value,
      model: modelIsOther ? this.modelOther.value.trim() : chosen ? chosen.name : "",
      model_id: modelIsOther || !chosen ? null : chosen.id,
      model_free_text: modelIsOther ? this.modelOther.value.trim() : null,
      imei: id && id.imei ? id.imei : null,
      serial: id && !id.imei ? id.value : null,
      purchased_after_enrollment: this.radioValue("purchase") === "after",
      release_over_5_years: this.radioValue("release") === "over",
    };
    if (this.declared) body.declared = this.declared.value();
    return body;
  }

  filesToUpload() {
    const req = this.currentRequirement();
    return (req ? req.show : []).map((kind) => ({ kind, file: this.slots[kind].file })).filter((x) => x.file);
  }

  // ---------- STEP 03 ----------
  toConfirm() {
    const errors = this.validate();
    this.renderErrorSummary(errors);
    if (errors.length) {
      announce(`入力内容に${errors.length}件の不備があります。`, { assertive: true });
      return;
    }
    window.location.hash = "#/new/confirm";
  }

  /** Render STEP 03; returns false when STEP 02 is not complete. */
  showConfirm() {
    if (this.validate().length) return false;
    const body = this.requestBody();
    const files = this.filesToUpload();
    const fb = identifierFeedback(this.identifier.value);
    const row = (label, value) => h("div", null, h("dt", null, label), h("dd", null, value));
    this.progress = h("ul", { class: "upload-progress", "aria-live": "polite", id: "upload-progress" });
    this.submitError = h("div", { role: "alert", id: "submit-error" });
    const registerButton = h("button", { type: "button", class: "primary", id: "register-button" }, "登録する");
    const backButton = h("a", { class: "button", href: "#/new", id: "back-to-form" }, "入力内容を修正する");
    registerButton.addEventListener("click", () => this.register(registerButton, backButton));
    const previews = files.map(({ kind, file }) => {
      const isImage = contentTypeOf(file).startsWith("image/") && !/hei[cf]$/.test(contentTypeOf(file));
      let img = null;
      if (isImage) {
        const url = URL.createObjectURL(file);
        img = h("img", { src: url, alt: `${DOCUMENT_LABELS[kind]}のプレビュー` });
      }
      return h("div", { class: "preview" }, img,
        h("div", null, h("strong", null, DOCUMENT_LABELS[kind]),
          h("div", { class: "file-name" }, file.name), h("div", { class: "muted" }, formatBytes(file.size))));
    });
    const view = h(
      "section",
      { "aria-labelledby": "confirm-title" },
      steps(3),
      h("h1", { id: "confirm-title", tabindex: "-1" }, "入力内容の確認"),
      h("p", null, "ご入力内容・アップロードする写真をご確認いただき、問題なければ「登録する」を押してください。"),
      h("div", { class: "card" },
        h("dl", { class: "summary-list", id: "confirm-summary" },
          row("種別", categoryLabel(body.category)),
          row("メーカー", body.maker),
          row("機種", body.model),
          row(fb.identifier && fb.identifier.imei ? "IMEI" : "シリアル番号／製造番号", body.imei || body.serial || ""),
          row("購入時期", body.purchased_after_enrollment ? "お申し込み日以降に購入" : "お申し込み日より前に購入"),
          row("発売時期", body.release_over_5_years ? "発売から5年経過している" : "発売から5年経過していない"),
          body.declared ? row("ご契約の情報", `${body.declared.carrier || ""}／${(CONTRACT_TYPES.find(([k]) => k === body.declared.contract_type) || ["", ""])[1]}`) : null)),
      h("div", { class: "card stack" }, h("h2", null, "アップロードする写真"), previews),
      this.submitError,
      this.progress,
      h("div", { class: "actions" }, backButton, registerButton),
    );
    replace(this.main, view);
    focusElement(view.querySelector("#confirm-title"));
    return true;
  }

  async register(button, backButton) {
    button.disabled = true;
    backButton.setAttribute("aria-disabled", "true");
    this.submitError.replaceChildren();
    const files = this.filesToUpload();
    const status = (text) => {
      const li = h("li", { class: "spinner" }, text);
      this.progress.append(li);
      return li;
    };
    let registration;
    const step = status("登録しています…");
    try {
      registration = await call("/api/registrations", { method: "POST", body: this.requestBody() });
    } catch (err) {
      step.className = "";
      step.textContent = "登録できませんでした。";
      this.submitError.replaceChildren(h("div", { class: "notice error" }, err.message || "登録できませんでした。"));
      button.disabled = false;
      backButton.removeAttribute("aria-disabled");
      return;
    }
    step.className = "";
    step.textContent = "✓ 端末情報を登録しました。";
    let failed = 0;
    const uploaded = [];
    for (const { kind, file } of files) {
      const li = status(`${DOCUMENT_LABELS[kind]}をアップロードしています…`);
      try {
        let ticket = registration.uploads && registration.uploads[kind];
        const declared = ticket && ticket.fields ? ticket.fields["Content-Type"] : undefined;
        if (!ticket || (declared && declared !== contentTypeOf(file))) {
          // No ticket for this slot, or one issued for another file type: ask for one that
          // names this file (the stored object's type then matches what was sent).
          ticket = await call(`/api/registrations/${encodeURIComponent(registration.id)}/documents/${kind}/upload`, {
            method: "POST",
            body: { content_type: contentTypeOf(file), filename: file.name },
          });
        }
        await uploadToTicket(ticket, file, file.name);
        uploaded.push(kind);
        li.className = "";
        li.textContent = `✓ ${DOCUMENT_LABELS[kind]}をアップロードしました。`;
      } catch (err) {
        failed += 1;
        li.className = "";
        li.textContent = `${DOCUMENT_LABELS[kind]}：${err.message || "アップロードできませんでした。"}（登録内容の確認画面から再度アップロードできます）`;
      }
    }
    announce(failed ? "登録しました。一部の写真をアップロードできませんでした。" : "登録しました。写真を確認しています。");
    this.onRegistered(registration.id, uploaded, failed);
  }
}
