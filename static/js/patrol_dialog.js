// The patrol dialog on the week board and the day view.
//
// - A chip's time links to its patrol, a row's "+" to the add form: with JavaScript the link's
//   page is fetched by htmx into <dialog id="patrol-dialog"> and shown as a modal; without, the
//   link opens the patrol's page. A click on the empty part of a board cell adds a patrol at that
//   site on that day. "Close" (a method="dialog" form), Escape or the backdrop close it.
// - After an edit the server triggers `patrol-changed` with the patrols' ids and their sites: the
//   board's rows of those sites are fetched again (the board's table names its rows URL), the day
//   view's list likewise, so each chip shows its new time, staffing and markers in the right cell
//   while the dialog stays open on the new state.
(function () {
  "use strict";

  function dialog() {
    return document.getElementById("patrol-dialog");
  }

  function load(url) {
    if (!window.htmx || !dialog()) {
      return false;
    }
    window.htmx.ajax("GET", url, { target: "#patrol-dialog", swap: "innerHTML" });
    return true;
  }

  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) {
      return;
    }
    var link = event.target.closest("table.board tbody a, ol.day-list a");
    if (link) {
      if (load(link.href)) {
        event.preventDefault();
      }
      return;
    }
    // The empty part of a board cell: add a patrol there.
    var cell = event.target.closest("table.board tbody td[data-day]");
    if (cell && event.target === cell) {
      var row = cell.closest("tr[data-site]");
      var add = row && row.querySelector("a.add-patrol");
      if (add) {
        var url = new URL(add.href, window.location.href);
        url.searchParams.set("day", cell.dataset.day);
        load(url.toString());
      }
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var box = dialog();
    if (!box || !(event.detail.target === box || box.contains(event.detail.target))) {
      return;
    }
    if (!box.open) {
      box.showModal();
    }
    // What the answer says (done, refused, or stale with what changed) is shown first.
    var said = box.querySelector("#stale-notice, #dialog-notice, .patrol-dialog [role=alert]");
    if (said) {
      said.scrollIntoView({ block: "nearest" });
    }
    var title = box.querySelector("#patrol-dialog-title");
    if (title && !box.contains(document.activeElement)) {
      title.setAttribute("tabindex", "-1");
      title.focus();
    }
  });

  document.addEventListener("patrol-changed", function (event) {
    if (!window.htmx) {
      return;
    }
    var sites = (event.detail && event.detail.sites) || [];
    var board = document.querySelector("table.board[data-rows-url]");
    if (board) {
      sites.forEach(function (site) {
        var row = board.querySelector('tbody tr[data-site="' + site + '"]');
        if (row) {
          window.htmx.ajax("GET", board.dataset.rowsUrl + "&site=" + encodeURIComponent(site), { target: row, swap: "outerHTML" });
        }
      });
    }
    var list = document.querySelector("ol.day-list");
    if (list) {
      window.htmx.ajax("GET", window.location.href, { target: "ol.day-list", select: "ol.day-list", swap: "outerHTML" });
    }
  });

  // A click on the backdrop (outside the dialog's box) closes it, as Escape does.
  document.addEventListener("click", function (event) {
    var box = dialog();
    if (!box || event.target !== box || !box.open) {
      return;
    }
    var edge = box.getBoundingClientRect();
    var inside = event.clientX >= edge.left && event.clientX <= edge.right && event.clientY >= edge.top && event.clientY <= edge.bottom;
    if (!inside) {
      box.close();
    }
  });
})();
