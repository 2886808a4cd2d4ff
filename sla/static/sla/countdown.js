// Live SLA countdowns: every .sla-countdown[data-due] shows the time left and turns
// amber after data-warn and red after data-due. The server's clock (data-server-now on
// any ancestor or <body>) corrects the browser's, so a wrong PC clock shows the right colour.
(() => {
  const zh = () => document.documentElement.lang.startsWith("zh");
  let skew = 0;
  const source = document.querySelector("[data-server-now]");
  if (source) skew = Date.parse(source.dataset.serverNow) - Date.now();

  const format = (ms) => {
    const late = ms < 0;
    let s = Math.floor(Math.abs(ms) / 1000);
    const d = Math.floor(s / 86400); s -= d * 86400;
    const h = Math.floor(s / 3600); s -= h * 3600;
    const m = Math.floor(s / 60); s -= m * 60;
    const pad = (n) => String(n).padStart(2, "0");
    const text = d ? (zh() ? `${d}天${h}小时` : `${d}d ${h}h`) : h ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
    return late ? (zh() ? `已超时 ${text}` : `${text} overdue`) : text;
  };

  const tick = () => {
    const now = Date.now() + skew;
    document.querySelectorAll(".sla-countdown[data-due]").forEach((el) => {
      const due = Date.parse(el.dataset.due);
      if (Number.isNaN(due)) return;
      const warn = Date.parse(el.dataset.warn);
      const state = el.dataset.breached || now >= due ? "sla-bad" : !Number.isNaN(warn) && now >= warn ? "sla-warn" : "sla-ok";
      el.classList.remove("sla-ok", "sla-warn", "sla-bad");
      el.classList.add(state);
      el.dataset.state = state.slice(4);
      el.textContent = format(due - now);
    });
  };
  tick();
  setInterval(tick, 1000);
  document.addEventListener("htmx:afterSwap", tick);
})();
