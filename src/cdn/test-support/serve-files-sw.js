// A service worker for the CDN bundle test: it serves files the test hands it, byte for
// byte, under its own scope. The test server (Vite) transforms every .js it serves,
// which would no longer be the classic script a customer's page loads.
/**
 * A file, how long to hold its answer back (a slow network for that file) and its HTTP
 * status (200 unless told). Stored by name, found in any folder of the scope; a name with a
 * folder (`no-core/softphone-core.js`) answers in that folder only, before the plain name.
 */
/** @type {Map<string, { body: string; type: string; delayMs?: number; status?: number }>} */
const files = new Map();

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('message', (event) => {
  for (const [name, file] of Object.entries(event.data.files)) files.set(name, file);
  event.ports[0].postMessage('stored');
});

self.addEventListener('fetch', (event) => {
  const path = new URL(event.request.url).pathname.split('/');
  const name = path.at(-1) ?? '';
  const file = files.get(path.slice(-2).join('/')) ?? files.get(name);
  if (!file) return;
  const response = () =>
    new Response(file.body, { status: file.status ?? 200, headers: { 'content-type': file.type } });
  event.respondWith(
    file.delayMs
      ? new Promise((resolve) => setTimeout(() => resolve(response()), file.delayMs))
      : response(),
  );
});
