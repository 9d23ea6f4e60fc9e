// Where am I? Entity, fact and seed pages are not in mkdocs.yml's nav (one entry per page would
// make the theme's nav quadratic), so neither engine highlights a tab or fills the left sidebar
// on them. Mark the section whose address the page's address starts with, as the theme marks the
// section's own page: its tab, and its sidebar entry with this page's heading under it.
// (The breadcrumbs at the top of those pages are plain links and need no script.)
(() => {
  const tabs = [...document.querySelectorAll(".md-tabs__item")];
  if (!tabs.length || tabs.some((tab) => tab.classList.contains("md-tabs__item--active"))) return;
  const here = location.pathname;
  // A section's pages sit below its folder (generated/facts/x/) or beside its page, split parts
  // with an underscore (generated/timeline_2024-08/): longest match wins, so Home matches last.
  const within = (path) => {
    const base = path.endsWith("/") ? path.slice(0, -1) : path;
    return here === path || here.startsWith(base + "/") || here.startsWith(base + "_");
  };
  let best = null;
  let bestLength = -1;
  for (const tab of tabs) {
    const link = tab.querySelector("a.md-tabs__link");
    if (!link) continue;
    const path = new URL(link.href, location.href).pathname;
    if (within(path) && path.length > bestLength) {
      best = { tab, path };
      bestLength = path.length;
    }
  }
  if (!best) return;
  best.tab.classList.add("md-tabs__item--active");

  const items = document.querySelectorAll(".md-nav--primary > .md-nav__list > .md-nav__item");
  for (const item of items) {
    const link = item.querySelector(":scope > a.md-nav__link");
    if (!link || new URL(link.href, location.href).pathname !== best.path) continue;
    item.classList.add("md-nav__item--active");
    link.classList.add("md-nav__link--active");
    const heading = document.querySelector("article h1");
    if (heading) {
      // This page under its section, as a nested entry of the theme's own markup.
      const nav = document.createElement("nav");
      nav.className = "md-nav dossier-nav-here";
      nav.setAttribute("aria-label", "This page");
      const list = document.createElement("ul");
      list.className = "md-nav__list";
      const entry = document.createElement("li");
      entry.className = "md-nav__item";
      const self = document.createElement("a");
      self.className = "md-nav__link md-nav__link--active";
      self.href = "#top";
      self.setAttribute("aria-current", "page");
      const label = document.createElement("span");
      label.className = "md-ellipsis";
      label.textContent = heading.textContent.replace(/¶\s*$/, "").trim();
      self.appendChild(label);
      entry.appendChild(self);
      list.appendChild(entry);
      nav.appendChild(list);
      item.appendChild(nav);
    }
    break;
  }
})();
