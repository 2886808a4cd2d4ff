// Put a suggested article's link or text into the ticket's reply box, at the cursor.
document.addEventListener("click", (event) => {
  const button = event.target.closest(".kb-insert");
  if (!button) return;
  const box = document.querySelector("#reply-form textarea[name=body]");
  if (!box) return;
  const at = box.selectionStart ?? box.value.length;
  box.value = box.value.slice(0, at) + button.dataset.insert + box.value.slice(box.selectionEnd ?? at);
  box.focus();
});
