/* My day: "Arrived" and "Leaving" with a poor signal, and the offline copy of the week.

   A tap is first written to the phone (localStorage), with its real time and an id made here
   (client_id), then sent to the API. With no signal it stays queued — the page says "Saved on
   this phone, will send" — and goes when the phone is back online (the online event, the next
   load of the page, or a minute's retry). The server answers a client_id it has seen with the
   visit it made, so sending twice never makes two visits. The position is asked for at the
   moment of the check-in only, and the check-in goes without it if the phone refuses or is slow.

   The service worker (static/js/sw.js) keeps this page as last loaded for reading offline. */
"use strict";

(() => {
  const root = document.getElementById("my-day");
  if (!root) {
    return;
  }
  const user = root.dataset.user;
  const api = root.dataset.visitsApi;
  const QUEUE = "shomer.outbox";
  const SENT = "shomer.sent"; // client_id of a check-in -> the visit the server made
  const USER = "shomer.user";
  const POSITION_TIMEOUT_MS = 8000;

  function read(key, fallback) {
    try {
      return JSON.parse(localStorage.getItem(key)) || fallback;
    } catch (unreadable) {
      return fallback;
    }
  }
  function write(key, value) {
    localStorage.setItem(key, JSON.stringify(value));
  }

  // Another officer signed in on this phone: what the last one queued is not theirs to send.
  if (localStorage.getItem(USER) !== user) {
    localStorage.removeItem(QUEUE);
    localStorage.removeItem(SENT);
    localStorage.setItem(USER, user);
  }

  function csrfToken() {
    const input = root.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) {
      return crypto.randomUUID();
    }
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  function clock(iso, box) {
    return new Date(iso).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", timeZone: box.dataset.tz || undefined });
  }

  function position() {
    if (!navigator.geolocation) {
      return Promise.resolve(null);
    }
    return new Promise((resolve) => {
      const done = setTimeout(() => resolve(null), POSITION_TIMEOUT_MS);
      navigator.geolocation.getCurrentPosition(
        (where) => {
          clearTimeout(done);
          resolve({ latitude: where.coords.latitude, longitude: where.coords.longitude });
        },
        () => {
          clearTimeout(done);
          resolve(null);
        },
        { enableHighAccuracy: true, timeout: POSITION_TIMEOUT_MS, maximumAge: 60000 },
      );
    });
  }

  const boxes = () => [...root.querySelectorAll(".visit[data-patrol]")];
  const boxOf = (patrolId) => root.querySelector(`.visit[data-patrol="${patrolId}"]`);

  function say(box, text, kind) {
    const status = box.querySelector(".visit-status");
    status.textContent = text;
    status.className = `visit-status${kind ? ` ${kind}` : ""}`;
  }

  function line(box, key, text) {
    const list = box.querySelector(".visit-list");
    let item = list.querySelector(`li[data-key="${key}"]`);
    if (!item) {
      item = document.createElement("li");
      item.dataset.key = key;
      list.appendChild(item);
    }
    item.textContent = text;
  }

  function show(box) {
    const queue = read(QUEUE, []);
    const pendingIn = queue.find((item) => item.kind === "in" && item.patrol === Number(box.dataset.patrol));
    const pendingOut = queue.find((item) => item.kind === "out" && item.patrol === Number(box.dataset.patrol));
    const inside = Boolean(box.dataset.visit || pendingIn) && !pendingOut && !box.dataset.left;
    const now = Date.now();
    const open = now >= Date.parse(box.dataset.opens) && now <= Date.parse(box.dataset.closes);
    box.querySelector('form[data-action="in"]').hidden = inside || Boolean(pendingOut) || !open;
    box.querySelector('form[data-action="out"]').hidden = !inside;
    if (pendingIn || pendingOut) {
      say(box, "Saved on this phone, will send.", "pending");
    }
  }

  function showAll() {
    boxes().forEach(show);
    const waiting = read(QUEUE, []).length;
    const note = document.getElementById("outbox-note");
    note.hidden = waiting === 0;
    note.textContent = waiting === 1 ? "1 check-in or out saved on this phone, will send." : `${waiting} check-ins and outs saved on this phone, will send.`;
    document.getElementById("offline-note").hidden = navigator.onLine;
  }

  async function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body),
    });
  }

  function refusal(data) {
    if (!data || typeof data !== "object") {
      return "Refused.";
    }
    const first = Object.values(data)[0];
    return Array.isArray(first) ? first.join(" ") : String(first);
  }

  // Sends one queued item. "sent" or "refused" take it off the queue; "later" keeps it.
  async function send(item) {
    let response;
    if (item.kind === "in") {
      response = await post(api, {
        patrol: item.patrol,
        client_id: item.client_id,
        checked_in_at: item.at,
        latitude: item.latitude,
        longitude: item.longitude,
        note: item.note,
      });
    } else {
      const visit = item.visit || read(SENT, {})[item.after];
      if (!visit) {
        return { outcome: "refused", message: "The check-in this check-out follows was not accepted." };
      }
      response = await post(`${api}${visit}/check-out/`, { checked_out_at: item.at, note: item.note });
    }
    const data = await response.json().catch(() => null);
    if (response.ok) {
      return { outcome: "sent", visit: data };
    }
    if (response.status === 400 || response.status === 404) {
      return { outcome: "refused", message: refusal(data) };
    }
    return { outcome: "later" }; // signed out, a server error: try again later
  }

  let flushing = false;
  async function flush() {
    if (flushing) {
      return;
    }
    flushing = true;
    try {
      for (const item of read(QUEUE, [])) {
        let result;
        try {
          result = await send(item);
        } catch (offline) {
          break; // no connection: keep the rest, in order
        }
        if (result.outcome === "later") {
          break;
        }
        write(
          QUEUE,
          read(QUEUE, []).filter((queued) => queued.client_id !== item.client_id),
        );
        const box = boxOf(item.patrol);
        if (result.outcome === "sent" && item.kind === "in") {
          write(SENT, { ...read(SENT, {}), [item.client_id]: result.visit.id });
          if (box) {
            box.dataset.visit = result.visit.id;
            line(box, item.client_id, `Arrived ${clock(result.visit.checked_in_at, box)}${result.visit.note ? ` — ${result.visit.note}` : ""}`);
            say(box, "Checked in.", "ok");
          }
        } else if (result.outcome === "sent" && box) {
          delete box.dataset.visit;
          box.dataset.left = "1";
          line(box, item.after || `visit-${result.visit.id}`, `Arrived ${clock(result.visit.checked_in_at, box)} · left ${clock(result.visit.checked_out_at, box)}${result.visit.note ? ` — ${result.visit.note}` : ""}`);
          say(box, "Checked out.", "ok");
        } else if (box) {
          say(box, result.message, "error");
        }
      }
    } finally {
      flushing = false;
      showAll();
    }
  }

  async function tap(event) {
    event.preventDefault();
    const form = event.currentTarget;
    const box = form.closest(".visit");
    const button = form.querySelector("button");
    button.disabled = true; // a second tap does nothing; a retry is the queue's job
    const at = new Date().toISOString(); // the moment of the tap, before asking for a position
    const note = form.querySelector("input[name=note]").value.trim();
    const patrol = Number(box.dataset.patrol);
    const item = { user, kind: form.dataset.action, client_id: newId(), patrol, at, note };
    if (item.kind === "in") {
      say(box, "Finding your position…", "");
      Object.assign(item, { latitude: null, longitude: null }, (await position()) || {});
      box.dataset.inKey = item.client_id;
      delete box.dataset.left;
      line(box, item.client_id, `Arrived ${clock(at, box)}${note ? ` — ${note}` : ""}`);
    } else {
      item.visit = box.dataset.visit ? Number(box.dataset.visit) : null;
      item.after = box.dataset.inKey || null; // a check-in still queued: its visit id comes later
      line(box, item.after || `visit-${item.visit}`, `Left ${clock(at, box)}${note ? ` — ${note}` : ""}`);
    }
    write(QUEUE, [...read(QUEUE, []), item]);
    form.reset();
    button.disabled = false;
    showAll();
    await flush();
  }

  root.querySelectorAll(".visit-form").forEach((form) => form.addEventListener("submit", tap));
  window.addEventListener("online", () => {
    showAll();
    flush();
  });
  window.addEventListener("offline", showAll);
  setInterval(() => {
    showAll();
    if (navigator.onLine && read(QUEUE, []).length) {
      flush();
    }
  }, 60000);

  if (navigator.serviceWorker && window.isSecureContext) {
    navigator.serviceWorker.register(root.dataset.sw, { scope: root.dataset.scope }).catch(() => undefined);
  }
  showAll();
  flush();
})();
