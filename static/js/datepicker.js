// A small date picker in the page's language for <input data-datepicker> (the value stays YYYY-MM-DD).
// Month and weekday names come from Intl.DateTimeFormat(<html lang>); weeks start on Monday.
// Two inputs inside [data-daterange] form a range with presets (today, last 7 / 30 days, this month);
// data-daterange="exclusive" means the second date is the first day after the range (a "before" filter).
// Keys: ArrowDown opens it from the input; arrows move by day/week, PageUp/PageDown by month, Enter picks, Esc closes.
(() => {
  const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;
  const lang = document.documentElement.lang || "zh-Hans";
  const pad = (n) => String(n).padStart(2, "0");
  const iso = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  const day = (y, m, d) => new Date(y, m, d, 12);
  const addDays = (d, n) => day(d.getFullYear(), d.getMonth(), d.getDate() + n);
  const parse = (text) => {
    const m = ISO.exec((text || "").trim());
    if (!m) return null;
    const d = day(+m[1], +m[2] - 1, +m[3]);
    return d.getMonth() === +m[2] - 1 ? d : null;
  };
  const today = () => { const n = new Date(); return day(n.getFullYear(), n.getMonth(), n.getDate()); };
  const text = () => (document.getElementById("datepicker-text") || { dataset: {} }).dataset;
  const monthFormat = new Intl.DateTimeFormat(lang, { year: "numeric", month: "long" });
  const dayFormat = new Intl.DateTimeFormat(lang, { year: "numeric", month: "long", day: "numeric", weekday: "long" });
  const weekdayFormat = new Intl.DateTimeFormat(lang, { weekday: "narrow" });
  const weekdays = [...Array(7)].map((_, i) => weekdayFormat.format(day(2024, 0, 1 + i))); // 2024-01-01 was a Monday

  let open = null; // {input, panel, shown: Date (any day of the shown month), focus: Date}

  function close(refocus) {
    if (!open) return;
    const { input, panel } = open;
    panel.remove();
    input.setAttribute("aria-expanded", "false");
    open = null;
    if (refocus) input.focus();
  }

  function pick(input, value) {
    input.value = value;
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function range(input) {
    const box = input.closest("[data-daterange]");
    if (!box) return null;
    const inputs = [...box.querySelectorAll("input[data-datepicker]")];
    return inputs.length === 2 ? { box, from: inputs[0], to: inputs[1], exclusive: box.dataset.daterange === "exclusive" } : null;
  }

  function preset(r, name) {
    const t = today();
    const starts = { today: t, last7: addDays(t, -6), last30: addDays(t, -29), month: day(t.getFullYear(), t.getMonth(), 1) };
    let end = name === "month" ? day(t.getFullYear(), t.getMonth() + 1, 0) : t;
    if (r.exclusive) end = addDays(end, 1);
    r.from.value = iso(starts[name]);
    pick(r.to, iso(end));
    close(false);
  }

  function render() {
    const { input, panel, shown, focus } = open;
    const words = text();
    const chosen = parse(input.value);
    const first = day(shown.getFullYear(), shown.getMonth(), 1);
    const start = addDays(first, -((first.getDay() + 6) % 7));
    panel.innerHTML = "";
    const head = document.createElement("div");
    head.className = "dp-head";
    const prev = button("‹", "dp-prev", words.prev || "Previous month", () => move(0, -1));
    const label = document.createElement("span");
    label.className = "dp-month";
    label.setAttribute("aria-live", "polite");
    label.textContent = monthFormat.format(first);
    const next = button("›", "dp-next", words.next || "Next month", () => move(0, 1));
    head.append(prev, label, next);
    const grid = document.createElement("table");
    grid.className = "dp-grid";
    grid.setAttribute("role", "grid");
    grid.setAttribute("aria-label", label.textContent);
    const names = grid.createTHead().insertRow();
    weekdays.forEach((w) => { const th = document.createElement("th"); th.textContent = w; th.scope = "col"; names.append(th); });
    const body = grid.createTBody();
    for (let w = 0; w < 6; w++) {
      const row = body.insertRow();
      for (let i = 0; i < 7; i++) {
        const d = addDays(start, w * 7 + i);
        const cell = row.insertCell();
        const b = button(String(d.getDate()), "dp-day", dayFormat.format(d), () => { pick(input, iso(d)); close(true); });
        b.dataset.date = iso(d);
        b.tabIndex = iso(d) === iso(focus) ? 0 : -1;
        if (d.getMonth() !== first.getMonth()) b.classList.add("dp-other");
        if (iso(d) === iso(today())) b.classList.add("dp-today");
        if (chosen && iso(d) === iso(chosen)) { b.classList.add("dp-chosen"); b.setAttribute("aria-pressed", "true"); }
        cell.append(b);
      }
    }
    panel.append(head, grid);
    const r = range(input);
    if (r) {
      const presets = document.createElement("div");
      presets.className = "dp-presets";
      [["today", words.today || "Today"], ["last7", words.last7 || "Last 7 days"], ["last30", words.last30 || "Last 30 days"],
        ["month", words.month || "This month"]].forEach(([name, title]) => {
        const b = button(title, "dp-preset", title, () => preset(r, name));
        b.dataset.preset = name;
        presets.append(b);
      });
      panel.append(presets);
    }
  }

  function button(label, cls, title, onClick) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = cls;
    b.textContent = label;
    b.setAttribute("aria-label", title);
    b.addEventListener("click", (event) => { event.preventDefault(); onClick(); });
    return b;
  }

  function focusDay() {
    const b = open && open.panel.querySelector(`.dp-day[data-date="${iso(open.focus)}"]`);
    if (b) b.focus();
  }

  function move(days, months) {
    if (!open) return;
    const f = open.focus;
    open.focus = months ? day(f.getFullYear(), f.getMonth() + months, Math.min(f.getDate(), 28)) : addDays(f, days);
    if (months) open.shown = open.focus;
    if (open.focus.getMonth() !== open.shown.getMonth() || open.focus.getFullYear() !== open.shown.getFullYear()) {
      open.shown = open.focus;
    }
    render();
  }

  function show(input) {
    if (open && open.input === input) return;
    close(false);
    const panel = document.createElement("div");
    panel.className = "datepicker";
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-label", input.closest("label")?.textContent.trim() || input.name);
    const focus = parse(input.value) || today();
    open = { input, panel, shown: focus, focus };
    render();
    document.body.append(panel);
    const box = input.getBoundingClientRect();
    const width = panel.offsetWidth;
    const left = Math.max(8, Math.min(box.left + window.scrollX, window.scrollX + document.documentElement.clientWidth - width - 8));
    panel.style.left = `${left}px`;
    panel.style.top = `${box.bottom + window.scrollY + 4}px`;
    input.setAttribute("aria-expanded", "true");
    panel.addEventListener("keydown", onPanelKey);
  }

  function onPanelKey(event) {
    const keys = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [-7, 0], ArrowDown: [7, 0], PageUp: [0, -1], PageDown: [0, 1] };
    if (event.key === "Escape") { event.preventDefault(); close(true); return; }
    if (!event.target.classList.contains("dp-day")) return;
    if (keys[event.key]) {
      event.preventDefault();
      move(...keys[event.key]);
      focusDay();
    } else if (event.key === "Home" || event.key === "End") {
      event.preventDefault();
      const offset = (open.focus.getDay() + 6) % 7;
      move(event.key === "Home" ? -offset : 6 - offset, 0);
      focusDay();
    }
  }

  function setUp(input) {
    if (input.dataset.datepickerReady) return;
    input.dataset.datepickerReady = "1";
    if (input.type === "date") input.type = "text"; // the browser's own picker speaks the browser's language, not the page's
    input.autocomplete = "off";
    if (!input.placeholder) input.placeholder = "YYYY-MM-DD";
    input.setAttribute("aria-haspopup", "dialog");
    input.setAttribute("aria-expanded", "false");
    input.addEventListener("click", () => show(input));
    input.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown") { event.preventDefault(); show(input); focusDay(); }
      else if (event.key === "Escape" && open) { event.preventDefault(); close(false); }
      else if (event.key === "Tab") close(false);
    });
    input.addEventListener("input", () => {
      const d = parse(input.value);
      if (open && open.input === input && d) { open.shown = d; open.focus = d; render(); }
    });
  }

  function setUpAll(root) {
    (root.querySelectorAll ? root : document).querySelectorAll("input[data-datepicker]").forEach(setUp);
  }

  document.addEventListener("click", (event) => {
    if (!open || !event.target.isConnected) return; // a month button re-drew the panel under the click
    if (!open.panel.contains(event.target) && event.target !== open.input) close(false);
  });
  document.addEventListener("DOMContentLoaded", () => setUpAll(document));
  document.addEventListener("htmx:load", (event) => setUpAll(event.target));
  if (document.readyState !== "loading") setUpAll(document);
})();
