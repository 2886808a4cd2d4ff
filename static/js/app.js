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

// File inputs speak the page's language: the browser's own button ("Choose Files", "No file chosen") follows the
// browser's language, not the page's. A button and the chosen names stand in for it; the input stays in the form.
function filePickersEnhance(root) {
  const zh = document.documentElement.lang.startsWith("zh");
  root.querySelectorAll('input[type="file"]:not([hidden]):not([data-file-picker])').forEach((input) => {
    input.dataset.filePicker = "1";
    input.classList.add("file-native");
    input.tabIndex = -1;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "file-pick";
    button.textContent = zh ? "选择文件" : input.multiple ? "Choose files" : "Choose a file";
    const names = document.createElement("span");
    names.className = "file-names muted";
    names.setAttribute("aria-live", "polite");
    const show = () => {
      const files = [...input.files];
      names.textContent = files.length === 0 ? (zh ? "未选择文件" : "No file chosen")
        : files.length === 1 ? files[0].name : (zh ? `已选 ${files.length} 个文件` : `${files.length} files`);
    };
    button.addEventListener("click", () => input.click());
    input.addEventListener("change", show);
    input.form?.addEventListener("reset", () => setTimeout(show));
    show();
    input.after(button, " ", names);
  });
}
document.addEventListener("DOMContentLoaded", () => filePickersEnhance(document));
document.addEventListener("htmx:load", (event) => filePickersEnhance(event.detail.elt));
