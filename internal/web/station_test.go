package web_test

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"redgrid/internal/config"
	"redgrid/internal/geo"
	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/storetest"
	"redgrid/internal/web"
)

func f64(f float64) *float64 { return &f }

func everyDay(h string) [7]string { return [7]string{h, h, h, h, h, h, h} }

// stationZone registers three stations around 大塘王村: the nearest is
// closed now (night hours), the second open without charging, the third
// open with charging.
func stationZone(t *testing.T, e *env) (nearClosed, openNoCharge, openCharge model.Station) {
	t.Helper()
	mk := func(code, name string, lat, lng float64, hours string, amen ...string) model.Station {
		st, err := e.s.CreateStation(bg, model.System, store.StationInput{Code: code, Name: name, Operator: "韵达快递",
			Village: "大塘王村", Address: "东城街道大塘王村", Lat: f64(lat), Lng: f64(lng), Hours: everyDay(hours),
			Amenities: amen, Status: model.StationOpen})
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	// The store clock is 10:00 in Shanghai.
	nearClosed = mk("N1", "夜间驿站", 28.9001, 119.9901, "20:00-06:00+1", "charging", "tea")
	openNoCharge = mk("N2", "阅读驿站", 28.9020, 119.9901, "08:00-20:00", "reading")
	openCharge = mk("N3", "韵达红色驿站", 28.9040, 119.9901, "24h", "charging", "umbrella", "first_aid")
	return
}

func TestPublicStationAPI(t *testing.T) {
	e := newEnv(t)
	_, _, charge := stationZone(t, e)
	a := &api{e: e}
	status, body := a.call("GET", "/api/v1/public/stations?lat=28.9&lng=119.99&amenity=charging&open_now=1", "")
	if status != 200 {
		t.Fatalf("status %d %s", status, body)
	}
	var resp struct {
		Items []struct {
			ID       int64     `json:"id"`
			Name     string    `json:"name"`
			OpenNow  bool      `json:"open_now"`
			Dist     int       `json:"distance_m"`
			Walk     int       `json:"walk_minutes"`
			GCJ      geo.Point `json:"gcj02"`
			Location geo.Point `json:"location"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(body), &resp); err != nil {
		t.Fatal(err)
	}
	if len(resp.Items) != 1 || resp.Items[0].ID != charge.ID || !resp.Items[0].OpenNow {
		t.Fatalf("want only the open station with charging: %s", body)
	}
	it := resp.Items[0]
	want := geo.WGSToGCJ(geo.Point{Lat: charge.Lat, Lng: charge.Lng})
	if geo.Distance(it.GCJ, want) > 0.5 || geo.Distance(it.GCJ, it.Location) < 100 {
		t.Errorf("gcj02 %v, want %v (shifted from %v)", it.GCJ, want, it.Location)
	}
	if it.Dist < 440 || it.Dist > 460 || it.Walk != 8 {
		t.Errorf("distance %d m, walk %d min", it.Dist, it.Walk)
	}
	// Headers: CORS and caching, no cookie needed.
	req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/public/stations?village="+url.QueryEscape("大塘王村"), nil)
	req.Header.Set("Origin", "https://other.example")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(res.Header.Get("Cache-Control"), "max-age=60") ||
		res.Header.Get("Set-Cookie") != "" {
		t.Errorf("headers: %d %v", res.StatusCode, res.Header)
	}
	// Bad input: 400 naming the parameter.
	bad := map[string]string{
		"lat=91&lng=119":               "lat",
		"lat=abc&lng=119":              "lat",
		"lat=28&lng=-181":              "lng",
		"lat=28&lng=NaN":               "lng",
		"lat=28":                       "lng",
		"":                             "lat",
		"lat=28&lng=119&amenity=spa":   "amenity",
		"lat=28&lng=119&limit=0":       "limit",
		"lat=28&lng=119&open_now=yes!": "open_now",
		"village=" + url.QueryEscape("不存在村"): "village",
	}
	for q, param := range bad {
		status, body := a.call("GET", "/api/v1/public/stations?"+q, "")
		if status != 400 {
			t.Errorf("%s: status %d", q, status)
			continue
		}
		if er := decodeErr(t, body); er.Error.Fields[param] == "" || !strings.Contains(er.Error.Message, param) {
			t.Errorf("%s: want the error to name %s: %s", q, param, body)
		}
	}
	// The OpenAPI document lists the public endpoint without security.
	_, doc := a.call("GET", "/api/v1/openapi.json", "")
	if !strings.Contains(doc, `"/api/v1/public/stations"`) || !strings.Contains(doc, "PublicStation") {
		t.Error("public endpoint missing from the OpenAPI document")
	}
}

func TestPublicFinderPages(t *testing.T) {
	e := newEnv(t)
	closed, _, charge := stationZone(t, e)
	c := e.anon()
	page := c.get("/stations?lat=28.9&lng=119.99&amenity=charging", 200)
	// Nearest first: the closed one (no open_now filter) then the open one.
	ol := page[strings.Index(page, "data-list"):]
	i, j := strings.Index(ol, closed.Name), strings.Index(ol, charge.Name)
	if i < 0 || j < 0 || i > j {
		t.Fatalf("order of stations in the list: %d %d\n%s", i, j, trim(page[strings.Index(page, "<main"):]))
	}
	if !strings.Contains(page, "<svg") || !strings.Contains(page, "开放中") || strings.Contains(page, "leaflet") {
		t.Error("want the SVG point map, an open badge and no Leaflet without tiles")
	}
	// Without location: the village picker and the hint.
	page = c.get("/stations", 200)
	if !strings.Contains(page, `<option value="大塘王村"`) {
		t.Error("village picker missing")
	}
	c.get("/stations?lat=200&lng=1", 400)
	// Detail page: hand-offs in the right coordinate systems.
	page = c.get("/stations/"+itoa(charge.ID)+"?lat=28.9&lng=119.99", 200)
	g := geo.WGSToGCJ(geo.Point{Lat: charge.Lat, Lng: charge.Lng})
	b := geo.GCJToBD(g)
	if !strings.Contains(page, "uri.amap.com/marker?") || !strings.Contains(page, url.QueryEscape(ff(g.Lng)+","+ff(g.Lat))) {
		t.Errorf("高德 link without GCJ-02 %v", g)
	}
	if !strings.Contains(page, url.QueryEscape(ff(b.Lat)+","+ff(b.Lng))) || !strings.Contains(page, "coord_type=bd09ll") {
		t.Errorf("百度 link without BD-09 %v", b)
	}
	if !strings.Contains(page, "maps.apple.com/?ll="+url.QueryEscape(ff(g.Lat)+","+ff(g.Lng))) {
		t.Errorf("Apple Maps link without GCJ-02 inside China")
	}
	// Feedback: HTML stays text, only after approval, and a flood gets 429.
	resp := c.post("/stations/"+itoa(charge.ID)+"/feedback", url.Values{"rating": {"5"}, "comment": {`<b>赞</b><script>alert(1)</script>`}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("feedback: %d", resp.StatusCode)
	}
	resp.Body.Close()
	if page := c.get("/stations/"+itoa(charge.ID), 200); strings.Contains(page, "<script>alert") {
		t.Error("unmoderated comment shown")
	}
	if status, _ := c.postBody("/stations/"+itoa(charge.ID)+"/feedback", url.Values{"rating": {"4"}}); status != http.StatusTooManyRequests {
		t.Errorf("second rating: %d, want 429", status)
	}
	list, _ := e.s.FeedbackList(bg, model.FeedbackPending, charge.ID, 10)
	if len(list) != 1 {
		t.Fatalf("queue: %v", list)
	}
	admin := e.login("admin")
	if q := admin.get("/manage/feedback", 200); !strings.Contains(q, "&lt;script&gt;") {
		t.Error("moderation queue must show the comment as text")
	}
	resp = admin.post("/manage/feedback/"+itoa(list[0].ID), url.Values{"status": {"approved"}})
	resp.Body.Close()
	page = c.get("/stations/"+itoa(charge.ID), 200)
	if !strings.Contains(page, "&lt;b&gt;赞&lt;/b&gt;&lt;script&gt;alert(1)&lt;/script&gt;") || strings.Contains(page, "<script>alert") {
		t.Error("approved comment must be shown as text")
	}
	// The service worker and manifest are served for the finder's scope.
	sw := c.get("/stations/sw.js", 200)
	if !strings.Contains(sw, "caches") {
		t.Error("service worker")
	}
	c.get("/stations/manifest.webmanifest", 200)
}

// The finder's page stays under 100 KB on the wire before map tiles: the
// HTML of a full list plus every script and style it loads, gzip-compressed
// as the server sends them.
func TestFinderPageWeight(t *testing.T) {
	e := newEnv(t)
	stationZone(t, e)
	for i := range 40 {
		_, err := e.s.CreateStation(bg, model.System, store.StationInput{Code: "W" + itoa(int64(i)), Name: "测试驿站" + itoa(int64(i)),
			Operator: "某某物流有限公司", Village: "大塘王村", Address: "东城街道大塘王村某某路" + itoa(int64(i)) + "号",
			Lat: f64(28.9 + float64(i)*0.001), Lng: f64(119.99), Hours: everyDay("08:00-12:00, 13:30-20:00"),
			Amenities: []string{"charging", "tea", "rest_room", "reading", "wash_basin", "umbrella", "first_aid", "toolbox"}})
		if err != nil {
			t.Fatal(err)
		}
	}
	get := func(path string, gz bool) int {
		req, _ := http.NewRequest("GET", e.srv.URL+path, nil)
		if gz {
			req.Header.Set("Accept-Encoding", "gzip")
		}
		tr := &http.Transport{DisableCompression: true}
		res, err := (&http.Client{Transport: tr}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 {
			t.Fatalf("%s: %d", path, res.StatusCode)
		}
		if gz && res.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(strings.NewReader(string(b)))
			if err != nil {
				t.Fatalf("%s: bad gzip: %v", path, err)
			}
			if _, err := io.ReadAll(zr); err != nil {
				t.Fatalf("%s: bad gzip: %v", path, err)
			}
		}
		return len(b)
	}
	html := e.anon().get("/stations?lat=28.9&lng=119.99&limit=50", 200)
	total := len(html)
	for _, m := range regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`).FindAllStringSubmatch(html, -1) {
		total += get(m[1], true)
	}
	if total > 100_000 {
		t.Errorf("finder page is %d bytes before tiles, want ≤ 100 KB", total)
	}
	t.Logf("finder page with 43 stations: %d bytes (HTML uncompressed, assets gzip)", total)
}

func TestStationDeskAndKeeper(t *testing.T) {
	e := newEnv(t)
	_, _, charge := stationZone(t, e)
	storetest.MustUser(t, e.s, "keeper", model.RoleStationKeeper)
	admin := e.login("admin")
	admin.get("/manage/stations", 200)
	admin.get("/manage/stations/new", 200)
	// A form with bad hours answers 422 with the field's message.
	form := url.Values{"code": {"X1"}, "name": {"测试"}, "operator": {"测试"}, "village": {"测试村"}, "lat": {"28.9"}, "lng": {"119.9"},
		"hours_mon": {"18:00-08:00"}, "hours_tue": {"08:00-12:00, 11:00-13:00"}, "status": {"open"},
		"enterprise_uscc": {"91330784MA2HXXXXXX"}}
	status, body := admin.postBody("/manage/stations", form)
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "结束时间早于开始时间") || !strings.Contains(body, "时段重叠") ||
		!strings.Contains(body, `id="err-enterprise_uscc"`) {
		t.Errorf("bad hours: %d", status)
	}
	// Assign the keeper, who then counts visitors at that station only.
	keepers, _ := e.s.Users(bg, model.RoleStationKeeper, "")
	vals := url.Values{}
	for k, v := range map[string]string{"code": charge.Code, "name": charge.Name, "operator": "韵达快递", "village": charge.Village,
		"address": charge.Address, "lat": "28.904", "lng": "119.9901", "status": "open", "version": itoa(int64(charge.Version)),
		"keeper_ids": itoa(keepers[0].ID)} {
		vals.Set(k, v)
	}
	for _, d := range model.Weekdays {
		vals.Set("hours_"+d, "24h")
	}
	vals["amenities"] = []string{"charging", "umbrella"}
	if resp := admin.post("/manage/stations/"+itoa(charge.ID), vals); resp.StatusCode != http.StatusSeeOther {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("update: %d %s", resp.StatusCode, trim(string(b)))
	}
	admin.get("/manage/stations/"+itoa(charge.ID), 200)
	admin.get("/manage/stations/stats", 200)
	admin.get("/manage/amenities", 200)
	k := e.login("keeper")
	page := k.get("/manage/stations/"+itoa(charge.ID), 200)
	if !strings.Contains(page, `data-kind="courier"`) {
		t.Fatal("keeper sees no counters")
	}
	resp := k.post("/manage/stations/"+itoa(charge.ID)+"/visits", url.Values{"kind": {"courier"}})
	resp.Body.Close()
	resp = k.post("/manage/stations/"+itoa(charge.ID)+"/loans", url.Values{"item": {"雨伞"}, "phone": {"13912345678"}, "due_on": {"2021-08-30"}})
	resp.Body.Close()
	page = k.get("/manage/stations/"+itoa(charge.ID), 200)
	if !strings.Contains(page, `<strong data-count="courier">1</strong>`) || !strings.Contains(page, "139****5678") || strings.Contains(page, "13912345678") {
		t.Error("counter or masked loan phone missing")
	}
	k.get("/manage/stations/"+itoa(charge.ID-1), 404)
	k.get("/manage/stations/new", 403)
	k.get("/manage/feedback", 403)
}

func ff(f float64) string { return fmt.Sprintf("%.6f", f) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// With a tile source configured, the finder loads Leaflet, allows the tile
// host's images in its CSP, and hands the map GCJ-02 points for GCJ-02 tiles.
func TestFinderWithTiles(t *testing.T) {
	e := newEnv(t)
	_, _, charge := stationZone(t, e)
	cfg := config.Default()
	cfg.MapTiles = "https://webrd0{s}.is.autonavi.com/appmaptile?style=8&x={x}&y={y}&z={z}"
	cfg.MapTilesGCJ = true
	cfg.MapAttribution = "© 高德地图"
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(web.New(cfg, e.s, slog.New(slog.NewTextHandler(io.Discard, nil))).Handler())
	defer srv.Close()
	res, err := http.Get(srv.URL + "/stations?lat=28.9&lng=119.99")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	page := string(b)
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "img-src 'self' data: blob: https://*.is.autonavi.com") {
		t.Errorf("CSP %q", csp)
	}
	if !strings.Contains(page, "vendor/leaflet/leaflet.js") || !strings.Contains(page, `data-tiles="https://webrd0{s}.is.autonavi.com`) {
		t.Error("Leaflet or the tile URL missing")
	}
	m := regexp.MustCompile(`<script type="application/json" id="st-map-data">(.*?)</script>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no map data")
	}
	var data struct {
		Points []struct {
			Lat, Lng float64
			Name     string
		}
	}
	if err := json.Unmarshal([]byte(m[1]), &data); err != nil {
		t.Fatalf("map data %q: %v", m[1], err)
	}
	g := geo.WGSToGCJ(geo.Point{Lat: charge.Lat, Lng: charge.Lng})
	found := false
	for _, p := range data.Points {
		if p.Name == charge.Name && geo.Distance(geo.Point{Lat: p.Lat, Lng: p.Lng}, g) < 0.5 {
			found = true
		}
	}
	if !found {
		t.Errorf("map points are not GCJ-02: %+v", data.Points)
	}
	if err := (&config.Config{MapTiles: "ftp://x/{z}", TimeZone: "Asia/Shanghai", DefaultLocale: "zh-CN", LogLevel: "info",
		LogFormat: "text", SessionIdle: 1, SessionMaxAge: 2, DatabaseURL: "sqlite:x"}).Validate(); err == nil {
		t.Error("a non-http tile URL must be refused")
	}
}
