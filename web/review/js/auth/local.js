// Local-stack reviewer sign-in: POST /local/reviewer-login {username, password} → {token}.
// Exists only in the local stack (docs/api.md); in AWS the cognito module is used instead.
import { apiFetch, REVIEWER_TOKEN_KEY } from "../../../js/api.js";
import { h, replace, focusElement } from "../../../js/dom.js";

export function createLocalAuth() {
  return {
    mode: "local",
    async handleRedirect() {
      return null;
    },
    /** Render a sign-in form into `container`; resolves once a token is stored. */
    signIn(container) {
      return new Promise((resolve) => {
        const user = h("input", { type: "text", id: "login-username", name: "username", autocomplete: "username", required: true });
        const pass = h("input", { type: "password", id: "login-password", name: "password", autocomplete: "current-password", required: true });
        const error = h("p", { class: "field-error", id: "login-error", role: "alert" });
        const form = h("form", { id: "login-form", class: "card", novalidate: true },
          h("h1", { id: "login-title", tabindex: "-1" }, "Reviewer sign-in"),
          h("p", { class: "muted" }, "Local stack demo login (in AWS: Cognito Hosted UI)."),
          h("label", { for: "login-username" }, "Username"), user,
          h("label", { for: "login-password" }, "Password"), pass,
          error,
          h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Sign in")));
        form.addEventListener("submit", async (event) => {
          event.preventDefault();
          error.textContent = "";
          try {
            const res = await apiFetch("/local/reviewer-login", { method: "POST", body: { username: user.value, password: pass.value } });
            sessionStorage.setItem(REVIEWER_TOKEN_KEY, res.token);
            resolve(res.token);
          } catch (err) {
            error.textContent = err.status === 401 || err.status === 403 ? "Wrong username or password." : err.message;
            pass.focus();
          }
        });
        replace(container, form);
        focusElement(user);
      });
    },
    signOut() {
      sessionStorage.removeItem(REVIEWER_TOKEN_KEY);
    },
  };
}
