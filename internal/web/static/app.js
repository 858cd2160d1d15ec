// redgrid: small progressive enhancements; every page works without them.
(function () {
  "use strict";
  // Toggle the left menu on phones.
  document.querySelectorAll("[data-toggle]").forEach(function (btn) {
    var target = document.getElementById(btn.getAttribute("data-toggle"));
    if (!target) return;
    btn.addEventListener("click", function () {
      var open = target.classList.toggle("open");
      btn.setAttribute("aria-expanded", open ? "true" : "false");
    });
  });
  // Fill latitude/longitude fields from the browser's location.
  document.querySelectorAll("[data-print]").forEach(function (btn) {
    btn.addEventListener("click", function () { window.print(); });
  });
  document.querySelectorAll("[data-geolocate]").forEach(function (btn) {
    if (!navigator.geolocation) { btn.hidden = true; return; }
    var ids = btn.getAttribute("data-geolocate").split(" ");
    btn.addEventListener("click", function () {
      btn.disabled = true;
      navigator.geolocation.getCurrentPosition(function (pos) {
        document.getElementById(ids[0]).value = pos.coords.latitude.toFixed(6);
        document.getElementById(ids[1]).value = pos.coords.longitude.toFixed(6);
        btn.disabled = false;
      }, function () { btn.disabled = false; }, { enableHighAccuracy: true, timeout: 10000 });
    });
  });
  // A visit's place: the browser's fix with its accuracy, asked for as the
  // form opens (and again by the button); the server computes the distance.
  document.querySelectorAll("[data-locate]").forEach(function (btn) {
    var ids = btn.getAttribute("data-locate").split(" ");
    var lat = document.getElementById(ids[0]), lng = document.getElementById(ids[1]);
    var acc = document.getElementById(ids[2]), status = document.getElementById(ids[3]);
    if (!navigator.geolocation) { btn.hidden = true; return; }
    function locate() {
      btn.disabled = true;
      status.textContent = status.getAttribute("data-wait");
      navigator.geolocation.getCurrentPosition(function (pos) {
        lat.value = pos.coords.latitude.toFixed(6);
        lng.value = pos.coords.longitude.toFixed(6);
        acc.value = Math.round(pos.coords.accuracy);
        status.textContent = status.getAttribute("data-done") + " ±" + acc.value + " m";
        btn.disabled = false;
      }, function () {
        status.textContent = status.getAttribute("data-fail");
        btn.disabled = false;
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    }
    btn.addEventListener("click", locate);
    if (!lat.value) locate();
  });
  // One tap, one visit: a form is sent once (the server also keeps an
  // idempotency key for resends).
  document.querySelectorAll("form[enctype='multipart/form-data']").forEach(function (f) {
    f.addEventListener("submit", function (ev) {
      if (f.getAttribute("data-sent")) { ev.preventDefault(); return; }
      f.setAttribute("data-sent", "1");
    });
  });
  // On a phone the list comes first: fold the search panel unless a filter is set.
  if (window.matchMedia && window.matchMedia("(max-width: 760px)").matches) {
    document.querySelectorAll("details[data-collapse-on-phone]").forEach(function (d) {
      var q = new URLSearchParams(location.search);
      var filtered = ["q", "grid", "industry", "above_scale", "status"].some(function (k) { return q.get(k); });
      if (!filtered) d.open = false;
    });
  }
  // Submitting a list filter should not keep a stale page cursor.
  document.querySelectorAll("form[role=search] select").forEach(function (sel) {
    sel.addEventListener("change", function () { sel.form.requestSubmit ? sel.form.requestSubmit() : sel.form.submit(); });
  });
  // Import progress: poll the job and fill the bar; reload when the step ends.
  var prog = document.querySelector("[data-progress]");
  if (prog && window.fetch) {
    var bar = document.getElementById("progress-bar"), text = document.getElementById("progress-text");
    var tick = function () {
      fetch(prog.getAttribute("data-progress"), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (p) {
          if (p.state !== prog.getAttribute("data-state") || p.interrupted) { window.location.reload(); return; }
          bar.value = p.percent;
          bar.textContent = p.percent + "%";
          text.textContent = text.getAttribute("data-template").replace("{percent}", p.percent).replace("{done}", p.done)
            .replace("{total}", p.total).replace("{rate}", p.rate).replace("{eta}", p.eta_seconds);
          setTimeout(tick, 700);
        })
        .catch(function () { setTimeout(tick, 3000); });
    };
    setTimeout(tick, 300);
  }
})();
// 红色驿站 counters: a tap counts without reloading the page; without
// script the same forms post and come back.
(function () {
  "use strict";
  document.querySelectorAll("form.counter").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      if (!window.fetch) return;
      ev.preventDefault();
      var btn = form.querySelector("button");
      btn.disabled = true;
      fetch(form.action, { method: "POST", body: new FormData(form), headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (res) { if (!res.ok) throw new Error(res.status); return res.json(); })
        .then(function (counts) {
          Object.keys(counts).forEach(function (k) {
            var el = document.querySelector('[data-count="' + k + '"]');
            if (el) el.textContent = counts[k];
          });
        })
        .catch(function () { form.submit(); })
        .then(function () { btn.disabled = false; });
    });
  });
})();
