// Accessibility repairs for the theme's own markup, which neither MkDocs nor Zensical lets a
// project change without overriding templates (and the two engines' templates differ).
// The search overlay is a role="dialog" without a name (axe: aria-dialog-name).
document.querySelectorAll('.md-search[role="dialog"]:not([aria-label])').forEach((dialog) => {
  dialog.setAttribute("aria-label", "Search");
});
