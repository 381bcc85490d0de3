// One document slot (購入証明書 / 正面 / 背面): camera capture or file choice, preview,
// client-side checks, shooting tips from seed 000.
import { h, formatBytes, announce } from "../dom.js";
import { DOCUMENT_LABELS } from "../labels.js";

export const MAX_BYTES = 20 * 1024 * 1024;
const IMAGE_TYPES = ["image/jpeg", "image/png", "image/heic", "image/heif", "image/webp"];
const EXTENSION_TYPES = {
  jpg: "image/jpeg", jpeg: "image/jpeg", png: "image/png", heic: "image/heic",
  heif: "image/heif", webp: "image/webp", pdf: "application/pdf",
};

/** The content type to declare for a file (browsers leave HEIC's type empty). */
export function contentTypeOf(file) {
  if (file.type && (IMAGE_TYPES.includes(file.type) || file.type === "application/pdf")) return file.type;
  const ext = (file.name.split(".").pop() || "").toLowerCase();
  return EXTENSION_TYPES[ext] || file.type || "";
}

/** Japanese error for a file the API would refuse, or null. */
export function checkFile(file, kind) {
  if (file.size > MAX_BYTES) {
    return `ファイルが大きすぎます（${formatBytes(file.size)}）。20MB以下のファイルを選択してください。`;
  }
  if (file.size === 0) return "ファイルが空です。別のファイルを選択してください。";
  const type = contentTypeOf(file);
  const allowed = kind === "proof" ? [...IMAGE_TYPES, "application/pdf"] : IMAGE_TYPES;
  if (!allowed.includes(type)) {
    return kind === "proof"
      ? "JPEG・PNG・HEIC・WebPの画像、またはPDFを選択してください。"
      : "JPEG・PNG・HEIC・WebPの写真を選択してください。";
  }
  return null;
}

const PHOTO_TIPS = [
  "明るい場所で撮影してください。",
  "登録する端末の全体が画像の中にすべて収まるように撮影してください。",
  "ケース・カバー・フィルムは外し、割れやキズのないことが確認できる状態で撮影してください。",
  "アップロードする際は写真のサイズを変更しないでください（加工・縮小しない）。",
];

const TIPS = {
  front: {
    how: [
      "電話アプリで「*#06#」と入力するか、「設定」→「一般」→「情報」（iPhone）／「設定」→「端末情報」→「端末の状態」（Android）で、④に入力したIMEI／シリアル番号を画面に表示します。",
      "その状態のまま、端末全体を別の端末（スマートフォンやカメラ）で撮影します。画面からはみ出さないようにしてください。",
      "パソコン・ゲーム機などは、電源を入れて設定画面にシリアル番号を表示して撮影します。",
    ],
    ng: [
      "スクリーンショットの画像（別の端末で撮影してください）",
      "背面が写っているもの",
      "端末の一部しか写っていないもの",
      "箱や契約書類を撮影したもの",
    ],
    common: PHOTO_TIPS,
  },
  back: {
    how: [
      "同じ端末を裏返し、全体が写るように別の端末で撮影します。",
      "申請時に傷や故障がないことが写真で確認できるように置いてください。",
    ],
    ng: [
      "端末の一部しか写っておらず、申請した端末と同一品であることが確認できないもの",
      "ケースをつけたまま撮影しているため、背面の状態が確認できないもの",
    ],
    common: PHOTO_TIPS,
  },
  proof: {
    how: [
      "販売店が発行した「契約書」「領収書」「納品書」「保証書」などで、購入日と機種名、または購入日とIMEI／シリアル番号／製造番号が記載されたものをご用意ください。",
      "書類全体が写真に収まるように撮影してください。",
      "解像度が低いと記載内容を確認できません。できるだけ元のサイズのままアップロードしてください。",
      "通信キャリアのマイページ（My docomo・My au・My SoftBank）の契約書面は、機種情報の記載があるページ全体のスクリーンショットでも登録できます。",
      "オンラインショップの注文履歴・発送案内のメールも使えます。PDFのままアップロードできます。",
    ],
    ng: ["書類の一部が切れているもの", "購入日が確認できないもの", "機種名やIMEI等が確認できないもの"],
    common: [],
  },
};

/**
 * Build a slot: a fieldset with camera + file pickers and a preview.
 * @param {"proof"|"front"|"back"} kind
 * @param {{heading?: string, number?: string, onChange?: (file: File|null) => void, compact?: boolean}} [options]
 */
export function createSlot(kind, options = {}) {
  const idBase = `${options.idPrefix || "slot"}-${kind}`;
  const tagEl = h("span", { class: "required-tag", text: "必須", hidden: options.tag === false });
  const legend = h(
    "legend",
    null,
    options.number ? h("span", { class: "num", "aria-hidden": "true", text: options.number }) : null,
    options.heading || DOCUMENT_LABELS[kind],
    tagEl,
  );
  const errorEl = h("p", { class: "field-error", id: `${idBase}-error`, hidden: true });
  const previewEl = h("div", { class: "preview", id: `${idBase}-preview`, "aria-live": "polite" });
  const accept = kind === "proof" ? "image/*,application/pdf" : "image/*";
  const camera = h("input", {
    type: "file", accept: "image/*", capture: "environment", id: `${idBase}-camera`,
    "aria-describedby": `${idBase}-error`, dataset: { kind, source: "camera" },
  });
  const picker = h("input", {
    type: "file", accept, id: `${idBase}-file`,
    "aria-describedby": `${idBase}-error`, dataset: { kind, source: "file" },
  });
  const label = DOCUMENT_LABELS[kind];
  const buttons = h(
    "div",
    { class: "slot-buttons" },
    h("label", { class: "file-pick primary" }, camera, h("span", null, "カメラで撮影", h("span", { class: "visually-hidden", text: `（${label}）` }))),
    h("label", { class: "file-pick" }, picker, h("span", null, kind === "proof" ? "ファイルを選択" : "写真を選択", h("span", { class: "visually-hidden", text: `（${label}）` }))),
  );
  const tips = TIPS[kind];
  const tipsEl = h(
    "details",
    { class: "tips" },
    h("summary", null, kind === "proof" ? "購入証明書の撮影・注意事項" : "写真撮影時の注意事項"),
    h("h3", null, kind === "proof" ? "用意する書類と撮影方法" : "撮影方法"),
    h("ol", null, tips.how.map((t) => h("li", null, t))),
    tips.common.length ? [h("h3", null, "撮影・送付時の注意点"), h("ul", null, tips.common.map((t) => h("li", null, t)))] : null,
    h("h3", { class: "ng" }, "NGな例"),
    h("ul", null, tips.ng.map((t) => h("li", null, t))),
  );
  const root = h("fieldset", { class: "slot", id: idBase, dataset: { kind } }, legend, tipsEl, buttons, previewEl, errorEl);

  let file = null;
  let objectUrl = null;

  function showError(message) {
    errorEl.textContent = message || "";
    errorEl.hidden = !message;
    for (const input of [camera, picker]) {
      if (message) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    }
  }

  function renderPreview() {
    previewEl.replaceChildren();
    if (objectUrl) URL.revokeObjectURL(objectUrl);
    objectUrl = null;
    if (!file) return;
    const isImage = contentTypeOf(file).startsWith("image/") && !/hei[cf]$/.test(contentTypeOf(file));
    if (isImage) {
      objectUrl = URL.createObjectURL(file);
      previewEl.append(h("img", { src: objectUrl, alt: `選択した${label}のプレビュー` }));
    }
    previewEl.append(
      h("div", null,
        h("div", { class: "file-name", text: file.name }),
        h("div", { class: "muted", text: `${formatBytes(file.size)}・選択済み` })),
    );
  }

  function onPick(event) {
    const input = /** @type {HTMLInputElement} */ (event.target);
    const chosen = input.files && input.files[0];
    if (!chosen) return;
    const problem = checkFile(chosen, kind);
    if (problem) {
      showError(problem);
      announce(problem, { assertive: true });
      return;
    }
    showError(null);
    file = chosen;
    renderPreview();
    announce(`${label}を選択しました：${chosen.name}`);
    if (options.onChange) options.onChange(file);
  }
  camera.addEventListener("change", onPick);
  picker.addEventListener("change", onPick);

  return {
    kind,
    root,
    get file() { return file; },
    focus() { picker.focus(); },
    showError,
    setRequired(required) {
      tagEl.className = required ? "required-tag" : "optional-tag";
      tagEl.textContent = required ? "必須" : "任意";
    },
    reset() {
      file = null;
      camera.value = "";
      picker.value = "";
      showError(null);
      renderPreview();
    },
  };
}
