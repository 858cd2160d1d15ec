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
