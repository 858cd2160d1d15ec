// 红色驿站 finder: "near me", the optional tile map, and the offline list.
// The page works without this file: the village choice is a plain form.
(function () {
  "use strict";
  var form = document.querySelector("[data-finder]");
  var near = document.querySelector("[data-near]");
  if (form && near && navigator.geolocation) {
    near.hidden = false;
    var msg = document.querySelector("[data-near-msg]");
    var denied = document.querySelector("[data-near-denied]");
    var village = document.querySelector("[data-village]");
    near.addEventListener("click", function () {
      near.disabled = true;
      msg.hidden = false;
      denied.hidden = true;
      navigator.geolocation.getCurrentPosition(function (pos) {
        // Five decimals (about a metre) keep the URL short and shareable.
        document.getElementById("st-lat").value = pos.coords.latitude.toFixed(5);
        document.getElementById("st-lng").value = pos.coords.longitude.toFixed(5);
        if (village) village.value = "";
        form.submit();
      }, function () {
        near.disabled = false;
        msg.hidden = true;
        denied.hidden = false;
        if (village) village.focus();
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  }
  // Choosing a village searches around it (not around an old location).
  var sel = document.querySelector("[data-village]");
  if (sel && form) {
    sel.addEventListener("change", function () {
      if (!sel.value) return;
      document.getElementById("st-lat").value = "";
      document.getElementById("st-lng").value = "";
      form.submit();
    });
  }
  // Tile map: only when the server names a tile source and Leaflet loaded.
  // Until then, and if it fails, the plain point map stays.
  var box = document.getElementById("st-map");
  var dataEl = document.getElementById("st-map-data");
  if (box && dataEl && box.getAttribute("data-tiles")) {
    window.addEventListener("load", function () {
      if (!window.L) return;
      try {
        var d = JSON.parse(dataEl.textContent);
        var svg = box.querySelector("svg");
        box.classList.add("leaflet-on");
        var holder = document.createElement("div");
        holder.style.height = "100%";
        box.appendChild(holder);
        var map = window.L.map(holder, { zoomControl: true, attributionControl: true });
        window.L.tileLayer(box.getAttribute("data-tiles"), { maxZoom: 19, subdomains: "1234", attribution: box.getAttribute("data-attrib") || "" }).addTo(map);
        var pts = [[d.origin.lat, d.origin.lng]];
        window.L.circleMarker([d.origin.lat, d.origin.lng], { radius: 7, color: "#fff", weight: 2, fillColor: "#1f6feb", fillOpacity: 1 }).addTo(map);
        d.points.forEach(function (p) {
          pts.push([p.lat, p.lng]);
          var m = window.L.circleMarker([p.lat, p.lng], { radius: 10, color: "#fff", weight: 2, fillColor: p.open ? "#b91c1c" : "#8c959f", fillOpacity: 1 }).addTo(map);
          m.bindTooltip(p.n + ". " + p.name);
          m.on("click", function () { location.href = p.href; });
        });
        map.fitBounds(pts, { padding: [24, 24], maxZoom: 17 });
        if (svg) svg.remove();
      } catch (e) { box.classList.remove("leaflet-on"); }
    });
  }
  // Offline: the service worker keeps the last list; say when it is shown.
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/stations/sw.js", { scope: "/stations" }).catch(function () {});
  }
  var off = document.querySelector("[data-offline]");
  if (off && !navigator.onLine) off.hidden = false;
})();
