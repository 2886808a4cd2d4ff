// Ticket lists: select rows (click, shift-click for a range, the header box for the page, x from the keyboard),
// then act on them from the bulk bar. The selection lives here, so the rows' 30 s htmx refresh keeps every
// ticket still listed selected; the bar confirms what will happen before it posts.
(function () {
  "use strict";
  const form = document.getElementById("bulk-form");
  if (!form) return;
  const dialog = document.getElementById("bulk-confirm");
  const T = JSON.parse(document.getElementById("bulk-i18n").textContent);
  const action = form.querySelector("select[name=action]");
  const count = form.querySelector(".bulk-count");
  const holder = form.querySelector("[data-bulk-tickets]");
  const mergeInto = form.querySelector("[data-for=merge]");
  const selected = new Map();  // ticket id -> {number, created}
  let anchor = null;  // the row box last clicked, for shift-click ranges

  const boxes = () => [...document.querySelectorAll("#ticket-rows [data-select-row]")];
  const fill = (text, values) => text.replace(/\{(\w+)\}/g, (all, key) => (key in values ? values[key] : all));

  function remember(box) {
    if (box.checked) selected.set(box.value, { number: box.dataset.number, created: box.dataset.created });
    else selected.delete(box.value);
    box.closest("tr").classList.toggle("selected", box.checked);
  }
  function oldest() {
    return [...selected.values()].sort((a, b) => (a.created < b.created ? -1 : a.created > b.created ? 1 : 0))[0];
  }
  function refresh() {
    const rows = boxes();
    const all = document.querySelector("#ticket-rows [data-select-all]");
    if (all) {
      const ticked = rows.filter((box) => box.checked).length;
      all.checked = rows.length > 0 && ticked === rows.length;
      all.indeterminate = ticked > 0 && ticked < rows.length;
    }
    form.hidden = selected.size === 0;
    count.textContent = fill(T.selected, { count: selected.size });
    const chosen = mergeInto.value;
    mergeInto.replaceChildren(mergeInto.options[0]);
    selected.forEach((ticket, id) => mergeInto.append(new Option(ticket.number, id)));
    mergeInto.value = [...mergeInto.options].some((option) => option.value === chosen) ? chosen : "oldest";
  }
  function showValue() {
    form.querySelectorAll("[data-for]").forEach((field) => {
      const on = field.dataset.for === action.value;
      field.hidden = !on;
      field.disabled = !on;
    });
  }

  document.addEventListener("click", (event) => {
    const all = event.target.closest("#ticket-rows [data-select-all]");
    if (all) {
      boxes().forEach((box) => { box.checked = all.checked; remember(box); });
      anchor = null;
      refresh();
      return;
    }
    // A click anywhere in the selection cell toggles its box: a bigger target on a phone.
    const cell = event.target.closest("#ticket-rows td.select");
    if (cell && !event.target.matches("[data-select-row]")) { cell.querySelector("[data-select-row]").click(); return; }
    const box = event.target.closest("#ticket-rows [data-select-row]");
    if (!box) return;
    const rows = boxes();
    if (event.shiftKey && anchor && rows.includes(anchor)) {
      const [from, to] = [rows.indexOf(anchor), rows.indexOf(box)].sort((a, b) => a - b);
      rows.slice(from, to + 1).forEach((other) => { other.checked = box.checked; remember(other); });
    } else {
      remember(box);
    }
    anchor = box;
    refresh();
  });

  // The rows were replaced (the 30 s refresh, a filter, another page): keep what is still listed.
  document.body.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target.id !== "ticket-rows") return;
    const listed = new Set();
    boxes().forEach((box) => {
      listed.add(box.value);
      box.checked = selected.has(box.value);
      box.closest("tr").classList.toggle("selected", box.checked);
    });
    [...selected.keys()].forEach((id) => { if (!listed.has(id)) selected.delete(id); });
    anchor = null;
    refresh();
  });

  action.addEventListener("change", showValue);
  form.querySelector("[data-bulk-clear]").addEventListener("click", () => {
    selected.clear();
    boxes().forEach((box) => { box.checked = false; remember(box); });
    refresh();
  });

  function question() {
    const n = selected.size;
    if (!action.value) return null;
    const field = form.querySelector(`[data-for=${action.value}]`);
    const raw = field.value.trim();
    if (!raw) return null;
    let label = field.tagName === "SELECT" ? field.selectedOptions[0].textContent.trim() : raw;
    if (action.value === "assign" && raw === "none") return fill(T.unassign, { count: n });
    if (action.value === "merge" && raw === "oldest") label = fill(T.oldest, { number: oldest().number });
    return fill(T[action.value], { count: n, value: label });
  }

  form.addEventListener("submit", (event) => {
    if (form.dataset.confirmed === "1") return;
    event.preventDefault();
    if (!action.value) { window.alert(T.choose); return; }
    const text = question();
    if (!text) { window.alert(T.value); return; }
    dialog.querySelector("[data-testid=bulk-confirm-text]").textContent = text;
    dialog.returnValue = "";
    dialog.showModal();
  });
  dialog.addEventListener("close", () => {
    if (dialog.returnValue !== "ok" || !selected.size) return;
    holder.replaceChildren(...[...selected.keys()].map((id) => {
      const input = document.createElement("input");
      input.type = "hidden";
      input.name = "tickets";
      input.value = id;
      return input;
    }));
    form.querySelector("input[name=next]").value = window.location.pathname + window.location.search;
    form.dataset.confirmed = "1";
    form.requestSubmit();
  });

  boxes().forEach((box) => { if (box.checked) remember(box); });  // a box the browser restored on going back
  showValue();
  refresh();
})();
