"""The web page: one server-rendered shell, filled by a small script (``static/app.js``, no build step).

The shell carries the CSRF token (see :mod:`tm.web.auth`) and the signed-in user;
everything else comes from the JSON API and is put into the page as text nodes
(the script never assigns HTML), so hostile glossary entries or drafts show as
written. The content security policy allows scripts and styles from this server
only (no inline script).
"""
from __future__ import annotations

from html import escape
from importlib import resources

__all__ = ["render_page", "static_file", "CSP"]

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
_STATIC = {"app.js": "application/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8"}


def static_file(name: str) -> tuple[bytes, str] | None:
    """The bytes and media type of a bundled static file, or None."""
    if name not in _STATIC:
        return None
    return resources.files("tm.web").joinpath("static", name).read_bytes(), _STATIC[name]


def render_page(*, csrf: str, user: dict | None, stats: dict, private: bool) -> str:
    """The page shell for one visitor."""
    who = (f'<span id="who" data-role="{escape(user["role"])}">{escape(user["name"])} '
           f'({escape(user["role"])})</span> <button type="button" id="signout">Sign out</button>'
           if user else
           '<form id="signin" autocomplete="off"><label>Token <input type="password" id="token" '
           'name="token" size="24" required></label> <button type="submit">Sign in</button></form>')
    counts = f'{stats["units"]:,} units · {stats["terms"]:,} glossary entries'
    return f"""<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csrf-token" content="{escape(csrf)}">
<title>songngu</title>
<link rel="stylesheet" href="/static/app.css">
<script src="/static/app.js" defer></script>
</head>
<body>
<header>
  <h1>songngu <small>song ngữ · Vietnamese ⇄ English memory and glossary</small></h1>
  <div id="account">{who}</div>
</header>
<p class="counts">{escape(counts)}{' · private' if private else ''}</p>
<nav role="tablist">
  <button type="button" role="tab" data-tab="lookup" class="active">Lookup</button>
  <button type="button" role="tab" data-tab="concordance">Concordance</button>
  <button type="button" role="tab" data-tab="check">Check a draft</button>
  <button type="button" role="tab" data-tab="glossary">Glossary</button>
</nav>
<main>
<section id="tab-lookup" class="tab active">
  <input id="lookup-q" type="search" placeholder="Type a term or phrase: Bình Nhưỡng, binh nhuong, Pyongyang…"
         autocomplete="off" autofocus>
  <div class="cols">
    <div><h2>Glossary</h2><ol id="lookup-glossary" class="results"></ol></div>
    <div><h2>Memory</h2><ol id="lookup-memory" class="results"></ol></div>
  </div>
</section>
<section id="tab-concordance" class="tab">
  <form id="conc-form"><input id="conc-q" type="search" placeholder="A phrase: quan hệ ngoại giao" required>
    <select id="conc-lang"><option value="auto">auto</option><option value="vi">vi</option>
    <option value="en">en</option></select> <button type="submit">Search</button></form>
  <p id="conc-status" class="status"></p>
  <ol id="conc-results" class="results"></ol>
</section>
<section id="tab-check" class="tab">
  <form id="check-form">
    <div class="cols">
      <label>Draft translation<textarea id="draft" name="draft" rows="10"></textarea></label>
      <label>Source (optional)<textarea id="source" name="source" rows="10"></textarea></label>
    </div>
    <p>or upload: draft <input type="file" id="draft-file" accept=".txt,.md,.xlf,.xliff,.sdlxliff,.mqxliff,text/plain">
       source <input type="file" id="source-file" accept=".txt,.md,text/plain">
       · project <input id="project" value="default" size="12" maxlength="100">
       <button type="submit" id="check-run">Check</button></p>
  </form>
  <p class="how">An XLIFF draft (.xlf, .xliff, .sdlxliff, .mqxliff) is checked against its own sources.</p>
  <p id="check-status" class="status"></p>
  <ol id="check-findings" class="results"></ol>
  <details id="check-ignored-box"><summary>Ignored in this project (<span id="ignored-count">0</span>)</summary>
    <ol id="check-ignored" class="results"></ol></details>
</section>
<section id="tab-glossary" class="tab">
  <form id="gl-filter-form"><input id="gl-filter" type="search" placeholder="Filter entries">
    <button type="submit">Filter</button> <button type="button" id="gl-new" class="editor-only">New entry</button></form>
  <p id="gl-status" class="status"></p>
  <table id="gl-table"><thead><tr><th>Vietnamese</th><th>English</th><th>Type</th><th>Variants</th>
    <th>Deprecated</th><th>Note</th></tr></thead><tbody></tbody></table>
  <form id="gl-editor" hidden>
    <h2 id="gl-editor-title">Entry</h2>
    <div class="grid">
      <label>Id <input id="gl-id" required></label>
      <label>Type <select id="gl-type"></select></label>
      <label>Vietnamese <input id="gl-vi" required></label>
      <label>English <input id="gl-en" required></label>
      <label>Vietnamese variants (one per line)<textarea id="gl-vi-variants" rows="2"></textarea></label>
      <label>English variants (one per line)<textarea id="gl-en-variants" rows="2"></textarea></label>
      <label>Note <textarea id="gl-note" rows="2"></textarea></label>
    </div>
    <p><button type="submit" id="gl-save">Save</button> <button type="button" id="gl-delete">Delete</button>
       <button type="button" id="gl-cancel">Close</button></p>
    <fieldset><legend>Deprecate a form</legend>
      <select id="gl-dep-lang"><option>vi</option><option>en</option></select>
      <input id="gl-dep-form" placeholder="form"> <input id="gl-dep-reason" placeholder="reason">
      <input id="gl-dep-repl" placeholder="replacement (for the preferred term)">
      <button type="button" id="gl-deprecate">Deprecate</button></fieldset>
    <h3>History</h3><ol id="gl-history" class="results"></ol>
  </form>
</section>
</main>
<footer>API: <a href="/openapi.json">/openapi.json</a> · amaGama: <code>/tmserver/vi/en/unit/TEXT</code></footer>
</body>
</html>
"""
