// Live progress of batch runs: every element with data-progress-url is refreshed each second
// from the small JSON endpoint until its run is no longer queued or running.
(function () {
  "use strict";
  function paint(el, data) {
    var bar = el.querySelector("progress");
    if (bar) { bar.value = data.percent; }
    ["status_label", "done", "total", "changed", "skipped", "errors", "percent"].forEach(function (name) {
      var slot = el.querySelector("[data-field='" + name + "']");
      if (slot) { slot.textContent = data[name]; }
    });
    el.dataset.status = data.status;
  }
  function poll(el) {
    fetch(el.dataset.progressUrl, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        paint(el, data);
        if (data.active) { window.setTimeout(function () { poll(el); }, 1000); }
        else if (el.dataset.reloadWhenDone) { window.location.reload(); }
      })
      .catch(function () { window.setTimeout(function () { poll(el); }, 5000); });
  }
  document.querySelectorAll("[data-progress-url]").forEach(function (el) {
    if (el.dataset.status === "queued" || el.dataset.status === "running") { poll(el); }
  });
})();
