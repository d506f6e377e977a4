// "Exit this page", behaving as GOV.UK Frontend's component does (and as its own
// browser tests check it): the button and the skip link both cover the page, then
// leave; Shift pressed three times, each press within 5 seconds of the last, does
// the same; any other key after one or two Shifts cancels the count and says so.
// Without JavaScript the button and the skip link are ordinary links to /exit/.
//
// Where Hearth deliberately differs from GOV.UK:
// - the link goes to Hearth's own /exit/, which ends her session on the server
//   before redirecting to the neutral site (GOV.UK links straight to that site);
// - it leaves with location.replace(), not location.href =, so the page she was on
//   does not stay in this tab's history for Back to return to;
// - a page restored from the back/forward cache is fetched again, so that after an
//   exit the server, which has ended the session, decides what is shown.
// Every word it shows comes from the template's data-i18n-* attributes, so that it
// is translated with the rest of the page (the CSP allows no inline script).
(function () {
  "use strict";

  var PRESSES_NEEDED = 3;
  var TIMEOUT_MS = 5000;

  var root = document.querySelector("[data-exit-this-page]");
  if (!root) {
    return;
  }
  var button = root.querySelector("[data-exit-this-page-button]");
  var skiplink = document.querySelector("[data-exit-this-page-skiplink]");
  var indicator = root.querySelector("[data-exit-this-page-indicator]");
  var status = root.querySelector("[data-exit-this-page-status]");
  var lights = indicator.querySelectorAll("span");
  var words = {
    activated: root.getAttribute("data-i18n-activated"),
    timedOut: root.getAttribute("data-i18n-timed-out"),
    pressTwoMoreTimes: root.getAttribute("data-i18n-press-two-more-times"),
    pressOneMoreTime: root.getAttribute("data-i18n-press-one-more-time"),
  };

  var presses = 0;
  var lastKeyWasModified = false;
  var pressTimer = null;
  var messageTimer = null;
  var overlay = null;

  function updateIndicator() {
    indicator.classList.toggle("exit-this-page__indicator--visible", presses > 0);
    for (var i = 0; i < lights.length; i += 1) {
      lights[i].classList.toggle("is-lit", i < presses);
    }
  }

  function clearTimer(timer) {
    if (timer) {
      window.clearTimeout(timer);
    }
    return null;
  }

  function exitPage() {
    status.textContent = "";
    // The class hides the page from screen readers and Tab behind the overlay.
    document.body.classList.add("exit-this-page-hide-content");
    overlay = document.createElement("div");
    overlay.className = "exit-this-page-overlay";
    overlay.setAttribute("role", "alert");
    // In the page first, then the words: screen readers announce the change more reliably.
    document.body.appendChild(overlay);
    overlay.textContent = words.activated;
    window.location.replace(button.href);
  }

  function handleClick(event) {
    event.preventDefault();
    exitPage();
  }

  // The count expired (5 seconds without a Shift) or another key interrupted it.
  function expire() {
    pressTimer = clearTimer(pressTimer);
    presses = 0;
    status.textContent = words.timedOut;
    messageTimer = clearTimer(messageTimer);
    messageTimer = window.setTimeout(function () {
      status.textContent = "";
    }, TIMEOUT_MS);
    updateIndicator();
  }

  function handleKeyup(event) {
    // Shift used as a modifier (Shift+A) sends A's keyup with shiftKey set, then
    // Shift's own keyup: that Shift is not a press.
    if (event.key === "Shift" && !lastKeyWasModified) {
      presses += 1;
      updateIndicator();
      messageTimer = clearTimer(messageTimer);
      if (presses >= PRESSES_NEEDED) {
        presses = 0;
        pressTimer = clearTimer(pressTimer);
        exitPage();
      } else {
        status.textContent = presses === 1 ? words.pressTwoMoreTimes : words.pressOneMoreTime;
      }
      // Restarted on each press: 5 seconds between presses, not for all three.
      pressTimer = clearTimer(pressTimer);
      pressTimer = window.setTimeout(expire, TIMEOUT_MS);
    } else if (pressTimer) {
      expire();
    }
    lastKeyWasModified = event.shiftKey;
  }

  // Back to a clean page: no overlay, no count, nothing announced.
  function resetPage() {
    document.body.classList.remove("exit-this-page-hide-content");
    if (overlay) {
      overlay.remove();
      overlay = null;
    }
    status.setAttribute("role", "status");
    status.textContent = "";
    presses = 0;
    updateIndicator();
    pressTimer = clearTimer(pressTimer);
    messageTimer = clearTimer(messageTimer);
  }

  button.addEventListener("click", handleClick);
  if (skiplink) {
    skiplink.addEventListener("click", handleClick);
  }
  document.addEventListener("keyup", handleKeyup, true);
  window.addEventListener("pageshow", function (event) {
    resetPage();
    if (event.persisted) {
      window.location.reload();
    }
  });
})();
