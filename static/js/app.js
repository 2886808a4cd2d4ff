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
