// The rule form: the fields a planner has touched (the live preview shows only their errors),
// rows of dates to add and remove, and the observance filter box. Without this script the form
// still works: every observance shows, and one empty date row adds a date per save or preview.
(function () {
  "use strict";

  function init() {
    var form = document.getElementById("rule-form");
    if (!form) return;

    var touchedInput = form.querySelector("[data-touched]");
    var touched = new Set();
    function touch(event) {
      var name = event.target && event.target.name;
      if (!name || name === "touched" || event.target.id === "observance-filter") return;
      touched.add(name);
      touchedInput.value = Array.from(touched).join(",");
    }
    // Capture: the list is written before htmx reads the form for the preview.
    form.addEventListener("input", touch, true);
    form.addEventListener("change", touch, true);

    form.querySelectorAll("[data-date-list]").forEach(function (list) {
      var add = list.querySelector("[data-add-date]");
      add.hidden = false;
      list.querySelectorAll("[data-remove-date]").forEach(function (button) { button.hidden = false; });
      add.addEventListener("click", function () {
        var rows = list.querySelectorAll("[data-date-row]");
        var row = rows[rows.length - 1].cloneNode(true);
        row.querySelector("input").value = "";
        add.parentNode.insertBefore(row, add);
        row.querySelector("input").focus();
      });
      list.addEventListener("click", function (event) {
        var button = event.target.closest("[data-remove-date]");
        if (!button) return;
        var row = button.closest("[data-date-row]");
        var input = row.querySelector("input");
        touched.add(input.name);
        touchedInput.value = Array.from(touched).join(",");
        if (list.querySelectorAll("[data-date-row]").length > 1) {
          row.remove();
        } else {
          input.value = "";
        }
        form.dispatchEvent(new Event("change", { bubbles: true }));
      });
    });

    var box = form.querySelector("[data-filter-box]");
    if (box) {
      box.hidden = false;
      var filter = box.querySelector("input");
      var empty = form.querySelector("[data-filter-empty]");
      filter.addEventListener("input", function () {
        var words = filter.value.trim().toLowerCase();
        var shown = 0;
        form.querySelectorAll("[data-filter-scope] label").forEach(function (label) {
          var row = label.parentNode;
          var match = !words || label.textContent.toLowerCase().indexOf(words) !== -1;
          row.hidden = !match;
          if (match) shown += 1;
        });
        form.querySelectorAll("[data-filter-scope] fieldset").forEach(function (group) {
          var rows = group.querySelectorAll("label");
          var visible = Array.prototype.some.call(rows, function (label) { return !label.parentNode.hidden; });
          group.hidden = !visible;
        });
        empty.hidden = shown > 0;
      });
      // Enter in the filter box filters; it does not save the rule.
      filter.addEventListener("keydown", function (event) {
        if (event.key === "Enter") event.preventDefault();
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
