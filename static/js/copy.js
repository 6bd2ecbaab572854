// "Copy link" buttons: <button data-copy-target="<input id>" data-copied-text="Copied">.
// Copies the input's value (the Clipboard API where allowed, else selects it for the user).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-target]");
    if (!button) return;
    var input = document.getElementById(button.getAttribute("data-copy-target"));
    if (!input) return;
    var label = button.textContent;
    var done = function () {
      button.textContent = button.getAttribute("data-copied-text") || "Copied";
      window.setTimeout(function () { button.textContent = label; }, 2000);
    };
    input.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done, function () { input.select(); });
    } else {
      try { if (document.execCommand("copy")) done(); } catch (e) { /* the text stays selected */ }
    }
  });
})();
