/* Waymark service worker: one for the whole site and every language (reader/offline.py).
 * Pages: network first for 3 s, then the saved copy, else the language's offline page, so
 * a navigation always answers within 4 s, even on a connection that never answers. Static
 * files: cache first. The admin: never cached. Each language's essentials are saved when
 * a page of it is first read, and kept until the reader removes them. While online, the
 * language's offline manifest corrects saved copies (every few minutes at most).
 * Settings (version, languages, essentials, text) are written into the next line by the
 * server. */
self.WAYMARK = {};
const CONFIG = self.WAYMARK;
const STATIC = "waymark-static-" + CONFIG.version; // precached static files (hashed URLs)
const RUNTIME_STATIC = "waymark-static"; // other static files, as they are used
const PAGES = "waymark-pages"; // every saved page of every language, kept across versions
const META = "waymark-meta"; // when each language's saved copies were last confirmed
const VERSION = "X-Waymark-Version";
const SAVED = "X-Waymark-Saved";
const FETCH_LIMIT_MS = 20000; // background downloads give up after this
const DAY_MS = 24 * 60 * 60 * 1000;

// "Remove saved pages" was pressed in a page: from then on this worker writes nothing.
let forgotten = false;

/* Writing is allowed while this worker's own precache exists: once the reader removed
 * everything (the caches are gone), even a worker started afresh writes nothing more. */
async function mayWrite() {
  return !forgotten && (await caches.has(STATIC));
}

function sleep(ms, value) {
  return new Promise((resolve) => setTimeout(resolve, ms, value));
}

/* A fetch that gives up, so a connection that accepts and never answers cannot hold a
 * download (or the worker) forever. */
function timedFetch(input, options, ms) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ms || FETCH_LIMIT_MS);
  return fetch(input, { ...options, signal: controller.signal }).finally(() => clearTimeout(timer));
}

function languageOf(url) {
  const first = url.pathname.split("/")[1];
  return CONFIG.languages.includes(first) ? first : null;
}

function text(lang) {
  return CONFIG.text[lang] || CONFIG.text[CONFIG.source];
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const updating = Boolean(self.registration.active);
      const cache = await caches.open(STATIC);
      await cache.addAll(CONFIG.static.map((url) => new Request(url, { cache: "reload" })));
      // The languages this phone reads keep their essentials, updated where they changed.
      for (const lang of await keptLanguages()) {
        try {
          await saveEssentials(lang);
          // A first install has just saved them: no need to check them again at once.
          if (!updating) await noteChecked(lang);
        } catch (error) {
          // Not reachable now: the next page read online saves them.
        }
      }
    })()
  );
  // No skipWaiting here: a waiting worker is offered to the reader, never forced.
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        // Older versions' static files, and the per-language precaches of old workers.
        const old = name.startsWith("waymark-static-") || name.startsWith("waymark-precache-");
        if (old && name !== STATIC) await caches.delete(name);
      }
      // After an update, the next page read checks its language's saved copies at once.
      await caches.delete(META);
      if (self.registration.navigationPreload) await self.registration.navigationPreload.enable();
      await self.clients.claim();
    })()
  );
});

/* Languages whose essentials this phone keeps: every language it has saved pages of, and
 * the language of each open page (the first visit's). */
async function keptLanguages() {
  const found = new Set();
  const pages = await caches.open(PAGES);
  for (const request of await pages.keys()) {
    const lang = languageOf(new URL(request.url));
    if (lang) found.add(lang);
  }
  for (const client of await self.clients.matchAll({ type: "window", includeUncontrolled: true })) {
    const lang = languageOf(new URL(client.url));
    if (lang) found.add(lang);
  }
  return [...found];
}

async function savedVersion(cache, url) {
  const saved = await cache.match(url);
  return saved ? saved.headers.get(VERSION) : undefined;
}

/* Download one page into the saved pages, with its version and when it was saved. */
async function download(url, version) {
  const response = await timedFetch(url, { credentials: "omit", cache: "no-cache" });
  if (!response.ok) throw new Error(url);
  const body = await response.blob();
  if (!(await mayWrite())) return 0;
  const headers = new Headers(response.headers);
  headers.set(VERSION, response.headers.get(VERSION) || version);
  headers.set(SAVED, new Date().toISOString());
  headers.delete("Content-Length");
  const cache = await caches.open(PAGES);
  await cache.put(url, new Response(body, { status: 200, headers }));
  return body.size;
}

/* A language's essentials: only those missing or changed are downloaded. */
async function saveEssentials(lang) {
  const entries = CONFIG.essentials[lang] || [];
  const cache = await caches.open(PAGES);
  for (const [url, version] of entries) {
    if ((await savedVersion(cache, url)) !== version) await download(url, version);
  }
}

async function lastChecked(lang) {
  const meta = await caches.open(META);
  const stamp = await meta.match("/__waymark/checked/" + lang);
  return stamp ? Number(await stamp.text()) : 0;
}

async function noteChecked(lang) {
  if (!(await mayWrite())) return;
  const meta = await caches.open(META);
  await meta.put("/__waymark/checked/" + lang, new Response(String(Date.now())));
}

/* Correct saved copies against the language's offline manifest: download the saved pages
 * whose version changed, remove those no longer published; with `all` ("Save this
 * language"), download every page not saved yet too. `report` hears the progress. */
async function sync(lang, all, report) {
  const say = report || (() => {});
  const response = await timedFetch(CONFIG.manifests[lang], { cache: "no-store", credentials: "omit" });
  if (!response.ok) throw new Error("manifest");
  const manifest = await response.json();
  const cache = await caches.open(PAGES);
  const prefix = "/" + lang + "/";
  const have = {};
  for (const request of await cache.keys()) {
    const path = new URL(request.url).pathname;
    if (path.startsWith(prefix)) have[path] = await savedVersion(cache, path);
  }
  const listed = {};
  for (const entry of [...manifest.pages, manifest.offline_page]) listed[entry.url] = entry;
  // A saved page that is no longer listed was unpublished: it leaves this phone too.
  for (const path of Object.keys(have)) {
    if (!listed[path] && (await mayWrite())) await cache.delete(path);
  }
  const wanted = Object.values(listed).filter(
    (entry) => (all || entry.url in have) && have[entry.url] !== entry.version
  );
  const total = manifest.pages.length;
  const already = manifest.pages.filter((entry) => have[entry.url] === entry.version).length;
  let done = 0;
  let bytes = 0;
  say({ type: "progress", done: already, total, bytes });
  const queue = wanted.slice();
  async function worker() {
    for (let entry = queue.shift(); entry; entry = queue.shift()) {
      bytes += await download(entry.url, entry.version);
      if (listed[entry.url] !== manifest.offline_page) done += 1;
      say({ type: "progress", done: already + done, total, bytes });
    }
  }
  await Promise.all([worker(), worker(), worker()]);
  await noteChecked(lang);
  return { total, fetched: done, bytes };
}

/* When a page is read online: its language's essentials, then (every few minutes at
 * most, and at once after an update) the check of its saved copies. */
async function hello(lang) {
  if (!lang || !(await mayWrite())) return;
  await saveEssentials(lang).catch(() => {});
  const since = Date.now() - (await lastChecked(lang));
  if (since >= CONFIG.checkEverySeconds * 1000) await sync(lang, false).catch(() => {});
}

/* -- numbers, sizes and dates, written with the server's Babel data for each language -- */

function digits(lang, value) {
  const set = text(lang).formats.digits;
  return String(value).replace(/[0-9]/g, (digit) => set[Number(digit)]);
}

function number(lang, value, fraction) {
  const formats = text(lang).formats;
  const [whole, part] = value.toFixed(fraction || 0).split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, "\u0000").split("\u0000").join(formats.group);
  return digits(lang, part ? grouped + "\u0000" + part : grouped).replace("\u0000", formats.decimal);
}

function size(lang, bytes) {
  const formats = text(lang).formats;
  if (bytes >= 1000 * 1000) return formats.MB.replace("{0}", number(lang, bytes / 1e6, 1));
  const kilobytes = bytes / 1000;
  return formats.kB.replace("{0}", number(lang, kilobytes, kilobytes < 10 ? 1 : 0));
}

function formatDate(lang, date) {
  const formats = text(lang).formats;
  const pad = (n) => String(n).padStart(2, "0");
  const hours = date.getHours();
  const twelve = hours % 12 || 12;
  const month = date.getMonth();
  const fields = {
    d: date.getDate(),
    dd: pad(date.getDate()),
    M: month + 1,
    MM: pad(month + 1),
    L: month + 1,
    LL: pad(month + 1),
    MMM: formats.monthsShort[month],
    LLL: formats.monthsShort[month],
    MMMM: formats.months[month],
    LLLL: formats.months[month],
    y: date.getFullYear(),
    yyyy: date.getFullYear(),
    H: hours,
    HH: pad(hours),
    h: twelve,
    hh: pad(twelve),
    m: date.getMinutes(),
    mm: pad(date.getMinutes()),
    a: hours < 12 ? formats.am : formats.pm,
    EEEE: formats.days[(date.getDay() + 6) % 7],
  };
  return formats.pattern.replace(/\{(\w+)\}/g, (whole, key) =>
    key in fields ? (typeof fields[key] === "number" ? digits(lang, fields[key]) : fields[key]) : whole
  );
}

/* -- messages from pages ----------------------------------------------------------- */

self.addEventListener("message", (event) => {
  const data = event.data || {};
  const port = event.ports && event.ports[0];
  if (data === "waymark:skip-waiting") self.skipWaiting();
  if (data === "waymark:send-feedback") event.waitUntil(sendQueuedFeedback());
  if (data.type === "hello") event.waitUntil(hello(data.lang));
  if (data.type === "language-version" && port) {
    port.postMessage(CONFIG.languageVersions[data.lang] || null);
  }
  if (data.type === "forget") {
    forgotten = true;
    if (port) port.postMessage("forgotten");
  }
  if (data.type === "save-language" && port) {
    const lang = CONFIG.languages.includes(data.lang) ? data.lang : CONFIG.source;
    const tell = (message) =>
      port.postMessage({
        ...message,
        done: number(lang, message.done || 0),
        total: number(lang, message.total || 0),
        fetched: number(lang, message.fetched || 0),
        bytes: size(lang, message.bytes || 0),
      });
    event.waitUntil(
      (async () => {
        try {
          await saveEssentials(lang);
          const result = await sync(lang, true, tell);
          const estimate = self.navigator.storage && self.navigator.storage.estimate;
          const used = estimate ? (await self.navigator.storage.estimate()).usage || 0 : 0;
          port.postMessage({
            type: "done",
            total: number(lang, result.total),
            fetched: number(lang, result.fetched),
            bytes: size(lang, result.bytes),
            used: size(lang, used),
          });
        } catch (error) {
          port.postMessage({ type: "failed" });
        }
      })()
    );
  }
});

self.addEventListener("sync", (event) => {
  if (event.tag === "waymark-feedback") event.waitUntil(sendQueuedFeedback());
});

/* Reports written offline wait in IndexedDB ("waymark" / "feedback"); each carries its own
 * id, which the server uses to keep a report once however many times it arrives. */
function feedbackStore(mode) {
  // Each use opens and then closes the database, so "Remove saved pages" can delete it.
  return new Promise((resolve, reject) => {
    const open = indexedDB.open("waymark", 1);
    open.onupgradeneeded = () => open.result.createObjectStore("feedback", { keyPath: "id" });
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const transaction = db.transaction("feedback", mode);
      transaction.oncomplete = transaction.onabort = () => db.close();
      resolve(transaction.objectStore("feedback"));
    };
  });
}

function request(idbRequest) {
  return new Promise((resolve, reject) => {
    idbRequest.onsuccess = () => resolve(idbRequest.result);
    idbRequest.onerror = () => reject(idbRequest.error);
  });
}

let sending = null;
function sendQueuedFeedback() {
  if (!sending) sending = sendAll().finally(() => (sending = null));
  return sending;
}

async function sendAll() {
  // After "Remove saved pages", opening the database would create it again.
  if (!(await mayWrite())) return;
  const items = await request((await feedbackStore("readonly")).getAll());
  for (const item of items) {
    const body = new URLSearchParams(item.fields);
    body.set("client_id", item.id);
    let response;
    try {
      response = await timedFetch(item.action, { method: "POST", body, credentials: "omit" });
    } catch (error) {
      return; // still offline: try again later
    }
    const final = response.ok || (response.status >= 400 && response.status < 500 && response.status !== 429);
    if (final) await request((await feedbackStore("readwrite")).delete(item.id));
  }
}

/* -- answering requests --------------------------------------------------------------- */

function neverStored(url) {
  return (
    url.pathname.startsWith(CONFIG.adminPath) ||
    url.pathname.startsWith("/documents/") ||
    url.pathname === "/sw.js" ||
    url.pathname.endsWith("/offline.json") ||
    url.pathname.endsWith("/feedback/") ||
    url.search !== ""
  );
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith(CONFIG.adminPath) || url.pathname.startsWith("/documents/")) return;
  if (request.mode === "navigate") {
    event.respondWith(page(event, url));
  } else if (url.pathname.startsWith("/static/")) {
    event.respondWith(staticFile(request));
  }
});

async function staticFile(request) {
  const saved = await caches.match(request);
  if (saved) return saved;
  const response = await fetch(request);
  if (response.ok && (await mayWrite())) {
    const cache = await caches.open(RUNTIME_STATIC);
    await cache.put(request, response.clone());
  }
  return response;
}

function fromNetwork(event) {
  return Promise.resolve(event.preloadResponse).then((preloaded) => preloaded || fetch(event.request));
}

async function page(event, url) {
  const lang = languageOf(url) || CONFIG.source;
  const storable = !neverStored(url);
  const network = fromNetwork(event).then((response) => {
    const noStore = (response.headers.get("Cache-Control") || "").includes("no-store");
    if (storable && response.ok && response.type === "basic" && !noStore) {
      event.waitUntil(keep(url, response.clone()).catch(() => {}));
    }
    return response;
  });
  // Wait up to 3 s for the network; then the saved copy, else the offline page, answers.
  const outcome = await Promise.race([
    network.then(
      (response) => ({ response }),
      () => ({ failed: true })
    ),
    sleep(CONFIG.timeoutMs, { late: true }),
  ]);
  if (outcome.response && outcome.response.status < 500) return outcome.response;
  const copy = storable ? await savedCopy(url) : undefined;
  if (copy) return markSaved(copy, lang);
  if (outcome.response) return outcome.response; // a server error, and nothing saved
  return offlinePage(lang);
}

async function keep(url, response) {
  const body = await response.blob();
  if (!(await mayWrite())) return;
  const headers = new Headers(response.headers);
  headers.set(SAVED, new Date().toISOString());
  headers.delete("Content-Length");
  const cache = await caches.open(PAGES);
  await cache.put(url.pathname, new Response(body, { status: 200, headers }));
}

async function savedCopy(url) {
  return (await caches.match(url.pathname, { cacheName: PAGES })) || caches.match(url.pathname);
}

function escapeHtml(value) {
  return value.replace(/[&<>"]/g, (char) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[char]);
}

/* A saved copy, as the reader sees it: when it was saved, a warning if that was long ago
 * (and no check since has confirmed it), and no open/closed status frozen at saving. */
async function markSaved(response, fallbackLang) {
  const savedAt = new Date(response.headers.get(SAVED) || response.headers.get("Date") || Date.now());
  let html = await response.text();
  const found = (html.match(/<html lang="([a-z-]+)"/) || [])[1];
  const lang = CONFIG.languages.includes(found) ? found : fallbackLang;
  const words = text(lang);
  const confirmed = Math.max(savedAt.getTime(), await lastChecked(lang).catch(() => 0));
  const stale = Date.now() - confirmed > CONFIG.staleDays * DAY_MS;
  const when = `<time data-saved-at datetime="${savedAt.toISOString()}">${escapeHtml(formatDate(lang, savedAt))}</time>`;
  const warning = stale ? ` <strong data-saved-stale>${escapeHtml(words.stale)}</strong>` : "";
  html = html
    .replace("hidden data-offline-notice", "data-offline-notice")
    .replace("<time data-saved-at></time>", when + warning)
    .replace(
      /<p class="open-status open-status--(?:open|closed)(?=[\s"])[^"]*"[^>]*>[\s\S]*?<\/p>/g,
      `<p class="open-status open-status--unknown" data-saved-hours>${escapeHtml(words.hours)}</p>`
    );
  const headers = new Headers(response.headers);
  headers.delete("Content-Length");
  return new Response(html, { status: 200, headers });
}

async function offlinePage(lang) {
  const saved =
    (await caches.match(CONFIG.offlinePages[lang])) ||
    (await caches.match(CONFIG.offlinePages[CONFIG.source]));
  if (saved) return saved;
  const words = text(lang);
  const dir = CONFIG.rtl.includes(lang) ? "rtl" : "ltr";
  const body = `<!doctype html><html lang="${lang}" dir="${dir}"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Waymark</title><p>${escapeHtml(words.offline)}</p></html>`;
  return new Response(body, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}
