/* Exit this page: leave at once on a click or on Shift pressed three times, without
 * leaving this page in the Back history. Works as a plain link without JavaScript.
 * Offline, the neutral destination cannot load (the browser would show its "No internet"
 * error, which says where the reader was trying to go): a blank page instead. */
(function () {
  "use strict";
  // The first is the button on every page; others (beside "Remove saved pages") do the same.
  var links = document.querySelectorAll("[data-exit-this-page]");
  var link = links[0];
  if (!link) return;
  var status = document.querySelector("[data-exit-status]");
  var presses = 0;
  var timer = null;

  function say(text) {
    if (status) status.textContent = text || "";
  }

  function exit(event) {
    if (event) event.preventDefault();
    var overlay = document.createElement("div");
    overlay.className = "exit-this-page-overlay";
    document.body.appendChild(overlay);
    document.title = "\u200b";
    say(link.getAttribute("data-text-activated"));
    // replace(): the page the reader was on is not kept in the Back history.
    window.location.replace(navigator.onLine === false ? "about:blank" : link.href);
  }

  for (var i = 0; i < links.length; i++) links[i].addEventListener("click", exit);
  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift") {
      presses = 0;
      return;
    }
    presses += 1;
    clearTimeout(timer);
    if (presses >= 3) {
      presses = 0;
      exit();
      return;
    }
    say(link.getAttribute(presses === 1 ? "data-text-press-two-more" : "data-text-press-one-more"));
    timer = setTimeout(function () {
      presses = 0;
      say(link.getAttribute("data-text-timed-out"));
    }, 5000);
  });
  // A page restored from the back/forward cache must not still show the blank overlay.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    var overlays = document.querySelectorAll(".exit-this-page-overlay");
    for (var i = 0; i < overlays.length; i++) overlays[i].remove();
  });
})();
