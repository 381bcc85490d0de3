// Review queue: oldest first, filters (plan, reason code, flag), claim with a lease.
import { h, replace, focusElement, announce, formatDateTime } from "../../js/dom.js";
import { ensureSignedIn, reviewerName } from "./auth/index.js";
import { rcall, REASON_CODES, PLANS, statusBadge, sampleBadge, formatAge, renderHeader, helpDialog, isTyping } from "./common.js";

const main = /** @type {HTMLElement} */ (document.getElementById("main"));

function select(id, label, values) {
  const el = h("select", { id, name: id }, h("option", { value: "" }, "All"), values.map((v) => h("option", { value: v }, v)));
  return { el, wrap: h("div", { class: "filter" }, h("label", { for: id }, label), el) };
}

export function leaseIsLive(item) {
  return Boolean(item.claimed_by && item.lease_expires_at && Date.parse(item.lease_expires_at) > Date.now());
}

/** Claim an item; resolves true when this reviewer now holds the lease. */
export async function claim(id) {
  await rcall(`/api/review/items/${encodeURIComponent(id)}/claim`, { method: "POST" });
  return true;
}

export function itemUrl(id) {
  return `item.html?id=${encodeURIComponent(id)}`;
}

async function start() {
  const auth = await ensureSignedIn(main);
  renderHeader(auth);
  const params = new URLSearchParams(window.location.search);
  const plan = select("filter-plan", "Plan", PLANS);
  const reason = select("filter-reason", "Reason code", REASON_CODES);
  const flag = select("filter-flag", "Flag", REASON_CODES);
  plan.el.value = params.get("plan") || "";
  reason.el.value = params.get("reason") || "";
  flag.el.value = params.get("flag") || "";
  const tableArea = h("div", { id: "queue-area", "aria-live": "polite" });
  const refresh = h("button", { type: "button", id: "refresh" }, "Refresh");
  const filters = h("form", { class: "filters card", id: "filters", "aria-label": "Queue filters" }, plan.wrap, reason.wrap, flag.wrap, refresh);
  replace(main,
    h("h1", { id: "queue-title", tabindex: "-1" }, "Review queue"),
    h("p", { class: "muted" }, "Oldest first. Claim an item to work on it; a claim is a lease that expires. Press ? for shortcuts."),
    filters, tableArea);
  focusElement(main.querySelector("#queue-title"));

  let items = [];
  async function load() {
    const q = new URLSearchParams();
    if (plan.el.value) q.set("plan", plan.el.value);
    if (reason.el.value) q.set("reason", reason.el.value);
    if (flag.el.value) q.set("flag", flag.el.value);
    window.history.replaceState(null, "", `?${q}`);
    q.set("limit", "50");
    try {
      items = (await rcall(`/api/review/queue?${q}`)).items || [];
    } catch (err) {
      if (err.status === 401 || err.status === 403) {
        auth.signOut();
        window.location.reload();
        return;
      }
      replace(tableArea, h("div", { class: "notice error", role: "alert" }, err.message));
      return;
    }
    render();
  }

  function render() {
    if (!items.length) {
      replace(tableArea, h("p", { class: "card", id: "queue-empty" }, "The queue is empty."));
      return;
    }
    const me = reviewerName();
    replace(tableArea, h("table", { class: "queue", id: "queue-table" },
      h("caption", { class: "visually-hidden" }, "Registrations waiting for review, oldest first"),
      h("thead", null, h("tr", null, ["Age", "Registration", "Plan", "Status", "Reasons", "Flags", "Lease", ""].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", null, items.map((item) => {
        const live = leaseIsLive(item);
        const rowStatus = h("span", { class: "row-status", role: "status" });
        const claimButton = h("button", { type: "button", class: "primary claim", dataset: { id: item.registration_id } },
          live && item.claimed_by === me ? "Open" : "Claim");
        claimButton.addEventListener("click", async () => {
          claimButton.disabled = true;
          try {
            await claim(item.registration_id);
            window.location.assign(itemUrl(item.registration_id));
          } catch (err) {
            claimButton.disabled = false;
            rowStatus.textContent = err.status === 409 ? "Claimed by someone else" : err.message;
            announce(rowStatus.textContent, { assertive: true });
          }
        });
        return h("tr", { dataset: { id: item.registration_id, age: String(item.age_seconds) } },
          h("td", { title: formatDateTime(item.queued_at) }, formatAge(item.age_seconds)),
          h("td", null, h("a", { href: itemUrl(item.registration_id), class: "mono" }, item.registration_id), item.sample ? [" ", sampleBadge()] : null),
          h("td", null, item.plan),
          h("td", null, statusBadge(item.status)),
          h("td", null, (item.reasons || []).map((c) => h("span", { class: "chip" }, c))),
          h("td", null, (item.flags || []).map((c) => h("span", { class: "chip flag" }, c))),
          h("td", null, live ? `${item.claimed_by} until ${formatDateTime(item.lease_expires_at)}` : "—"),
          h("td", null, claimButton, rowStatus));
      }))));
  }

  for (const s of [plan.el, reason.el, flag.el]) s.addEventListener("change", load);
  filters.addEventListener("submit", (e) => { e.preventDefault(); load(); });
  refresh.addEventListener("click", load);

  const help = helpDialog([
    ["n", "Claim and open the oldest unclaimed item"],
    ["u", "Refresh the queue"],
    ["?", "Show or hide this help"],
  ]);
  document.addEventListener("keydown", async (event) => {
    if (isTyping(event) || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "?") {
      event.preventDefault();
      help.toggle();
    } else if (event.key === "u") {
      load();
    } else if (event.key === "n") {
      const me = reviewerName();
      for (const item of items) {
        if (leaseIsLive(item) && item.claimed_by !== me) continue;
        try {
          await claim(item.registration_id);
          window.location.assign(itemUrl(item.registration_id));
          return;
        } catch {
          // someone else won the race: try the next one
        }
      }
      announce("No unclaimed item in the queue.");
    }
  });
  await load();
  window.setInterval(() => { if (!document.hidden) load(); }, 30_000);
}

if (main && document.body.dataset.page === "queue") start();
