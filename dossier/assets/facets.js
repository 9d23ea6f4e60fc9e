// Facets on the facts and entities lists, and the timeline's zoom.
//
// Without JavaScript the pages are plain lists (split into parts when long) and the timeline's
// zoom links are anchors. With it, the filter form appears; the first time a reader filters or
// sorts, the whole list is fetched as compact JSON (generated/facets/*.json, written by
// dossier/facets.py) and the matches replace the plain list. The filter state lives in the query
// string, so a filtered view can be shared and a reload restores it. Every value from the data is
// inserted with textContent, never as HTML.
(function () {
  "use strict";

  const script = document.currentScript;
  const base = script && script.src ? script.src : document.baseURI;
  const PAGE = 200; // results shown at once; "Show more" adds as many again
  const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December"];

  // --- dates as the data writes them: 2024, 2024-08, 2024-08-05, or two of them "a/b" ---------
  const POINT = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

  function lastDay(y, m) {
    return new Date(Date.UTC(y, m, 0)).getUTCDate();
  }

  function pad(n) {
    return String(n).padStart(2, "0");
  }

  // [first day, last day] of one written date as ISO strings, or null when it is not a date.
  function span(text) {
    const m = POINT.exec(text.trim());
    if (!m) return null;
    const y = Number(m[1]);
    if (!m[2]) return [`${m[1]}-01-01`, `${m[1]}-12-31`];
    const mo = Number(m[2]);
    if (mo < 1 || mo > 12) return null;
    if (!m[3]) return [`${m[1]}-${m[2]}-01`, `${m[1]}-${m[2]}-${pad(lastDay(y, mo))}`];
    const d = Number(m[3]);
    if (d < 1 || d > lastDay(y, mo)) return null;
    return [`${m[1]}-${m[2]}-${m[3]}`, `${m[1]}-${m[2]}-${m[3]}`];
  }

  function rangeOf(text) {
    const parts = text.split("/");
    const first = span(parts[0]);
    const last = span(parts[parts.length - 1]);
    return first && last ? [first[0], last[1]] : null;
  }

  function human(point) {
    const m = POINT.exec(point);
    if (!m) return point;
    if (!m[2]) return m[1];
    const month = MONTHS[Number(m[2]) - 1];
    return m[3] ? `${Number(m[3])} ${month} ${m[1]}` : `${month} ${m[1]}`;
  }

  function humanDate(text) {
    return text.split("/").map(human).join(" – ");
  }

  // --- the two kinds of list ------------------------------------------------------------------
  const KINDS = {
    facts: {
      fields: ["status", "level", "entity", "type", "outlet", "from", "to", "sort"],
      defaults: { sort: "date" },
      noun: ["fact", "facts"],
      prepare(data) {
        everyone = Object.values(data.e);
        data.f.forEach((f, i) => {
          f.order = i;
          f.u = f.u || `${data.b}${f.i}/`;
          f.range = f.d ? rangeOf(f.d) : null;
          f.about = f.a.map((k) => data.e[k]);
          f.outlets = f.o.map((k) => data.e[k]);
        });
        return data.f;
      },
      lists(data, form) {
        const about = new Set();
        const outlets = new Set();
        data.f.forEach((f) => {
          f.about.forEach((e) => about.add(e.n));
          f.outlets.forEach((e) => outlets.add(e.n));
        });
        fill(form.querySelector("#facets-entity-names"), about);
        fill(form.querySelector("#facets-outlet-names"), outlets);
      },
      match(state, form) {
        const tests = [];
        if (state.status) tests.push((f) => f.t === state.status);
        if (state.level) tests.push((f) => f.l === state.level);
        if (state.type) tests.push((f) => f.about.some((e) => e.t === state.type));
        if (state.entity) {
          const is = matcher(state.entity.toLowerCase());
          tests.push((f) => f.about.some(is));
        }
        if (state.outlet) {
          const is = matcher(state.outlet.toLowerCase());
          tests.push((f) => f.outlets.some(is));
        }
        const from = dateField(form, "from", state.from, 0);
        const to = dateField(form, "to", state.to, 1);
        if (from) tests.push((f) => f.range !== null && f.range[1] >= from);
        if (to) tests.push((f) => f.range !== null && f.range[0] <= to);
        return (f) => tests.every((t) => t(f));
      },
      compare(sort) {
        if (sort === "name") return (a, b) => a.s.localeCompare(b.s) || a.order - b.order;
        if (sort === "date-desc") return (a, b) => newest(a, b);
        return (a, b) => a.order - b.order;
      },
      item(f, url) {
        const li = document.createElement("li");
        li.appendChild(link(f.s, url(f.u)));
        li.append(" ");
        li.appendChild(badge(f.t));
        li.append(" ");
        li.appendChild(badge(f.l));
        const detail = document.createElement("span");
        detail.className = "facets__detail";
        const when = !f.d
          ? "undated"
          : f.r
            ? `first reported ${humanDate(f.d)} (date of the event not stated)`
            : humanDate(f.d) + (f.n ? " (inferred)" : "");
        const about = f.about.map((e) => e.n).join(", ");
        detail.textContent = `${when}${about ? " · about " + about : ""}`;
        li.appendChild(document.createElement("br"));
        li.appendChild(detail);
        return li;
      },
    },
    entities: {
      fields: ["type", "name", "sort"],
      defaults: { sort: "name" },
      noun: ["entity", "entities"],
      prepare(data) {
        data.e.forEach((e, i) => {
          e.order = i;
          e.u = e.u || `${data.b}${e.i}/`;
        });
        return data.e;
      },
      lists() {},
      match(state) {
        const tests = [];
        if (state.type) tests.push((e) => e.t === state.type);
        if (state.name) {
          const q = state.name.toLowerCase();
          tests.push((e) => named(e, q) || (e.k || []).some((a) => a.toLowerCase().includes(q)));
        }
        return (e) => tests.every((t) => t(e));
      },
      compare(sort) {
        if (sort === "facts") return (a, b) => b.c - a.c || a.n.localeCompare(b.n);
        return (a, b) => a.n.localeCompare(b.n) || a.order - b.order;
      },
      item(e, url) {
        const li = document.createElement("li");
        li.appendChild(link(e.n, url(e.u)));
        const detail = document.createElement("span");
        detail.className = "facets__detail";
        detail.textContent = ` — ${e.t} · ${e.c} ${e.c === 1 ? "fact" : "facts"}`;
        li.appendChild(detail);
        return li;
      },
    },
  };

  // Every entity of the compact JSON, once loaded (for matcher).
  let everyone = [];

  // A name or id given in full (picked from the list) means that entity alone: "RT DE" must not
  // also match "Breitbart", nor "Entity 1" "Entity 10". Anything else matches part of a name or id.
  function matcher(q) {
    const whole = (e) => e.n.toLowerCase() === q || e.i.toLowerCase() === q;
    return everyone.some(whole) ? whole : (e) => named(e, q);
  }

  function named(entity, q) {
    return entity.n.toLowerCase().includes(q) || entity.i.toLowerCase().includes(q);
  }

  function newest(a, b) {
    const x = a.range ? a.range[0] : "";
    const y = b.range ? b.range[0] : "";
    return x < y ? 1 : x > y ? -1 : a.order - b.order;
  }

  // A date the filter cannot read (a typo, or a shared link cut short) is left out of it, and the
  // count says so: a silently wider list reads as an answer.
  function unread(state) {
    const bad = ["from", "to"].filter((name) => state[name] && !span(state[name]));
    return bad.length
      ? ` Not read as a date, so not applied: ${bad.map((name) => `${name} “${state[name]}”`).join(", ")}` +
          " (write 2024, 2024-08 or 2024-08-05)."
      : "";
  }

  function dateField(form, name, value, end) {
    const input = form.elements[name];
    const parsed = value ? span(value) : null;
    if (input) {
      if (value && !parsed) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    }
    return parsed ? parsed[end] : "";
  }

  function fill(datalist, names) {
    if (!datalist || datalist.childElementCount) return;
    [...names].sort((a, b) => a.localeCompare(b)).forEach((name) => {
      const option = document.createElement("option");
      option.value = name;
      datalist.appendChild(option);
    });
  }

  function link(text, href) {
    const a = document.createElement("a");
    a.textContent = text;
    if (href) a.href = href;
    return a;
  }

  function badge(word) {
    const span = document.createElement("span");
    span.className = "badge badge--" + word.replace(/[^a-z]/g, "");
    span.textContent = word;
    return span;
  }

  // --- one list page ----------------------------------------------------------------------------
  function setUp(box) {
    const kind = KINDS[box.dataset.facets];
    const form = box.querySelector("form.facets");
    if (!kind || !form) return;
    const count = box.querySelector(".facets__count");
    const results = box.querySelector(".facets__results");
    const more = box.querySelector(".facets__more");
    const dataUrl = new URL(`../facets/${box.dataset.facets}.json`, base);
    // The plain list: everything after the facets on the page, hidden while a filter is on.
    const plain = [];
    for (let el = box.nextElementSibling; el; el = el.nextElementSibling) plain.push(el);
    let loading = null;
    let shown = [];
    let upTo = 0;

    function url(u) {
      const target = new URL(u, dataUrl);
      return target.origin === location.origin ? target.href : "";
    }

    function load() {
      if (!loading) {
        loading = fetch(dataUrl)
          .then((r) => {
            if (!r.ok) throw new Error(`${r.status}`);
            return r.json();
          })
          .then((data) => {
            const items = kind.prepare(data);
            kind.lists(data, form);
            return items;
          });
        loading.catch(() => {
          loading = null;
        });
      }
      return loading;
    }

    function read() {
      const state = {};
      kind.fields.forEach((name) => {
        const value = (form.elements[name].value || "").trim();
        if (value && value !== kind.defaults[name]) state[name] = value;
      });
      return state;
    }

    function write(state) {
      const params = new URLSearchParams(location.search);
      kind.fields.forEach((name) => params.delete(name));
      kind.fields.forEach((name) => {
        if (state[name]) params.set(name, state[name]);
      });
      const query = params.toString();
      history.replaceState(history.state, "", (query ? "?" + query : location.pathname) + location.hash);
    }

    function setPlain(visible) {
      plain.forEach((el) => {
        el.hidden = !visible;
      });
      results.hidden = visible;
    }

    function render() {
      const end = Math.min(shown.length, upTo + PAGE);
      const fragment = document.createDocumentFragment();
      for (let i = upTo; i < end; i++) fragment.appendChild(kind.item(shown[i], url));
      results.appendChild(fragment);
      upTo = end;
      more.hidden = upTo >= shown.length;
      more.textContent = `Show more (${shown.length - upTo} left)`;
    }

    let generation = 0;
    function apply() {
      const state = read();
      write(state);
      const mine = ++generation;
      if (!Object.keys(state).length) {
        results.removeAttribute("aria-busy");
        setPlain(true);
        more.hidden = true;
        count.textContent = "";
        return;
      }
      count.textContent = "Loading the list…";
      results.setAttribute("aria-busy", "true");
      load().then(
        (items) => {
          if (mine !== generation) return;
          shown = items.filter(kind.match(state, form)).sort(kind.compare(state.sort || kind.defaults.sort));
          results.replaceChildren();
          upTo = 0;
          setPlain(false);
          render();
          const noun = kind.noun[items.length === 1 ? 0 : 1];
          count.textContent = `${shown.length} of ${items.length} ${noun} match.` + unread(state);
          results.removeAttribute("aria-busy");
        },
        () => {
          if (mine !== generation) return;
          count.textContent = "The list could not be loaded; the full list is shown.";
          results.removeAttribute("aria-busy");
          setPlain(true);
        },
      );
    }

    let timer = 0;
    form.addEventListener("input", (event) => {
      clearTimeout(timer);
      timer = setTimeout(apply, event.target.tagName === "INPUT" ? 250 : 0);
    });
    form.addEventListener("change", () => {
      clearTimeout(timer);
      apply();
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      apply();
    });
    form.addEventListener("reset", () => setTimeout(apply, 0));
    // Using the filter is what fetches the list: the name suggestions want it too.
    form.addEventListener("focusin", (event) => {
      if (event.target.list) load().catch(() => {});
    });
    more.addEventListener("click", render);

    const params = new URLSearchParams(location.search);
    kind.fields.forEach((name) => {
      const value = params.get(name);
      if (value === null) return;
      const control = form.elements[name];
      if (control.tagName === "SELECT" && ![...control.options].some((o) => o.value === value)) return;
      control.value = value;
    });
    form.hidden = false;
    if (Object.keys(read()).length) apply();
  }

  // --- the timeline's zoom: #y2024 shows a year, #m2024-08 a month -------------------------------
  const ZOOM = /^#(y\d+|m\d+-\d\d|y\d+-unstated)$/;

  function setUpZoom(overview) {
    const article = overview.parentElement;
    if (!article) return;
    const note = document.createElement("p");
    note.className = "tl-zoom-note";
    note.setAttribute("role", "status");
    const label = document.createElement("span");
    const all = document.createElement("button");
    all.type = "button";
    all.className = "tl-zoom-all";
    // A long timeline is split into pages (timeline_<part>/): a zoom there can only show what this
    // page holds of a year or month, and must say so rather than claim the whole year.
    const isPart = /\/timeline_[^/]+\/?$/.test(location.pathname);
    all.textContent = isPart ? "Show all of this page" : "Show the whole timeline";
    all.addEventListener("click", () => {
      history.replaceState(history.state, "", location.pathname + location.search);
      zoom("");
    });
    note.append(label, " ", all);
    note.hidden = true;
    overview.after(note);

    function zoom(hash) {
      const target = ZOOM.test(hash) ? hash.slice(1) : "";
      const heading = target ? document.getElementById(target) : null;
      const isYear = heading && heading.tagName === "H2";
      let year = "";
      let month = "";
      let inSections = false;
      let found = false;
      for (const el of article.children) {
        if (el.tagName === "H2") {
          inSections = true;
          year = el.id;
          month = "";
        } else if (el.tagName === "H3") {
          month = el.id;
        }
        if (!inSections) continue;
        let show = true;
        if (heading && isYear) show = year === target;
        else if (heading) show = year === yearOf(target) && (el.tagName === "H2" || month === target);
        el.hidden = !show;
        if (show && heading) found = true;
      }
      overview.querySelectorAll("a").forEach((a) => {
        const here = heading && a.hash === "#" + target && a.pathname === location.pathname;
        if (here) a.setAttribute("aria-current", "true");
        else a.removeAttribute("aria-current");
      });
      note.hidden = !(heading && found);
      if (heading && found) {
        const shown = heading.textContent.replace(/\s*¶\s*$/, "").trim();
        label.textContent = isPart
          ? `Showing only what this page holds of ${shown}; the timeline continues on its other pages.`
          : `Showing ${shown} only.`;
        heading.scrollIntoView();
      }
    }

    function yearOf(target) {
      return "y" + /^[ym](\d+)/.exec(target)[1];
    }

    window.addEventListener("hashchange", () => zoom(location.hash));
    zoom(location.hash);
  }

  document.querySelectorAll(".facets-box[data-facets]").forEach(setUp);
  document.querySelectorAll(".tl-overview").forEach(setUpZoom);
})();
