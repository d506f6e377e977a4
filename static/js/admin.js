/* Django admin's filter_horizontal widget (SelectFilter2.js) labels its search icon with
   aria-label on a bare span, which ARIA prohibits; giving the icon the role of an image
   makes the label valid, so screen readers announce it (WCAG 4.1.2). The widget builds
   itself on window load, so watch for it rather than run once. */
(function () {
  "use strict";

  function mend(root) {
    root.querySelectorAll(".help-tooltip[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }

  function start() {
    mend(document);
    new MutationObserver(function () { mend(document); }).observe(document.body, {
      childList: true,
      subtree: true,
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
