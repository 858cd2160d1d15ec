// Dashboard and 大屏 charts: ECharts draws the series the server inlined as
// JSON (#dash-charts); on the 大屏 (body[data-refresh]) the figures and
// charts are fetched again every minute and updated in place.
(function () {
  "use strict";
  if (!window.echarts) { return; }
  var dark = document.body.classList.contains("screen");
  var charts = {};
  var palette = ["#c0392b", "#e67e22", "#2e86de", "#27ae60", "#8e44ad", "#16a085", "#d35400", "#7f8c8d", "#f1c40f", "#2c3e50"];

  function option(c) {
    var base = { color: palette, backgroundColor: "transparent", title: { text: c.title, left: "center", textStyle: { fontSize: dark ? 22 : 15 } },
      tooltip: { trigger: c.kind === "pie" ? "item" : "axis" }, animation: false };
    if (c.kind === "pie") {
      base.legend = { type: "scroll", bottom: 0 };
      base.series = [{ type: "pie", radius: ["35%", "65%"], data: c.labels.map(function (l, i) { return { name: l, value: c.series[0].data[i] }; }) }];
      return base;
    }
    base.legend = { bottom: 0 };
    base.grid = { left: 60, right: 24, top: 48, bottom: 48, containLabel: true };
    var cat = { type: "category", data: c.labels };
    var val = { type: "value", name: c.unit || "" };
    if (c.kind === "hbar") { base.xAxis = val; base.yAxis = cat; cat.inverse = true; } else { base.xAxis = cat; base.yAxis = val; }
    base.series = c.series.map(function (s) { return { name: s.name, type: c.kind === "line" ? "line" : "bar", data: s.data, smooth: c.kind === "line" }; });
    return base;
  }

  function draw(data) {
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var c = data[el.getAttribute("data-chart")];
      if (!c) { return; }
      var ch = charts[el.id] || echarts.init(el, dark ? "dark" : null, { renderer: "canvas" });
      charts[el.id] = ch;
      ch.setOption(option(c), true);
      el.setAttribute("data-drawn", "1");
    });
  }

  var src = document.getElementById("dash-charts");
  if (src) {
    try { draw(JSON.parse(src.textContent)); } catch (e) { if (window.console) { console.warn("dashboard charts", e); } }
  }
  window.addEventListener("resize", function () { Object.keys(charts).forEach(function (k) { charts[k].resize(); }); });

  var url = document.body.getAttribute("data-refresh");
  if (!url) { return; }
  var foot = document.getElementById("screen-updated");
  function stamp() {
    if (foot) { foot.textContent = foot.getAttribute("data-label") + " " + new Date().toLocaleTimeString(); }
  }
  function refresh() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (p) {
        Object.keys(p.figs || {}).forEach(function (k) {
          var el = document.querySelector('[data-fig="' + k + '"]');
          if (el) { el.textContent = p.figs[k]; }
        });
        if (p.charts) { draw(p.charts); }
        document.body.setAttribute("data-refreshed", String(Number(document.body.getAttribute("data-refreshed") || 0) + 1));
        stamp();
      })
      .catch(function () { /* keep the last figures; try again next time */ });
  }
  stamp();
  var every = Number(document.body.getAttribute("data-every") || 60000);
  setInterval(refresh, every);
  document.addEventListener("keydown", function (e) { if (e.key === "r") { refresh(); } });
  window.redgridRefresh = refresh;
})();
