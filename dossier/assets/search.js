// The header's search box, over the Pagefind bundles `dossier build` writes (see dossier/search.py).
// Both engines' own search is switched off (mkdocs.yml), so this is the one search in either site.
// Pagefind fetches only the index fragments a query needs; nothing here reaches another host.
// Every value from the index is shown as text (textContent), never parsed as HTML: page titles
// and excerpts come from analysts' data.
(() => {
  "use strict";

  const script = document.currentScript;
  if (!script) return;
  // This file is <site>/generated/assets/search.js: the site's root is two folders up, which
  // also holds when the site is published below a path (https://host/project/).
  const root = new URL("../../", script.src);
  const TYPES = { fact: "Fact", entity: "Entity", seed: "Source", page: "Page" };
  const SHOWN = 10;
  let bundles = null; // a promise of the loaded Pagefind instances, one per bundle
  let sequence = 0; // the latest query; answers to older ones are dropped

  const element = (tag, className, text) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  };

  const icon = () => {
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    const path = document.createElementNS(ns, "path");
    path.setAttribute(
      "d",
      "M9.5 3A6.5 6.5 0 0 1 16 9.5c0 1.61-.59 3.09-1.56 4.23l.27.27h.79l5 5-1.5 1.5-5-5v-.79l-.27-.27A6.52 6.52 0 0 1 9.5 16 6.5 6.5 0 0 1 3 9.5 6.5 6.5 0 0 1 9.5 3m0 2C7 5 5 7 5 9.5S7 14 9.5 14 14 12 14 9.5 12 5 9.5 5",
    );
    svg.append(path);
    return svg;
  };

  // --- the header button and the dialog ---------------------------------------------------
  const open = element("button", "md-header__button dossier-search__open");
  open.type = "button";
  open.setAttribute("aria-label", "Search");
  open.setAttribute("aria-keyshortcuts", "/");
  open.setAttribute("aria-haspopup", "dialog");
  open.append(icon(), element("span", "dossier-search__hint", "Search"));

  const dialog = element("dialog", "dossier-search");
  dialog.setAttribute("aria-label", "Search the dossier");
  const bar = element("div", "dossier-search__bar");
  const input = element("input", "dossier-search__input");
  input.type = "search";
  input.id = "dossier-search-input";
  input.placeholder = "Search facts, entities, sources";
  input.autocomplete = "off";
  input.spellcheck = false;
  input.setAttribute("aria-label", "Search the dossier");
  input.setAttribute("aria-controls", "dossier-search-results");
  const close = element("button", "dossier-search__close", "Close");
  close.type = "button";
  bar.append(icon(), input, close);
  const status = element("p", "dossier-search__status", "Type to search.");
  status.setAttribute("role", "status");
  const list = element("ol", "dossier-search__results");
  list.id = "dossier-search-results";
  list.setAttribute("aria-label", "Search results");
  dialog.append(bar, status, list);

  const header = document.querySelector(".md-header__inner");
  if (!header) return;
  header.insertBefore(open, header.querySelector(".md-header__source"));
  document.body.append(dialog);

  const show = () => {
    if (!dialog.open) dialog.showModal();
    input.focus();
    input.select();
    load(); // fetch the index's entry files while the reader types
  };
  open.addEventListener("click", show);
  open.addEventListener("pointerenter", () => load(), { once: true });
  close.addEventListener("click", () => dialog.close());
  // A click on the backdrop (the dialog element itself, outside its content) closes it.
  dialog.addEventListener("click", (event) => {
    if (event.target === dialog) dialog.close();
  });
  // "/" (and "s", "f", as the theme's search had it) opens search, unless the reader is typing.
  window.addEventListener(
    "keydown",
    (event) => {
      if (dialog.open || event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target;
      if (target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
      if (event.key === "/" || event.key === "s" || event.key === "f") {
        event.preventDefault();
        event.stopImmediatePropagation(); // the theme's own shortcut toggles a search it no longer has
        show();
      }
    },
    true,
  );
  input.addEventListener("keydown", (event) => {
    const first = list.querySelector("a");
    if (event.key === "Escape") {
      event.preventDefault(); // close at once (a search field's Escape would only clear it)
      dialog.close();
    } else if (event.key === "ArrowDown" && first) {
      event.preventDefault();
      first.focus();
    } else if (event.key === "Enter" && first) {
      event.preventDefault();
      first.click();
    }
  });
  list.addEventListener("keydown", (event) => {
    const links = [...list.querySelectorAll("a")];
    const at = links.indexOf(document.activeElement);
    if (at < 0) return;
    if (event.key === "ArrowDown" && at + 1 < links.length) {
      event.preventDefault();
      links[at + 1].focus();
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      (at > 0 ? links[at - 1] : input).focus();
    }
  });

  // --- Pagefind -------------------------------------------------------------------------------
  // One Pagefind instance per language: German seed pages have their own, German-stemmed bundle,
  // and a bundle merged into another would be searched with the other's stemmer. A large site's
  // bundle comes in shards (pagefind/, pagefind-2/, …; pagefind-de-2/ …: see dossier/search.py):
  // the first of a language loads, the others merge into it, sharing its WebAssembly.
  // After an incremental build, the pages that changed since the last full index are in delta
  // bundles (pagefind-delta/, pagefind-de-delta/), and their old copies, and removed pages, are
  // listed by fragment id in pagefind-superseded.json (named in the manifest): dropped from
  // every search.
  const BUNDLE_NAME = /^pagefind(-[a-z]{2})?(-[0-9]+|-delta)?\/$/;
  let superseded = new Set();
  const json = (name) =>
    fetch(new URL(name, root)).then((response) => {
      if (!response.ok) throw new Error("no search index: run `dossier build`");
      return response.json();
    });
  function load() {
    if (!bundles) {
      bundles = json("pagefind-bundles.json")
        .then(async (names) => {
          if (names.includes("pagefind-superseded.json")) superseded = new Set(await json("pagefind-superseded.json"));
          return names;
        })
        .then((names) => {
          const languages = new Map();
          for (const name of names) {
            const match = BUNDLE_NAME.exec(name);
            if (!match) continue;
            const language = match[1] || "";
            if (!languages.has(language)) languages.set(language, []);
            languages.get(language).push(name);
          }
          const options = { baseUrl: root.pathname, excerptLength: 24 };
          return Promise.all(
            [...languages.values()].map(async ([first, ...others]) => {
              const pagefind = await import(new URL(`${first}pagefind.js`, root).href);
              await pagefind.options(options);
              await pagefind.init();
              const merges = others.map((other) => pagefind.mergeIndex(new URL(other, root).pathname, options));
              await Promise.all(merges);
              return pagefind;
            }),
          );
        });
    }
    return bundles;
  }

  let timer = 0;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => run(input.value.trim()), 120);
  });

  async function run(term) {
    const mine = ++sequence;
    if (!term) {
      list.replaceChildren();
      status.textContent = "Type to search.";
      return;
    }
    status.textContent = "Searching…";
    let found;
    try {
      const instances = await load();
      const searches = await Promise.all(instances.map((pagefind) => pagefind.search(term)));
      const hits = searches
        .flatMap((search) => search.results)
        .filter((hit) => !superseded.has(hit.id))
        .sort((a, b) => b.score - a.score);
      found = [];
      const seen = new Set();
      // Each result's data is a fragment fetched on demand: fetch only what is shown. A seed page
      // in another language is in two bundles, so a second round may be needed to fill the list.
      for (let from = 0; found.length < SHOWN && from < hits.length; ) {
        const batch = hits.slice(from, from + SHOWN - found.length);
        from += batch.length;
        for (const data of await Promise.all(batch.map((hit) => hit.data()))) {
          if (!seen.has(data.url)) found.push(data);
          seen.add(data.url);
        }
        if (mine !== sequence) return;
      }
    } catch (error) {
      if (mine === sequence) status.textContent = "Search is not available on this copy of the site.";
      console.warn(error); // a site served before `dossier build` indexed it (or opened from disk)
      return;
    }
    if (mine !== sequence) return;
    list.replaceChildren(...found.map(result));
    status.textContent = found.length
      ? `${found.length === SHOWN ? "Top " : ""}${found.length} result${found.length === 1 ? "" : "s"} for “${term}”.`
      : `No results for “${term}”.`;
  }

  function result(data) {
    const type = Object.hasOwn(TYPES, data.meta.type) ? data.meta.type : "page";
    const item = element("li", `dossier-search__result dossier-search__result--${type}`);
    const link = element("a", "dossier-search__link");
    link.href = href(data.url);
    link.append(
      element("span", `dossier-search__type dossier-search__type--${type}`, TYPES[type]),
      element("span", "dossier-search__title", data.meta.title || data.url),
    );
    const excerpt = element("p", "dossier-search__excerpt");
    if (/^[a-z]{2}$/.test(data.meta.language || "")) excerpt.lang = data.meta.language;
    excerpt.append(...marked(data.excerpt));
    item.append(link, excerpt);
    return item;
  }

  // A result's address: a path below the site's root, never another scheme or host.
  function href(url) {
    const target = new URL(url, root);
    return target.origin === root.origin && target.pathname.startsWith(root.pathname) ? target.href : root.href;
  }

  // Pagefind's excerpt is the page's text with "<" and ">" written as &lt; and &gt; and the
  // matched words in <mark>…</mark>: rebuilt here as text nodes and <mark> elements.
  function marked(excerpt) {
    const text = (s) => document.createTextNode(s.replace(/&lt;/g, "<").replace(/&gt;/g, ">"));
    return String(excerpt)
      .split(/(<mark>[^<]*<\/mark>)/)
      .map((part) => (part.startsWith("<mark>") ? element("mark", "", text(part.slice(6, -7)).data) : text(part)));
  }
})();
