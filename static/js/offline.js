/* Offline reading, as an enhancement: register the service worker, "Save this language",
 * "Remove saved pages", the list on the offline page, and the update banner.
 * Without JavaScript or service workers, pages still work online and none of this shows. */
(function () {
  "use strict";
  if (!("serviceWorker" in navigator) || !("caches" in window)) return;
  var PAGES = "waymark-pages";
  var lang = document.documentElement.lang;
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
  function size(bytes) {
    var units = ["B", "KB", "MB", "GB"];
    var i = 0;
    while (bytes >= 1024 && i < units.length - 1) {
      bytes /= 1024;
      i += 1;
    }
    return new Intl.NumberFormat(lang, { maximumFractionDigits: i ? 1 : 0 }).format(bytes) + " " + units[i];
  }
  function count(n) {
    return new Intl.NumberFormat(lang).format(n);
  }

  navigator.serviceWorker
    .register("/sw.js?lang=" + encodeURIComponent(lang), { scope: "/" })
    .then(function (registration) {
      if (controls) controls.hidden = false;
      watchForUpdates(registration);
    })
    .catch(function () {});

  /* Updates: offer to reload when a new worker waits; never reload by ourselves. */
  var reloadAsked = false;
  function offer(worker) {
    if (!banner || !navigator.serviceWorker.controller) return;
    banner.hidden = false;
    banner.querySelector("[data-update-reload]").onclick = function () {
      reloadAsked = true;
      worker.postMessage("waymark:skip-waiting");
    };
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

  /* Save this language: download every page the manifest lists, only what changed. */
  function savedVersions(cache) {
    return cache.keys().then(function (requests) {
      return Promise.all(
        requests.map(function (request) {
          return cache.match(request).then(function (response) {
            return [new URL(request.url).pathname, response.headers.get("X-Waymark-Version")];
          });
        })
      );
    });
  }
  function saveLanguage() {
    var manifestUrl = controls.getAttribute("data-manifest");
    say(text("starting"));
    if (navigator.storage && navigator.storage.persist) navigator.storage.persist();
    return Promise.all([fetch(manifestUrl, { cache: "no-store" }).then(function (r) { return r.json(); }), caches.open(PAGES)])
      .then(function (results) {
        var manifest = results[0];
        var cache = results[1];
        return savedVersions(cache).then(function (pairs) {
          var have = {};
          pairs.forEach(function (pair) { have[pair[0]] = pair[1]; });
          var listed = {};
          manifest.pages.forEach(function (page) { listed[page.url] = true; });
          // Pages unpublished since the last save are removed from this phone.
          var prefix = "/" + manifest.language + "/";
          var stale = Object.keys(have).filter(function (path) {
            return path.indexOf(prefix) === 0 && !listed[path];
          });
          var wanted = manifest.pages.filter(function (page) { return have[page.url] !== page.version; });
          var done = 0;
          var bytes = 0;
          var total = manifest.pages.length;
          var already = total - wanted.length;
          say(text("progress", { done: count(already), total: count(total), bytes: size(0) }));
          var queue = wanted.slice();
          function next() {
            var page = queue.shift();
            if (!page) return Promise.resolve();
            return fetch(page.url, { credentials: "omit" })
              .then(function (response) {
                if (!response.ok) throw new Error(page.url);
                return response.blob().then(function (body) {
                  bytes += body.size;
                  var headers = new Headers(response.headers);
                  headers.set("X-Waymark-Version", page.version);
                  headers.set("X-Waymark-Saved", new Date().toISOString());
                  return cache.put(page.url, new Response(body, { status: 200, headers: headers }));
                });
              })
              .then(function () {
                done += 1;
                say(text("progress", { done: count(already + done), total: count(total), bytes: size(bytes) }));
                return next();
              });
          }
          return Promise.all(stale.map(function (path) { return cache.delete(path); }))
            .then(function () { return Promise.all([next(), next(), next()]); })
            .then(function () {
              var estimate = navigator.storage && navigator.storage.estimate ? navigator.storage.estimate() : Promise.resolve({});
              return estimate.then(function (info) {
                say(text("done", { total: count(total), fetched: count(done), bytes: size(bytes), used: size(info.usage || 0) }));
                document.documentElement.setAttribute("data-language-saved", manifest.version);
              });
            });
        });
      })
      .catch(function () { say(text("failed")); });
  }

  /* Remove saved pages: every cache, the queued reports and the worker itself, at once. */
  function removeSaved() {
    return caches.keys()
      .then(function (names) { return Promise.all(names.map(function (name) { return caches.delete(name); })); })
      .then(function () {
        return new Promise(function (resolve) {
          if (!window.indexedDB) return resolve();
          var request = indexedDB.deleteDatabase("waymark");
          request.onsuccess = request.onerror = request.onblocked = function () { resolve(); };
        });
      })
      .then(function () { return navigator.serviceWorker.getRegistrations(); })
      .then(function (registrations) { return Promise.all(registrations.map(function (r) { return r.unregister(); })); })
      .then(function () {
        say(text("removed"));
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
    if (navigator.onLine && navigator.serviceWorker.controller) {
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
  function fold(text) {
    return text.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
  }
  function searchSaved(query) {
    var terms = fold(query).match(/[\p{L}\p{N}]+/gu) || [];
    return caches.match(searchForm.getAttribute("data-index")).then(function (response) {
      if (!response) return [];
      return response.json().then(function (index) {
        return index.entries.filter(function (entry) {
          var text = fold(entry.title + " " + entry.text);
          return terms.length && terms.every(function (term) { return text.indexOf(term) !== -1; });
        });
      });
    }).then(function (matches) {
      return caches.open(PAGES).then(function (cache) {
        return Promise.all(matches.map(function (entry) {
          return caches.match(entry.url).then(function (saved) { return saved ? entry : null; });
        }));
      });
    }).then(function (found) { return found.filter(Boolean); });
  }
  if (searchForm && offlineResults) {
    searchForm.addEventListener("submit", function (event) {
      if (navigator.onLine) return;
      event.preventDefault();
      var query = searchForm.querySelector("[name=q]").value.trim();
      searchSaved(query).then(function (found) {
        offlineResults.textContent = "";
        var heading = document.createElement("p");
        heading.textContent = searchForm.getAttribute(found.length ? "data-text-offline-results" : "data-text-offline-none");
        offlineResults.appendChild(heading);
        var list = document.createElement("ul");
        list.className = "topic-list";
        found.forEach(function (entry) {
          var li = document.createElement("li");
          var a = document.createElement("a");
          a.href = entry.url;
          a.textContent = entry.title;
          li.appendChild(a);
          list.appendChild(li);
        });
        offlineResults.appendChild(list);
        offlineResults.hidden = false;
        offlineResults.scrollIntoView();
      });
    });
  }

  /* The offline page lists what this phone has saved in this language. */
  var list = document.querySelector("[data-saved-list]");
  if (list) {
    caches.keys().then(function (names) {
      return Promise.all(names.map(function (name) {
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
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = item.path;
        a.textContent = item.title;
        li.appendChild(a);
        list.appendChild(li);
      });
    });
  }
})();
