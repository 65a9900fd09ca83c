// songngu page: talks to the JSON API; every piece of text goes in as a text node (never as HTML).
"use strict";

const CSRF = document.querySelector('meta[name="csrf-token"]').content;
const $ = (id) => document.getElementById(id);
let ME = null;
let TYPES = ["person", "place", "office", "organisation", "treaty", "event", "phrase"];

async function api(path, options = {}) {
  const opts = { credentials: "same-origin", ...options, headers: { ...(options.headers || {}) } };
  if (opts.method && opts.method !== "GET") opts.headers["X-CSRF-Token"] = CSRF;
  if (opts.json !== undefined) {
    opts.headers["Content-Type"] = "application/json";
    opts.body = JSON.stringify(opts.json);
    delete opts.json;
  }
  const resp = await fetch(path, opts);
  let data = null;
  try { data = await resp.json(); } catch (e) { data = { error: "bad answer from the server" }; }
  if (!resp.ok) throw new Error((data && data.error) || ("HTTP " + resp.status));
  return data;
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

// Text with the [start, end) spans (code point offsets, as the server counts) in <mark>.
function marked(text, spans, cls = "hit") {
  const chars = Array.from(text || "");
  const frag = document.createDocumentFragment();
  let pos = 0;
  for (const [s, e] of [...(spans || [])].sort((a, b) => a[0] - b[0])) {
    if (s < pos) continue;
    frag.append(chars.slice(pos, s).join(""));
    frag.append(el("mark", { class: cls }, chars.slice(s, e).join("")));
    pos = e;
  }
  frag.append(chars.slice(pos).join(""));
  return frag;
}

function status(id, text, bad = false) {
  const node = $(id);
  node.textContent = text;
  node.classList.toggle("bad", bad);
}

// -- tabs ---------------------------------------------------------------------------------------
for (const b of document.querySelectorAll("nav button")) {
  b.addEventListener("click", () => {
    document.querySelectorAll("nav button").forEach((x) => x.classList.toggle("active", x === b));
    document.querySelectorAll(".tab").forEach((t) => t.classList.toggle("active", t.id === "tab-" + b.dataset.tab));
    if (b.dataset.tab === "glossary") loadGlossary();
  });
}

// -- account ------------------------------------------------------------------------------------
async function whoami() {
  try { ME = (await api("/api/whoami")).user; } catch (e) { ME = null; }
  document.body.classList.toggle("editor", !!ME && ME.role === "editor");
}
if ($("signin")) {
  $("signin").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      await api("/login", { method: "POST", json: { token: $("token").value } });
      location.reload();
    } catch (e) { alert(e.message); }
  });
}
if ($("signout")) {
  $("signout").addEventListener("click", async () => { await api("/logout", { method: "POST" }); location.reload(); });
}

// -- lookup as you type -------------------------------------------------------------------------
function entryItem(r) {
  const li = el("li", { class: "entry" + (r.matched_status === "deprecated" ? " deprecated" : "") });
  const head = el("div", { class: "pair" }, el("span", { lang: "vi", class: "vi" }, r.vi), " = ",
                  el("span", { lang: "en", class: "en" }, r.en), " ", el("span", { class: "tag" }, r.type));
  li.append(head);
  const how = el("div", { class: "how" }, r.match + " match (" + r.score + ") on " + r.matched_status + " " +
                 r.matched_lang + " form ", el("mark", { class: "hit" }, r.matched_form));
  li.append(how);
  const variants = [...r.vi_variants, ...r.en_variants];
  if (variants.length) li.append(el("div", { class: "variants" }, "also: " + variants.join("; ")));
  for (const d of r.deprecated) {
    li.append(el("div", { class: "dep" }, "do not use (" + d.lang + "): ", el("s", {}, d.form),
                  d.reason ? " — " + d.reason : ""));
  }
  if (r.note) li.append(el("div", { class: "note" }, r.note));
  return li;
}

function unitItem(h) {
  const other = h.lang === "vi" ? "en" : "vi";
  return el("li", { class: "unit" },
    el("div", { lang: h.lang }, marked(h.lang === "vi" ? h.vi : h.en, h.spans)),
    el("div", { lang: other, class: "other" }, other === "vi" ? h.vi : h.en),
    el("div", { class: "how" }, "#" + h.id + " " + h.kind + (h.origin ? " · " + h.origin : "")));
}

let lookupSeq = 0;
let lookupTimer = null;
$("lookup-q").addEventListener("input", () => {
  clearTimeout(lookupTimer);
  lookupTimer = setTimeout(runLookup, 120);
});
async function runLookup() {
  const q = $("lookup-q").value;
  const seq = ++lookupSeq;
  if (!q.trim()) { $("lookup-glossary").replaceChildren(); $("lookup-memory").replaceChildren(); return; }
  try {
    const data = await api("/api/lookup?" + new URLSearchParams({ q, examples: 8 }));
    if (seq !== lookupSeq) return;  // a newer query is on its way
    $("lookup-glossary").replaceChildren(...data.glossary.map(entryItem));
    $("lookup-memory").replaceChildren(...data.memory.map(unitItem));
    if (!data.glossary.length) $("lookup-glossary").append(el("li", { class: "none" }, "no entry"));
    if (!data.memory.length) $("lookup-memory").append(el("li", { class: "none" }, "no unit"));
  } catch (e) {
    if (seq === lookupSeq) $("lookup-glossary").replaceChildren(el("li", { class: "bad" }, e.message));
  }
}

// -- concordance --------------------------------------------------------------------------------
$("conc-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  status("conc-status", "searching…");
  try {
    const data = await api("/api/concordance?" + new URLSearchParams({ q: $("conc-q").value, lang: $("conc-lang").value, limit: 50 }));
    $("conc-results").replaceChildren(...data.hits.map(unitItem));
    status("conc-status", data.hits.length + " units" + (data.more ? " shown; more contain it" : ""));
  } catch (e) { status("conc-status", e.message, true); }
});

// -- check a draft ------------------------------------------------------------------------------
let lastReport = null;
let fromFile = false;  // an uploaded draft: suggestions are shown, not put into the text box

function findingItem(f, seg, ignored) {
  const span = [[f.span.start, f.span.end]];
  const li = el("li", { class: "finding " + f.severity, "data-check": f.check },
    el("span", { class: "sev " + f.severity }, f.severity), " ", el("code", {}, f.check), " ",
    el("span", { class: "msg" }, f.message));
  if (seg && seg.unit) li.append(el("div", { class: "how" }, "unit " + seg.unit));
  if (seg) li.append(el("div", { class: "ctx" }, marked(seg.draft, span, f.severity)));
  if (f.suggestion) li.append(el("div", { class: "sugg" }, "→ " + f.suggestion));
  if (!ignored) {
    const row = el("div", { class: "actions" });
    if (f.suggestion && !fromFile) row.append(el("button", { type: "button", class: "accept", onclick: () => accept(f, seg, li) }, "Accept"));
    row.append(el("button", { type: "button", class: "ignore", onclick: () => ignore(f, li) }, "Ignore in project"));
    li.append(row);
  }
  return li;
}

function accept(f, seg, li) {
  const box = $("draft");
  const text = box.value;
  const lines = text.split("\n");
  let base = 0;
  for (let i = 0; i < (seg.draft_line || 1) - 1 && i < lines.length; i++) base += lines[i].length + 1;
  const at = text.indexOf(seg.draft, base);
  if (at < 0) { alert("the draft changed: check it again"); return; }
  const chars = Array.from(seg.draft);
  const start = at + chars.slice(0, f.span.start).join("").length;
  const end = at + chars.slice(0, f.span.end).join("").length;
  box.value = text.slice(0, start) + f.suggestion + text.slice(end);
  li.classList.add("accepted");
  li.querySelector(".actions").replaceChildren(el("em", {}, "accepted"));
}

async function ignore(f, li) {
  try {
    await api("/api/projects/" + encodeURIComponent($("project").value || "default") + "/ignore",
              { method: "POST", json: { check: f.check, text: f.span.text } });
    li.remove();
    const seg = lastReport.segments[f.segment - 1];
    $("check-ignored").append(findingItem(f, seg, true));
    $("ignored-count").textContent = $("check-ignored").children.length;
  } catch (e) { alert(e.message); }
}

$("check-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const form = new FormData();
  fromFile = $("draft-file").files.length > 0;
  if (fromFile) form.append("draft", $("draft-file").files[0]);
  else form.append("draft", $("draft").value);
  if ($("source-file").files.length) form.append("source", $("source-file").files[0]);
  else if ($("source").value.trim()) form.append("source", $("source").value);
  form.append("project", $("project").value || "default");
  status("check-status", "checking…");
  try {
    const data = await api("/api/check", { method: "POST", body: form });
    lastReport = data;
    const segs = data.segments;
    $("check-findings").replaceChildren(...data.findings.map((f) => findingItem(f, segs[f.segment - 1], false)));
    $("check-ignored").replaceChildren(...data.ignored.map((f) => findingItem(f, segs[f.segment - 1], true)));
    $("ignored-count").textContent = data.ignored.length;
    const s = data.summary;
    status("check-status", s.segments + " segments: " + s.error + " errors, " + s.warning + " warnings, " +
           s.info + " info; " + data.ignored.length + " ignored by project rules");
  } catch (e) { status("check-status", e.message, true); }
});

// -- glossary -----------------------------------------------------------------------------------
let current = null;

async function loadGlossary() {
  try {
    const data = await api("/api/glossary?" + new URLSearchParams({ q: $("gl-filter").value, limit: 200 }));
    const rows = data.entries.map((e) => {
      const dep = [...e.vi_deprecated, ...e.en_deprecated].map((d) => d.form).join("; ");
      return el("tr", { "data-id": e.id, onclick: () => openEntry(e.id) },
        el("td", { lang: "vi" }, e.vi), el("td", { lang: "en" }, e.en), el("td", {}, e.type),
        el("td", {}, [...e.vi_variants, ...e.en_variants].join("; ")), el("td", { class: "dep" }, dep),
        el("td", {}, e.note));
    });
    document.querySelector("#gl-table tbody").replaceChildren(...rows);
    status("gl-status", data.total + " entries" + (data.total > rows.length ? " (first " + rows.length + ")" : ""));
  } catch (e) { status("gl-status", e.message, true); }
}
$("gl-filter-form").addEventListener("submit", (ev) => { ev.preventDefault(); loadGlossary(); });

function fillEditor(e) {
  current = e;
  $("gl-editor").hidden = false;
  $("gl-editor-title").textContent = e ? "Entry " + e.id : "New entry";
  $("gl-id").value = e ? e.id : "";
  $("gl-id").readOnly = !!e;
  $("gl-type").replaceChildren(...TYPES.map((t) => el("option", { value: t }, t)));
  $("gl-type").value = e ? e.type : "phrase";
  $("gl-vi").value = e ? e.vi : "";
  $("gl-en").value = e ? e.en : "";
  $("gl-vi-variants").value = e ? e.vi_variants.join("\n") : "";
  $("gl-en-variants").value = e ? e.en_variants.join("\n") : "";
  $("gl-note").value = e ? e.note : "";
  for (const id of ["gl-save", "gl-delete", "gl-deprecate"]) $(id).disabled = !(ME && ME.role === "editor");
  $("gl-delete").hidden = !e;
}

async function openEntry(id) {
  try {
    fillEditor(await api("/api/glossary/" + encodeURIComponent(id)));
    const h = await api("/api/glossary/" + encodeURIComponent(id) + "/history");
    $("gl-history").replaceChildren(...h.history.map((x) => el("li", {}, x.at + " " + x.user + " " + x.action +
      (x.before ? ": " + x.before.vi + " = " + x.before.en : "") + (x.after ? " → " + x.after.vi + " = " + x.after.en : ""))));
  } catch (e) { status("gl-status", e.message, true); }
}

$("gl-new").addEventListener("click", () => { fillEditor(null); $("gl-history").replaceChildren(); });
$("gl-cancel").addEventListener("click", () => { $("gl-editor").hidden = true; });
const lines = (id) => $(id).value.split("\n").map((x) => x.trim()).filter(Boolean);

$("gl-editor").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const body = { type: $("gl-type").value, vi: $("gl-vi").value, en: $("gl-en").value,
                 vi_variants: lines("gl-vi-variants"), en_variants: lines("gl-en-variants"), note: $("gl-note").value };
  try {
    if (current) {
      body.changed = current.changed;
      await api("/api/glossary/" + encodeURIComponent(current.id), { method: "PUT", json: body });
      status("gl-status", "saved " + current.id);
      await openEntry(current.id);
    } else {
      body.id = $("gl-id").value.trim();
      await api("/api/glossary", { method: "POST", json: body });
      status("gl-status", "created " + body.id);
      await openEntry(body.id);
    }
    await loadGlossary();
  } catch (e) { status("gl-status", e.message, true); }
});

$("gl-delete").addEventListener("click", async () => {
  if (!current || !confirm("Delete " + current.id + "?")) return;
  try {
    await api("/api/glossary/" + encodeURIComponent(current.id), { method: "DELETE" });
    $("gl-editor").hidden = true;
    await loadGlossary();
  } catch (e) { status("gl-status", e.message, true); }
});

$("gl-deprecate").addEventListener("click", async () => {
  if (!current) return;
  try {
    await api("/api/glossary/" + encodeURIComponent(current.id) + "/deprecate", { method: "POST", json: {
      lang: $("gl-dep-lang").value, form: $("gl-dep-form").value, reason: $("gl-dep-reason").value,
      replacement: $("gl-dep-repl").value || null } });
    await openEntry(current.id);
    await loadGlossary();
  } catch (e) { status("gl-status", e.message, true); }
});

whoami();
