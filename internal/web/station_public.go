package web

import (
	"encoding/json"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"redgrid/internal/geo"
	"redgrid/internal/model"
	"redgrid/internal/rules"
	"redgrid/internal/store"
)

// The public 红色驿站 finder: no account, no cookie needed, no personal
// data. /stations lists the nearest stations to the browser's location (or
// to a chosen village), /stations/{id} shows one with hand-offs to map
// apps, and /api/v1/public/stations serves the same list to other apps.

func (s *Server) stationPublicRoutes() {
	s.handle("GET", "/stations", public, s.stationFinder)
	s.handle("GET", "/stations/sw.js", public, s.stationServiceWorker)
	s.handle("GET", "/stations/manifest.webmanifest", public, s.stationManifest)
	s.handle("GET", "/stations/{id}", public, s.stationPublicShow)
	s.handle("GET", "/stations/{id}/photos/{photo}", public, s.stationPhoto)
	s.handle("POST", "/stations/{id}/feedback", public, s.stationFeedbackSubmit)
	s.handle("GET", "/api/v1/public/stations", public, s.apiPublicStations)
	s.handle("OPTIONS", "/api/v1/public/stations", public, s.apiPublicPreflight)
}

func init() {
	apiDocs["GET /api/v1/public/stations"] = apiOp{Summary: "Nearest 红色驿站 to a point (no authentication; CORS; cacheable 60 s). " +
		"lat/lng are WGS-84; give them, or village for a village's centre. amenity: codes, comma-separated or repeated, all required. " +
		"Bad parameters answer 400 naming the parameter.", Tag: "public", Public: true,
		Query: []string{"lat", "lng", "village", "amenity", "open_now", "limit"}, Response: "PublicStationList", Status: "200"}
	apiDocs["OPTIONS /api/v1/public/stations"] = apiOp{Summary: "CORS preflight", Tag: "public", Public: true, Status: "204"}
	point := obj(map[string]any{"lat": map[string]any{"type": "number"}, "lng": map[string]any{"type": "number"}}, "lat", "lng")
	moreSchemas["PublicStation"] = obj(map[string]any{
		"id": tInt, "name": tStr, "operator": tStr, "address": tStr, "village": tStr,
		"location":      withDesc(point, "WGS-84"),
		"gcj02":         withDesc(point, "GCJ-02, for 高德/腾讯 maps"),
		"distance_m":    tInt,
		"walk_minutes":  withDesc(tInt, "estimated walk at 4.5 km/h with a 1.3 street detour"),
		"open_now":      withDesc(tBool, "judged in Asia/Shanghai time at the response's as_of"),
		"status":        map[string]any{"type": "string", "enum": model.StationStatuses},
		"closed_reason": tStr, "hours_today": tStr,
		"amenities": map[string]any{"type": "array", "items": tStr},
		"rating":    map[string]any{"type": "number"}, "rating_count": tInt, "url": tStr},
		"id", "name", "location", "distance_m", "open_now")
	moreSchemas["PublicStationList"] = obj(map[string]any{"items": map[string]any{"type": "array", "items": ref("PublicStation")},
		"origin": point, "as_of": tTime}, "items", "origin", "as_of")
}

func withDesc(schema map[string]any, d string) map[string]any {
	out := map[string]any{"description": d}
	for k, v := range schema {
		out[k] = v
	}
	return out
}

// nearParams is a parsed finder query.
type nearParams struct {
	q       store.NearQuery
	village string
	located bool // a point was given or derived from a village
	raw     url.Values
}

// parseNear reads lat, lng, village, amenity, open_now and limit. Errors
// are EMALFORMED with the offending parameter named (400).
func (s *Server) parseNear(r *http.Request) (nearParams, error) {
	qv := r.URL.Query()
	p := nearParams{raw: qv, q: store.NearQuery{At: s.now(), Loc: s.cfg.Location}}
	bad := map[string]model.FieldError{}
	num := func(name string, lo, hi float64) (float64, bool) {
		v := strings.TrimSpace(qv.Get(name))
		if v == "" {
			return 0, false
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			bad[name] = model.FieldError{Key: "field.number"}
			return 0, false
		}
		if f < lo || f > hi {
			bad[name] = model.FieldError{Key: "field.range", Args: []any{lo, hi}}
			return 0, false
		}
		return f, true
	}
	lat, hasLat := num("lat", -90, 90)
	lng, hasLng := num("lng", -180, 180)
	if hasLat != hasLng && len(bad) == 0 {
		missing := "lng"
		if !hasLat {
			missing = "lat"
		}
		bad[missing] = model.FieldError{Key: "field.required"}
	}
	if hasLat && hasLng {
		p.q.Point = geo.Point{Lat: lat, Lng: lng}
		p.located = true
	}
	for _, a := range qv["amenity"] {
		for _, c := range strings.Split(a, ",") {
			if c = strings.TrimSpace(c); c != "" {
				p.q.Amenities = append(p.q.Amenities, c)
			}
		}
	}
	switch strings.ToLower(strings.TrimSpace(qv.Get("open_now"))) {
	case "", "0", "false", "no":
	case "1", "true", "yes", "on":
		p.q.OpenNow = true
	default:
		bad["open_now"] = model.FieldError{Key: "field.bool"}
	}
	if l := strings.TrimSpace(qv.Get("limit")); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > rules.StationsNearMax {
			bad["limit"] = model.FieldError{Key: "field.range", Args: []any{1, rules.StationsNearMax}}
		}
		p.q.Limit = n
	}
	p.village = strings.TrimSpace(qv.Get("village"))
	if len(bad) > 0 {
		return p, &model.Error{Code: model.EMALFORMED, Key: "error.bad_param", Args: []any{firstKey(bad)}, Fields: bad}
	}
	if !p.located && p.village != "" {
		v, ok, err := s.store.VillageCentre(r.Context(), p.village)
		if err != nil {
			return p, err
		}
		if !ok {
			return p, &model.Error{Code: model.EMALFORMED, Key: "error.bad_param", Args: []any{"village"},
				Fields: map[string]model.FieldError{"village": {Key: "field.unknown"}}}
		}
		p.q.Point = geo.Point{Lat: v.Lat, Lng: v.Lng}
		p.located = true
	}
	return p, nil
}

func firstKey(m map[string]model.FieldError) string {
	for _, k := range []string{"lat", "lng", "village", "amenity", "open_now", "limit"} {
		if _, ok := m[k]; ok {
			return k
		}
	}
	return ""
}

// near runs the query; an unknown amenity becomes a 400 naming "amenity".
func (s *Server) near(r *http.Request, p nearParams) ([]store.NearHit, error) {
	hits, err := s.store.NearestStations(r.Context(), p.q)
	if e, ok := model.AsError(err); ok && e.Code == model.EINVALID {
		return nil, &model.Error{Code: model.EMALFORMED, Key: "error.bad_param", Args: []any{"amenity"}, Fields: e.Fields}
	}
	return hits, err
}

type publicStation struct {
	ID           int64     `json:"id"`
	Name         string    `json:"name"`
	Operator     string    `json:"operator"`
	Address      string    `json:"address"`
	Village      string    `json:"village"`
	Location     geo.Point `json:"location"`
	GCJ02        geo.Point `json:"gcj02"`
	DistanceM    int       `json:"distance_m"`
	WalkMinutes  int       `json:"walk_minutes"`
	OpenNow      bool      `json:"open_now"`
	Status       string    `json:"status"`
	ClosedReason string    `json:"closed_reason,omitempty"`
	HoursToday   string    `json:"hours_today"`
	Amenities    []string  `json:"amenities"`
	Rating       float64   `json:"rating"`
	RatingCount  int       `json:"rating_count"`
	URL          string    `json:"url"`
}

type publicStationList struct {
	Items  []publicStation `json:"items"`
	Origin geo.Point       `json:"origin"`
	AsOf   time.Time       `json:"as_of"`
}

func round6(f float64) float64 { return math.Round(f*1e6) / 1e6 }

func round7(f float64) float64 { return math.Round(f*1e7) / 1e7 }

func (s *Server) publicStationOf(h store.NearHit, at time.Time) publicStation {
	st := h.Station
	p := geo.Point{Lat: st.Lat, Lng: st.Lng}
	g := geo.WGSToGCJ(p)
	return publicStation{ID: st.ID, Name: st.Name, Operator: st.Operator, Address: st.Address, Village: st.Village,
		Location: geo.Point{Lat: round7(p.Lat), Lng: round7(p.Lng)}, GCJ02: geo.Point{Lat: round6(g.Lat), Lng: round6(g.Lng)},
		DistanceM: int(math.Round(h.Distance)), WalkMinutes: geo.WalkMinutes(h.Distance, rules.WalkMetresPerMinute, rules.WalkDetour),
		OpenNow: h.Open, Status: st.Status, ClosedReason: st.ClosedReason, HoursToday: hoursOn(st, at.In(s.cfg.Location)),
		Amenities: st.Amenities, Rating: math.Round(st.Rating()*10) / 10, RatingCount: st.RatingCount,
		URL: "/stations/" + strconv.FormatInt(st.ID, 10)}
}

// hoursOn is a station's hours on t's weekday, as text ("" when closed).
func hoursOn(st *model.Station, t time.Time) string {
	return st.HoursText[(int(t.Weekday())+6)%7]
}

func (s *Server) publicHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Allow-Methods", "GET, OPTIONS")
	h.Set("Access-Control-Max-Age", "86400")
	h.Set("Cross-Origin-Resource-Policy", "cross-origin")
}

func (s *Server) apiPublicPreflight(w http.ResponseWriter, r *http.Request) {
	s.publicHeaders(w)
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) apiPublicStations(w http.ResponseWriter, r *http.Request) {
	s.publicHeaders(w)
	p, err := s.parseNear(r)
	if err == nil && !p.located {
		err = &model.Error{Code: model.EMALFORMED, Key: "error.bad_param", Args: []any{"lat"},
			Fields: map[string]model.FieldError{"lat": {Key: "field.required"}, "lng": {Key: "field.required"}}}
	}
	var hits []store.NearHit
	if err == nil {
		hits, err = s.near(r, p)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	resp := publicStationList{Items: make([]publicStation, 0, len(hits)), Origin: geo.Point{Lat: round7(p.q.Point.Lat), Lng: round7(p.q.Point.Lng)}, AsOf: p.q.At.UTC().Truncate(time.Second)}
	for _, h := range hits {
		resp.Items = append(resp.Items, s.publicStationOf(h, p.q.At))
	}
	b := appendPublicList(make([]byte, 0, 512+600*len(resp.Items)), &resp)
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	// Open-now badges age by the minute; a minute of caching is the
	// trade-off between freshness and the load of embedding apps.
	h.Set("Cache-Control", "public, max-age=60")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// ---- pages ----

// finderItem is one station in the finder list.
type finderItem struct {
	N int
	publicStation
	AmenityNames []string
	Href         string
}

type finderPage struct {
	Located   bool
	Origin    geo.Point
	Village   string
	Villages  []model.Village
	Amenities []model.Amenity
	Chosen    map[string]bool
	OpenNow   bool
	Items     []finderItem
	Map       svgMap
	MapJSON   template.JS // points for the tile map (when configured); json.Marshal escapes <, > and &
	Tiles     string
	TilesGCJ  bool
	Attrib    string
	Error     string
	Query     string // the list's query, carried to detail pages
	Now       time.Time
}

func (s *Server) stationFinder(w http.ResponseWriter, r *http.Request) {
	v := s.view(r, "stations")
	v.Title = s.cat.T(v.Locale, "stations.finder_title")
	dict, err := s.store.AmenityDict(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	villages, err := s.store.Villages(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page := finderPage{Villages: villages, Chosen: map[string]bool{}, Tiles: s.cfg.MapTiles, TilesGCJ: s.cfg.MapTilesGCJ,
		Attrib: s.cfg.MapAttribution, Now: s.now().In(s.cfg.Location)}
	for _, a := range dict {
		if a.Active {
			page.Amenities = append(page.Amenities, a)
		}
	}
	names := map[string]string{}
	for _, a := range dict {
		names[a.Code] = a.Name
		if v.Locale == "en" && a.NameEn != "" {
			names[a.Code] = a.NameEn
		}
	}
	p, err := s.parseNear(r)
	status := http.StatusOK
	if err != nil {
		if e, ok := model.AsError(err); ok && e.Code == model.EMALFORMED {
			status = http.StatusBadRequest
			page.Error = s.cat.T(v.Locale, "stations.bad_query")
		} else {
			s.fail(w, r, err)
			return
		}
	}
	page.Village, page.OpenNow = p.village, p.q.OpenNow
	for _, c := range p.q.Amenities {
		page.Chosen[c] = true
	}
	if err == nil && p.located {
		hits, err := s.near(r, p)
		if err != nil {
			if model.ErrorCode(err) != model.EMALFORMED {
				s.fail(w, r, err)
				return
			}
			status = http.StatusBadRequest
			page.Error = s.cat.T(v.Locale, "stations.bad_query")
		}
		page.Located, page.Origin = true, p.q.Point
		page.Query = r.URL.RawQuery
		for i, h := range hits {
			ps := s.publicStationOf(h, p.q.At)
			it := finderItem{N: i + 1, publicStation: ps, Href: ps.URL}
			if p.q.Point != (geo.Point{}) {
				it.Href += "?" + url.Values{"lat": {fmtCoord(p.q.Point.Lat)}, "lng": {fmtCoord(p.q.Point.Lng)}}.Encode()
			}
			for _, c := range ps.Amenities {
				it.AmenityNames = append(it.AmenityNames, names[c])
			}
			page.Items = append(page.Items, it)
		}
		page.Map = buildSVGMap(p.q.Point, page.Items)
		if s.cfg.MapTiles != "" {
			page.MapJSON = s.mapJSON(p.q.Point, page.Items)
		}
	}
	s.stationCSP(w)
	s.renderStatus(w, r, status, "station_finder", v, page)
}

func fmtCoord(f float64) string { return strconv.FormatFloat(f, 'f', 5, 64) }

// mapJSON is the tile map's data: points in the tiles' coordinate system.
func (s *Server) mapJSON(origin geo.Point, items []finderItem) template.JS {
	conv := func(p geo.Point) geo.Point {
		if s.cfg.MapTilesGCJ {
			return geo.WGSToGCJ(p)
		}
		return p
	}
	type pt struct {
		N    int     `json:"n"`
		Lat  float64 `json:"lat"`
		Lng  float64 `json:"lng"`
		Name string  `json:"name"`
		Href string  `json:"href"`
		Open bool    `json:"open"`
	}
	o := conv(origin)
	data := struct {
		Origin pt   `json:"origin"`
		Points []pt `json:"points"`
	}{Origin: pt{Lat: o.Lat, Lng: o.Lng}}
	for _, it := range items {
		c := conv(it.Location)
		data.Points = append(data.Points, pt{N: it.N, Lat: c.Lat, Lng: c.Lng, Name: it.Name, Href: it.Href, Open: it.OpenNow})
	}
	b, _ := json.Marshal(data)
	return template.JS(b)
}

// stationCSP widens the image sources to the configured tile server.
func (s *Server) stationCSP(w http.ResponseWriter) {
	if s.cfg.MapTiles == "" {
		return
	}
	u, err := url.Parse(strings.NewReplacer("{s}", "subdomain", "{z}", "0", "{x}", "0", "{y}", "0", "{r}", "").Replace(s.cfg.MapTiles))
	if err != nil {
		return
	}
	host := u.Host
	if strings.Contains(s.cfg.MapTiles, "{s}") {
		// A subdomain placeholder: allow the parent domain's subdomains.
		if _, rest, ok := strings.Cut(host, "."); ok {
			host = "*." + rest
		}
	}
	w.Header().Set("Content-Security-Policy", strings.Replace(csp, "img-src 'self' data: blob:", "img-src 'self' data: blob: "+u.Scheme+"://"+host, 1))
}

// svgMap is the plain map drawn without tiles: the points around the origin
// in an equirectangular projection, numbered like the list.
type svgMap struct {
	W, H   int
	Origin svgPoint
	Points []svgPoint
	Scale  string // "500 m" bar label
	BarPx  float64
}

type svgPoint struct {
	X, Y float64
	N    int
	Open bool
	Name string
	Href string
}

func buildSVGMap(origin geo.Point, items []finderItem) svgMap {
	m := svgMap{W: 340, H: 220}
	if len(items) == 0 {
		m.Origin = svgPoint{X: float64(m.W) / 2, Y: float64(m.H) / 2}
		return m
	}
	k := math.Cos(origin.Lat * math.Pi / 180)
	// Extent in metres around the origin.
	maxDX, maxDY := 50.0, 50.0
	mx := func(p geo.Point) (float64, float64) {
		return (p.Lng - origin.Lng) * k * 111195, (p.Lat - origin.Lat) * 111195
	}
	for _, it := range items {
		dx, dy := mx(it.Location)
		maxDX, maxDY = math.Max(maxDX, math.Abs(dx)), math.Max(maxDY, math.Abs(dy))
	}
	pad := 18.0
	scale := math.Min((float64(m.W)/2-pad)/maxDX, (float64(m.H)/2-pad)/maxDY) // px per metre
	m.Origin = svgPoint{X: float64(m.W) / 2, Y: float64(m.H) / 2}
	for i := len(items) - 1; i >= 0; i-- { // nearest drawn last, on top
		it := items[i]
		dx, dy := mx(it.Location)
		m.Points = append(m.Points, svgPoint{X: math.Round((float64(m.W)/2+dx*scale)*10) / 10, Y: math.Round((float64(m.H)/2-dy*scale)*10) / 10,
			N: it.N, Open: it.OpenNow, Name: it.Name, Href: it.Href})
	}
	// A scale bar of a round length about a quarter of the width.
	target := float64(m.W) / 4 / scale
	bar := 10.0
	for _, b := range []float64{10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000} {
		if b <= target {
			bar = b
		}
	}
	m.BarPx = math.Round(bar*scale*10) / 10
	if bar >= 1000 {
		m.Scale = fmt.Sprintf("%g km", bar/1000)
	} else {
		m.Scale = fmt.Sprintf("%g m", bar)
	}
	return m
}

// stationDetail is the public page of one station.
type stationDetail struct {
	St         *model.Station
	Amenities  []string
	Rating     float64
	OpenNow    bool
	HoursToday string
	Week       []weekRow
	Closures   []model.Closure
	Gaode      string
	Baidu      string
	Apple      string
	Distance   int
	Walk       int
	Comments   []model.Feedback
	Back       string
	Sent       bool
	Form       *Form
}

type weekRow struct {
	Day   string
	Hours string
	Today bool
}

// navLinks builds the hand-offs to map apps, each in the coordinate system
// it expects: 高德 takes GCJ-02 (coordinate=gaode), 百度 BD-09
// (coord_type=bd09ll), and Apple Maps, whose map inside mainland China is
// GCJ-02 (AutoNavi data), gets GCJ-02 there and WGS-84 elsewhere.
func navLinks(st *model.Station) (gaode, baidu, apple string) {
	p := geo.Point{Lat: st.Lat, Lng: st.Lng}
	g := geo.WGSToGCJ(p)
	b := geo.GCJToBD(g)
	gaode = "https://uri.amap.com/marker?" + url.Values{
		"position": {fmt.Sprintf("%.6f,%.6f", g.Lng, g.Lat)}, "name": {st.Name}, "src": {"redgrid"},
		"coordinate": {"gaode"}, "callnative": {"1"}}.Encode()
	baidu = "https://api.map.baidu.com/marker?" + url.Values{
		"location": {fmt.Sprintf("%.6f,%.6f", b.Lat, b.Lng)}, "title": {st.Name}, "content": {st.Address},
		"coord_type": {"bd09ll"}, "output": {"html"}, "src": {"webapp.redgrid.stations"}}.Encode()
	a := p
	if !geo.OutOfChina(p) {
		a = g
	}
	apple = "https://maps.apple.com/?" + url.Values{"ll": {fmt.Sprintf("%.6f,%.6f", a.Lat, a.Lng)}, "q": {st.Name}}.Encode()
	return
}

func (s *Server) stationPublicShow(w http.ResponseWriter, r *http.Request) {
	var v model.Validation
	id := idParam(&v, "id", r.PathValue("id"))
	if v.Err() != nil || id == 0 {
		s.fail(w, r, model.Errorf(model.ENOTFOUND, "error.not_found.station"))
		return
	}
	s.renderStationPublic(w, r, id, http.StatusOK, nil)
}

func (s *Server) renderStationPublic(w http.ResponseWriter, r *http.Request, id int64, status int, form *Form) {
	st, err := s.store.PublicStation(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	dict, err := s.store.AmenityDict(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.view(r, "stations")
	v.Title = st.Name
	now := s.now().In(s.cfg.Location)
	d := stationDetail{St: st, Rating: math.Round(st.Rating()*10) / 10, OpenNow: st.OpenAt(now, s.cfg.Location),
		HoursToday: hoursOn(st, now), Form: form, Sent: r.URL.Query().Get("sent") == "1"}
	for _, c := range st.Amenities {
		for _, a := range dict {
			if a.Code == c {
				name := a.Name
				if v.Locale == "en" && a.NameEn != "" {
					name = a.NameEn
				}
				d.Amenities = append(d.Amenities, name)
			}
		}
	}
	today := (int(now.Weekday()) + 6) % 7
	for i, day := range model.Weekdays {
		d.Week = append(d.Week, weekRow{Day: s.cat.T(v.Locale, "weekday."+day), Hours: st.HoursText[i], Today: i == today})
	}
	todayDate := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	for _, c := range st.Closures {
		if !c.Day.Before(todayDate) {
			d.Closures = append(d.Closures, c)
		}
	}
	d.Gaode, d.Baidu, d.Apple = navLinks(st)
	q := r.URL.Query()
	if lat, err1 := strconv.ParseFloat(q.Get("lat"), 64); err1 == nil {
		if lng, err2 := strconv.ParseFloat(q.Get("lng"), 64); err2 == nil && (geo.Point{Lat: lat, Lng: lng}).Valid() {
			m := geo.Distance(geo.Point{Lat: lat, Lng: lng}, geo.Point{Lat: st.Lat, Lng: st.Lng})
			d.Distance, d.Walk = int(math.Round(m)), geo.WalkMinutes(m, rules.WalkMetresPerMinute, rules.WalkDetour)
			d.Back = "/stations?" + url.Values{"lat": {q.Get("lat")}, "lng": {q.Get("lng")}}.Encode()
		}
	}
	if d.Comments, err = s.store.PublicComments(r.Context(), id, 20); err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderStatus(w, r, status, "station_public", v, d)
}

func (s *Server) stationPhoto(w http.ResponseWriter, r *http.Request) {
	var v model.Validation
	id, pid := idParam(&v, "id", r.PathValue("id")), idParam(&v, "photo", r.PathValue("photo"))
	if v.Err() != nil {
		s.fail(w, r, model.Errorf(model.ENOTFOUND, "error.not_found.photo"))
		return
	}
	ct, data, err := s.store.StationPhoto(r.Context(), id, pid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "public, max-age=86400")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	_, _ = w.Write(data)
}

func (s *Server) stationFeedbackSubmit(w http.ResponseWriter, r *http.Request) {
	var v model.Validation
	id := idParam(&v, "id", r.PathValue("id"))
	rating, err := strconv.Atoi(r.PostFormValue("rating"))
	if err != nil {
		rating = 0
	}
	if v.Err() != nil || id == 0 {
		s.fail(w, r, model.Errorf(model.ENOTFOUND, "error.not_found.station"))
		return
	}
	_, err = s.store.SubmitFeedback(r.Context(), id, store.FeedbackInput{Rating: rating, Comment: r.PostFormValue("comment")}, s.clientIP(r))
	if err != nil {
		if f, ok := s.formFromError(r, err); ok {
			s.renderStationPublic(w, r, id, http.StatusUnprocessableEntity, f)
			return
		}
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/stations/%d?sent=1#feedback", id), http.StatusSeeOther)
}

// The service worker must be served from /stations/ to control the
// finder's pages; it is a static file (no inline script anywhere).
func (s *Server) stationServiceWorker(w http.ResponseWriter, r *http.Request) {
	b, err := staticFS.ReadFile("static/stations-sw.js")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("Service-Worker-Allowed", "/stations")
	_, _ = w.Write(b)
}

func (s *Server) stationManifest(w http.ResponseWriter, r *http.Request) {
	loc := info(r).locale
	m := map[string]any{
		"name": s.cat.T(loc, "stations.app_name"), "short_name": s.cat.T(loc, "stations.app_short"),
		"start_url": "/stations", "scope": "/stations", "display": "standalone", "lang": loc,
		"background_color": "#ffffff", "theme_color": "#b91c1c",
		"icons": []map[string]string{{"src": s.static.URL("icon.svg"), "sizes": "any", "type": "image/svg+xml", "purpose": "any"}},
	}
	w.Header().Set("Content-Type", "application/manifest+json")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_ = json.NewEncoder(w).Encode(m)
}
