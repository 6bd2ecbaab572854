// The board's patrol dialog: htmx loads a patrol (or the add form) into <dialog id="patrol-dialog">,
// and this opens it as a modal; "Close" (a method="dialog" form) closes it without a request.
// After an edit the server triggers `patrol-changed` with the patrols' ids; the board redraws them
// (see board.js), and this keeps the dialog open on the new state.
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
