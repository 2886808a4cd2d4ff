// The business calendar's year grid (admin): a click turns a day into the next kind; the form sends only the
// days that differ from what is stored ("2026-10-08=work;2026-10-10=makeup").
(() => {
  const form = document.getElementById("year-grid-form");
  if (!form) return;
  const next = (button) => {
    const kind = button.dataset.kind;
    if (kind === "holiday") return button.dataset.weekend ? "makeup" : "work";
    if (kind === "makeup") return "weekend";
    return "holiday";
  };
  const normal = (kind) => (kind === "weekend" ? "work" : kind);
  const edited = () => [...form.querySelectorAll("button.day")].filter((b) => normal(b.dataset.kind) !== normal(b.dataset.initial));
  const refresh = () => {
    const count = edited().length;
    form.querySelector(".grid-unsaved").textContent = count ? form.dataset.unsaved.replace("{count}", count) : "";
  };
  const set = (button, kind) => {
    button.classList.remove(button.dataset.kind);
    if (kind === "work" && button.dataset.weekend) kind = "weekend";
    button.dataset.kind = kind;
    button.classList.add(kind);
    button.classList.toggle("edited", normal(kind) !== normal(button.dataset.initial));
  };
  form.addEventListener("click", (event) => {
    const day = event.target.closest("button.day");
    if (day) {
      set(day, next(day));
      refresh();
    } else if (event.target.closest("[data-action=load-statutory]")) {
      form.querySelectorAll("button.day[data-statutory]").forEach((b) => set(b, "holiday"));
      refresh();
    }
  });
  form.addEventListener("submit", () => {
    form.elements.changes.value = edited().map((b) => `${b.dataset.date}=${normal(b.dataset.kind)}`).join(";");
  });
  window.addEventListener("beforeunload", (event) => {
    if (edited().length && !form.dataset.submitting) event.preventDefault();
  });
  form.addEventListener("submit", () => { form.dataset.submitting = "1"; });
})();
