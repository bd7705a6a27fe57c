// vocdesk: the bulk cancellation page. Without this file the submit button
// posts and the page comes back when the batch is done; with it, the post
// runs in the background while the progress bar follows the rows carried
// out, and the finished batch is shown when the post returns.
(function () {
  "use strict";
  var form = document.querySelector("form[data-batch-submit]");
  var run = document.getElementById("batch-run");
  if (!form || !run || !window.fetch || !window.FormData) return;
  var bar = document.getElementById("batch-progress");
  var text = document.getElementById("batch-progress-text");
  var format = text.getAttribute("data-format") || "{done} / {rows}";
  function show(p) {
    bar.max = p.rows;
    bar.value = p.done;
    text.textContent = format.replace("{done}", p.done).replace("{rows}", p.rows);
  }
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var btn = form.querySelector("button");
    btn.disabled = true;
    var finished = false;
    function poll() {
      if (finished) return;
      fetch(run.getAttribute("data-progress"), { credentials: "same-origin", cache: "no-store" })
        .then(function (r) { return r.json(); })
        .then(function (p) { if (!finished) { show(p); setTimeout(poll, 250); } })
        .catch(function () { if (!finished) setTimeout(poll, 1000); });
    }
    poll();
    fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (r) {
        finished = true;
        // The post redirects to the batch's page; load it as it is now.
        location.href = r.redirected ? r.url : location.href;
      })
      .catch(function () { finished = true; form.submit(); });
  });
})();
