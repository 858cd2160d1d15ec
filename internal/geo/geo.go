// Package geo holds the coordinate arithmetic of the station finder:
// great-circle distance, walking time, and the conversions between the
// coordinate systems Chinese map services use.
//
// Stations are stored in WGS-84 (what a phone's GPS and the browser's
// geolocation give). Maps published in mainland China use GCJ-02 (国测局
// 坐标, the officially shifted system: 高德, 腾讯, Apple Maps inside China),
// and 百度 adds its own shift on top of it (BD-09). The conversion from
// WGS-84 to GCJ-02 follows the formula published in open-source form (the
// constants of the Krasovsky 1940 ellipsoid and the polynomial-plus-sine
// offset); there is no exact inverse, so GCJToWGS iterates.
package geo

import "math"

// EarthRadius is the mean Earth radius in metres (IUGG).
const EarthRadius = 6371008.8

// Point is a latitude/longitude pair in degrees.
type Point struct {
	Lat float64 `json:"lat"`
	Lng float64 `json:"lng"`
}

// Valid reports whether p is a finite coordinate in range.
func (p Point) Valid() bool {
	return !math.IsNaN(p.Lat) && !math.IsNaN(p.Lng) && p.Lat >= -90 && p.Lat <= 90 && p.Lng >= -180 && p.Lng <= 180
}

func rad(d float64) float64 { return d * math.Pi / 180 }

// Distance returns the great-circle distance in metres (haversine).
func Distance(a, b Point) float64 {
	dLat := rad(b.Lat - a.Lat)
	dLng := rad(b.Lng - a.Lng)
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(rad(a.Lat))*math.Cos(rad(b.Lat))*math.Sin(dLng/2)*math.Sin(dLng/2)
	return 2 * EarthRadius * math.Asin(math.Min(1, math.Sqrt(h)))
}

// WalkMinutes estimates walking time in whole minutes (at least 1) for a
// straight-line distance in metres, at speed metres per minute and a detour
// factor for streets (straight lines understate the way walked).
func WalkMinutes(metres, speed, detour float64) int {
	if speed <= 0 {
		return 0
	}
	return max(1, int(math.Ceil(metres*detour/speed)))
}

// Krasovsky 1940, as the GCJ-02 formula uses it.
const (
	gcjA  = 6378245.0
	gcjEE = 0.00669342162296594323
)

// OutOfChina reports whether p lies outside the rectangle in which GCJ-02
// applies (points outside keep their WGS-84 coordinates).
func OutOfChina(p Point) bool {
	return p.Lng < 72.004 || p.Lng > 137.8347 || p.Lat < 0.8293 || p.Lat > 55.8271
}

func gcjLat(x, y float64) float64 {
	r := -100.0 + 2.0*x + 3.0*y + 0.2*y*y + 0.1*x*y + 0.2*math.Sqrt(math.Abs(x))
	r += (20.0*math.Sin(6.0*x*math.Pi) + 20.0*math.Sin(2.0*x*math.Pi)) * 2.0 / 3.0
	r += (20.0*math.Sin(y*math.Pi) + 40.0*math.Sin(y/3.0*math.Pi)) * 2.0 / 3.0
	r += (160.0*math.Sin(y/12.0*math.Pi) + 320*math.Sin(y*math.Pi/30.0)) * 2.0 / 3.0
	return r
}

func gcjLng(x, y float64) float64 {
	r := 300.0 + x + 2.0*y + 0.1*x*x + 0.1*x*y + 0.1*math.Sqrt(math.Abs(x))
	r += (20.0*math.Sin(6.0*x*math.Pi) + 20.0*math.Sin(2.0*x*math.Pi)) * 2.0 / 3.0
	r += (20.0*math.Sin(x*math.Pi) + 40.0*math.Sin(x/3.0*math.Pi)) * 2.0 / 3.0
	r += (150.0*math.Sin(x/12.0*math.Pi) + 300.0*math.Sin(x/30.0*math.Pi)) * 2.0 / 3.0
	return r
}

// WGSToGCJ converts a WGS-84 point to GCJ-02.
func WGSToGCJ(p Point) Point {
	if OutOfChina(p) {
		return p
	}
	dLat := gcjLat(p.Lng-105.0, p.Lat-35.0)
	dLng := gcjLng(p.Lng-105.0, p.Lat-35.0)
	radLat := rad(p.Lat)
	magic := math.Sin(radLat)
	magic = 1 - gcjEE*magic*magic
	sqrtMagic := math.Sqrt(magic)
	dLat = (dLat * 180.0) / ((gcjA * (1 - gcjEE)) / (magic * sqrtMagic) * math.Pi)
	dLng = (dLng * 180.0) / (gcjA / sqrtMagic * math.Cos(radLat) * math.Pi)
	return Point{Lat: p.Lat + dLat, Lng: p.Lng + dLng}
}

// GCJToWGS inverts WGSToGCJ by fixed-point iteration (to well under a
// centimetre).
func GCJToWGS(g Point) Point {
	if OutOfChina(g) {
		return g
	}
	w := g
	for range 30 {
		c := WGSToGCJ(w)
		dLat, dLng := g.Lat-c.Lat, g.Lng-c.Lng
		w.Lat += dLat
		w.Lng += dLng
		if math.Abs(dLat) < 1e-10 && math.Abs(dLng) < 1e-10 {
			break
		}
	}
	return w
}

const bdXPi = math.Pi * 3000.0 / 180.0

// GCJToBD converts GCJ-02 to 百度's BD-09.
func GCJToBD(g Point) Point {
	x, y := g.Lng, g.Lat
	z := math.Sqrt(x*x+y*y) + 0.00002*math.Sin(y*bdXPi)
	theta := math.Atan2(y, x) + 0.000003*math.Cos(x*bdXPi)
	return Point{Lat: z*math.Sin(theta) + 0.006, Lng: z*math.Cos(theta) + 0.0065}
}

// BDToGCJ converts BD-09 back to GCJ-02.
func BDToGCJ(b Point) Point {
	x, y := b.Lng-0.0065, b.Lat-0.006
	z := math.Sqrt(x*x+y*y) - 0.00002*math.Sin(y*bdXPi)
	theta := math.Atan2(y, x) - 0.000003*math.Cos(x*bdXPi)
	return Point{Lat: z * math.Sin(theta), Lng: z * math.Cos(theta)}
}

// Cell is a square of the spatial index: CellDeg degrees of latitude and
// longitude. Nearest-station searches look at the rings of cells around a
// point instead of every station.
const CellDeg = 0.02

// CellOf returns the integer cell coordinates of p.
func CellOf(p Point) (row, col int32) {
	return int32(math.Floor((p.Lat + 90) / CellDeg)), int32(math.Floor((p.Lng + 180) / CellDeg))
}

// CellKey packs a cell's coordinates into one integer (stored with each
// station and indexed).
func CellKey(row, col int32) int64 { return int64(row)*100000 + int64(col) }

// MinDistanceToRing is a lower bound, in metres, of the distance from p to
// any point outside the square of cells within k rings of p's cell: the
// search can stop once it has enough stations nearer than that.
func MinDistanceToRing(p Point, k int) float64 {
	row, col := CellOf(p)
	// Distance from p to the inner edges of ring k+1.
	south := (float64(row-int32(k)) * CellDeg) - 90
	north := (float64(row+int32(k)+1) * CellDeg) - 90
	west := (float64(col-int32(k)) * CellDeg) - 180
	east := (float64(col+int32(k)+1) * CellDeg) - 180
	dLat := math.Min(p.Lat-south, north-p.Lat)
	dLng := math.Min(p.Lng-west, east-p.Lng)
	// A degree of longitude shrinks with latitude; use the widest latitude
	// the square reaches so the bound stays a lower bound.
	maxLat := math.Min(89.9, math.Max(math.Abs(south), math.Abs(north)))
	mLat := dLat * math.Pi / 180 * EarthRadius
	mLng := dLng * math.Pi / 180 * EarthRadius * math.Cos(rad(maxLat))
	return math.Max(0, math.Min(mLat, mLng))
}
