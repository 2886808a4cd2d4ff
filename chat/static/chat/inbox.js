// The agent chat inbox: live queue and conversation over one SSE stream; sending by POST.
(function () {
  "use strict";
  const root = document.getElementById("chat-inbox");
  if (!root) return;
  const T = JSON.parse(document.getElementById("chat-i18n").textContent);
  const me = Number(root.dataset.user);
  const api = root.dataset.api;
  const csrf = document.querySelector("[name=csrfmiddlewaretoken]").value;
  const $ = (id) => document.getElementById(id);
  const waiting = new Map(), mine = new Map();
  let current = null, seqs = new Set(), customerRead = 0, typingTimer = null, lastTyping = 0, pendingBody = null;

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;  // messages are plain text: never parsed as HTML
    return node;
  }
  async function call(path, options = {}) {
    const headers = { "X-CSRFToken": csrf };
    let body = options.body;
    if (options.json !== undefined) { headers["Content-Type"] = "application/json"; body = JSON.stringify(options.json); }
    const response = await fetch(api + path, { method: options.method || "GET", headers, body, credentials: "same-origin" });
    const data = response.status === 204 ? {} : await response.json().catch(() => ({}));
    if (!response.ok) { const error = new Error(response.status); error.status = response.status; error.data = data; throw error; }
    return data;
  }
  function say(message) { $("chat-conn").textContent = message; }
  function errorText(error) {
    const data = error.data || {};
    return Object.values(data).flat().map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join(" ") || T.error;
  }
  function waitText(since) {
    const seconds = Math.max(0, Math.round((Date.now() - new Date(since).getTime()) / 1000));
    return seconds < 60 ? `${seconds}${T.sec}` : `${Math.floor(seconds / 60)}${T.min}${seconds % 60}${T.sec}`;
  }

  function renderLists() {
    const w = $("chat-waiting"); w.replaceChildren();
    [...waiting.values()].sort((a, b) => (a.waiting_since || "").localeCompare(b.waiting_since || "")).forEach((chat) => {
      const li = el("li", "chat-row"); li.dataset.id = chat.id; li.setAttribute("data-testid", "chat-waiting-row");
      const who = el("span", "chat-row-name", chat.name); li.append(who);
      if (chat.is_flagged) li.append(el("span", "badge error", T.flagged));
      li.append(el("span", "muted", ` ${chat.shop} · ${chat.team_name} `));
      const wait = el("span", "chat-wait", waitText(chat.waiting_since)); wait.dataset.since = chat.waiting_since; li.append(wait);
      const accept = el("button", "primary", T.accept); accept.type = "button"; accept.setAttribute("data-testid", "chat-accept");
      accept.addEventListener("click", (ev) => { ev.stopPropagation(); acceptChat(chat.id); });
      li.append(accept);
      li.addEventListener("click", () => openChat(chat.id));
      w.append(li);
    });
    $("chat-waiting-count").textContent = waiting.size;
    const m = $("chat-mine"); m.replaceChildren();
    mine.forEach((chat) => {
      const li = el("li", "chat-row" + (current === chat.id ? " current" : "") + (chat.unread ? " unread" : ""));
      li.dataset.id = chat.id; li.setAttribute("data-testid", "chat-mine-row");
      li.append(el("span", "chat-row-name", chat.name), el("span", "muted", ` ${chat.shop}`));
      if (chat.unread) li.append(el("span", "badge notifications", String(chat.unread)));
      li.addEventListener("click", () => openChat(chat.id));
      m.append(li);
    });
    $("chat-load").textContent = `${mine.size}/${$("chat-load").dataset.max}`;
  }

  async function loadLists() {
    const [w, m] = await Promise.all([call("sessions/?view=waiting"), call("sessions/?view=mine")]);
    waiting.clear(); mine.clear();
    w.forEach((c) => waiting.set(c.id, c)); m.forEach((c) => mine.set(c.id, c));
    renderLists();
    if (current) refreshCurrent();
  }

  async function acceptChat(id) {
    try {
      const chat = await call(`sessions/${id}/accept/`, { method: "POST" });
      waiting.delete(id); mine.set(id, chat); renderLists(); openChat(id);
    } catch (error) { say(errorText(error)); if (error.status === 409) { waiting.delete(id); renderLists(); } }
  }

  function addMessage(m) {
    if (!current || m.session !== current || seqs.has(m.seq)) return;
    seqs.add(m.seq);
    const li = el("li", `chat-msg chat-${m.sender}`); li.dataset.seq = m.seq; li.setAttribute("data-testid", "agent-chat-message");
    const head = el("span", "chat-msg-head", `${m.sender === "customer" ? $("chat-name").textContent : (m.author_name || T.system)} · ${new Date(m.created_at).toLocaleTimeString()}`);
    li.append(head);
    if (m.body) li.append(el("div", "chat-text", m.body));
    if (m.is_masked) li.append(revealForm(m));
    if (m.image) { const img = el("img", "chat-img"); img.src = m.image; img.alt = T.image; li.append(img); }
    if (m.sender === "agent") li.append(el("span", "chat-mark", ""));
    const after = [...$("chat-log").children].find((c) => Number(c.dataset.seq) > m.seq);
    $("chat-log").insertBefore(li, after || null);
    $("chat-log").scrollTop = $("chat-log").scrollHeight;
    marks();
    if (m.sender === "customer") { $("chat-typing").hidden = true; call(`sessions/${current}/read/`, { method: "POST", json: { seq: m.seq } }).catch(() => {}); }
  }
  function revealForm(m) {
    // Personal data in the text is masked; revealing it takes a reason and is audited.
    const form = el("form", "chat-reveal");
    const reason = el("input"); reason.name = "reason"; reason.required = true; reason.maxLength = 255;
    reason.placeholder = T.revealReason; reason.setAttribute("aria-label", T.revealReason);
    const button = el("button", "link", T.reveal); button.type = "submit"; button.setAttribute("data-testid", "chat-reveal");
    form.append(reason, button);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      try {
        const data = await call(`sessions/${m.session}/reveal/`, { method: "POST", json: { message: m.id, reason: reason.value } });
        form.parentNode.querySelector(".chat-text").textContent = data.body;
        form.remove();
      } catch (error) { say(errorText(error)); }
    });
    return form;
  }
  function marks() {
    $("chat-log").querySelectorAll(".chat-agent .chat-mark").forEach((mark) => {
      const read = Number(mark.parentNode.dataset.seq) <= customerRead;
      mark.textContent = read ? T.read : T.sent; mark.classList.toggle("is-read", read);
    });
  }

  async function openChat(id) {
    current = id; seqs = new Set(); customerRead = 0;
    $("chat-input").dataset.cannedUrl = `${root.dataset.card}${id}/canned/`;
    if (mine.has(id)) mine.get(id).unread = 0;
    renderLists();
    $("chat-empty").hidden = true; $("chat-conversation").hidden = false;
    $("chat-log").replaceChildren(); $("chat-warning").hidden = true; $("chat-transfer").hidden = true; $("chat-end").hidden = true;
    await refreshCurrent();
    const html = await fetch(`${root.dataset.card}${id}/card/`, { credentials: "same-origin" }).then((r) => r.text());
    $("chat-card").innerHTML = html;  // server-rendered, escaped by Django templates
    const options = $("chat-card").querySelector("#chat-open-tickets");
    const select = $("chat-end-ticket"); select.length = 1;
    if (options) select.append(options.content.cloneNode(true));
  }
  async function refreshCurrent() {
    const chat = await call(`sessions/${current}/`);
    $("chat-name").textContent = chat.name;
    $("chat-meta").textContent = `${chat.shop} · ${chat.team_name} · ${T.status[chat.status] || chat.status}${chat.agent_name ? " · " + chat.agent_name : ""}`;
    customerRead = chat.customer_read_seq;
    const mineNow = chat.status === "active" && chat.agent === me;
    $("chat-compose").hidden = !mineNow; $("chat-transfer-open").hidden = !mineNow && chat.status !== "waiting";
    $("chat-end-open").hidden = chat.status === "ended";
    chat.messages.forEach(addMessage);
  }

  async function send(body, confirm) {
    try {
      const m = await call(`sessions/${current}/messages/`, { method: "POST", json: { body, confirm_language: !!confirm } });
      $("chat-input").value = ""; $("chat-warning").hidden = true; addMessage(m);
      $("chat-input").dispatchEvent(new Event("phrases:check", { bubbles: true }));
    } catch (error) {
      if (error.status === 400 && error.data.language) {
        pendingBody = body;
        const box = $("chat-warning"); box.replaceChildren(el("strong", "", T.languageWarning));
        error.data.language.forEach((hit) => box.append(el("div", "", `「${hit.phrase}」→ ${hit.suggestion || "—"}`)));
        const anyway = el("button", "", T.sendAnyway); anyway.type = "button"; anyway.setAttribute("data-testid", "chat-send-anyway");
        anyway.addEventListener("click", () => send(pendingBody, true));
        box.append(anyway); box.hidden = false;
      } else { say(errorText(error)); }
    }
  }

  $("chat-compose").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const body = $("chat-input").value.trim();
    if (body) send(body, false);
  });
  $("chat-input").addEventListener("keydown", (ev) => { if (ev.key === "Enter" && !ev.shiftKey) { ev.preventDefault(); $("chat-compose").requestSubmit(); } });
  // "/" canned replies: the shared picker (static/js/canned.js) reads the open chat's data-canned-url.
  $("chat-input").addEventListener("input", () => {
    if (Date.now() - lastTyping > 2000) { lastTyping = Date.now(); call(`sessions/${current}/typing/`, { method: "POST" }).catch(() => {}); }
  });
  $("chat-image").addEventListener("change", async () => {
    const file = $("chat-image").files[0]; if (!file) return;
    const data = new FormData(); data.append("image", file);
    try { addMessage(await call(`sessions/${current}/images/`, { method: "POST", body: data })); } catch (error) { say(errorText(error)); }
    $("chat-image").value = "";
  });
  $("chat-transfer-open").addEventListener("click", () => { $("chat-transfer").hidden = !$("chat-transfer").hidden; $("chat-end").hidden = true; });
  $("chat-end-open").addEventListener("click", () => { $("chat-end").hidden = !$("chat-end").hidden; $("chat-transfer").hidden = true; });
  $("chat-transfer").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const f = ev.target.elements;
    try {
      await call(`sessions/${current}/transfer/`, { method: "POST", json: { agent: Number(f.agent.value) || null, team: Number(f.team.value) || null, note: f.note.value } });
      ev.target.hidden = true; await loadLists();
    } catch (error) { say(errorText(error)); }
  });
  $("chat-end").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const f = ev.target.elements;
    try {
      const data = await call(`sessions/${current}/end/`, { method: "POST", json: { ticket: Number(f.ticket.value) || null, resolve: f.resolve.checked } });
      ev.target.hidden = true; mine.delete(current); renderLists();
      const link = el("a", "", T.filedAs.replace("{number}", data.ticket_number)); link.href = `/tickets/${data.ticket}/`;
      link.setAttribute("data-testid", "chat-ticket-link");
      $("chat-log").append(el("li", "chat-msg chat-system")); $("chat-log").lastChild.append(link);
      $("chat-compose").hidden = true; $("chat-end-open").hidden = true;
    } catch (error) { say(errorText(error)); }
  });
  $("chat-presence").addEventListener("change", async (ev) => {
    try { await call("presence/", { method: "POST", json: { status: ev.target.value } }); await loadLists(); } catch (error) { say(errorText(error)); }
  });
  $("chat-notify").addEventListener("click", () => { if ("Notification" in window) Notification.requestPermission(); });

  function beep() {
    try {
      const ctx = new (window.AudioContext || window.webkitAudioContext)();
      const osc = ctx.createOscillator(); const gain = ctx.createGain();
      osc.frequency.value = 880; gain.gain.value = 0.08; osc.connect(gain); gain.connect(ctx.destination);
      osc.start(); osc.stop(ctx.currentTime + 0.25);
    } catch (e) { /* no audio: the list still updates */ }
  }
  function notify(title, body) {
    beep();
    if ("Notification" in window && Notification.permission === "granted" && document.hidden) new Notification(title, { body });
  }

  function onEvent(e) {
    const ev = JSON.parse(e.data);
    const chat = ev.chat;
    switch (ev.type) {
      case "created":
        if (chat && chat.status === "waiting") { waiting.set(chat.id, chat); notify(T.newChat, `${chat.name} · ${chat.shop}`); }
        break;
      case "accepted": case "assigned": case "transferred": case "requeued": case "ended":
        if (chat) {
          waiting.delete(chat.id);
          if (chat.status === "waiting") waiting.set(chat.id, chat);
          if (chat.status === "active" && chat.agent === me) {
            if (!mine.has(chat.id) && ev.type !== "accepted") notify(T.assigned, chat.name);
            mine.set(chat.id, chat);
          } else mine.delete(chat.id);
          if (current === chat.id) refreshCurrent();
        }
        break;
      case "message":
        if (ev.message.session === current) addMessage(ev.message);
        else if (mine.has(ev.session) && ev.message.sender === "customer") { mine.get(ev.session).unread = (mine.get(ev.session).unread || 0) + 1; notify(T.newMessage, ev.message.body); }
        break;
      case "read":
        if (ev.session === current) { customerRead = Math.max(customerRead, ev.data.seq); marks(); }
        break;
      case "presence":
        break;
    }
    renderLists();
  }

  let lastId = null;
  function connect() {
    const url = root.dataset.stream + (lastId ? `?last_event_id=${lastId}` : "");
    const stream = new EventSource(url);
    ["created", "accepted", "assigned", "transferred", "requeued", "ended", "message", "read", "presence"].forEach((type) =>
      stream.addEventListener(type, (e) => { if (e.lastEventId) lastId = e.lastEventId; onEvent(e); }));
    stream.addEventListener("typing", (e) => {
      const ev = JSON.parse(e.data);
      if (ev.session !== current) return;
      $("chat-typing").textContent = T.typing; $("chat-typing").hidden = false;
      clearTimeout(typingTimer); typingTimer = setTimeout(() => { $("chat-typing").hidden = true; }, 3000);
    });
    stream.onopen = () => { say(""); loadLists().catch(() => {}); };  // after a reconnect, fetch the lists again
    stream.onerror = () => say(T.reconnecting);
  }
  setInterval(() => document.querySelectorAll(".chat-wait").forEach((node) => { node.textContent = waitText(node.dataset.since); }), 1000);
  loadLists().catch(() => {});
  connect();
})();
