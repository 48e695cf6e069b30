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
  // Confirm destructive actions.
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
});
