// Registers the service worker (web/sw.js) that keeps the app shell for offline reloads.
// Browsers offer service workers only on https and on localhost; elsewhere this does nothing.
if ("serviceWorker" in navigator && window.isSecureContext) {
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch((err) => {
    console.warn("service worker not registered", err);
  });
}
