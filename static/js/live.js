// Live workspace: one event stream per tab says what changed (kinds and ids only); this script fetches what the
// page shows again through the ordinary pages: the notification badge, the inbox count in the tab title, the
// ticket rows of a list (kept selection, filters and scroll; a bar instead while tickets are selected or an older
// page is open), the open ticket's panels (never one being typed in), and desktop notifications once allowed.
(function () {
  "use strict";
  const root = document.getElementById("live");
  if (!root || !window.EventSource) return;
  const T = JSON.parse(document.getElementById("live-i18n").textContent);
  const me = Number(root.dataset.user);
  const badge = document.querySelector("[data-testid=notifications-badge]");
  const baseTitle = document.title;
  const list = document.getElementById("ticket-rows");
  const filters = document.getElementById("ticket-filters");
  const ticketPage = document.querySelector(".ticket-page[data-ticket]");
  const openTicket = ticketPage ? Number(ticketPage.dataset.ticket) : null;
  const bar = document.getElementById("live-bar");
  const toggle = document.getElementById("live-desktop");
  const DESKTOP_KEY = "helpdesk.desktopNotifications";
  const DESKTOP_TOPICS = new Set(["approval", "escalated"]);  // notifications that ask something of the recipient
  let source = null;
  let opened = 0;
  let pendingRows = 0;
  const shown = new Set();  // desktop notifications already shown (by event id)
  // A burst of events (a bulk action, a busy team) asks each page at most once per GAP: soon after the first
  // event, then once more for whatever came during the wait. A hidden tab waits until it is shown again.
  const FIRST = 300;
  const GAP = 1500;
  function throttled(run, { whenHidden = true } = {}) {
    let timer = null;
    let last = 0;
    let missed = false;
    function fire() {
      timer = null;
      if (!whenHidden && document.hidden) { missed = true; return; }
      last = Date.now();
      run();
    }
    document.addEventListener("visibilitychange", () => {
      if (!document.hidden && missed) { missed = false; fire(); }
    });
    return () => {
      if (timer !== null) return;
      timer = setTimeout(fire, Math.max(FIRST, last + GAP - Date.now()));
    };
  }
  let newest = null;  // the newest unread notification id seen, for its desktop notification
  const fill = (text, values) => text.replace(/\{(\w+)\}/g, (all, key) => (key in values ? values[key] : all));

  // --- Counts: the badge and the tab title ---------------------------------------------------------------------
  function showCounts(data) {
    if (badge) {
      badge.textContent = `${T.notifications} ${data.notifications > 99 ? "99+" : data.notifications}`;
      badge.classList.toggle("notifications", data.notifications > 0);
    }
    if (data.inbox !== null) {
      const n = data.inbox > 99 ? "99+" : String(data.inbox);
      document.title = data.inbox > 0 ? `(${n}) ${baseTitle}` : baseTitle;
      const tab = document.querySelector("[data-list=inbox] .saved-views [data-view=all] .count");
      if (tab) tab.textContent = n;
    }
    root.dataset.inbox = data.inbox === null ? "" : String(data.inbox);
  }
  function counts(ticket) {
    const query = ticket ? `?ticket=${ticket}` : "";
    return fetch(root.dataset.counts + query, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : null))
      .then((data) => { if (data) showCounts(data); return data; })
      .catch(() => null);
  }
  const countsSoon = throttled(() => counts());

  // --- The ticket list ------------------------------------------------------------------------------------------
  function busy() {
    const bulk = document.getElementById("bulk-form");
    const selecting = bulk && !bulk.hidden;
    const olderPage = new URLSearchParams(window.location.search).has("cursor");
    const dialog = document.querySelector("dialog[open]");
    return selecting || olderPage || dialog !== null;
  }
  function rowsRefresh() {
    pendingRows = 0;
    if (bar) bar.hidden = true;
    if (filters && window.htmx) window.htmx.trigger(filters, "live-refresh");
  }
  const rowsLater = throttled(() => {
    if (!busy()) { rowsRefresh(); return; }
    if (bar) {
      bar.querySelector("[data-live-text]").textContent = fill(T.news, { count: pendingRows });
      bar.hidden = false;
    }
  }, { whenHidden: false });
  function rowsSoon() {
    if (!list) return;
    pendingRows += 1;
    rowsLater();
  }
  if (bar) bar.querySelector("button").addEventListener("click", rowsRefresh);

  // --- The open ticket's panels ---------------------------------------------------------------------------------
  function typedIn(region) {
    if (region.contains(document.activeElement) && document.activeElement !== document.body) return true;
    return [...region.querySelectorAll("input, textarea, select")].some((field) => {
      if (field.type === "hidden" || field.type === "submit" || field.type === "button") return false;
      if (field.type === "checkbox" || field.type === "radio") return field.checked !== field.defaultChecked;
      if (field.tagName === "SELECT") {
        const options = [...field.options];
        const initial = Math.max(0, options.findIndex((option) => option.defaultSelected));
        return !field.multiple && options.length > 0 && field.selectedIndex !== initial;
      }
      return field.value !== field.defaultValue;
    });
  }
  function ticketRefresh() {
    fetch(window.location.pathname + window.location.search, { credentials: "same-origin" })
      .then((response) => (response.ok ? response.text() : null))
      .then((html) => {
        if (html === null) return;
        const fresh = new DOMParser().parseFromString(html, "text/html");
        document.querySelectorAll("[data-live-region]").forEach((region) => {
          const next = fresh.querySelector(`[data-live-region="${region.dataset.liveRegion}"]`);
          if (!next || typedIn(region)) return;
          region.replaceWith(next);
          if (window.htmx) window.htmx.process(next);
        });
        document.dispatchEvent(new CustomEvent("live:ticket-refreshed"));
      })
      .catch(() => {});
  }
  const ticketSoon = throttled(ticketRefresh, { whenHidden: false });

  // --- Desktop notifications (opt in) ---------------------------------------------------------------------------
  const desktopOn = () => "Notification" in window && Notification.permission === "granted"
    && window.localStorage.getItem(DESKTOP_KEY) === "on";
  function showToggle() {
    if (!toggle) return;
    if (!("Notification" in window) || Notification.permission === "denied") { toggle.hidden = true; return; }
    toggle.hidden = false;
    const on = desktopOn();
    toggle.textContent = on ? T.desktopOff : T.desktopOn;
    toggle.setAttribute("aria-pressed", on ? "true" : "false");
  }
  if (toggle) {
    toggle.addEventListener("click", () => {
      if (desktopOn()) { window.localStorage.setItem(DESKTOP_KEY, "off"); showToggle(); return; }
      Promise.resolve(Notification.requestPermission()).then((permission) => {
        window.localStorage.setItem(DESKTOP_KEY, permission === "granted" ? "on" : "off");
        showToggle();
      });
    });
    showToggle();
  }
  function desktop(event, title, body, url) {
    if (!desktopOn() || shown.has(event.id)) return;
    shown.add(event.id);
    try {
      const note = new Notification(title, { body, tag: `helpdesk-${event.id}` });
      note.onclick = () => { window.focus(); if (url) window.location.href = url; note.close(); };
    } catch (error) { /* a browser that allows notifications only from a service worker: the badge still shows it */ }
  }
  function addressed(event) {
    const title = event.kind === "message" ? T.replied : event.kind === "notification" ? null : T.assigned;
    if (event.kind === "notification") {
      counts().then((data) => {
        if (!data || !data.latest || data.latest.id === newest) return;
        newest = data.latest.id;
        if (DESKTOP_TOPICS.has(event.topic)) desktop(event, T.topics[event.topic] || T.notifications, data.latest.text, data.latest.url);
      });
      return;
    }
    if (!desktopOn() || !event.ticket) return;
    counts(event.ticket).then((data) => {
      if (data && data.ticket) desktop(event, title, data.ticket.number, data.ticket.url);
    });
  }

  // --- The stream -----------------------------------------------------------------------------------------------
  function handle(event) {
    const forMe = event.to === me && event.actor !== me;
    const wantsDesktop = forMe && (event.kind === "notification" || event.kind === "message" ||
                                   event.kind === "assigned" || event.kind === "created");
    if (wantsDesktop && (event.kind === "notification" || desktopOn())) addressed(event);
    else countsSoon();
    if (event.kind !== "notification") rowsSoon();
    // Another person's change to the open ticket (a decision on its remedy comes with a notification to me).
    if (openTicket !== null && event.ticket === openTicket && (event.actor !== me || event.kind === "notification")) ticketSoon();
  }
  function open() {
    source = new EventSource(root.dataset.stream);
    source.addEventListener("hello", () => {
      opened += 1;
      root.dataset.connected = "1";
      counts().then((data) => { if (data && data.latest && newest === null) newest = data.latest.id; });
      if (opened > 1) { rowsSoon(); if (openTicket !== null) ticketSoon(); }  // what happened while we were away
    });
    source.addEventListener("live", (message) => {
      try { handle(JSON.parse(message.data)); } catch (error) { /* a malformed event changes nothing */ }
    });
    source.onerror = () => { root.dataset.connected = ""; };
  }
  window.addEventListener("pagehide", () => { if (source) source.close(); });
  open();
})();
