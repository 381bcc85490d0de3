// Subscriber session: the operator's My page links here with ?token=...; the token moves to
// sessionStorage at once and leaves the address bar (it must not end up in history or in a
// Referer header).
import { SUBSCRIBER_TOKEN_KEY, apiFetch } from "../api.js";

export function captureTokenFromUrl() {
  const url = new URL(window.location.href);
  const token = url.searchParams.get("token");
  if (token) {
    sessionStorage.setItem(SUBSCRIBER_TOKEN_KEY, token);
    url.searchParams.delete("token");
    window.history.replaceState(null, "", url.pathname + url.search + url.hash);
  }
  return sessionStorage.getItem(SUBSCRIBER_TOKEN_KEY);
}

/** Subscriber API call (the token is added from sessionStorage). */
export function call(path, options = {}) {
  return apiFetch(path, { ...options, tokenKey: SUBSCRIBER_TOKEN_KEY });
}

export function forgetToken() {
  sessionStorage.removeItem(SUBSCRIBER_TOKEN_KEY);
}
