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
})();
