// "/" canned replies in every reply box: a textarea with data-canned-url offers the replies matching
// what follows the "/", filled in by the server for this ticket or chat; arrows pick, Enter or
// Tab inserts, Esc closes. The URL answers {"replies": [{shortcut, title, body}]}.
(function () {
  "use strict";
  let menu = null, box = null, items = [], active = 0, slashAt = -1, asked = 0, timer = null;

  function close() {
    if (menu) menu.remove();
    menu = null; box = null; items = []; slashAt = -1;
  }
  function highlight(index) {
    active = (index + items.length) % items.length;
    menu.querySelectorAll("li").forEach((li, i) => li.classList.toggle("active", i === active));
    menu.querySelectorAll("li")[active]?.scrollIntoView({ block: "nearest" });
  }
  function insert(reply) {
    const end = box.selectionStart;
    const target = box, from = slashAt;
    close();
    target.value = target.value.slice(0, from) + reply.body + target.value.slice(end);
    const caret = from + reply.body.length;
    target.setSelectionRange(caret, caret);
    target.focus();
    target.dispatchEvent(new Event("input", { bubbles: true }));
  }
  function show(textarea, replies, at) {
    close();
    if (!replies.length) return;
    box = textarea; items = replies; slashAt = at;
    menu = document.createElement("ul");
    menu.className = "canned-menu";
    menu.setAttribute("role", "listbox");
    menu.dataset.testid = "canned-menu";
    replies.forEach((reply, i) => {
      const li = document.createElement("li");
      li.setAttribute("role", "option");
      li.dataset.testid = "canned-option";
      const key = document.createElement("strong");
      key.textContent = `/${reply.shortcut}`;  // text only: a reply is never parsed as HTML
      const text = document.createElement("span");
      text.className = "muted";
      text.textContent = ` ${reply.title} — ${reply.body.slice(0, 40)}`;
      li.append(key, text);
      li.addEventListener("mousedown", (event) => { event.preventDefault(); insert(reply); });
      li.addEventListener("mousemove", () => highlight(i));
      menu.append(li);
    });
    textarea.insertAdjacentElement("beforebegin", menu);
    highlight(0);
  }
  async function lookup(textarea) {
    const before = textarea.value.slice(0, textarea.selectionStart);
    const match = /(^|[\s。，！？；：、])\/([^\s/]{0,30})$/.exec(before);  // "/" at the start, after a space or a Chinese stop
    if (!match || !textarea.dataset.cannedUrl) { close(); return; }
    const at = before.length - match[2].length - 1;
    const ask = ++asked;
    const url = new URL(textarea.dataset.cannedUrl, window.location.href);
    url.searchParams.set("q", match[2]);
    url.searchParams.set("format", "json");
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      const data = response.ok ? await response.json() : { replies: [] };
      if (ask === asked && document.activeElement === textarea) show(textarea, data.replies || [], at);
    } catch (error) {
      close();
    }
  }

  document.addEventListener("input", (event) => {
    const textarea = event.target;
    if (!(textarea instanceof HTMLTextAreaElement) || !textarea.dataset.cannedUrl) return;
    clearTimeout(timer);
    timer = setTimeout(() => lookup(textarea), 120);
  });
  // Captured before the box's own keys (the chat sends on Enter): while the menu is open its keys pick.
  document.addEventListener("keydown", (event) => {
    if (!menu || event.target !== box) return;
    const keys = { ArrowDown: () => highlight(active + 1), ArrowUp: () => highlight(active - 1),
                   Enter: () => insert(items[active]), Tab: () => insert(items[active]), Escape: close };
    if (!keys[event.key] || event.isComposing || (event.key === "Enter" && (event.ctrlKey || event.metaKey))) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    keys[event.key]();
  }, true);
  document.addEventListener("focusout", (event) => { if (event.target === box) close(); });
})();
