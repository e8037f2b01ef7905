// Keyboard shortcuts for the work queue and the e-case page (shown with <kbd> on the page):
// a assign, r refuse, c return for correction, y confirm, n next case. Keys typed into a
// field are left alone, so that comments can contain these letters.
(function () {
  "use strict";
  function click(id) {
    var element = document.getElementById(id);
    if (element) { element.click(); return true; }
    return false;
  }
  function focus(selector) {
    var element = document.querySelector(selector);
    if (element) { element.focus(); return true; }
    return false;
  }
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) { return; }
    var handled = false;
    switch (event.key) {
      case "a": handled = click("assign-button"); break;
      case "r": handled = focus("#refuse-form select"); break;
      case "c":
        var box = document.getElementById("return-box");
        if (box) { box.open = true; handled = focus("#return-box textarea"); }
        break;
      case "y": handled = click("confirm-button"); break;
      case "n": handled = click("next-link") || click("open-next"); break;
    }
    if (handled) { event.preventDefault(); }
  });
  // The queue's filters apply as soon as they change.
  var filters = document.getElementById("queue-filters");
  if (filters) {
    filters.addEventListener("change", function () { filters.submit(); });
  }
})();
