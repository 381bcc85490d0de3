// The reviewer sign-in is a swappable module chosen by config.json (reviewerAuth.mode):
// "local" (local stack demo login) or "cognito" (Hosted UI). Both expose
// {mode, handleRedirect(), signIn(container) → Promise<token>, signOut()}.
import { loadConfig } from "../../../js/config.js";
import { REVIEWER_TOKEN_KEY } from "../../../js/api.js";
import { createLocalAuth } from "./local.js";
import { createCognitoAuth } from "./cognito.js";

export async function getAuth() {
  const config = await loadConfig();
  const settings = config.reviewerAuth || { mode: "local" };
  return settings.mode === "cognito" ? createCognitoAuth(settings) : createLocalAuth();
}

export function currentToken() {
  return sessionStorage.getItem(REVIEWER_TOKEN_KEY);
}

/** Claims of the stored token, for display only (the API verifies the signature). */
export function tokenClaims() {
  const token = currentToken();
  if (!token) return {};
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const json = decodeURIComponent(Array.from(atob(part), (c) => `%${c.charCodeAt(0).toString(16).padStart(2, "0")}`).join(""));
    return JSON.parse(json);
  } catch {
    return {};
  }
}

export function reviewerName() {
  const c = tokenClaims();
  return c["cognito:username"] || c.username || c.preferred_username || c.sub || "";
}

/** Make sure a reviewer token exists, signing in when needed. */
export async function ensureSignedIn(container) {
  const auth = await getAuth();
  await auth.handleRedirect();
  if (!currentToken()) await auth.signIn(container);
  return auth;
}
