// Cognito Hosted UI sign-in (authorization code + PKCE, no client secret in the browser).
// config.json: {"reviewerAuth": {"mode": "cognito", "domain": "<prefix>.auth.<region>.amazoncognito.com",
// "clientId": "...", "redirectUri": "https://<site>/review/", "scopes": ["openid","email"]}}.
// The id token carries cognito:groups, which the HTTP API JWT authorizer and the handler check.
// Not exercised by the e2e suite (no Cognito locally); see docs/web.md.
import { REVIEWER_TOKEN_KEY } from "../../../js/api.js";

const VERIFIER_KEY = "device-intake.pkce-verifier";
const STATE_KEY = "device-intake.pkce-state";

function base64url(bytes) {
  let text = "";
  for (const b of new Uint8Array(bytes)) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function randomString() {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

export function createCognitoAuth(settings) {
  const redirectUri = settings.redirectUri || new URL("./", window.location.href).href;
  const origin = `https://${settings.domain}`;
  return {
    mode: "cognito",
    /** Finish a Hosted UI round trip (?code=&state=) and store the id token. */
    async handleRedirect() {
      const url = new URL(window.location.href);
      const code = url.searchParams.get("code");
      if (!code) return null;
      const state = url.searchParams.get("state");
      const verifier = sessionStorage.getItem(VERIFIER_KEY);
      url.searchParams.delete("code");
      url.searchParams.delete("state");
      window.history.replaceState(null, "", url.pathname + url.search + url.hash);
      if (!verifier || state !== sessionStorage.getItem(STATE_KEY)) return null;
      sessionStorage.removeItem(VERIFIER_KEY);
      sessionStorage.removeItem(STATE_KEY);
      const res = await fetch(`${origin}/oauth2/token`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          grant_type: "authorization_code", client_id: settings.clientId, code, redirect_uri: redirectUri, code_verifier: verifier,
        }),
      });
      if (!res.ok) return null;
      const tokens = await res.json();
      sessionStorage.setItem(REVIEWER_TOKEN_KEY, tokens.id_token);
      return tokens.id_token;
    },
    async signIn() {
      const verifier = randomString();
      const state = randomString();
      sessionStorage.setItem(VERIFIER_KEY, verifier);
      sessionStorage.setItem(STATE_KEY, state);
      const challenge = base64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
      const params = new URLSearchParams({
        response_type: "code", client_id: settings.clientId, redirect_uri: redirectUri,
        scope: (settings.scopes || ["openid", "email"]).join(" "), state,
        code_challenge_method: "S256", code_challenge: challenge,
      });
      window.location.assign(`${origin}/oauth2/authorize?${params}`);
      return new Promise(() => {}); // the page is navigating away
    },
    signOut() {
      sessionStorage.removeItem(REVIEWER_TOKEN_KEY);
      const params = new URLSearchParams({ client_id: settings.clientId, logout_uri: redirectUri });
      window.location.assign(`${origin}/logout?${params}`);
    },
  };
}
