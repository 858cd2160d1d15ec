package e2e

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"redgrid/internal/config"
	"redgrid/internal/geo"
	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/storetest"
	"redgrid/internal/web"
)

func ptr(f float64) *float64 { return &f }

// stations registers, around a courier at 28.9000, 119.9900 (the store
// clock reads 10:00 in Shanghai): the nearest station, closed now; the next,
// open but without phone charging; and a farther one, open with charging.
func (st *site) stations(t *testing.T) (closed, noCharge, charge model.Station) {
	t.Helper()
	mk := func(code, name string, lat float64, hours string, amen ...string) model.Station {
		s, err := st.s.CreateStation(context.Background(), model.System, store.StationInput{Code: code, Name: name,
			Operator: "韵达快递", Village: "大塘王村", Address: "东城街道大塘王村" + code + "号", Lat: ptr(lat), Lng: ptr(119.99),
			Hours: [7]string{hours, hours, hours, hours, hours, hours, hours}, Amenities: amen, Status: model.StationOpen})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	closed = mk("E1", "夜班驿站", 28.9005, "20:00-06:00+1", "charging", "tea")
	noCharge = mk("E2", "书香驿站", 28.9010, "08:00-20:00", "reading", "tea")
	charge = mk("E3", "韵达红色驿站", 28.9030, "24h", "charging", "umbrella")
	return
}

// A courier on a 360 px phone lets the page use the location: the nearest
// open station with 手机充电 comes first, and its 高德 link carries GCJ-02.
func TestStationFinderNearMe(t *testing.T) {
	t.Parallel()
	st := newSite(t)
	_, _, charge := st.stations(t)
	tb := newTab(t, st.url)
	tb.viewport(360, 740, true)
	tb.geolocation(st.url, cdpbrowser.PermissionSettingGranted, 28.9, 119.99)
	tb.open("/stations", 200)
	tb.noHorizontalScroll("station finder")
	if !tb.visible("[data-near]") {
		tb.fatalf("the near-me button is hidden although geolocation is available")
	}
	tb.do("need charging, open now",
		chromedp.Click(chromedp.CSS(`input[name=amenity][value=charging]`)),
		chromedp.Click(chromedp.CSS(`input[name=open_now]`)))
	tb.click("[data-near]", 200)
	loc := tb.location()
	if !strings.Contains(loc, "lat=28.90000") || !strings.Contains(loc, "lng=119.99000") || !strings.Contains(loc, "amenity=charging") {
		t.Errorf("shareable URL %s", loc)
	}
	first := tb.text(".st-list .st-item .st-name")
	if first != charge.Name {
		t.Fatalf("first station %q, want %q", first, charge.Name)
	}
	if n := eval[int](tb, `document.querySelectorAll(".st-list .st-item").length`); n != 1 {
		t.Errorf("%d stations listed, want only the open one with charging", n)
	}
	if !tb.visible(".st-svg") {
		t.Error("the plain point map is not shown without tiles")
	}
	tb.noHorizontalScroll("station list")
	tb.screenshot("station-finder-360.png")
	tb.click(".st-list .st-item-link", 200)
	href := eval[string](tb, `document.querySelector("[data-nav=gaode]").href`)
	u, err := url.Parse(href)
	if err != nil || u.Host != "uri.amap.com" {
		t.Fatalf("高德 link %q", href)
	}
	g := geo.WGSToGCJ(geo.Point{Lat: charge.Lat, Lng: charge.Lng})
	parts := strings.Split(u.Query().Get("position"), ",")
	lng, _ := strconv.ParseFloat(parts[0], 64)
	lat, _ := strconv.ParseFloat(parts[len(parts)-1], 64)
	if geo.Distance(geo.Point{Lat: lat, Lng: lng}, g) > 0.5 || u.Query().Get("coordinate") != "gaode" {
		t.Errorf("高德 position %v,%v, want GCJ-02 %v", lat, lng, g)
	}
	if geo.Distance(geo.Point{Lat: lat, Lng: lng}, geo.Point{Lat: charge.Lat, Lng: charge.Lng}) < 100 {
		t.Error("高德 got WGS-84 coordinates")
	}
	tb.noHorizontalScroll("station page")
}

// When the location is refused, the page says so and the village choice
// finds the stations instead.
func TestStationFinderLocationRefused(t *testing.T) {
	t.Parallel()
	st := newSite(t)
	st.stations(t)
	tb := newTab(t, st.url)
	tb.viewport(360, 740, true)
	tb.geolocation(st.url, cdpbrowser.PermissionSettingDenied, 0, 0)
	tb.open("/stations", 200)
	tb.do("ask for the location", chromedp.Click(chromedp.CSS("[data-near]")),
		chromedp.WaitVisible(chromedp.CSS("[data-near-denied]")))
	// Choosing a village searches at once (the select's change submits).
	tb.do("choose the village", chromedp.SetValue(chromedp.CSS("#st-village"), "大塘王村"),
		chromedp.WaitVisible(chromedp.CSS(".st-list .st-item")))
	if n := eval[int](tb, `document.querySelectorAll(".st-list .st-item").length`); n != 3 {
		t.Errorf("%d stations around the village, want 3", n)
	}
	if !strings.Contains(tb.location(), "village=") {
		t.Errorf("URL %s", tb.location())
	}
}

// geolocation sets the tab's location permission for origin and, when
// granted, the position the page will be told.
func (tb *tab) geolocation(origin string, setting cdpbrowser.PermissionSetting, lat, lng float64) {
	tb.t.Helper()
	c := chromedp.FromContext(tb.ctx)
	if _, err := chromedp.CallBrowser(tb.ctx, cdpbrowser.SetPermission, cdpbrowser.SetPermissionParams{
		Permission: &cdpbrowser.PermissionDescriptor{Name: "geolocation"}, Setting: setting,
		Origin: origin, BrowserContextID: c.BrowserContextID}); err != nil {
		tb.fatalf("geolocation permission: %v", err)
	}
	if setting == cdpbrowser.PermissionSettingGranted {
		acc := 10.0
		if _, err := chromedp.Call(tb.ctx, emulation.SetGeolocationOverride, emulation.SetGeolocationOverrideParams{
			Latitude: &lat, Longitude: &lng, Accuracy: &acc}); err != nil {
			tb.fatalf("geolocation override: %v", err)
		}
	}
}

// Offline, the installed finder still shows the last station list: the
// service worker answers from its copy when the server cannot be reached.
func TestStationFinderOffline(t *testing.T) {
	t.Parallel()
	st := newSite(t)
	st.stations(t)
	var down atomic.Bool
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if down.Load() {
			// The network is gone: drop the connection without an answer.
			if hj, ok := w.(http.Hijacker); ok {
				if c, _, err := hj.Hijack(); err == nil {
					c.Close()
					return
				}
			}
			panic(http.ErrAbortHandler)
		}
		target, _ := url.Parse(st.url)
		r2 := r.Clone(r.Context())
		r2.URL.Scheme, r2.URL.Host, r2.RequestURI = target.Scheme, target.Host, ""
		res, err := http.DefaultTransport.RoundTrip(r2)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer res.Body.Close()
		for k, v := range res.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(res.StatusCode)
		_, _ = io.Copy(w, res.Body)
	}))
	t.Cleanup(proxy.Close)
	tb := newTab(t, proxy.URL)
	tb.viewport(360, 740, true)
	tb.open("/stations?lat=28.9&lng=119.99", 200)
	tb.poll("service worker in control", `navigator.serviceWorker.controller !== null`)
	// Through the worker once, so that it keeps the list.
	tb.open("/stations?lat=28.9&lng=119.99", 200)
	// The worker stores its copy after answering: ask the cache until it
	// holds the list.
	_ = eval[any](tb, `(setInterval(() => caches.open("redgrid-stations-v1").then(c => c.match("/stations?last")).then(r => { window.kept = !!r; }), 50), null)`)
	tb.poll("list kept", `window.kept === true`)
	down.Store(true)
	tb.open("/stations", 200)
	if n := eval[int](tb, `document.querySelectorAll(".st-list .st-item").length`); n != 3 {
		t.Fatalf("offline: %d stations shown, want the last list of 3", n)
	}
}

// poll waits (in the page, on animation frames) until expr is true.
func (tb *tab) poll(what, expr string) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr)); err != nil {
		tb.fatalf("%s: %s: %v", what, expr, err)
	}
}

// With a tile source, Leaflet takes over the map: the plain map gives way,
// and the stations and the visitor are drawn as points on the tiles.
func TestStationFinderTileMap(t *testing.T) {
	t.Parallel()
	s, _ := storetest.Open(t)
	st := &site{s: s}
	st.stations(t)
	mux := http.NewServeMux()
	var handler http.Handler
	// The tiles come from the test server too (the browser may not leave it).
	mux.HandleFunc("/tiles/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/svg+xml")
		_, _ = io.WriteString(w, `<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256"><rect width="256" height="256" fill="#eef"/></svg>`)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) })
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	cfg := config.Default()
	cfg.MapTiles = srv.URL + "/tiles/{z}/{x}/{y}.svg"
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	handler = web.New(cfg, s, slog.New(slog.NewTextHandler(io.Discard, nil))).Handler()
	tb := newTab(t, srv.URL)
	tb.viewport(360, 740, true)
	tb.open("/stations?lat=28.9&lng=119.99", 200)
	tb.poll("Leaflet map drawn", `document.querySelector("#st-map .leaflet-container") !== null && document.querySelector("#st-map svg.st-svg") === null`)
	if n := eval[int](tb, `document.querySelectorAll("#st-map path.leaflet-interactive").length`); n != 4 {
		t.Errorf("%d points on the tile map, want 3 stations and the visitor", n)
	}
	tb.poll("tiles shown", `document.querySelectorAll("#st-map img.leaflet-tile-loaded").length > 0`)
	tb.noHorizontalScroll("finder with tiles")
}

// A station keeper on a phone counts visitors with one tap each (the count
// changes in place), takes a tap back, and sees no other station.
func TestStationKeeperCounts(t *testing.T) {
	t.Parallel()
	st := newSite(t)
	_, other, charge := st.stations(t)
	keeper := storetest.MustUser(t, st.s, "keeper", model.RoleStationKeeper)
	in := store.StationInputOf(charge, nil)
	in.KeeperIDs = []int64{keeper.ID}
	if _, err := st.s.UpdateStation(context.Background(), model.System, charge.ID, in, charge.Version); err != nil {
		t.Fatal(err)
	}
	tb := newTab(t, st.url)
	tb.viewport(360, 740, true)
	tb.login("keeper")
	tb.open("/manage/stations/"+strconv.FormatInt(charge.ID, 10), 200)
	tb.noHorizontalScroll("station page of its keeper")
	// Taps as the page's own click (a pointer click at coordinates could land
	// on the fixed tab bar of the phone layout instead).
	tap := func(kind string) {
		tb.poll("button ready", `!document.querySelector("button[data-kind=`+kind+`]").disabled`)
		_ = eval[any](tb, `(document.querySelector("button[data-kind=`+kind+`]").click(), null)`)
	}
	_ = eval[any](tb, `(window.samePage = true, null)`)
	// One tap at a time, each counted before the next, so that the
	// sanitation worker is the last visit the server recorded (undo takes
	// back the last one, whatever order concurrent taps arrived in).
	for i := range 3 {
		tap("courier")
		tb.poll("courier counted", `document.querySelector('[data-count=courier]').textContent === "`+strconv.Itoa(i+1)+`"`)
	}
	tap("sanitation")
	tb.poll("counts shown in place", `document.querySelector('[data-count=courier]').textContent === "3" && document.querySelector('[data-count=sanitation]').textContent === "1"`)
	if !eval[bool](tb, `window.samePage === true`) {
		t.Error("the taps reloaded the page")
	}
	tb.click("#undo", 200)
	if c, s := tb.text("[data-count=courier]"), tb.text("[data-count=sanitation]"); c != "3" || s != "0" {
		t.Errorf("after undo: 快递员 %s, 环卫工人 %s", c, s)
	}
	tb.open("/manage/stations/"+strconv.FormatInt(other.ID, 10), 404)
}
