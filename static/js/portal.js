// Small progressive enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", () => {
  // The tenant switcher navigates on change; its button remains for keyboard and no-JS use.
  const switcher = document.querySelector("[data-tenant-switcher]");
  if (switcher) {
    const select = switcher.querySelector("select");
    const button = switcher.querySelector("button");
    if (button) button.hidden = true;
    select.addEventListener("change", () => {
      const option = select.selectedOptions[0];
      if (option && option.dataset.url) window.location.href = option.dataset.url;
    });
  }
  // Bars and chart keys: widths (percent) and colours computed by the server come as data
  // attributes because the Content-Security-Policy allows no style attribute in the markup;
  // setting them through the DOM is allowed. The figures are also printed beside each bar.
  document.querySelectorAll("[data-width]").forEach((element) => {
    const width = Number.parseFloat(element.dataset.width);
    if (Number.isFinite(width)) element.style.width = `${Math.min(100, Math.max(0, width))}%`;
  });
  document.querySelectorAll("[data-colour]").forEach((element) => {
    const colour = element.dataset.colour;
    if (/^#[0-9a-f]{3,8}$/i.test(colour)) element.style.background = colour;
  });
  // Copy buttons (a new API key): shown only where the browser can copy; else select the text.
  document.querySelectorAll("[data-copy]").forEach((button) => {
    const input = document.getElementById(button.dataset.copy);
    const said = document.querySelector(`[data-copied-for="${button.dataset.copy}"]`);
    if (!input || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", () => {
      navigator.clipboard.writeText(input.value).then(
        () => { if (said) said.textContent = "Copied."; },
        () => { input.select(); if (said) said.textContent = "Press Ctrl+C (⌘C) to copy."; },
      );
    });
  });
  // The menu (a <details>) is always open on a wide screen; portal.css shows its content there
  // even when closed, except in browsers without ::details-content, for which it is opened here.
  // Escape closes it on a phone and gives the focus back to its button.
  const menu = document.querySelector("[data-menu]");
  if (menu) {
    const wide = window.matchMedia("(min-width: 901px)");
    if (!CSS.supports("selector(::details-content)")) {
      const follow = () => { menu.open = wide.matches; };
      follow();
      wide.addEventListener("change", follow);
    }
    menu.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && menu.open && !wide.matches) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
  }
  // Tables become stacked rows on a phone (portal.css); each cell is labelled with its column's
  // header (data-label) so that the stacked values still say what they are. A cell that already
  // has a data-label, spans columns or sits under an empty header keeps as it is.
  document.querySelectorAll("main table").forEach((table) => {
    const head = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    if (!head) return;
    const labels = [];
    for (const th of head.cells) {
      const text = th.textContent.replace(/\s+/g, " ").trim();
      for (let i = 0; i < th.colSpan; i += 1) labels.push(text);
    }
    for (const body of table.tBodies) {
      for (const row of body.rows) {
        let column = 0;
        for (const cell of row.cells) {
          const label = labels[column];
          if (cell.colSpan === 1 && label && !cell.hasAttribute("data-label")) {
            cell.dataset.label = label;
          }
          column += cell.colSpan;
        }
      }
    }
  });
  // A table wider than its box scrolls inside its .table-wrap (on a wide screen; on a phone it
  // is stacked): such a box is made a named, focusable region so that keyboard users can scroll
  // it too (WCAG 2.1.1).
  const scrollable = () => {
    document.querySelectorAll(".table-wrap").forEach((wrap) => {
      const scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
      if (scrolls && !wrap.hasAttribute("tabindex")) {
        const section = wrap.closest("section, .card");
        const heading = section && section.querySelector("h2, h3");
        wrap.tabIndex = 0;
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", `${heading ? heading.textContent.trim() : "Table"} (scrolls sideways)`);
      } else if (!scrolls && wrap.getAttribute("role") === "region") {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    });
  };
  scrollable();
  window.addEventListener("resize", scrollable);
  // Confirm destructive actions.
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
});
