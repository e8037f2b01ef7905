// A file input hidden behind its label, styled as a button: the input names the span showing the
// chosen file (data-file-name), whose data-none is said when there is none, in the page's
// language instead of the browser's own words. data-required is what a submit without a file
// is told (no inline handler: the CSP allows none).
document.querySelectorAll("input[type=file][data-file-name]").forEach(function (input) {
  "use strict";
  var shown = document.getElementById(input.dataset.fileName);
  function update() {
    var names = Array.prototype.map.call(input.files || [], function (file) { return file.name; });
    shown.textContent = names.length ? names.join(", ") : shown.dataset.none;
    shown.classList.toggle("chosen", names.length > 0);
    if (input.dataset.required) {
      input.setCustomValidity(names.length ? "" : input.dataset.required);
    }
  }
  input.addEventListener("change", update);
  window.addEventListener("pageshow", update);
  update();
});
