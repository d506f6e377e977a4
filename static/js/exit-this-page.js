// "Exit this page", after GOV.UK Frontend's component (Exit this page pattern):
// pressing Shift three times, each press within 5 seconds of the last, or
// activating the button, hides the page and replaces it with /exit/, which ends
// the session and redirects to a neutral site. Without JavaScript the button is
// an ordinary link to the same place.
(function () {
  "use strict";

  var PRESSES_NEEDED = 3;
  var TIMEOUT_MS = 5000;

  var root = document.querySelector("[data-exit-this-page]");
  if (!root) {
    return;
  }
  var button = root.querySelector("[data-exit-this-page-button]");
  var indicator = root.querySelector("[data-exit-this-page-indicator]");
  var status = root.querySelector("[data-exit-this-page-status]");
  var dots = indicator ? indicator.querySelectorAll("span") : [];
  var href = button.getAttribute("href");

  var presses = 0;
  var timer = null;
  var shiftUsedAsModifier = false;

  function showProgress() {
    indicator.classList.toggle("exit-this-page__indicator--visible", presses > 0);
    for (var i = 0; i < dots.length; i += 1) {
      dots[i].classList.toggle("is-lit", i < presses);
    }
  }

  function reset(announceExpiry) {
    if (announceExpiry && presses > 0) {
      status.textContent = "Exit this page expired.";
    }
    presses = 0;
    window.clearTimeout(timer);
    timer = null;
    showProgress();
  }

  function exitNow(event) {
    if (event) {
      event.preventDefault();
    }
    var overlay = document.createElement("div");
    overlay.className = "exit-this-page-overlay";
    overlay.setAttribute("role", "alert");
    overlay.textContent = "Loading.";
    document.body.appendChild(overlay);
    document.body.classList.add("exit-this-page-hide-content");
    // replace(), not href=: the page she was on does not stay in this tab's history.
    window.location.replace(href);
  }

  button.addEventListener("click", exitNow);

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Shift") {
      shiftUsedAsModifier = event.shiftKey;
      reset(false);
    }
  });

  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift") {
      return;
    }
    if (shiftUsedAsModifier) {
      shiftUsedAsModifier = false;
      return;
    }
    presses += 1;
    showProgress();
    if (presses >= PRESSES_NEEDED) {
      exitNow();
      return;
    }
    var left = PRESSES_NEEDED - presses;
    status.textContent =
      "Shift, press " + left + " more " + (left === 1 ? "time" : "times") + " to exit.";
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      reset(true);
    }, TIMEOUT_MS);
  });

  // If a browser restores this page from its back/forward cache, ask the server
  // again: after an exit the session is gone and nothing private is shown.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      window.location.reload();
    }
  });
})();
