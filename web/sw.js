// Common Ground's service worker (registered by web/js/sw-register.js, served at /sw.js with
// scope "/" by server/service_worker.py, which fills in VERSION and SHELL).
//
// It keeps the app shell (the pages' HTML, JS modules, CSS, translations, the socket.io
// client) so that a reload without network shows the page itself, its queued commands
// (the outbox in localStorage, web/js/outbox.js) and "Offline", not the browser's
// error page. HTML is network-first (updates arrive at once); the rest comes from the
// cache of this version, filled at install. A new deployment changes VERSION (a hash of
// the shell's files), so the browser installs the new worker, which replaces the cache.
//
// Never cached: API answers, the socket, QR codes, and the after-the-day pages
// (/progress/<token>, /council/<token>: a token in the path). Only GETs of the shell
// are answered here; everything else goes to the network untouched.

const VERSION = "__VERSION__";
const SHELL = __SHELL__;
const CACHE = `cg-shell-${VERSION}`;
const PAGES = new Set(["/", "/p", "/f", "/o", "/d"]);
const STATIC = new Set(SHELL.filter((path) => path.startsWith("/static/")));

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE)
    .then((cache) => cache.addAll(SHELL.map((path) => new Request(path, { cache: "reload", credentials: "omit" }))))
    .then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith("cg-shell-") && k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

/** The cached page for a navigation: /j/<code> is the phone page (the same file as /p). */
function pageKey(url) {
  if (PAGES.has(url.pathname)) return url.pathname;
  if (/^\/j\/[^/]+$/.test(url.pathname)) return "/p";
  return null;
}

self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET") return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (req.mode === "navigate") {
    const key = pageKey(url);
    if (key) event.respondWith(networkFirst(req, key));
    return;
  }
  if (!url.search && STATIC.has(url.pathname)) event.respondWith(cacheFirst(req, url.pathname));
});

async function networkFirst(req, key) {
  const cache = await caches.open(CACHE);
  try {
    const resp = await fetch(req);
    if (resp.ok && resp.type === "basic") await cache.put(key, resp.clone());
    return resp;
  } catch (err) {
    const cached = await cache.match(key);
    if (cached) return cached;
    throw err;
  }
}

async function cacheFirst(req, key) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(key);
  if (cached) return cached;
  const resp = await fetch(req);
  if (resp.ok && resp.type === "basic") await cache.put(key, resp.clone());
  return resp;
}
