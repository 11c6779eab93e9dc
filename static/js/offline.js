/* Offline reading, as an enhancement: register the service worker, "Save this language",
 * "Remove saved pages", the list on the offline page, and the update banner.
 * Without JavaScript or service workers, pages still work online and none of this shows. */
(function () {
  "use strict";
  /* A saved copy keeps the alerts it was saved with: one that has ended is hidden. */
  [].forEach.call(document.querySelectorAll("[data-alert-until]"), function (alert) {
    if (Date.parse(alert.getAttribute("data-alert-until")) <= Date.now()) alert.hidden = true;
  });
  if (!("serviceWorker" in navigator) || !("caches" in window)) return;
  var lang = document.documentElement.lang;

  /* A list item holding one link: search results and the saved pages are listed alike. */
  function linkItem(href, text) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    li.appendChild(a);
    return li;
  }
  var controls = document.querySelector("[data-offline-controls]");
  var status = document.querySelector("[data-offline-status]");
  var banner = document.querySelector("[data-update-banner]");

  function text(name, values) {
    var template = (controls && controls.getAttribute("data-text-" + name)) || "";
    return template.replace(/\{(\w+)\}/g, function (_match, key) {
      return values && key in values ? values[key] : "";
    });
  }
  function say(message) {
    if (status) status.textContent = message;
  }
  // After "Remove saved pages", this page registers nothing and asks the worker nothing.
  var stopped = false;

  /* Ask a worker something and wait (a little) for its answer. */
  function ask(worker, message, onMessage) {
    return new Promise(function (resolve) {
      if (!worker) return resolve(null);
      var channel = new MessageChannel();
      var timer = onMessage ? null : setTimeout(function () { resolve(null); }, 2000);
      channel.port1.onmessage = function (event) {
        if (!onMessage) {
          clearTimeout(timer);
          return resolve(event.data);
        }
        if (onMessage(event.data)) resolve(event.data);
      };
      worker.postMessage(message, [channel.port2]);
    });
  }

  // One worker for every language: the same script URL on every page, so changing language
  // neither installs another worker nor offers an update.
  navigator.serviceWorker
    .register("/sw.js", { scope: "/" })
    .then(function (registration) {
      if (controls) controls.hidden = false;
      watchForUpdates(registration);
    })
    .catch(function () {});
  // This page's language: its essentials are saved, its saved copies checked.
  navigator.serviceWorker.ready.then(function (registration) {
    if (!stopped && navigator.onLine && registration.active) {
      registration.active.postMessage({ type: "hello", lang: lang });
    }
  });

  /* Updates: offer to reload when a new worker waits and something of this language (or
   * the shared code) changed in it; never reload by ourselves. */
  var reloadAsked = false;
  function offer(worker) {
    var current = navigator.serviceWorker.controller;
    if (!banner || !current) return;
    var question = { type: "language-version", lang: lang };
    Promise.all([ask(worker, question), ask(current, question)]).then(function (versions) {
      if (versions[0] && versions[0] === versions[1]) return;
      if (stopped) return;
      banner.hidden = false;
      banner.querySelector("[data-update-reload]").onclick = function () {
        reloadAsked = true;
        worker.postMessage("waymark:skip-waiting");
      };
    });
  }
  function watchForUpdates(registration) {
    if (registration.waiting) offer(registration.waiting);
    registration.addEventListener("updatefound", function () {
      var worker = registration.installing;
      if (!worker) return;
      worker.addEventListener("statechange", function () {
        if (worker.state === "installed") offer(worker);
      });
    });
  }
  navigator.serviceWorker.addEventListener("controllerchange", function () {
    if (reloadAsked) window.location.reload();
  });

  /* Save this language: the worker downloads what is not saved or changed, and says how
   * far it got in words (numbers and sizes written with the server's Babel data). */
  function saveLanguage() {
    say(text("starting"));
    if (navigator.storage && navigator.storage.persist) navigator.storage.persist();
    return navigator.serviceWorker.ready
      .then(function (registration) {
        return ask(registration.active, { type: "save-language", lang: lang }, function (message) {
          if (message.type === "progress") {
            say(text("progress", message));
            return false;
          }
          return true;
        });
      })
      .then(function (message) {
        if (message.type !== "done") throw new Error("failed");
        say(text("done", message));
        document.documentElement.setAttribute("data-language-saved", "true");
      })
      .catch(function () { say(text("failed")); });
  }

  /* Remove saved pages: the worker is told to write nothing more, then unregistered, then
   * every cache and the queued reports go. Nothing comes back until the next page load,
   * and the page says so, with the exit control beside it. */
  function removeSaved() {
    stopped = true;
    return ask(navigator.serviceWorker.controller, { type: "forget" })
      .then(function () { return navigator.serviceWorker.getRegistrations(); })
      .then(function (registrations) { return Promise.all(registrations.map(function (r) { return r.unregister(); })); })
      .then(function () { return caches.keys(); })
      .then(function (names) { return Promise.all(names.map(function (name) { return caches.delete(name); })); })
      .then(function () {
        return new Promise(function (resolve) {
          if (!window.indexedDB) return resolve();
          var request = indexedDB.deleteDatabase("waymark");
          request.onsuccess = request.onerror = request.onblocked = function () { resolve(); };
        });
      })
      .then(function () {
        say(text("removed"));
        var removed = document.querySelector("[data-offline-removed]");
        if (removed) removed.hidden = false;
        if (banner) banner.hidden = true;
        document.documentElement.setAttribute("data-saved-removed", "true");
      });
  }

  if (controls) {
    var save = controls.querySelector("[data-save-language]");
    var remove = controls.querySelector("[data-remove-saved]");
    if (save) save.addEventListener("click", saveLanguage);
    if (remove) remove.addEventListener("click", removeSaved);
  }

  /* A report written offline is queued, then sent once the network is back. */
  function queueFeedback(form) {
    var fields = {};
    new FormData(form).forEach(function (value, key) { fields[key] = value; });
    var item = { id: crypto.randomUUID(), action: form.action, fields: fields };
    return new Promise(function (resolve, reject) {
      var open = indexedDB.open("waymark", 1);
      open.onupgradeneeded = function () { open.result.createObjectStore("feedback", { keyPath: "id" }); };
      open.onerror = function () { reject(open.error); };
      open.onsuccess = function () {
        var db = open.result;
        var tx = db.transaction("feedback", "readwrite");
        tx.objectStore("feedback").put(item);
        tx.oncomplete = function () { db.close(); resolve(); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      };
    }).then(function () {
      return navigator.serviceWorker.ready.then(function (registration) {
        if (registration.sync) return registration.sync.register("waymark-feedback").catch(function () {});
      });
    });
  }
  function sendQueued() {
    if (!stopped && navigator.onLine && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage("waymark:send-feedback");
    }
  }
  var feedbackForm = document.querySelector("form[data-feedback]");
  if (feedbackForm && window.indexedDB) {
    feedbackForm.addEventListener("submit", function (event) {
      if (navigator.onLine) return; // online: the plain form post
      event.preventDefault();
      var note = feedbackForm.querySelector("[data-feedback-status]");
      queueFeedback(feedbackForm).then(function () {
        if (note) note.textContent = feedbackForm.getAttribute("data-text-queued");
        feedbackForm.reset();
      });
    });
  }
  window.addEventListener("online", sendQueued);
  navigator.serviceWorker.ready.then(sendQueued);

  /* Search works offline over the saved pages; online the form goes to the server. */
  var searchForm = document.querySelector("form[data-search]");
  var offlineResults = document.querySelector("[data-offline-search]");
  /* The same folding as online search (reader/search.py, reader/search_index.py): lower
   * case, accents off, Arabic articles off; a long word also finds other forms of it. */
  var ARTICLES = ["\u0648\u0627\u0644", "\u0628\u0627\u0644", "\u0643\u0627\u0644", "\u0641\u0627\u0644", "\u0644\u0644", "\u0627\u0644"];
  function words(value) {
    var folded = value.toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "");
    return (folded.match(/[\p{L}\p{N}_]+/gu) || []).map(function (word) {
      for (var i = 0; i < ARTICLES.length; i++) {
        if (word.indexOf(ARTICLES[i]) === 0 && word.length > ARTICLES[i].length + 2) return word.slice(ARTICLES[i].length);
      }
      return word;
    });
  }
  function finds(term, word) {
    return word === term || (term.length >= 5 && word.indexOf(term.slice(0, Math.max(4, term.length - 3))) === 0);
  }
  function searchSaved(query) {
    var terms = words(query).filter(function (term) { return term.length > 1; });
    var full = controls && controls.getAttribute("data-index-full");
    var essentials = controls && controls.getAttribute("data-index-essentials");
    // The whole language's index once it is saved, else the essentials' (first visit).
    return caches.match(full).then(function (response) {
      return response || caches.match(essentials);
    }).then(function (response) {
      if (!response) return [];
      return response.json().then(function (index) {
        return index.entries.filter(function (entry) {
          var list = entry.words.split(" ");
          return terms.length && terms.every(function (term) {
            return list.some(function (word) { return finds(term, word); });
          });
        });
      });
    }).then(function (matches) {
      return Promise.all(matches.map(function (entry) {
        return caches.match(entry.url).then(function (saved) { return saved ? entry : null; });
      }));
    }).then(function (found) { return found.filter(Boolean); });
  }
  function showResults(query) {
    return searchSaved(query).then(function (found) {
      offlineResults.textContent = "";
      var heading = document.createElement("p");
      heading.textContent = searchForm.getAttribute(found.length ? "data-text-offline-results" : "data-text-offline-none");
      offlineResults.appendChild(heading);
      var list = document.createElement("ul");
      list.className = "topic-list";
      found.forEach(function (entry) {
        list.appendChild(linkItem(entry.url, entry.title));
      });
      offlineResults.appendChild(list);
      offlineResults.hidden = false;
      offlineResults.scrollIntoView();
    });
  }
  if (searchForm && offlineResults) {
    searchForm.addEventListener("submit", function (event) {
      if (navigator.onLine) return;
      event.preventDefault();
      showResults(searchForm.querySelector("[name=q]").value.trim());
    });
    // The server did not answer a search (the worker gave the offline page for its URL):
    // the saved pages are searched instead.
    var asked = new URLSearchParams(window.location.search).get("q");
    var searchPath = new URL(searchForm.action, window.location.href).pathname;
    if (document.querySelector("[data-saved-list]") && asked && window.location.pathname === searchPath) {
      searchForm.querySelector("[name=q]").value = asked;
      showResults(asked);
    }
  }

  /* The offline page lists what this phone has saved in this language. */
  var list = document.querySelector("[data-saved-list]");
  if (list) {
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) { return name === "waymark-pages"; }).map(function (name) {
        return caches.open(name).then(function (cache) {
          return cache.keys().then(function (requests) {
            return Promise.all(requests.map(function (request) {
              var path = new URL(request.url).pathname;
              if (path.indexOf("/" + lang + "/") !== 0 || /\/offline\/$|\.json$/.test(path)) return null;
              return cache.match(request).then(function (response) {
                return response.text().then(function (html) {
                  var title = new DOMParser().parseFromString(html, "text/html").title;
                  return { path: path, title: (title || path).replace(/ · Waymark$/, "") };
                });
              });
            }));
          });
        });
      }));
    }).then(function (groups) {
      var seen = {};
      [].concat.apply([], groups).filter(Boolean).forEach(function (item) {
        if (seen[item.path]) return;
        seen[item.path] = true;
        list.appendChild(linkItem(item.path, item.title));
      });
    });
  }
})();
