package geo

import (
	"math"
	"testing"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

// Known distances: city pairs whose great-circle distance is published.
func TestDistanceKnownPairs(t *testing.T) {
	cases := []struct {
		name string
		a, b Point
		km   float64
		tol  float64
	}{
		// Paris–London: 343.5 km (haversine on the mean radius).
		{"paris-london", Point{48.8566, 2.3522}, Point{51.5074, -0.1278}, 343.5, 1},
		// One degree of latitude on the mean sphere: 111.195 km.
		{"one-degree", Point{0, 0}, Point{1, 0}, 111.195, 0.01},
		// 北京天安门–上海人民广场: about 1,067 km.
		{"beijing-shanghai", Point{39.9042, 116.4074}, Point{31.2304, 121.4737}, 1067.3, 2},
		{"same", Point{28.9, 120.0}, Point{28.9, 120.0}, 0, 0},
		// 100 m east at 永康's latitude.
		{"100m", Point{28.905, 119.990}, Point{28.905, 119.990 + 0.1/(111.195*math.Cos(28.905*math.Pi/180))}, 0.1, 0.0005},
	}
	for _, c := range cases {
		if got := Distance(c.a, c.b) / 1000; !near(got, c.km, c.tol) {
			t.Errorf("%s: %.3f km, want %.3f ± %.3f", c.name, got, c.km, c.tol)
		}
	}
}

func TestWalkMinutes(t *testing.T) {
	if got := WalkMinutes(0, 75, 1.3); got != 1 {
		t.Errorf("0 m: %d, want 1 minute", got)
	}
	if got := WalkMinutes(750, 75, 1.0); got != 10 {
		t.Errorf("750 m at 75 m/min: %d, want 10", got)
	}
	if got := WalkMinutes(1000, 75, 1.3); got != 18 {
		t.Errorf("1 km with detour 1.3: %d, want 18", got)
	}
}

// A published WGS-84 → GCJ-02 pair (the sample of the GeometryUtils README,
// 北京海淀): the shift there is about +0.00135° latitude, +0.00619° longitude.
func TestWGSToGCJKnownPairs(t *testing.T) {
	cases := []struct{ wgs, gcj Point }{
		{Point{39.980945, 116.348120}, Point{39.982296, 116.354308}},
	}
	for _, c := range cases {
		got := WGSToGCJ(c.wgs)
		if !near(got.Lat, c.gcj.Lat, 2e-5) || !near(got.Lng, c.gcj.Lng, 2e-5) {
			t.Errorf("WGSToGCJ(%v) = %.6f,%.6f, want %.6f,%.6f", c.wgs, got.Lat, got.Lng, c.gcj.Lat, c.gcj.Lng)
		}
		back := GCJToWGS(got)
		if Distance(back, c.wgs) > 0.01 {
			t.Errorf("GCJToWGS(WGSToGCJ(%v)) = %v, %.4f m off", c.wgs, back, Distance(back, c.wgs))
		}
	}
	// The shift is a few hundred metres in China and none outside it.
	p := Point{28.905, 119.990}
	if d := Distance(p, WGSToGCJ(p)); d < 200 || d > 800 {
		t.Errorf("永康 shift %.0f m, want a few hundred", d)
	}
	if q := (Point{48.8566, 2.3522}); WGSToGCJ(q) != q {
		t.Errorf("Paris must not be shifted")
	}
}

func TestBD09(t *testing.T) {
	// BD-09 adds roughly +0.006° latitude and +0.0065° longitude to GCJ-02.
	g := Point{39.905604, 116.413642}
	b := GCJToBD(g)
	if !near(b.Lat-g.Lat, 0.0062, 0.0015) || !near(b.Lng-g.Lng, 0.0064, 0.0015) {
		t.Errorf("GCJToBD(%v) = %v: unexpected offset", g, b)
	}
	back := BDToGCJ(b)
	if Distance(back, g) > 1 {
		t.Errorf("BDToGCJ(GCJToBD(x)) is %.2f m off", Distance(back, g))
	}
	// 百度's published sample: GCJ-02 39.915,116.404 (天安门, 高德) is about
	// 39.921, 116.410 in BD-09.
	if b := GCJToBD(Point{39.915, 116.404}); !near(b.Lat, 39.9214, 0.001) || !near(b.Lng, 116.4104, 0.001) {
		t.Errorf("天安门 BD-09 = %v", b)
	}
}

func TestRingBoundIsLowerBound(t *testing.T) {
	p := Point{28.905, 119.990}
	for k := 0; k < 4; k++ {
		bound := MinDistanceToRing(p, k)
		row, col := CellOf(p)
		// Every corner of the cells just outside ring k is at least bound away.
		for dr := -(k + 1); dr <= k+1; dr++ {
			for dc := -(k + 1); dc <= k+1; dc++ {
				if max(abs(dr), abs(dc)) != k+1 {
					continue
				}
				r, c := row+int32(dr), col+int32(dc)
				for _, fr := range []float64{0, 0.5, 1} {
					for _, fc := range []float64{0, 0.5, 1} {
						q := Point{(float64(r)+fr)*CellDeg - 90, (float64(c)+fc)*CellDeg - 180}
						if d := Distance(p, q); d < bound-0.5 {
							t.Fatalf("ring %d: point %v at %.1f m is nearer than the bound %.1f", k, q, d, bound)
						}
					}
				}
			}
		}
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
