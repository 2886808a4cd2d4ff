// Ticket page: insert a picked canned reply into the reply box.
document.addEventListener("click", (event) => {
  const pick = event.target.closest(".canned-pick");
  if (!pick) return;
  const box = document.querySelector("#reply-form textarea[name=body]");
  if (!box) return;
  const at = box.selectionStart ?? box.value.length;
  box.value = box.value.slice(0, at) + pick.dataset.body + box.value.slice(box.selectionEnd ?? at);
  box.focus();
  box.dispatchEvent(new Event("phrases:check", { bubbles: true }));
  const results = document.getElementById("canned-results");
  if (results) results.innerHTML = "";
  const search = document.getElementById("canned-q");
  if (search) search.value = "";
});

// Forms with data-confirm (e.g. deleting a canned reply) ask first.
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
});
