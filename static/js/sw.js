/* My day's service worker. Served from /rota/my-day/sw.js, so it controls My day and nothing else.

   It keeps exactly one page: the signed-in officer's own My day as last loaded from the server,
   for reading with no signal, and the static files that page loads. Every other request goes to
   the network untouched (and stays no-store). A My day request answered with a redirect (signed
   out) or an error drops the kept page. Signing out (static/js/session.js) deletes it too. */
"use strict";

const CACHE = "shomer-my-day-v1";
const PAGE = new URL("./", self.registration.scope).href; // the scope is My day itself
const STATIC_PREFIX = new URL("/static/", self.location.origin).href;

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key.startsWith("shomer-") && key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

function myDay(request) {
  const url = new URL(request.url);
  return request.mode === "navigate" && url.origin + url.pathname === PAGE && url.search === "";
}

async function fromNetworkKeepingMyDay(request) {
  const cache = await caches.open(CACHE);
  let response;
  try {
    response = await fetch(request);
  } catch (offline) {
    const kept = await cache.match(PAGE);
    return kept || Response.error();
  }
  if (response.ok && !response.redirected && response.url === PAGE) {
    await cache.put(PAGE, response.clone());
  } else {
    await cache.delete(PAGE); // signed out, or no longer an officer: nothing of it stays
  }
  return response;
}

async function staticFile(request) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(request);
  if (kept) {
    return kept; // static names carry their content's hash: a kept one never goes stale
  }
  const response = await fetch(request);
  if (response.ok) {
    await cache.put(request, response.clone());
  }
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") {
    return;
  }
  if (myDay(request)) {
    event.respondWith(fromNetworkKeepingMyDay(request));
  } else if (request.url.startsWith(STATIC_PREFIX)) {
    event.respondWith(staticFile(request));
  }
});
