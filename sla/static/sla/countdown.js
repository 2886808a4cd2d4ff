// Live SLA countdowns: every .sla-countdown[data-due] shows the time left and turns
// amber after data-warn and red after data-due. The server's clock (data-server-now on
// any ancestor or <body>) corrects the browser's, so a wrong PC clock shows the right colour.
(() => {
  // The translated pieces come from the <script type="application/json" id="duration-words"> of the page
  // (helpdesk/durations.py writes the same text on the server).
  const wordsTag = document.getElementById("duration-words");
  const words = wordsTag ? JSON.parse(wordsTag.textContent) : {
    day: "%(n)d d", hour: "%(n)d h", minute: "%(n)d min", minuteAlone: "%(n)d min", underMinute: "less than 1 min",
    pair: "%(first)s %(second)s", left: "%(duration)s left", overdue: "%(duration)s overdue",
  };
  let skew = 0;
  const source = document.querySelector("[data-server-now]");
  if (source) skew = Date.parse(source.dataset.serverNow) - Date.now();

  const count = (pattern, n) => pattern.replace("%(n)d", String(n));
  const duration = (seconds) => {
    const d = Math.floor(seconds / 86400);
    const h = Math.floor((seconds % 86400) / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    let big = "";
    let small = "";
    if (d) { big = count(words.day, d); small = h ? count(words.hour, h) : ""; }
    else if (h || m) { big = h ? count(words.hour, h) : ""; small = m ? count(words.minute, m) : ""; }
    else return words.underMinute;
    if (!big) return count(words.minuteAlone, m);
    return big && small ? words.pair.replace("%(first)s", big).replace("%(second)s", small) : big || small;
  };
  const format = (ms) => {
    const text = duration(Math.floor(Math.abs(ms) / 1000));
    return (ms < 0 ? words.overdue : words.left).replace("%(duration)s", text);
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
