// Ticket page: keep the unsent reply as a draft while the agent types (saved 1.5 s after the last key).
(() => {
  const box = document.querySelector("#reply-form textarea[data-draft-url]");
  if (!box) return;
  const form = box.form;
  const internal = form.querySelector("input[name=internal]");
  const status = form.querySelector(".draft-status");
  let timer = null;
  let sending = false;
  let saved = box.value;

  const save = () => {
    timer = null;
    if (sending || box.value === saved) return;
    const body = new FormData();
    body.append("csrfmiddlewaretoken", form.querySelector("input[name=csrfmiddlewaretoken]").value);
    body.append("body", box.value);
    if (internal && internal.checked) body.append("internal", "1");
    const text = box.value;
    fetch(box.dataset.draftUrl, { method: "POST", body, credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then((response) => {
        if (!response.ok) throw new Error(String(response.status));
        saved = text;
        if (status) status.textContent = text.trim() ? status.dataset.savedText : "";
      })
      .catch(() => { if (status) status.textContent = status.dataset.failedText; });
  };
  const later = () => {
    if (sending) return;
    clearTimeout(timer);
    timer = setTimeout(save, 1500);
  };
  box.addEventListener("input", later);
  if (internal) internal.addEventListener("change", () => { saved = null; later(); });
  // The reply service drops the draft when the reply is sent; a save still waiting must not bring it back.
  form.addEventListener("submit", () => { sending = true; clearTimeout(timer); });
})();
