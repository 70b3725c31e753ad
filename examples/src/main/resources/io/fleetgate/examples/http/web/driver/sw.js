// The driver app's service worker: keeps the app shell so the app opens offline. API calls
// (/v1/...) are never cached or answered from here: they go to the network as the page sent them.
const CACHE = 'fleetgate-driver-v1';
const SHELL = ['./', 'driver.css', 'app.js', 'encoding.js', 'queue.js', 'state.js', 'manifest.webmanifest',
  'icon.svg', 'icon-192.png'];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin || !url.pathname.startsWith('/driver/')) {
    return;
  }
  // network first, so a new version shows at once; the cached shell when offline
  event.respondWith(fetch(event.request)
    .then((response) => {
      if (response.ok) {
        const copy = response.clone();
        caches.open(CACHE).then((cache) => cache.put(event.request, copy));
      }
      return response;
    })
    .catch(() => caches.match(event.request).then((hit) => hit || Response.error())));
});
