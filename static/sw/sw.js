/* Waymark service worker: pages network-first (3 s, then the saved copy), static files
 * cache-first, the admin never cached. Settings (version, language, precache list) are
 * written into the next line by the server (cms/offline.py). */
self.WAYMARK = {};
const CONFIG = self.WAYMARK;
const PRECACHE = "waymark-precache-" + CONFIG.version;
const PAGES = "waymark-pages";
const STATIC = "waymark-static";
const TIMEOUT_MS = 3000;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(PRECACHE).then((cache) =>
      cache.addAll(CONFIG.precache.map((url) => new Request(url, { cache: "reload" })))
    )
  );
  // No skipWaiting here: a waiting worker is offered to the reader, never forced.
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith("waymark-precache-") && name !== PRECACHE) await caches.delete(name);
      }
      if (self.registration.navigationPreload) await self.registration.navigationPreload.enable();
      await self.clients.claim();
    })()
  );
});

self.addEventListener("message", (event) => {
  if (event.data === "waymark:skip-waiting") self.skipWaiting();
  if (event.data === "waymark:send-feedback") event.waitUntil(sendQueuedFeedback());
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
  const items = await request((await feedbackStore("readonly")).getAll());
  for (const item of items) {
    const body = new URLSearchParams(item.fields);
    body.set("client_id", item.id);
    let response;
    try {
      response = await fetch(item.action, { method: "POST", body, credentials: "omit" });
    } catch (error) {
      return; // still offline: try again later
    }
    const final = response.ok || (response.status >= 400 && response.status < 500 && response.status !== 429);
    if (final) await request((await feedbackStore("readwrite")).delete(item.id));
  }
}

function neverStored(url) {
  return (
    url.pathname.startsWith("/admin/") ||
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
  if (url.pathname.startsWith("/admin/") || url.pathname.startsWith("/documents/")) return;
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
  if (response.ok) {
    const cache = await caches.open(STATIC);
    await cache.put(request, response.clone());
  }
  return response;
}

function fromNetwork(event) {
  return Promise.resolve(event.preloadResponse).then((preloaded) => preloaded || fetch(event.request));
}

async function page(event, url) {
  const network = fromNetwork(event).then(async (response) => {
    if (response.ok && response.type === "basic" && !neverStored(url)) {
      const noStore = (response.headers.get("Cache-Control") || "").includes("no-store");
      if (!noStore) await keep(url, response.clone());
    }
    return response;
  });
  const saved = neverStored(url) ? Promise.resolve(undefined) : savedCopy(url);
  // Wait up to 3 s for the network; then a saved copy, if there is one, answers.
  const timer = new Promise((resolve) => setTimeout(resolve, TIMEOUT_MS, "timeout"));
  try {
    const first = await Promise.race([network, timer]);
    if (first !== "timeout") return first;
    const copy = await saved;
    if (copy) return markOffline(copy);
    return await network;
  } catch (error) {
    const copy = await saved;
    if (copy) return markOffline(copy);
    return offlinePage(url);
  }
}

async function keep(url, response) {
  const headers = new Headers(response.headers);
  headers.set("X-Waymark-Saved", new Date().toISOString());
  const body = await response.blob();
  const cache = await caches.open(PAGES);
  await cache.put(url.pathname, new Response(body, { status: 200, headers }));
}

async function savedCopy(url) {
  return (await caches.match(url.pathname, { cacheName: PAGES })) || caches.match(url.pathname);
}

async function markOffline(response) {
  const savedAt = new Date(
    response.headers.get("X-Waymark-Saved") || response.headers.get("Date") || Date.now()
  );
  let html = await response.text();
  const lang = (html.match(/<html lang="([a-z-]+)"/) || [])[1] || CONFIG.language;
  let when;
  try {
    when = new Intl.DateTimeFormat(lang, { dateStyle: "long", timeStyle: "short" }).format(savedAt);
  } catch (error) {
    when = savedAt.toISOString().slice(0, 16).replace("T", " ");
  }
  html = html
    .replace("hidden data-offline-notice", "data-offline-notice")
    .replace(
      "<time data-saved-at></time>",
      `<time data-saved-at datetime="${savedAt.toISOString()}">${when}</time>`
    );
  const headers = new Headers(response.headers);
  headers.delete("Content-Length");
  return new Response(html, { status: 200, headers });
}

async function offlinePage(url) {
  const first = url.pathname.split("/")[1];
  const language = CONFIG.languages.includes(first) ? first : CONFIG.language;
  return (
    (await caches.match(CONFIG.offlinePages[language])) ||
    (await caches.match(CONFIG.offlinePages[CONFIG.language])) ||
    new Response("Offline", { status: 503, headers: { "Content-Type": "text/plain" } })
  );
}
