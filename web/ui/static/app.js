// vocdesk: small progressive enhancements. Every page works without this
// file; it only adds copy buttons, confirmations and a tidier key form.
(function () {
  "use strict";

  // Copy buttons start hidden (they cannot work without script) and copy the
  // text of the element named by data-copy.
  document.querySelectorAll("[data-copy]").forEach(function (btn) {
    if (!navigator.clipboard) return;
    btn.hidden = false;
    btn.addEventListener("click", function () {
      var el = document.querySelector(btn.getAttribute("data-copy"));
      if (!el) return;
      var text = "value" in el && el.value !== undefined ? el.value : el.textContent;
      navigator.clipboard.writeText(text.trim()).then(function () {
        var label = btn.textContent;
        btn.textContent = "✓";
        btn.classList.add("copied");
        setTimeout(function () { btn.textContent = label; btn.classList.remove("copied"); }, 1200);
      });
    });
  });

  // Forms with data-confirm ask before they post (revoking a key cannot be
  // undone).
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      if (!window.confirm(form.getAttribute("data-confirm"))) ev.preventDefault();
    });
  });

  // A select with data-toggles shows the named field only for the
  // "developer" choice (the developer of a developer key).
  document.querySelectorAll("select[data-toggles]").forEach(function (sel) {
    var field = document.getElementById(sel.getAttribute("data-toggles"));
    if (!field) return;
    var sync = function () { field.hidden = sel.value !== "developer"; };
    sel.addEventListener("change", sync);
    sync();
  });

  // ---- The desk ----

  // Buttons only needed without script (the canned reply's "Insert") hide.
  document.querySelectorAll("[data-nojs]").forEach(function (el) { el.hidden = true; });

  // Canned replies: choosing one puts its text (already filled in by the
  // server, as plain text in a <template>) into the reply box, at once.
  document.querySelectorAll("select[data-canned-target]").forEach(function (sel) {
    sel.addEventListener("change", function () {
      var tpl = document.getElementById("canned-" + sel.value);
      var box = document.getElementById(sel.getAttribute("data-canned-target"));
      if (!tpl || !box) return;
      var text = tpl.content ? tpl.content.textContent : tpl.textContent;
      box.value = box.value.trim() ? box.value.replace(/\s*$/, "\n\n") + text : text;
      box.focus();
      box.setSelectionRange(box.value.length, box.value.length);
    });
  });

  // File inputs say at once when a file is too large or there are too many,
  // instead of after the upload. The server checks again.
  document.querySelectorAll("input[type=file][data-max-files]").forEach(function (input) {
    input.addEventListener("change", function () {
      var maxFiles = +input.getAttribute("data-max-files");
      var maxBytes = +input.getAttribute("data-max-mb") * 1024 * 1024;
      var msg = "";
      if (input.files.length > maxFiles) msg = "max " + maxFiles;
      for (var i = 0; i < input.files.length; i++) {
        if (input.files[i].size > maxBytes) msg = input.files[i].name + " > " + input.getAttribute("data-max-mb") + " MB";
      }
      input.setCustomValidity(msg);
      if (msg) input.reportValidity();
    });
  });

  // Select every row of the inbox with one box.
  function wireCheckAll() {
    var all = document.getElementById("check-all");
    if (!all) return;
    all.hidden = false;
    all.addEventListener("change", function () {
      document.querySelectorAll('input[name="id"][form="bulk"]').forEach(function (cb) { cb.checked = all.checked; });
    });
  }
  wireCheckAll();

  // The inbox updates itself: the server's event stream says when what this
  // page shows has changed (a new inquiry, a customer's reply), and the
  // page fetches itself again and swaps the tabs and the list, keeping the
  // rows the person has checked. Rows that were not there before flash.
  var inbox = document.getElementById("inbox");
  if (inbox && window.EventSource && window.DOMParser) {
    var stamp = inbox.getAttribute("data-stamp");
    var busy = false, again = false;
    var refresh = function () {
      if (busy) { again = true; return; }
      busy = true;
      fetch(location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (res) { return res.ok ? res.text() : Promise.reject(res.status); })
        .then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          var fresh = doc.getElementById("inbox");
          if (!fresh) return;
          var checked = {}, known = {};
          document.querySelectorAll('input[name="id"][form="bulk"]:checked').forEach(function (cb) { checked[cb.value] = true; });
          document.querySelectorAll("#inbox-live tr[data-id]").forEach(function (tr) { known[tr.getAttribute("data-id")] = true; });
          ["inbox-tabs", "inbox-live"].forEach(function (id) {
            var old = document.getElementById(id), neu = doc.getElementById(id);
            if (old && neu) old.replaceWith(document.importNode(neu, true));
          });
          document.querySelectorAll('input[name="id"][form="bulk"]').forEach(function (cb) { if (checked[cb.value]) cb.checked = true; });
          document.querySelectorAll("#inbox-live tr[data-id]").forEach(function (tr) {
            if (!known[tr.getAttribute("data-id")]) tr.classList.add("is-new");
          });
          var note = document.getElementById("live-note");
          if (note) note.hidden = false;
          wireCheckAll();
          inbox.setAttribute("data-stamp", fresh.getAttribute("data-stamp"));
        })
        .catch(function () {})
        .then(function () { busy = false; if (again) { again = false; refresh(); } });
    };
    var url = inbox.getAttribute("data-live") + (location.search ? location.search + "&" : "?") + "stamp=" + encodeURIComponent(stamp);
    var es = new EventSource(url);
    es.addEventListener("change", refresh);
    window.addEventListener("pagehide", function () { es.close(); });
  }
  // ---- end of the desk ----
})();
