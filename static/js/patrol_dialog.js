// The board's patrol dialog: htmx loads a patrol (or the add form) into <dialog id="patrol-dialog">,
// and this opens it as a modal; "Close" (a method="dialog" form) closes it without a request.
// After an edit the server triggers `patrol-changed` with the patrols' ids and their sites: the
// board's rows of those sites are fetched again (the board's table names its rows URL), so a chip
// shows its new time, staffing and markers in the right cell while the dialog stays open.
(function () {
  "use strict";

  function dialogOf(element) {
    return element && element.closest ? element.closest("dialog#patrol-dialog") : null;
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    var dialog = dialogOf(event.detail.target) || (event.detail.target && event.detail.target.id === "patrol-dialog" ? event.detail.target : null);
    if (!dialog) {
      return;
    }
    if (!dialog.open) {
      dialog.showModal();
    }
    var title = dialog.querySelector("#patrol-dialog-title");
    if (title && !dialog.contains(document.activeElement)) {
      title.setAttribute("tabindex", "-1");
      title.focus();
    }
  });

  document.addEventListener("patrol-changed", function (event) {
    var board = document.querySelector("table.board[data-rows-url]");
    var sites = (event.detail && event.detail.sites) || [];
    if (!board || !window.htmx) {
      return;
    }
    sites.forEach(function (site) {
      var row = board.querySelector('tbody tr[data-site="' + site + '"]');
      if (row) {
        window.htmx.ajax("GET", board.dataset.rowsUrl + "&site=" + encodeURIComponent(site), { target: row, swap: "outerHTML" });
      }
    });
  });

  // A click on the backdrop (outside the dialog's box) closes it, as Escape does.
  document.addEventListener("click", function (event) {
    var dialog = event.target;
    if (dialog && dialog.id === "patrol-dialog" && dialog.open) {
      var box = dialog.getBoundingClientRect();
      var inside = event.clientX >= box.left && event.clientX <= box.right && event.clientY >= box.top && event.clientY <= box.bottom;
      if (!inside) {
        dialog.close();
      }
    }
  });
})();
