// "Cite this fact" on fact pages (dossier/templates/fact.md.j2): today's date as the date of
// retrieval, the permalink made absolute from the address the reader is at when the project sets
// no site_url, and the copy buttons. Without this script the page still shows the citation, with
// the build date called what it is. Nothing here reaches the network.
(() => {
  const block = document.querySelector(".dossier-cite");
  if (!block) return;
  const today = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  const iso = `${today.getFullYear()}-${pad(today.getMonth() + 1)}-${pad(today.getDate())}`;
  let permalink = block.dataset.permalink || "";
  if (block.dataset.absolute !== "true") {
    // The page's own address, without query or fragment: where the reader found it, not a guess.
    permalink = location.origin + location.pathname;
  }

  const line = block.querySelector(".dossier-cite__line");
  const link = block.querySelector(".dossier-cite__url");
  if (link) link.textContent = permalink;
  const date = block.querySelector(".dossier-cite__date");
  if (date) {
    const time = document.createElement("time");
    time.dateTime = iso;
    time.textContent = iso;
    date.replaceChildren("Retrieved ", time);
  }

  // CSL-JSON: one key a line (as dossier/cite.py writes it), with URL and accessed set.
  const csl = block.querySelector(".dossier-cite__csl code");
  if (csl) {
    try {
      const [item] = JSON.parse(csl.textContent);
      item.URL = permalink;
      item.accessed = { "date-parts": [[today.getFullYear(), today.getMonth() + 1, today.getDate()]] };
      const lines = Object.entries(item).map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
      csl.textContent = `[\n  {\n${lines.join(",\n")}\n  }\n]`;
    } catch (error) {
      // Leave the record as built: it is valid JSON already.
    }
  }

  // BibTeX: the url field (percent-encoded, so no brace can unbalance it) and the urldate.
  const bib = block.querySelector(".dossier-cite__bibtex code");
  if (bib) {
    const safeUrl = permalink.replace(/[{}\\\s]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0"));
    const fields = bib.textContent.split("\n").filter((l) => !/^ {2}(url|urldate) = /.test(l));
    const close = fields.pop(); // the closing brace of the entry
    fields.push(`  url = {${safeUrl}},`, `  urldate = {${iso}},`, close);
    bib.textContent = fields.join("\n");
  }

  const status = block.querySelector(".dossier-copy__status");
  const texts = { permalink: () => permalink, line: () => (line ? line.textContent.trim() : permalink) };

  // The clipboard API needs a secure context (https, or 127.0.0.1/localhost); a page opened from
  // a file or over plain http elsewhere falls back to a selected text area and execCommand.
  const copy = async (text) => {
    if (navigator.clipboard && window.isSecureContext) {
      try {
        await navigator.clipboard.writeText(text);
        return true;
      } catch (error) {
        // fall through to the older way
      }
    }
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    let done = false;
    try {
      done = document.execCommand("copy");
    } catch (error) {
      done = false;
    }
    area.remove();
    return done;
  };

  block.querySelectorAll("button.dossier-copy").forEach((button) => {
    const what = texts[button.dataset.copy];
    if (!what) return;
    button.hidden = false;
    button.addEventListener("click", async () => {
      const done = await copy(what());
      if (status) status.textContent = done ? "Copied." : "Could not copy: select the text and copy it.";
    });
  });
})();
