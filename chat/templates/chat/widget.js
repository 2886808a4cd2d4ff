{% load i18n %}{% translate "Read" context "chat read state" as t_read %}{% translate "Sent" context "chat read state" as t_sent %}{% translate "Send" context "chat" as t_send %}/* Helpdesk chat widget: <script src="/chat/widget.js" data-shop="KEY" data-customer-token="SIGNED"></script> */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__helpdeskChat) return;
  window.__helpdeskChat = true;
  var shop = script.getAttribute("data-shop") || "";
  var customerToken = script.getAttribute("data-customer-token") || "";
  var base = new URL(script.src, location.href).origin;
  var T = {
    open: "{{ _('Chat with us')|escapejs }}", close: "{{ _('Close')|escapejs }}",
    start: "{{ _('Start chatting')|escapejs }}", name: "{{ _('Your name')|escapejs }}", phone: "{{ _('Mobile phone')|escapejs }}",
    intro: "{{ _('Tell us who you are and an agent will be with you shortly.')|escapejs }}",
    introSigned: "{{ _('You are signed in; start chatting with our service team.')|escapejs }}",
    waiting: "{{ _('Waiting for an agent…')|escapejs }}", agent: "{{ _('Agent {name} is serving you')|escapejs }}",
    typing: "{{ _('is typing…')|escapejs }}", read: "{{ t_read|escapejs }}",
    unread: "{{ t_sent|escapejs }}",
    send: "{{ t_send|escapejs }}", placeholder: "{{ _('Type a message…')|escapejs }}",
    emoji: "{{ _('Emoji')|escapejs }}", imageShort: "{{ _('Image')|escapejs }}", image: "{{ _('Send an image')|escapejs }}",
    ended: "{{ _('The chat has ended. Thank you!')|escapejs }}", newChat: "{{ _('New chat')|escapejs }}",
    offline: "{{ _('No agent is online right now. Leave a message and we will get back to you.')|escapejs }}",
    leave: "{{ _('Leave a message')|escapejs }}", message: "{{ _('Your message')|escapejs }}",
    left: "{{ _('Thank you! Your message was received as ticket {number}.')|escapejs }}",
    error: "{{ _('Something went wrong, please try again.')|escapejs }}", you: "{{ _('You')|escapejs }}",
    reconnecting: "{{ _('Reconnecting…')|escapejs }}",
    faq: "{{ _('Frequently asked questions')|escapejs }}", faqAsk: "{{ _('What would you like to ask?')|escapejs }}",
    solved: "{{ _('This solved my problem')|escapejs }}", thanks: "{{ _('Thank you! We are glad it helped.')|escapejs }}"
  };
  var language = "{% get_current_language as LANGUAGE_CODE %}{{ LANGUAGE_CODE|escapejs }}";
  var EMOJI = ["😀", "😂", "😊", "😍", "🤔", "😢", "😡", "👍", "👎", "🙏", "👌", "🎉", "❤️", "📦", "🚚", "💰"];
  var storeKey = "helpdesk-chat:" + shop;
  var state = { id: null, token: null, seqs: {}, lastSeq: 0, agentRead: 0, status: "", es: null, retry: null, typingTimer: null,
    lastTyping: 0 };

  var link = document.createElement("link");
  link.rel = "stylesheet"; link.href = base + "{{ css_url|escapejs }}";
  document.head.appendChild(link);

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;  // always as text: markup in messages stays text
    return node;
  }
  function api(path, options) {
    options = options || {};
    var headers = options.headers || {};
    if (state.token) headers["X-Chat-Token"] = state.token;
    if (options.json) { headers["Content-Type"] = "application/json"; options.body = JSON.stringify(options.json); }
    return fetch(base + "/api/v1/chat/" + path, { method: options.method || "GET", headers: headers, body: options.body })
      .then(function (r) { return r.status === 204 ? {} : r.json().then(function (data) { if (!r.ok) throw data; return data; }); });
  }
  function errorText(data) {
    if (!data || typeof data !== "object") return T.error;
    var parts = [];
    Object.keys(data).forEach(function (k) { parts.push([].concat(data[k]).join(" ")); });
    return parts.join(" ") || T.error;
  }

  var root = el("div", "hdc-root"); root.setAttribute("data-testid", "chat-widget");
  var bubble = el("button", "hdc-bubble", "💬"); bubble.type = "button"; bubble.title = T.open;
  bubble.setAttribute("aria-label", T.open); bubble.setAttribute("data-testid", "chat-bubble");
  var panel = el("section", "hdc-panel"); panel.hidden = true; panel.setAttribute("aria-label", T.open);
  var head = el("header", "hdc-head");
  var title = el("strong", "hdc-title", T.open);
  var status = el("span", "hdc-status"); status.setAttribute("data-testid", "chat-status");
  var closeBtn = el("button", "hdc-close", "×"); closeBtn.type = "button"; closeBtn.title = T.close; closeBtn.setAttribute("aria-label", T.close);
  head.append(title, status, closeBtn);
  var body = el("div", "hdc-body");
  panel.append(head, body);
  root.append(panel, bubble);
  document.body.appendChild(root);

  bubble.addEventListener("click", function () { panel.hidden = !panel.hidden; if (!panel.hidden) show(); });
  closeBtn.addEventListener("click", function () { panel.hidden = true; });

  var log, typingLine, input;

  function show() {
    if (state.id) return;
    var saved = null;
    try { saved = JSON.parse(sessionStorage.getItem(storeKey) || "null"); } catch (e) { saved = null; }
    if (saved && saved.id) { state.id = saved.id; state.token = saved.token; conversation(); return; }
    api("widgets/" + encodeURIComponent(shop) + "/").then(function (info) {
      title.textContent = info.name;
      if (info.agents_online) startForm(info); else leaveForm(info);
    }).catch(function () { body.replaceChildren(el("p", "hdc-note", T.error)); });
  }

  function field(label, name, type) {
    var wrap = el("label", "hdc-field"); wrap.append(el("span", "", label));
    var inp = el(type === "textarea" ? "textarea" : "input"); inp.name = name; if (type !== "textarea") inp.type = type || "text";
    inp.setAttribute("data-testid", "chat-" + name);
    wrap.append(inp); return wrap;
  }

  // Top help articles for what the visitor types before a chat starts (docs/knowledge.md); "solved" counts a deflection.
  function faqBox() {
    var box = el("div", "hdc-faq"); box.setAttribute("data-testid", "chat-faq");
    var ask = el("input"); ask.type = "search"; ask.placeholder = T.faqAsk; ask.maxLength = 100;
    ask.setAttribute("data-testid", "chat-faq-q");
    var list = el("ul", "hdc-faq-list"), timer = null, asked = 0;
    box.append(el("p", "hdc-note", T.faq), ask, list);
    function answers(q) {
      var query = new URLSearchParams({ language: language, page_size: "3" }); if (q) query.set("q", q);
      var mine = ++asked;  // an earlier, slower answer must not replace a later one
      fetch(base + "/api/v1/help/articles/?" + query).then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (data) {
          if (mine !== asked) return;
          list.replaceChildren.apply(list, data.results.slice(0, 3).map(function (article) {
            var item = el("li"), open = el("a", "", article.title);
            open.href = base + "/help/" + article.id + "/"; open.target = "_blank"; open.rel = "noopener";
            var done = el("button", "hdc-link", T.solved); done.type = "button"; done.setAttribute("data-testid", "chat-faq-solved");
            done.addEventListener("click", function () {
              fetch(base + "/api/v1/help/articles/" + article.id + "/solved/", { method: "POST",
                headers: { "Content-Type": "application/json" }, body: JSON.stringify({ source: "widget" }) })
                .then(function () { item.replaceChildren(el("span", "hdc-note", T.thanks)); }).catch(function () {});
            });
            item.append(open, " ", done); return item;
          }));
        }).catch(function () {});
    }
    ask.addEventListener("keydown", function (ev) { if (ev.key === "Enter") ev.preventDefault(); });  // not the chat form's submit
    ask.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(function () { answers(ask.value.trim()); }, 400); });
    answers("");
    return box;
  }

  function startForm(info) {
    var form = el("form", "hdc-form");
    form.append(el("p", "hdc-note", info.greeting || (customerToken ? T.introSigned : T.intro)));
    if (!customerToken) { form.append(field(T.name, "name"), field(T.phone, "phone", "tel")); }
    var err = el("p", "hdc-error");
    var go = el("button", "hdc-primary", T.start); go.type = "submit"; go.setAttribute("data-testid", "chat-start");
    form.append(err, go);
    form.prepend(faqBox());
    form.addEventListener("submit", function (ev) {
      ev.preventDefault(); go.disabled = true;
      api("sessions/", { method: "POST", json: { shop: shop, customer_token: customerToken,
        name: form.elements.name ? form.elements.name.value : "", phone: form.elements.phone ? form.elements.phone.value : "" } })
        .then(function (data) {
          state.id = data.session; state.token = data.token;
          sessionStorage.setItem(storeKey, JSON.stringify({ id: data.session, token: data.token }));
          conversation();
        }).catch(function (data) { err.textContent = errorText(data); go.disabled = false; });
    });
    body.replaceChildren(form);
  }

  function leaveForm(info) {
    var form = el("form", "hdc-form");
    form.append(el("p", "hdc-note", T.offline));
    if (!customerToken) form.append(field(T.name, "name"), field(T.phone, "phone", "tel"));
    form.append(field(T.message, "body", "textarea"));
    var err = el("p", "hdc-error");
    var go = el("button", "hdc-primary", T.leave); go.type = "submit"; go.setAttribute("data-testid", "chat-leave");
    form.append(err, go);
    form.addEventListener("submit", function (ev) {
      ev.preventDefault(); go.disabled = true;
      api("widgets/" + encodeURIComponent(shop) + "/leave-message/", { method: "POST", json: {
        customer_token: customerToken, body: form.elements.body.value,
        name: form.elements.name ? form.elements.name.value : "", phone: form.elements.phone ? form.elements.phone.value : "" } })
        .then(function (data) { body.replaceChildren(el("p", "hdc-note", T.left.replace("{number}", data.ticket_number))); })
        .catch(function (data) { err.textContent = errorText(data); go.disabled = false; });
    });
    body.replaceChildren(form);
  }

  function conversation() {
    log = el("ol", "hdc-log"); log.setAttribute("data-testid", "chat-log"); log.setAttribute("aria-live", "polite");
    typingLine = el("div", "hdc-typing"); typingLine.hidden = true;
    var form = el("form", "hdc-compose");
    input = el("textarea"); input.rows = 2; input.placeholder = T.placeholder; input.setAttribute("data-testid", "chat-input");
    input.maxLength = 2000;
    var emojiBtn = el("button", "hdc-tool", "😊"); emojiBtn.type = "button"; emojiBtn.title = T.emoji; emojiBtn.setAttribute("aria-label", T.emoji);
    var imgLabel = el("label", "hdc-tool", T.imageShort); imgLabel.title = T.image;
    var file = el("input"); file.type = "file"; file.accept = "image/png,image/jpeg,image/gif,image/webp"; file.hidden = true;
    file.setAttribute("data-testid", "chat-image"); imgLabel.append(file);
    var send = el("button", "hdc-primary", T.send); send.type = "submit"; send.setAttribute("data-testid", "chat-send");
    var picker = el("div", "hdc-emoji"); picker.hidden = true;
    EMOJI.forEach(function (e) {
      var b = el("button", "", e); b.type = "button";
      b.addEventListener("click", function () { input.value += e; picker.hidden = true; input.focus(); });
      picker.append(b);
    });
    var err = el("p", "hdc-error");
    form.append(picker, input, el("div", "hdc-tools"), err);
    form.lastChild.previousSibling.append(emojiBtn, imgLabel, send);
    emojiBtn.addEventListener("click", function () { picker.hidden = !picker.hidden; });
    input.addEventListener("keydown", function (ev) { if (ev.key === "Enter" && !ev.shiftKey) { ev.preventDefault(); form.requestSubmit(); } });
    input.addEventListener("input", function () {
      var now = Date.now();
      if (now - state.lastTyping > 2000) { state.lastTyping = now; api("sessions/" + state.id + "/typing/", { method: "POST" }).catch(function () {}); }
    });
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var text = input.value.trim(); if (!text) return;
      err.textContent = "";
      api("sessions/" + state.id + "/messages/", { method: "POST", json: { body: text } })
        .then(function (m) { input.value = ""; add(m); })
        .catch(function (data) { err.textContent = errorText(data); });
    });
    file.addEventListener("change", function () {
      if (!file.files.length) return;
      var data = new FormData(); data.append("image", file.files[0]);
      api("sessions/" + state.id + "/images/", { method: "POST", body: data })
        .then(function (m) { add(m); }).catch(function (d) { err.textContent = errorText(d); });
      file.value = "";
    });
    body.replaceChildren(log, typingLine, form);
    connect();
  }

  // The stream URL carries a one-stream ticket valid for a minute, never the visitor token (URLs reach access
  // logs): every (re)connection asks for a new ticket, with the token in a header, and says what it has seen.
  function reconnect(delay) {
    if (state.es) { state.es.close(); state.es = null; }
    clearTimeout(state.retry);
    if (state.status !== "ended") state.retry = setTimeout(connect, delay);
  }

  function connect() {
    var id = state.id;
    if (state.es) state.es.close();
    api("sessions/" + id + "/stream/", { method: "POST" }).then(function (data) {
      if (state.id !== id || state.status === "ended") return;
      listen(data.stream + (state.lastSeq ? "&last_event_id=" + state.lastSeq : ""));
    }).catch(function () { status.textContent = T.reconnecting; reconnect(5000); });
  }

  function listen(url) {
    var es = new EventSource(base + url);
    state.es = es;
    es.addEventListener("message", function (e) { add(JSON.parse(e.data)); });
    es.addEventListener("state", function (e) { applyState(JSON.parse(e.data)); });
    es.addEventListener("typing", function () {
      typingLine.textContent = (state.agentName || "") + " " + T.typing; typingLine.hidden = false;
      clearTimeout(state.typingTimer); state.typingTimer = setTimeout(function () { typingLine.hidden = true; }, 3000);
    });
    es.addEventListener("read", function (e) { var d = JSON.parse(e.data); state.agentRead = Math.max(state.agentRead, d.seq); marks(); });
    es.onerror = function () {  // the ticket is spent: EventSource's own retry of the same URL would be refused
      if (state.es !== es) return;
      if (state.status !== "ended") status.textContent = T.reconnecting;
      reconnect(2000);
    };
    es.onopen = function () { renderStatus(); };
  }

  function renderStatus() {
    if (state.status === "ended") status.textContent = T.ended;
    else if (state.agentName) status.textContent = T.agent.replace("{name}", state.agentName);
    else status.textContent = T.waiting;
  }

  function applyState(s) {
    state.status = s.status; state.agentName = s.agent_name; state.agentRead = Math.max(state.agentRead, s.agent_read_seq || 0);
    renderStatus(); marks();
    if (s.status === "ended") {
      if (state.es) state.es.close();
      sessionStorage.removeItem(storeKey);
      var again = el("button", "hdc-primary", T.newChat); again.type = "button";
      again.addEventListener("click", function () {
        state.id = null; state.token = null; state.seqs = {}; state.lastSeq = 0; state.status = ""; show();
      });
      var compose = body.querySelector(".hdc-compose"); if (compose) compose.replaceWith(el("p", "hdc-note", T.ended), again);
    }
  }

  function add(m) {
    if (!log || state.seqs[m.seq]) return;
    state.seqs[m.seq] = true;
    state.lastSeq = Math.max(state.lastSeq, m.seq);
    var item = el("li", "hdc-msg hdc-" + m.sender); item.setAttribute("data-seq", m.seq);
    item.setAttribute("data-testid", "chat-message");
    if (m.sender === "agent") item.append(el("span", "hdc-who", m.author_name));
    if (m.body) item.append(el("div", "hdc-text", m.body));
    if (m.image) { var img = el("img", "hdc-img"); img.alt = T.image; item.append(img); picture(img, m.image); }
    if (m.sender === "customer") { var mark = el("span", "hdc-mark", T.unread); mark.setAttribute("data-testid", "chat-read"); item.append(mark); }
    var after = Array.prototype.find.call(log.children, function (c) { return Number(c.getAttribute("data-seq")) > m.seq; });
    log.insertBefore(item, after || null);
    log.scrollTop = log.scrollHeight;
    if (m.sender === "agent") { typingLine.hidden = true; if (!panel.hidden) api("sessions/" + state.id + "/read/", { method: "POST", json: { seq: m.seq } }).catch(function () {}); }
    marks();
  }

  // Images are fetched with the token in a header and shown as data: URLs, so the token stays out of image URLs.
  function picture(img, path) {
    fetch(base + path, { headers: { "X-Chat-Token": state.token } })
      .then(function (r) { if (!r.ok) throw r; return r.blob(); })
      .then(function (blob) {
        var reader = new FileReader();
        reader.onload = function () { img.src = reader.result; };
        reader.readAsDataURL(blob);
      }).catch(function () {});
  }

  function marks() {
    if (!log) return;
    log.querySelectorAll(".hdc-customer").forEach(function (item) {
      var read = Number(item.getAttribute("data-seq")) <= state.agentRead;
      var mark = item.querySelector(".hdc-mark"); if (mark) { mark.textContent = read ? T.read : T.unread; mark.classList.toggle("is-read", read); }
    });
  }
})();
