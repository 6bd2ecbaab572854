// The week board's "All" buttons: tick (or, when all are ticked, untick) every patrol of a day
// column or a site row. Delegated from the document, so rows loaded later by htmx work too.
(function () {
  "use strict";

  function boxesFor(button) {
    if (button.dataset.select === "row") {
      var row = button.closest("tr");
      return row ? Array.prototype.slice.call(row.querySelectorAll('input[name="patrols"]')) : [];
    }
    var day = button.dataset.day;
    var table = button.closest("table");
    if (!table || !day) {
      return [];
    }
    return Array.prototype.slice.call(table.querySelectorAll('td[data-day="' + day + '"] input[name="patrols"]'));
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-select]");
    if (!button) {
      return;
    }
    var boxes = boxesFor(button);
    var tick = boxes.some(function (box) { return !box.checked; });
    boxes.forEach(function (box) { box.checked = tick; });
    button.setAttribute("aria-pressed", tick && boxes.length ? "true" : "false");
    document.dispatchEvent(new CustomEvent("board:selection", { detail: { count: document.querySelectorAll('input[name="patrols"]:checked').length } }));
  });
})();
