// The seed reader: arriving at a passage (#q-…, from a fact's citation) focuses it.
// Without this script the stylesheet does most of it with :target (the passage outlined, the
// others dimmed, a "Show all passages" link that clears the target). The script adds what CSS
// cannot: the parts of a passage split around another one and its translation are focused too,
// and the link becomes a toggle button whose state is shown and announced.
(() => {
  "use strict";
  const text = document.querySelector(".seed-text");
  const bar = document.querySelector(".passage-focus");
  if (!text || !bar) return;
  const state = bar.querySelector(".passage-focus__state");
  const link = bar.querySelector(".passage-focus__all");
  const total = text.querySelectorAll("mark.cite[id]").length;

  const toggle = document.createElement("button");
  toggle.type = "button";
  toggle.className = "md-button passage-focus__all";
  toggle.textContent = "Show all passages";
  toggle.setAttribute("aria-pressed", "false");
  if (link) link.replaceWith(toggle);
  if (state) state.setAttribute("aria-live", "polite");

  let target = null;
  const show = () => {
    const all = toggle.getAttribute("aria-pressed") === "true";
    text.classList.toggle("seed-text--all", all);
    bar.classList.toggle("is-shown", target !== null);
    if (!state || target === null) return;
    const number = (target.querySelector(".cite-ref") || target).textContent.replace(/\D+/g, "");
    state.textContent = all
      ? `All ${total} passages are highlighted; passage [${number}] is outlined.`
      : `Passage [${number}] of ${total} is in focus; the others are dimmed.`;
  };

  const focus = () => {
    for (const el of text.querySelectorAll(".is-target")) el.classList.remove("is-target");
    const id = decodeURIComponent(location.hash.slice(1));
    const found = id ? document.getElementById(id) : null;
    target = found && found.matches(".seed-text mark.cite") ? found : null;
    text.classList.toggle("is-focusing", target !== null);
    if (target) {
      target.classList.add("is-target");
      for (const el of text.querySelectorAll("[data-passage]")) {
        if (el.dataset.passage === id) el.classList.add("is-target");
      }
    }
    toggle.setAttribute("aria-pressed", "false");
    show();
  };

  toggle.addEventListener("click", () => {
    const all = toggle.getAttribute("aria-pressed") !== "true";
    toggle.setAttribute("aria-pressed", String(all));
    show();
  });
  window.addEventListener("hashchange", focus);
  focus();
})();
