// vocdesk: the agent's inquiry page, live. Who else of the team has the
// inquiry open or is typing a reply (collision detection), and @mentions
// of teammates in notes with a list to pick from. Without this file the
// page works as before; the reply's "someone replied meanwhile" check is
// the server's and needs no script.
(function () {
  "use strict";

  // ---- presence ----
  var pres = document.getElementById("presence");
  if (pres && window.EventSource) {
    var url = pres.getAttribute("data-presence");
    var es = new EventSource(url);
    es.addEventListener("presence", function (ev) {
      var d;
      try { d = JSON.parse(ev.data); } catch (e) { return; }
      pres.textContent = d.text || "";
      pres.classList.toggle("is-typing", (d.people || []).some(function (p) { return p.typing; }));
    });
    window.addEventListener("pagehide", function () { es.close(); });

    // Keystrokes in the reply box say "typing", at most every 3 s: the
    // others' pages show it for a few seconds after the last one.
    var box = document.getElementById("reply-body"), lastPost = 0;
    if (box && window.fetch && window.URLSearchParams) {
      box.addEventListener("input", function () {
        var now = Date.now();
        if (now - lastPost < 3000) return;
        lastPost = now;
        var body = new URLSearchParams();
        body.set("csrf", pres.getAttribute("data-csrf"));
        body.set("typing", "1");
        fetch(url, { method: "POST", body: body, credentials: "same-origin" }).catch(function () {});
      });
    }
  }

  // ---- @mentions in notes ----
  document.querySelectorAll("textarea[data-mention]").forEach(function (box) {
    var listbox = document.getElementById(box.getAttribute("data-mention"));
    if (!listbox) return;
    var opts = Array.prototype.slice.call(listbox.querySelectorAll("[role=option]"));
    var shown = [], active = 0, start = -1;
    box.setAttribute("aria-autocomplete", "list");
    // A textarea is a textbox, which takes aria-activedescendant but not
    // aria-expanded (that belongs to a combobox, an input's role).
    box.setAttribute("aria-controls", listbox.id);

    function close() {
      listbox.hidden = true;
      start = -1;
      box.removeAttribute("aria-activedescendant");
    }
    function mark() {
      opts.forEach(function (o) { o.setAttribute("aria-selected", "false"); });
      if (!shown.length) return;
      shown[active].setAttribute("aria-selected", "true");
      box.setAttribute("aria-activedescendant", shown[active].id);
    }
    // The word being typed after an "@" that starts a word, up to the cursor.
    function query() {
      var before = box.value.slice(0, box.selectionStart);
      var m = /(^|[^\w@])@([^\s@]{0,40})$/.exec(before);
      if (!m) return null;
      return { at: before.length - m[2].length - 1, text: m[2].toLowerCase() };
    }
    function update() {
      var q = query();
      if (!q) { close(); return; }
      start = q.at;
      shown = opts.filter(function (o) {
        var show = o.getAttribute("data-name").toLowerCase().indexOf(q.text) >= 0;
        o.hidden = !show;
        return show;
      });
      if (!shown.length) { close(); return; }
      active = Math.min(active, shown.length - 1);
      listbox.hidden = false;
      mark();
    }
    function pick(o) {
      var name = o.getAttribute("data-name");
      var end = box.selectionStart;
      var text = "@" + name + " ";
      box.value = box.value.slice(0, start) + text + box.value.slice(end);
      var caret = start + text.length;
      box.setSelectionRange(caret, caret);
      close();
      box.focus();
    }
    box.addEventListener("input", function () { active = 0; update(); });
    box.addEventListener("blur", function () { setTimeout(close, 150); });
    box.addEventListener("keydown", function (ev) {
      if (listbox.hidden) return;
      if (ev.key === "ArrowDown") { active = (active + 1) % shown.length; mark(); ev.preventDefault(); }
      else if (ev.key === "ArrowUp") { active = (active - 1 + shown.length) % shown.length; mark(); ev.preventDefault(); }
      else if (ev.key === "Enter" || ev.key === "Tab") { pick(shown[active]); ev.preventDefault(); }
      else if (ev.key === "Escape") { close(); ev.preventDefault(); ev.stopPropagation(); }
    });
    opts.forEach(function (o) {
      o.addEventListener("mousedown", function (ev) { ev.preventDefault(); if (start >= 0) pick(o); });
    });
  });
})();
