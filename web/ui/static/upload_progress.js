// Upload progress for forms marked data-progress="ID": the file is sent
// with XMLHttpRequest so its progress can be shown. The server streams the
// file into its work as it arrives, so what is sent is what is done. The
// answer is followed like a plain form post would be: a redirect opens its
// page, any other answer replaces this one. Without JavaScript the form
// posts as usual.
(function () {
  "use strict";
  document.querySelectorAll("form[data-progress]").forEach(function (form) {
    var box = document.getElementById(form.getAttribute("data-progress"));
    if (!box || !window.FormData || !window.XMLHttpRequest) return;
    var bar = box.querySelector("progress");
    var text = box.querySelector("[data-progress-text]");
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var button = form.querySelector("button[type=submit]");
      if (button) button.disabled = true;
      box.hidden = false;
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) return;
        var pct = Math.floor((e.loaded / e.total) * 100);
        bar.value = pct;
        text.textContent = pct + "%";
        if (e.loaded === e.total) text.textContent = text.getAttribute("data-done");
      });
      xhr.addEventListener("load", function () {
        if (xhr.responseURL && xhr.responseURL !== form.action) {
          window.location.assign(xhr.responseURL);
          return;
        }
        document.open();
        document.write(xhr.responseText);
        document.close();
      });
      xhr.addEventListener("error", function () {
        text.textContent = text.getAttribute("data-failed");
        if (button) button.disabled = false;
      });
      xhr.send(new FormData(form));
    });
  });
})();
