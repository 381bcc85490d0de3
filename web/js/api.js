// HTTP client for docs/api.md. Tokens live in sessionStorage (per tab, gone when the tab
// closes) and are sent as Bearer tokens; nothing else is stored on the device.
import { loadConfig } from "./config.js";

export const SUBSCRIBER_TOKEN_KEY = "device-intake.subscriber-token";
export const REVIEWER_TOKEN_KEY = "device-intake.reviewer-token";

export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} message
   */
  constructor(status, code, message) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
  }
}

/**
 * Call the API.
 * @param {string} path e.g. "/api/me"
 * @param {{method?: string, body?: unknown, tokenKey?: string, signal?: AbortSignal}} [options]
 */
export async function apiFetch(path, { method = "GET", body, tokenKey, signal } = {}) {
  const config = await loadConfig();
  const headers = { Accept: "application/json" };
  const token = tokenKey ? sessionStorage.getItem(tokenKey) : null;
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let res;
  try {
    res = await fetch(`${config.apiBase}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (err) {
    if (err && err.name === "AbortError") throw err;
    throw new ApiError(0, "NETWORK", "通信できませんでした。電波の良い場所で再度お試しください。");
  }
  if (res.status === 204) return null;
  let payload = null;
  const text = await res.text();
  if (text) {
    try {
      payload = JSON.parse(text);
    } catch {
      payload = null;
    }
  }
  if (!res.ok) {
    const error = payload && payload.error ? payload.error : {};
    throw new ApiError(res.status, String(error.code || res.status), String(error.message || res.statusText));
  }
  return payload;
}

/**
 * Send a file to a presigned POST (UploadTicket): the policy fields first, the file last.
 * @param {{url: string, fields: Record<string, string>, max_bytes?: number}} ticket
 * @param {Blob} file
 * @param {string} filename
 */
export async function uploadToTicket(ticket, file, filename) {
  const form = new FormData();
  for (const [name, value] of Object.entries(ticket.fields || {})) form.append(name, value);
  form.append("file", file, filename);
  let res;
  try {
    res = await fetch(ticket.url, { method: "POST", body: form });
  } catch {
    throw new ApiError(0, "NETWORK", "アップロードできませんでした。通信環境をご確認のうえ再度お試しください。");
  }
  if (!res.ok) {
    const text = await res.text();
    const code = /<Code>([^<]+)<\/Code>/.exec(text);
    throw new ApiError(res.status, code ? code[1] : "UPLOAD_FAILED", "アップロードできませんでした。ファイルをご確認のうえ再度お試しください。");
  }
}
