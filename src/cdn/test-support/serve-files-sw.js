// A service worker for the CDN bundle test: it serves files the test hands it, byte for
// byte, under its own scope. The test server (Vite) transforms every .js it serves,
// which would no longer be the classic script a customer's page loads.
/** @type {Map<string, { body: string; type: string }>} */
const files = new Map();

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('message', (event) => {
  for (const [name, file] of Object.entries(event.data.files)) files.set(name, file);
  event.ports[0].postMessage('stored');
});

self.addEventListener('fetch', (event) => {
  const name = new URL(event.request.url).pathname.split('/').pop() ?? '';
  const file = files.get(name);
  if (file) {
    event.respondWith(new Response(file.body, { headers: { 'content-type': file.type } }));
  }
});
