// Deployment settings. The static files are identical everywhere; what differs per
// environment (API origin, reviewer sign-in) comes from /config.json next to index.html,
// which the deployment writes (or the local stack serves). Without it the API is assumed on
// the same origin and reviewers sign in through the local stack's demo login.

/** @typedef {{apiBase: string, reviewerAuth: {mode: "local"} | {mode: "cognito", domain: string, clientId: string, redirectUri?: string, scopes?: string[]}}} WebConfig */

const DEFAULTS = { apiBase: "", reviewerAuth: { mode: "local" } };
let cached = null;

/** @returns {Promise<WebConfig>} */
export async function loadConfig() {
  if (cached) return cached;
  let loaded = {};
  try {
    const url = new URL("/config.json", window.location.href);
    const res = await fetch(url, { cache: "no-store" });
    if (res.ok && (res.headers.get("content-type") || "").includes("json")) loaded = await res.json();
  } catch {
    loaded = {}; // no config file: same-origin API, local reviewer login
  }
  cached = { ...DEFAULTS, ...loaded, reviewerAuth: { ...DEFAULTS.reviewerAuth, ...(loaded.reviewerAuth || {}) } };
  return cached;
}
