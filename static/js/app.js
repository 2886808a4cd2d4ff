// Shell behaviour that needs no framework; htmx does the rest.
document.addEventListener("htmx:responseError", (event) => {
  const status = event.detail.xhr.status;
  const box = document.querySelector(".messages") || document.querySelector(".content")?.insertAdjacentElement("afterbegin", document.createElement("ul"));
  if (!box) return;
  box.className = "messages";
  box.innerHTML = "";
  const item = document.createElement("li");
  item.className = "error";
  item.textContent = document.documentElement.lang.startsWith("zh") ? `请求失败（${status}），请重试。` : `Request failed (${status}). Please try again.`;
  box.appendChild(item);
});

// The menu button shows and hides the navigation on a phone (on a wide screen it is hidden and the navigation always shown).
document.addEventListener("click", (event) => {
  const toggle = event.target.closest(".menu-toggle");
  if (!toggle) return;
  const open = toggle.closest(".shell").classList.toggle("nav-open");
  toggle.setAttribute("aria-expanded", String(open));
});
