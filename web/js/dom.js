// Minimal DOM builder. Every piece of data reaches the page through textContent or
// setAttribute, never through innerHTML: OCR text, file names, model free text and reviewer
// notes are attacker-controlled.

/**
 * Create an element.
 * @param {string} tag
 * @param {Record<string, unknown>|null} [attrs] class, text, dataset, on<Event> handlers,
 *   boolean attributes (true → present, false/null → absent), anything else → setAttribute.
 * @param {...(Node|string|number|null|undefined|false|Array<any>)} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = String(value);
    else if (key === "text") el.textContent = String(value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2).toLowerCase(), /** @type {EventListener} */ (value));
    } else if (key === "value" && "value" in el) {
      /** @type {HTMLInputElement} */ (el).value = String(value);
    } else if (key === "checked" || key === "selected" || key === "disabled") {
      /** @type {any} */ (el)[key] = Boolean(value);
      if (value === true) el.setAttribute(key, "");
    } else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

const SVG_NS = "http://www.w3.org/2000/svg";

/** Create an SVG element (attributes only; text via textContent). */
export function svg(tag, attrs, text) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value !== null && value !== undefined) el.setAttribute(key, String(value));
  }
  if (text !== undefined && text !== null) el.textContent = String(text);
  return el;
}

/** Append children (strings become text nodes; arrays are flattened; falsy skipped). */
export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/** Remove every child of an element. */
export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

/** Replace an element's children. */
export function replace(el, ...children) {
  clear(el);
  return append(el, children);
}

/** Move focus to an element that is not normally focusable (headings, panels). */
export function focusElement(el) {
  if (!el) return;
  if (!el.hasAttribute("tabindex")) el.setAttribute("tabindex", "-1");
  el.focus({ preventScroll: false });
}

/** Announce a message through a polite live region (created once per page). */
export function announce(message, { assertive = false } = {}) {
  const id = assertive ? "live-assertive" : "live-polite";
  let region = document.getElementById(id);
  if (!region) {
    region = h("div", {
      id,
      class: "visually-hidden",
      "aria-live": assertive ? "assertive" : "polite",
      role: assertive ? "alert" : "status",
    });
    document.body.append(region);
  }
  // Clearing first makes screen readers repeat an identical message.
  region.textContent = "";
  window.setTimeout(() => {
    region.textContent = message;
  }, 50);
}

/** Format an ISO timestamp for display in Japan time. */
export function formatDateTime(iso) {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return d.toLocaleString("ja-JP", { timeZone: "Asia/Tokyo", dateStyle: "medium", timeStyle: "short" });
}

/** Human-readable byte size. */
export function formatBytes(n) {
  if (!Number.isFinite(n)) return "";
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
