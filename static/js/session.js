/* What a phone keeps of Shomer goes when its user signs out: My day's offline copy (the service
   worker's cache), the service worker itself, and the check-ins queued on the phone. The login
   page also drops the offline copy, so the next person signing in on this phone never reads it. */
"use strict";

(() => {
  function dropOfflineCopy() {
    const jobs = [];
    if (window.caches) {
      jobs.push(caches.keys().then((keys) => Promise.all(keys.filter((key) => key.startsWith("shomer-")).map((key) => caches.delete(key)))));
    }
    if (navigator.serviceWorker) {
      jobs.push(navigator.serviceWorker.getRegistrations().then((registrations) => Promise.all(registrations.map((registration) => registration.unregister()))));
    }
    return Promise.all(jobs).catch(() => undefined);
  }

  function forgetQueued() {
    try {
      Object.keys(localStorage)
        .filter((key) => key.startsWith("shomer."))
        .forEach((key) => localStorage.removeItem(key));
    } catch (unavailable) {
      /* storage disabled: nothing kept */
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("form[data-sign-out]").forEach((form) => {
      form.addEventListener("submit", (event) => {
        if (form.dataset.cleared || !navigator.onLine) {
          return; // offline, the sign-out cannot reach the server: keep what is queued to send
        }
        event.preventDefault();
        forgetQueued();
        const timeout = new Promise((resolve) => setTimeout(resolve, 1500));
        Promise.race([dropOfflineCopy(), timeout]).then(() => {
          form.dataset.cleared = "1";
          form.submit();
        });
      });
    });
    if (document.querySelector("[data-drop-offline-copy]")) {
      dropOfflineCopy();
    }
  });
})();
