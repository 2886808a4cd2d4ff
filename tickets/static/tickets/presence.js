// Ticket page: tell the server every few seconds whether this agent is viewing or replying, and show who else is.
// Replying = the reply box has focus or text. Paused while the tab is hidden; "left" is sent when the page goes.
(function () {
  "use strict";
  const list = document.getElementById("ticket-presence");
  if (!list) return;
  const url = list.dataset.presenceUrl;
  const EVERY = 5000;
  const token = () => {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) return input.value;
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  };
  const box = () => document.querySelector("#reply-form textarea[name=body]");
  const state = () => {
    const reply = box();
    return reply && (document.activeElement === reply || reply.value.trim() !== "") ? "replying" : "viewing";
  };
  let timer = null;
  let last = "";

  function body(current) {
    const data = new FormData();
    data.append("state", current);
    data.append("csrfmiddlewaretoken", token());
    return data;
  }

  function beat() {
    last = state();
    fetch(url, { method: "POST", body: body(last), credentials: "same-origin", headers: { "X-CSRFToken": token() } })
      .then((response) => (response.ok ? response.text() : null))
      .then((html) => { if (html !== null) list.innerHTML = html; })
      .catch(() => {});  // presence is a convenience: a missed heartbeat is retried by the next one
  }

  function start() {
    if (timer !== null) return;
    beat();
    timer = setInterval(beat, EVERY);
  }

  function stop() {
    clearInterval(timer);
    timer = null;
  }

  function changed() {
    if (timer !== null && state() !== last) beat();
  }

  const reply = box();
  if (reply) {
    reply.addEventListener("focus", changed);
    reply.addEventListener("blur", changed);
    reply.addEventListener("input", changed);
  }
  document.addEventListener("visibilitychange", () => (document.hidden ? stop() : start()));
  window.addEventListener("pagehide", () => {
    stop();
    navigator.sendBeacon(url, body("left"));
  });
  window.addEventListener("pageshow", (event) => { if (event.persisted && !document.hidden) start(); });
  if (!document.hidden) start();
})();
