// 红色驿站 finder service worker: network first for the finder's pages and
// the public API, falling back to the last copy kept, so the last station
// list still shows without a network. Assets are content-hashed: cache first.
"use strict";
var CACHE = "redgrid-stations-v1";
self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (e) { e.waitUntil(self.clients.claim()); });
self.addEventListener("fetch", function (e) {
  var req = e.request;
  if (req.method !== "GET") return;
  var url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/static/") === 0) {
    e.respondWith(caches.open(CACHE).then(function (c) {
      return c.match(req).then(function (hit) {
        return hit || fetch(req).then(function (res) { if (res.ok) c.put(req, res.clone()); return res; });
      });
    }));
    return;
  }
  if (url.pathname.indexOf("/stations") !== 0 && url.pathname.indexOf("/api/v1/public/stations") !== 0) return;
  var isList = url.pathname === "/stations";
  e.respondWith(fetch(req).then(function (res) {
    if (res.ok) {
      var copy = res.clone();
      caches.open(CACHE).then(function (c) {
        c.put(req, copy.clone());
        // The last list, whatever its query, answers an offline visit.
        if (isList) c.put(new Request("/stations?last"), copy);
      });
    }
    return res;
  }).catch(function () {
    return caches.open(CACHE).then(function (c) {
      return c.match(req).then(function (hit) {
        if (hit) return hit;
        return (isList || req.mode === "navigate" ? c.match("/stations?last") : Promise.resolve(undefined)).then(function (last) {
          return last || new Response("offline", { status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } });
        });
      });
    });
  }));
});
