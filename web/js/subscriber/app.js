// Subscriber pages (seed 000 STEP 01-03): hash routes so the static files need no server
// rewrites: #/ 端末登録一覧, #/new 入力, #/new/confirm 確認, #/registrations/<id> 確認・修正.
import { h, replace, focusElement } from "../dom.js";
import { captureTokenFromUrl, call, forgetToken } from "./session.js";
import { RegistrationWizard } from "./form.js";
import { RegistrationDetail } from "./detail.js";
import { showList } from "./list.js";

const main = /** @type {HTMLElement} */ (document.getElementById("main"));
let me = null;
let wizard = null;
let detail = null;
let flash = null;

function showNoSession(message) {
  replace(main,
    h("h1", { id: "nosession-title", tabindex: "-1" }, "端末登録"),
    h("div", { class: "notice warn", role: "alert" }, message),
    h("p", null, "Myページにログインし、「端末登録はこちら」のボタンから開いてください。"));
  focusElement(main.querySelector("#nosession-title"));
}

async function route() {
  if (detail) {
    detail.stop();
    detail = null;
  }
  const hash = window.location.hash || "#/";
  const match = /^#\/registrations\/([^/]+)$/.exec(hash);
  if (hash === "#/new") {
    if (!wizard) wizard = newWizard();
    wizard.show();
  } else if (hash === "#/new/confirm") {
    if (!wizard || !wizard.showConfirm()) window.location.replace("#/new");
  } else if (match) {
    detail = new RegistrationDetail({ main, id: decodeURIComponent(match[1]), flash });
    flash = null;
    await detail.show();
  } else {
    await showList(main, me);
  }
}

function newWizard() {
  return new RegistrationWizard({
    me,
    main,
    onRegistered: (id, uploaded, failed) => {
      wizard = null; // the next 新規登録 starts from an empty form
      const message = failed
        ? "端末情報を登録しました。一部の写真をアップロードできませんでした。下の「写真をアップロードする」からもう一度お試しください。"
        : "登録を受け付けました。アップロードした写真を確認しています。";
      flash = { message, uploaded: uploaded || [], failed: Boolean(failed) };
      window.location.hash = `#/registrations/${encodeURIComponent(id)}`;
    },
  });
}

async function start() {
  const skip = document.querySelector(".skip-link");
  if (skip) skip.addEventListener("click", (event) => {
    event.preventDefault();
    focusElement(main);
  });
  const token = captureTokenFromUrl();
  if (!token) {
    showNoSession("ログイン情報が見つかりません。");
    return;
  }
  try {
    me = await call("/api/me");
  } catch (err) {
    if (err.status === 401 || err.status === 403) {
      forgetToken();
      showNoSession("ログインの有効期限が切れました。");
    } else {
      showNoSession(err.message || "読み込めませんでした。");
    }
    return;
  }
  const who = document.getElementById("who");
  if (who) who.textContent = me.plan_name || me.plan;
  window.addEventListener("hashchange", route);
  await route();
}

start();
