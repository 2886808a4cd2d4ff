// Reply boxes check the service phrases (服务用语) as the agent types. A textarea with data-phrases names the
// json_script element holding the phrases and data-phrase-hints the element that lists what it finds; the
// hints element carries the labels (data-forbidden, data-discouraged, data-greeting, data-instead).
(() => {
  const lists = new Map();
  const phrasesOf = (id) => {
    if (!lists.has(id)) {
      const source = document.getElementById(id);
      lists.set(id, source ? JSON.parse(source.textContent) : []);
    }
    return lists.get(id);
  };
  const line = (cls, text) => {
    const item = document.createElement("li");
    item.className = cls;
    item.textContent = text;
    return item;
  };

  const check = (box) => {
    const out = document.getElementById(box.dataset.phraseHints);
    if (!out) return;
    const text = box.value.toLowerCase();
    const phrases = phrasesOf(box.dataset.phrases);
    const items = [];
    for (const p of phrases) {
      if ((p.kind === "forbidden" || p.kind === "discouraged") && text.includes(p.phrase.toLowerCase())) {
        const advice = p.suggestion ? ` ${out.dataset.instead} “${p.suggestion}”` : "";
        items.push(line(`phrase-${p.kind}`, `${out.dataset[p.kind]}: “${p.phrase}”${advice}`));
      }
    }
    const greetings = phrases.filter((p) => p.kind === "greeting");
    if (box.dataset.firstReply === "1" && text.trim() && greetings.length &&
        !greetings.some((p) => text.includes(p.phrase.toLowerCase()))) {
      items.push(line("phrase-greeting", `${out.dataset.greeting} “${greetings[0].phrase}”`));
    }
    out.replaceChildren(...items);
    out.hidden = items.length === 0;
  };

  // A script that changes a box's text itself (a chat send clears it) dispatches "phrases:check" on it.
  for (const type of ["input", "phrases:check"]) {
    document.addEventListener(type, (event) => {
      if (event.target.matches && event.target.matches("textarea[data-phrases]")) check(event.target);
    });
  }
  window.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("textarea[data-phrases]").forEach((box) => { if (box.value) check(box); });
  });
})();
