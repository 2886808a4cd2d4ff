// Keyboard use of the agent pages: the command palette (Ctrl/⌘+K), j/k/Enter in lists, x selects the highlighted
// row of a ticket list (tickets/bulk.js acts on the selection), r/n on a ticket,
// Ctrl/⌘+Enter sends the focused form, ? shows the shortcuts. Nothing fires while typing in a field,
// except Ctrl/⌘+Enter, Ctrl/⌘+K and Esc.
(function () {
  "use strict";
  const palette = document.getElementById("palette");
  if (!palette) return;  // pages outside the agent shell (login, public pages)
  const help = document.getElementById("shortcut-help");
  const input = document.getElementById("palette-input");
  const results = document.getElementById("palette-results");
  const T = JSON.parse(document.getElementById("palette-i18n").textContent);
  let options = [], active = 0, asked = 0, timer = null, row = -1, shown = null;

  function typing(target) {
    if (target instanceof HTMLInputElement && ["checkbox", "radio"].includes(target.type)) return false;  // nothing typed
    return target instanceof HTMLElement && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
  }
  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;  // titles come from the search: text, never HTML
    return node;
  }

  // --- The command palette --------------------------------------------------------------------------------
  function actions() {
    // What the navigation shows this user (helpdesk/navigation.py filters it by permission), plus the search page.
    return [...document.querySelectorAll(".sidebar nav a[data-nav]")].map((a) => ({ title: a.textContent.trim(), url: a.href }));
  }
  function render(groups, q) {
    shown = q;
    results.replaceChildren();
    options = [];
    const add = (label, items) => {
      if (!items.length) return;
      const section = el("li", "palette-group");
      section.append(el("div", "palette-label", label));
      const list = el("ul");
      items.forEach((item) => {
        const li = el("li", "palette-option");
        li.setAttribute("role", "option");
        li.dataset.testid = "palette-option";
        li.append(el("span", "palette-title", item.title));
        if (item.subtitle) li.append(el("span", "palette-sub muted", item.subtitle));
        const index = options.length;
        li.addEventListener("mousemove", () => highlight(index));
        li.addEventListener("click", () => go(index));
        options.push({ ...item, node: li });
        list.append(li);
      });
      section.append(list);
      results.append(section);
    };
    const needle = q.toLowerCase();
    add(T.actions, actions().filter((a) => !needle || a.title.toLowerCase().includes(needle)));
    groups.forEach((group) => {
      const items = group.hits.slice();
      if (group.has_more) items.push({ title: T.more.replace("{kind}", group.label), url: group.more_url });
      add(group.label, items);
    });
    if (q) add(T.search, [{ title: T.searchFor.replace("{q}", q), url: `${palette.dataset.searchUrl}?q=${encodeURIComponent(q)}` }]);
    highlight(0);
  }
  function highlight(index) {
    if (!options.length) return;
    active = (index + options.length) % options.length;
    options.forEach((option, i) => option.node.classList.toggle("active", i === active));
    options[active].node.scrollIntoView({ block: "nearest" });
  }
  function go(index) {
    const option = options[index];
    if (option) window.location.href = option.url;
  }
  async function search() {
    const q = input.value.trim();
    const ask = ++asked;
    if (q.length < 2) { render([], q); return; }
    try {
      const response = await fetch(`${palette.dataset.searchUrl}?format=json&q=${encodeURIComponent(q)}`,
                                   { credentials: "same-origin", headers: { Accept: "application/json" } });
      const data = response.ok ? await response.json() : { groups: [] };
      if (ask === asked) render(data.groups, q);
    } catch (error) {
      if (ask === asked) render([], q);
    }
  }
  function openPalette() {
    if (help.open) help.close();
    if (!palette.open) palette.showModal();
    input.value = "";
    render([], "");
    input.focus();
  }
  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(search, 120); });
  input.addEventListener("keydown", (event) => {
    if (event.isComposing) return;
    if (event.key === "Escape") { event.preventDefault(); palette.close(); }
    if (event.key === "ArrowDown") { event.preventDefault(); highlight(active + 1); }
    if (event.key === "ArrowUp") { event.preventDefault(); highlight(active - 1); }
    if (event.key === "Enter") {
      event.preventDefault();
      clearTimeout(timer);
      // Typed faster than the search answered: search now, then open the first result.
      if (shown === input.value.trim()) go(active); else search().then(() => go(active));
    }
  });
  palette.addEventListener("click", (event) => { if (event.target === palette) palette.close(); });
  help.addEventListener("click", (event) => { if (event.target === help || event.target.closest("[data-close]")) help.close(); });
  document.querySelectorAll("[data-open-palette]").forEach((node) => node.addEventListener("click", (event) => { event.preventDefault(); openPalette(); }));

  // --- Lists: j/k move a highlight, Enter opens -------------------------------------------------------------
  function rows() {
    const chat = [...document.querySelectorAll(".chat-list li.chat-row")];
    if (chat.length) return chat;
    return [...document.querySelectorAll(".content table tbody tr")].filter((tr) => tr.querySelector("a[href]"));
  }
  function move(step) {
    const list = rows();
    if (!list.length) return;
    const current = list.findIndex((node) => node.classList.contains("kbd-active"));
    row = Math.min(Math.max((current < 0 ? (step > 0 ? -1 : list.length) : current) + step, 0), list.length - 1);
    list.forEach((node, i) => node.classList.toggle("kbd-active", i === row));
    list[row].scrollIntoView({ block: "nearest" });
  }
  function toggleRow() {
    const box = document.querySelector(".kbd-active [data-select-row]");
    if (!box) return false;
    box.click();  // the list's own click handling keeps the selection
    return true;
  }
  function openRow() {
    const node = document.querySelector(".kbd-active");
    if (!node) return false;
    const link = node.querySelector("a[href]");
    if (link) link.click(); else node.click();
    return true;
  }

  // --- On a ticket (or a chat): r reply, n internal note ----------------------------------------------------
  function compose(note) {
    const box = document.getElementById("reply-body") || document.getElementById("chat-input");
    if (!box || box.offsetParent === null) return;
    const internal = document.getElementById("reply-internal");
    if (internal) internal.checked = note;
    box.focus();
    box.scrollIntoView({ block: "center" });
  }

  document.addEventListener("keydown", (event) => {
    if (event.isComposing || event.defaultPrevented) return;
    const mod = event.ctrlKey || event.metaKey;
    if (mod && event.key.toLowerCase() === "k" && !event.altKey) {
      event.preventDefault();
      if (palette.open) palette.close(); else openPalette();
      return;
    }
    if (mod && event.key === "Enter") {
      const form = event.target.closest && event.target.closest("form");
      if (form && typing(event.target) && !palette.contains(form)) { event.preventDefault(); form.requestSubmit(); }
      return;
    }
    if (event.key === "Escape" && typing(event.target) && !event.target.closest("dialog")) { event.target.blur(); return; }
    if (typing(event.target) || mod || event.altKey || palette.open || help.open) return;
    const keys = {
      j: () => move(1), k: () => move(-1), Enter: openRow, x: toggleRow,
      r: () => compose(false), n: () => compose(true),
      "?": () => help.showModal(),
    };
    const action = keys[event.key];
    if (!action) return;
    if (event.key === "Enter" && event.target.closest && event.target.closest("a, button, summary, [role=button]")) return;
    if (action() === false) return;  // Enter with nothing highlighted keeps its ordinary meaning
    event.preventDefault();
  });
})();
