// The calculator shows the fields of the chosen benefit only; without this script the
// "show its facts" button asks the server for the same form.
(function () {
  "use strict";
  var form = document.getElementById("calculator");
  if (!form) { return; }
  var select = form.querySelector("select[name=benefit]");
  function show() {
    form.querySelectorAll("[data-benefits]").forEach(function (row) {
      var fits = row.getAttribute("data-benefits").split(" ").indexOf(select.value) >= 0;
      row.hidden = !fits || !select.value;
      // A hidden field is not sent: a fact typed for another benefit does not travel.
      row.querySelectorAll("input").forEach(function (input) { input.disabled = row.hidden; });
    });
  }
  select.addEventListener("change", show);
  show();
}());
