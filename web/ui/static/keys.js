// vocdesk: keyboard shortcuts and the command palette of the console.
// Loaded only for signed-in members of a developer. Every shortcut does
// what a click already does (a link, a focus, a form post); none fires
// while a field has the focus, and "?" lists them in a dialog.
(function () {
  "use strict";

  var live = document.getElementById("kbd-live");
  // say puts a sentence in the polite live region, for screen readers.
  function say(text) {
    if (!live) return;
    live.textContent = "";
    setTimeout(function () { live.textContent = text; }, 40);
  }

  // typing reports whether keys belong to a field rather than to us.
  function typing(el) {
    if (!el) return false;
    var t = el.tagName;
    return el.isContentEditable || t === "INPUT" || t === "TEXTAREA" || t === "SELECT";
  }

  // ---- dialogs: the help and the palette ----

  var opener = null;
  function focusables(d) {
    return Array.prototype.filter.call(
      d.querySelectorAll("a[href], button, input, select, textarea, [tabindex]:not([tabindex='-1'])"),
      function (el) { return !el.disabled && !el.hidden && el.offsetParent !== null; });
  }
  function openDialog(d) {
    if (!d || d.open) return;
    opener = document.activeElement;
    d.showModal();
    var f = focusables(d);
    if (f.length) f[0].focus();
  }
  function closeDialog(d) { if (d && d.open) d.close(); }
  document.querySelectorAll("dialog.kbd-dialog, dialog.palette").forEach(function (d) {
    // showModal makes the page inert; Tab also wraps inside the dialog
    // instead of leaving for the browser's own controls.
    d.addEventListener("keydown", function (ev) {
      if (ev.key !== "Tab") return;
      var f = focusables(d);
      if (!f.length) return;
      var first = f[0], last = f[f.length - 1];
      if (ev.shiftKey && document.activeElement === first) { last.focus(); ev.preventDefault(); }
      else if (!ev.shiftKey && document.activeElement === last) { first.focus(); ev.preventDefault(); }
    });
    d.addEventListener("close", function () { if (opener && opener.focus) opener.focus(); });
    d.addEventListener("click", function (ev) { if (ev.target === d) d.close(); });
    d.querySelectorAll("[data-close]").forEach(function (b) { b.addEventListener("click", function () { d.close(); }); });
  });
  var help = document.getElementById("kbd-help");

  // ---- the inbox's rows ----

  var currentID = null;
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("#inbox-live tr[data-id]")); }
  function currentRow() {
    var rs = rows();
    for (var i = 0; i < rs.length; i++) if (rs[i].getAttribute("data-id") === currentID) return rs[i];
    return null;
  }
  function rowLink(tr) { return tr && tr.querySelector(".inq-title a"); }
  // move makes the next (+1) or previous (-1) row current: it is marked,
  // its subject link takes the focus (screen readers read it) and the live
  // region says where it is in the list.
  function move(step) {
    var rs = rows();
    if (!rs.length) return false;
    var i = rs.indexOf(currentRow());
    i = i < 0 ? 0 : Math.max(0, Math.min(rs.length - 1, i + step));
    rs.forEach(function (tr) { tr.classList.remove("is-current"); tr.removeAttribute("aria-current"); });
    var tr = rs[i];
    currentID = tr.getAttribute("data-id");
    tr.classList.add("is-current");
    tr.setAttribute("aria-current", "true");
    var a = rowLink(tr);
    if (a) { a.focus(); say((i + 1) + " / " + rs.length + ": " + a.textContent); }
    return true;
  }
  // The live inbox swaps the list; the current row stays current.
  var inboxLive = document.getElementById("inbox");
  if (inboxLive && window.MutationObserver) {
    new MutationObserver(function () {
      var tr = currentRow();
      if (tr && !tr.classList.contains("is-current")) tr.classList.add("is-current");
    }).observe(inboxLive, { childList: true, subtree: true });
  }

  // ---- actions, shared by the keys and the palette ----

  function go(url) { window.location.assign(url); }
  function focusBox(id) {
    var el = document.getElementById(id);
    if (!el) return false;
    el.scrollIntoView({ block: "center" });
    el.focus();
    return true;
  }
  function resolve() {
    var st = document.getElementById("wf-status");
    if (st && st.form) { // the inquiry page
      st.value = "resolved";
      st.form.requestSubmit ? st.form.requestSubmit() : st.form.submit();
      return true;
    }
    var tr = currentRow(), bulk = document.getElementById("bulk");
    if (!tr || !bulk) return false;
    document.querySelectorAll('input[name="id"][form="bulk"]').forEach(function (cb) { cb.checked = false; });
    var cb = tr.querySelector('input[name="id"][form="bulk"]');
    var btn = bulk.querySelector('button[name="op"][value="resolve"]');
    if (!cb || !btn) return false;
    cb.checked = true;
    bulk.requestSubmit ? bulk.requestSubmit(btn) : btn.click();
    return true;
  }
  var actions = {
    "j": function () { return move(1); },
    "k": function () { return move(-1); },
    "o": function () { var a = rowLink(currentRow()); if (a) { a.click(); return true; } return false; },
    "r": function () {
      if (focusBox("reply-body")) return true;
      var a = rowLink(currentRow());
      if (a) { go(a.href + "#reply"); return true; }
      return false;
    },
    "n": function () {
      if (focusBox("note-body")) return true;
      var a = rowLink(currentRow());
      if (a) { go(a.href + "#note-body"); return true; }
      return false;
    },
    "e": resolve,
    "/": function () { return focusBox("q") || (go("/console/inquiries#q"), true); },
    "?": function () { openDialog(help); return true; }
  };
  actions.Enter = actions.o;
  var gActions = {
    "i": function () { go("/console/inquiries"); return true; },
    "n": function () { go("/console/notifications"); return true; }
  };

  // A page reached with #reply, #note-body or #q puts the cursor there.
  var hash = window.location.hash;
  if (hash === "#reply") focusBox("reply-body");
  else if (hash === "#note-body" || hash === "#q") focusBox(hash.slice(1));

  var gPending = 0;
  document.addEventListener("keydown", function (ev) {
    if ((ev.ctrlKey || ev.metaKey) && !ev.altKey && (ev.key === "k" || ev.key === "K")) {
      ev.preventDefault();
      openPalette();
      return;
    }
    if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.defaultPrevented) return;
    if (typing(ev.target) || document.querySelector("dialog[open]")) return;
    // Enter on a link or button is the browser's own.
    if (ev.key === "Enter" && ev.target.closest && ev.target.closest("a, button")) return;
    if (gPending && Date.now() - gPending < 1500) {
      gPending = 0;
      if (gActions[ev.key] && gActions[ev.key]()) ev.preventDefault();
      return;
    }
    if (ev.key === "g") { gPending = Date.now(); return; }
    var fn = actions[ev.key];
    if (fn && fn()) ev.preventDefault();
  });

  // ---- the command palette (Ctrl/Cmd-K) ----

  var pal = document.getElementById("palette");
  var q = document.getElementById("palette-q");
  var list = document.getElementById("palette-list");
  var empty = document.getElementById("palette-empty");
  var items = [], shown = [], active = 0;

  // collect lists what may be done here: the console's pages (its
  // navigation and the bell) and the actions that apply to this page.
  function collect() {
    var out = [], seen = {};
    document.querySelectorAll(".mainnav a[href]").forEach(function (a) {
      var label = (a.getAttribute("aria-label") || a.textContent).trim();
      if (seen[a.href]) return;
      seen[a.href] = true;
      out.push({ label: label, run: function () { go(a.href); } });
    });
    document.querySelectorAll("#palette-actions li").forEach(function (li) {
      var key = li.getAttribute("data-key"), url = li.getAttribute("data-go");
      if (url) {
        if (!seen[new URL(url, location.href).href]) out.push({ label: li.textContent.trim(), run: function () { go(url); } });
        return;
      }
      if (!available(key)) return;
      out.push({ label: li.textContent.trim(), hint: key, run: function () { actions[key](); } });
    });
    return out;
  }
  function available(key) {
    switch (key) {
      case "r": return !!document.getElementById("reply-body") || !!currentRow();
      case "n": return !!document.getElementById("note-body") || !!currentRow();
      case "e": return !!document.getElementById("wf-status") || (!!currentRow() && !!document.getElementById("bulk"));
      default: return true;
    }
  }
  // score is a fuzzy match: every character of the query in order in the
  // label, closer together and earlier scoring better; -1 when not all are.
  function score(label, query) {
    label = label.toLowerCase();
    query = query.toLowerCase().replace(/\s+/g, "");
    if (!query) return 0;
    var s = 0, from = 0, last = -1;
    for (var i = 0; i < query.length; i++) {
      var at = label.indexOf(query[i], from);
      if (at < 0) return -1;
      s += at - from + (last >= 0 && at !== last + 1 ? 2 : 0);
      last = at;
      from = at + 1;
    }
    return s;
  }
  function render() {
    var query = q.value;
    shown = items.map(function (it) { return { it: it, s: score(it.label, query) }; })
      .filter(function (x) { return x.s >= 0; })
      .sort(function (a, b) { return a.s - b.s; })
      .map(function (x) { return x.it; });
    active = Math.min(active, Math.max(shown.length - 1, 0));
    list.textContent = "";
    shown.forEach(function (it, i) {
      var li = document.createElement("li");
      li.id = "palette-opt-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", i === active ? "true" : "false");
      li.textContent = it.label;
      if (it.hint) {
        var k = document.createElement("kbd");
        k.textContent = it.hint;
        k.setAttribute("aria-hidden", "true");
        li.appendChild(k);
      }
      li.addEventListener("mousedown", function (ev) { ev.preventDefault(); run(i); });
      list.appendChild(li);
    });
    empty.hidden = shown.length > 0;
    if (shown.length) {
      q.setAttribute("aria-activedescendant", "palette-opt-" + active);
      var el = document.getElementById("palette-opt-" + active);
      if (el && el.scrollIntoView) el.scrollIntoView({ block: "nearest" });
    } else {
      q.removeAttribute("aria-activedescendant");
    }
  }
  function run(i) {
    var it = shown[i];
    if (!it) return;
    opener = null; // the action decides where the focus goes
    pal.close();
    it.run();
  }
  function openPalette() {
    if (!pal || pal.open) return;
    closeDialog(help);
    items = collect();
    q.value = "";
    active = 0;
    render();
    openDialog(pal);
    q.focus();
  }
  if (pal) {
    q.addEventListener("input", function () { active = 0; render(); });
    q.addEventListener("keydown", function (ev) {
      if (ev.key === "ArrowDown") { active = Math.min(active + 1, shown.length - 1); render(); ev.preventDefault(); }
      else if (ev.key === "ArrowUp") { active = Math.max(active - 1, 0); render(); ev.preventDefault(); }
      else if (ev.key === "Enter") { run(active); ev.preventDefault(); }
    });
  }
})();
