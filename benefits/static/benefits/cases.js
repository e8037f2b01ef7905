// Keyboard shortcuts for the work queue and the e-case page (shown with <kbd> on the page):
// t take, a assign, r refuse, c return for correction, y confirm, n next case. Keys typed
// into a field are left alone, so that comments can contain these letters.
//
// A decision never goes out on one key: every form marked data-confirm (assign, refuse,
// return, confirm) opens a confirmation first, whether sent by a shortcut, a click or Enter
// in one of its fields. Enter (the focused "Yes") sends it; Esc cancels.
(function () {
  "use strict";
  var dialog = document.getElementById("confirm-dialog");
  var pending = null;

  function ask(form) {
    if (!dialog || typeof dialog.showModal !== "function") { return false; }
    var override = form.querySelector("[name=override_gross]");
    var text = (override && override.value && form.dataset.confirmOverride) || form.dataset.confirm;
    document.getElementById("confirm-text").textContent = text;
    pending = form;
    dialog.returnValue = "";
    dialog.showModal();
    document.getElementById("confirm-yes").focus();
    return true;
  }

  if (dialog) {
    dialog.addEventListener("close", function () {
      var form = pending;
      pending = null;
      if (form && dialog.returnValue === "yes") {
        form.dataset.confirmed = "1";
        form.requestSubmit();
      }
    });
  }
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.confirmed === "1") { return; }
      if (ask(form)) { event.preventDefault(); }
    });
  });

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
  function confirmForm(id) {
    var form = document.getElementById(id);
    return form ? ask(form) : false;
  }
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (dialog && dialog.open) { return; }
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) { return; }
    var handled = false;
    switch (event.key) {
      case "t": handled = click("take-button"); break;
      case "a": handled = confirmForm("assign-form"); break;
      case "r": handled = focus("#refuse-form select"); break;
      case "c":
        var box = document.getElementById("return-box");
        if (box) { box.open = true; handled = focus("#return-box textarea"); }
        break;
      case "y": handled = confirmForm("confirm-form"); break;
      case "n": handled = click("next-link") || click("open-next"); break;
    }
    if (handled) { event.preventDefault(); }
  });
  var printButton = document.getElementById("print-letter");
  if (printButton) {
    printButton.addEventListener("click", function () { window.print(); });
  }
  // The queue's filters apply as soon as they change.
  var filters = document.getElementById("queue-filters");
  if (filters) {
    filters.addEventListener("change", function () { filters.submit(); });
  }
})();
