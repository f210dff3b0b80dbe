// mockcasa console: every change goes through the admin API (/_mockcasa/...), with the session's
// CSRF token; live tables read the server-sent event stream. Values are written with textContent,
// never as HTML.
"use strict";

const PREFIX = "/_mockcasa/console";
const MAX_ROWS = 500;
const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

function csrf() {
  return $('meta[name="csrf-token"]').content;
}

function notice(text, kind = "error") {
  const box = $("#notice");
  box.textContent = text;
  box.className = kind;
  box.hidden = false;
  box.scrollIntoView({block: "nearest"});
}

function errorText(body, status) {
  const error = body && body.error;
  if (!error) return `The server answered ${status}.`;
  const details = error.details ? " " + Object.entries(error.details)
    .map(([k, v]) => `${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`).join("; ") : "";
  return `${status} ${error.code}: ${error.message}${details}`;
}

// One admin API call; refusals are shown in the notice area and reported as {ok: false}.
async function call(method, url, body, contentType = "application/json") {
  const headers = {"X-CSRF-Token": csrf()};
  let payload;
  if (body !== undefined) {
    headers["Content-Type"] = contentType;
    payload = typeof body === "string" ? body : JSON.stringify(body);
  }
  const response = await fetch(url, {method, headers, body: payload, credentials: "same-origin"});
  const text = await response.text();
  let parsed = null;
  try { parsed = text ? JSON.parse(text) : null; } catch (e) { parsed = text; }
  if (!response.ok) notice(errorText(parsed, response.status));
  return {ok: response.ok, status: response.status, body: parsed};
}

function split(spec) {
  const space = spec.indexOf(" ");
  return [spec.slice(0, space), spec.slice(space + 1)];
}

function formParams(form) {
  const params = {};
  for (const field of $$("input, select, textarea", form)) {
    if (!field.name || field.type === "file" || field.value.trim() === "") continue;
    const kind = field.dataset.kind;
    let value = field.value.trim();
    if (kind === "number") value = Number(value);
    if (kind === "json") value = JSON.parse(value);
    if (field.name === "parameters") Object.assign(params, value);
    else params[field.name] = value;
  }
  return params;
}

function bindCalls() {
  for (const button of $$("[data-call]")) {
    button.addEventListener("click", async () => {
      if (button.dataset.confirm && !confirm(button.dataset.confirm)) return;
      const [method, url] = split(button.dataset.call);
      const result = await call(method, url);
      if (result.ok && "reload" in button.dataset) location.reload();
    });
  }
  for (const form of $$("form[data-action]")) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      let params;
      try { params = formParams(form); } catch (e) { notice(`Not valid JSON: ${e.message}`); return; }
      const [method, url] = split(form.dataset.action);
      const result = await call(method, url, params);
      if (!result.ok) return;
      if (form.dataset.go && result.body && result.body.id) location.href = form.dataset.go + result.body.id;
      else location.reload();
    });
  }
}

function bindOrganizations() {
  const create = $("form[data-create-org]");
  if (create) create.addEventListener("submit", async (event) => {
    event.preventDefault();
    let body = {};
    const seed = create.elements.seed.value;
    if (seed) body = await (await fetch(`${PREFIX}/seeds/${encodeURIComponent(seed)}.json`)).json();
    if (create.elements.name.value.trim()) body.name = create.elements.name.value.trim();
    const result = await call("POST", "/_mockcasa/organizations", body);
    if (!result.ok) return;
    const org = result.body.organization, out = $("#created-key");
    out.replaceChildren();
    const link = document.createElement("a");
    link.href = `${PREFIX}/orgs/${org.id}/`;
    link.textContent = `Open ${org.name}`;
    const key = document.createElement("code");
    key.textContent = result.body.apiKey.key;
    out.append("Created. Its API key, shown only now: ", key, " · ", link);
    out.hidden = false;
  });
  for (const form of $$("form[data-upload]")) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (form.dataset.confirm && !confirm(form.dataset.confirm)) return;
      const text = await form.elements.file.files[0].text();
      const result = await call("POST", form.dataset.upload, text, form.dataset.type);
      if (result.ok) location.reload();
    });
  }
  for (const button of $$("[data-download]")) {
    button.addEventListener("click", async () => {
      const response = await fetch(button.dataset.download, {headers: {"X-CSRF-Token": csrf()}});
      if (!response.ok) { notice(errorText(await response.json(), response.status)); return; }
      const link = document.createElement("a");
      link.href = URL.createObjectURL(await response.blob());
      link.download = button.dataset.filename;
      link.click();
    });
  }
}

// The clock panel: move the clock through the admin API, then say what happened.
function bindClock() {
  const panel = $("[data-clock-panel]");
  if (!panel) return;
  const org = panel.dataset.org;
  async function move(operation, body) {
    const before = $("[data-clock]", panel).textContent.trim().split(" ")[0];
    const result = await call("POST", `/_mockcasa/organizations/${org}/clock/${operation}`, body);
    if (!result.ok) return;
    const report = await (await fetch(`${PREFIX}/orgs/${org}/events?after=${panel.dataset.activity}`)).json();
    panel.dataset.activity = report.last;
    $("[data-clock]", panel).textContent = result.body.now + (result.body.frozen ? " (frozen)" : "");
    summarize(before, result.body.now, report.events);
  }
  function summarize(before, after, events) {
    const out = $("#clock-summary");
    out.replaceChildren();
    const line = (text) => { const p = document.createElement("p"); p.textContent = text; out.append(p); return p; };
    line(`Clock moved from ${before} to ${after}.`);
    const groups = [["invoice_overdue", "invoices turned overdue"], ["proposal_expired", "proposals expired"]];
    for (const [name, words] of groups) {
      const hits = events.filter((e) => e.event === name);
      const p = line(`${hits.length} ${words}${hits.length ? ": " : "."}`);
      hits.forEach((hit, i) => {
        const a = document.createElement("a");
        a.href = `${PREFIX}/orgs/${org}/${hit.resource}/${hit.id}`;
        a.textContent = hit.label;
        p.append(i ? ", " : "", a);
      });
    }
    const counts = {};
    for (const e of events) counts[e.event] = (counts[e.event] || 0) + 1;
    line(`${events.length} events emitted` + (events.length ? ": " + Object.entries(counts)
      .map(([k, n]) => `${k} ×${n}`).join(", ") : "."));
  }
  for (const button of $$("button[data-clock]", panel)) {
    button.addEventListener("click", () => move(button.dataset.clock,
      button.dataset.by ? {by: button.dataset.by} : undefined));
  }
  for (const form of $$("form[data-clock-form]", panel)) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const field = form.elements[0];
      move(form.dataset.clockForm, {[field.name]: field.value.trim()});
    });
  }
}

function liveState(text) {
  const badge = $("[data-live-state]");
  if (badge) badge.textContent = text;
}

function openStream(query, handlers) {
  const source = new EventSource(`${PREFIX}/stream?${query}`);
  source.onopen = () => liveState("live");
  source.onerror = () => liveState("reconnecting…");
  for (const [name, handle] of Object.entries(handlers)) {
    source.addEventListener(name, (event) => handle(JSON.parse(event.data)));
  }
  return source;
}

function detailBlock(title, message) {
  const section = document.createElement("div");
  const h = document.createElement("h3");
  h.textContent = title;
  const pre = document.createElement("pre");
  if (!message) { pre.textContent = "(no response: dropped)"; section.append(h, pre); return section; }
  const headers = Object.entries(message.headers || {}).map(([k, v]) => `${k}: ${v}`).join("\n");
  const body = message.body === null ? "" : typeof message.body === "string" ? message.body
    : JSON.stringify(message.body, null, 2);
  pre.textContent = headers + "\n\n" + body + (message.truncated ? `\n… (${message.size} bytes, cut)` : "");
  section.append(h, pre);
  return section;
}

function bindJournal() {
  const rows = $("[data-journal-rows]");
  if (!rows) return;
  const form = $("[data-journal-filters]");
  const template = $("#journal-row");
  let source = null;
  function add(entry) {
    const row = template.content.firstElementChild.cloneNode(true);
    for (const cell of $$("[data-f]", row)) {
      const value = entry[cell.dataset.f];
      cell.textContent = value === null || value === undefined ? "" : String(value);
    }
    $('[data-f="at"]', row).textContent = entry.at.slice(11, 23);
    $('[data-f="path"]', row).textContent = entry.path + (entry.query ? "?" + entry.query : "");
    const status = $('[data-f="status"]', row);
    status.textContent = entry.status === null ? "dropped" : String(entry.status);
    status.className = `code c${String(entry.status)[0]}`;
    row.dataset.id = entry.id;
    $("button", row).addEventListener("click", (event) => toggle(row, event.currentTarget));
    rows.prepend(row);
  }
  async function toggle(row, button) {
    const open = row.nextElementSibling && row.nextElementSibling.classList.contains("detail");
    if (open) { row.nextElementSibling.remove(); button.setAttribute("aria-expanded", "false"); return; }
    const result = await call("GET", `/_mockcasa/journal/${row.dataset.id}`);
    if (!result.ok) return;
    const detail = document.createElement("tr");
    detail.className = "detail";
    const cell = document.createElement("td");
    cell.colSpan = 8;
    const id = document.createElement("p");
    id.className = "muted mono";
    id.textContent = `${result.body.requestId} · organization ${result.body.organizationId || "none"}`;
    cell.append(id, detailBlock("Request", result.body.request), detailBlock("Response", result.body.response));
    detail.append(cell);
    row.after(detail);
    button.setAttribute("aria-expanded", "true");
  }
  function connect() {
    if (source) source.close();
    rows.replaceChildren();
    const query = new URLSearchParams({journal: "1"});
    for (const field of form.elements) if (field.name && field.value) query.set(field.name, field.value);
    source = openStream(query.toString(), {
      journal: (batch) => {
        batch.entries.forEach(add);
        while (rows.children.length > MAX_ROWS) rows.lastElementChild.remove();
        const skipped = $("[data-skipped]");
        if (batch.skipped) { skipped.hidden = false; skipped.textContent = `${batch.skipped} more requests were not shown (too many at once).`; }
      },
    });
  }
  form.addEventListener("change", connect);
  form.addEventListener("input", (event) => { if (event.target.name === "path") connect(); });
  connect();
}

function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text === null || text === undefined ? "" : String(text);
  if (className) td.className = className;
  return td;
}

function badgeCell(text, className) {
  const td = document.createElement("td"), span = document.createElement("span");
  span.textContent = text;
  span.className = className;
  td.append(span);
  return td;
}

function bindDeliveries() {
  const section = $("[data-deliveries]");
  if (!section) return;
  const org = section.dataset.org;
  const body = $("[data-delivery-rows]"), sink = $("[data-sink-rows]");
  openStream(`org=${encodeURIComponent(org)}`, {
    deliveries: ({deliveries}) => {
      body.replaceChildren(...deliveries.map((d) => {
        const tr = document.createElement("tr");
        const answer = d.lastStatus ? `${d.lastStatus}` : (d.error || d.reason || "");
        tr.append(cell(d.createdAt.slice(0, 19).replace("T", " ")), cell(d.event), cell(d.webhook),
          badgeCell(d.status, `status status-${d.status}`), cell(d.attempts, "num"), cell(answer),
          cell(d.signed ? "signed" : "unsigned"));
        const td = document.createElement("td");
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = "Redeliver";
        button.addEventListener("click", () => call("POST",
          `/_mockcasa/organizations/${org}/webhook-deliveries/${d.id}/redeliver`));
        td.append(button);
        tr.append(td);
        return tr;
      }));
    },
    sink: ({arrivals}) => {
      $$(".empty", sink).forEach((row) => row.remove());
      for (const a of arrivals) {
        const tr = document.createElement("tr");
        tr.append(cell(a.at.slice(0, 19).replace("T", " ")), cell(a.sink), cell(a.event || ""),
          badgeCell(a.signature, `sig sig-${a.signature}`), cell(a.deliveryId || "", "mono"));
        sink.prepend(tr);
      }
    },
  });
}

function bindFaults() {
  const quick = $("form[data-quick-rule]");
  if (!quick) return;
  quick.addEventListener("submit", async (event) => {
    event.preventDefault();
    const f = quick.elements, match = {path: f.path.value.trim() || "/api/v1/**"};
    if (f.method.value) match.method = f.method.value;
    const first = Number(f.first.value) || 1;
    const rule = {name: `next-${first}-${(f.method.value || "any").toLowerCase()}-${f.status.value}`,
                  match, action: {status: Number(f.status.value)}, schedule: {first}};
    if ((await call("POST", "/_mockcasa/faults", rule)).ok) location.reload();
  });
  for (const button of $$("[data-scenario]")) {
    button.addEventListener("click", async () => {
      const text = await (await fetch(`${PREFIX}/scenarios/${button.dataset.scenario}.yaml`)).text();
      if ((await call("POST", "/_mockcasa/scenarios", text, "application/yaml")).ok) location.reload();
    });
  }
  const rules = JSON.parse($("#rules-data").textContent);
  for (const button of $$("[data-unload]")) {
    button.addEventListener("click", async () => {
      for (const rule of rules.filter((r) => r.source === button.dataset.unload)) {
        if (!(await call("DELETE", `/_mockcasa/faults/${rule.id}`)).ok) return;
      }
      location.reload();
    });
  }
}

document.addEventListener("DOMContentLoaded", () => {
  bindCalls();
  bindOrganizations();
  bindClock();
  bindJournal();
  bindDeliveries();
  bindFaults();
});
