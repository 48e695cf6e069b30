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
  // Confirm destructive actions.
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
});
