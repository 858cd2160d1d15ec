package gen

import (
	"context"
	"fmt"
	"io"
	"time"

	"redgrid/internal/model"
	"redgrid/internal/store"
)

// Province-scale 红色驿站 for benchmarks: stations spread over a
// Zhejiang-sized rectangle (27.0–31.2°N, 118.0–122.9°E, about 100,000 km²),
// denser around a few city centres, with the usual mix of hours and
// amenities. The same seed gives the same stations.

// StationBounds is the generated area (WGS-84).
var StationBounds = struct{ MinLat, MaxLat, MinLng, MaxLng float64 }{27.0, 31.2, 118.0, 122.9}

// stationCities pull a share of the stations around them (杭州, 宁波, 温州,
// 金华, 绍兴, 台州, 嘉兴, 永康).
var stationCities = [][2]float64{{30.27, 120.15}, {29.87, 121.55}, {28.0, 120.67}, {29.08, 119.65}, {30.0, 120.58},
	{28.66, 121.42}, {30.75, 120.76}, {28.9, 120.04}}

var genHours = []string{"08:00-20:00", "24h", "07:00-22:00", "08:00-11:30, 13:30-18:00", "20:00-06:00+1", "06:00-21:00"}

var genAmenities = []string{"rest_room", "reading", "wash_basin", "tea", "charging", "umbrella", "first_aid", "toolbox",
	"microwave", "toilet", "air_con", "wifi"}

// Stations returns n generated stations.
func Stations(seed uint64, n int) []store.StationInput {
	src := NewSource(seed ^ 0x5747)
	out := make([]store.StationInput, n)
	b := StationBounds
	for i := range out {
		var lat, lng float64
		if src.Chance(0.4) {
			c := stationCities[src.R.IntN(len(stationCities))]
			lat, lng = c[0]+src.R.NormFloat64()*0.15, c[1]+src.R.NormFloat64()*0.15
		} else {
			lat, lng = b.MinLat+src.R.Float64()*(b.MaxLat-b.MinLat), b.MinLng+src.R.Float64()*(b.MaxLng-b.MinLng)
		}
		lat, lng = min(max(lat, b.MinLat), b.MaxLat), min(max(lng, b.MinLng), b.MaxLng)
		h := genHours[src.R.IntN(len(genHours))]
		hours := [7]string{h, h, h, h, h, h, h}
		if src.Chance(0.2) {
			hours[6] = "" // closed on Sundays
		}
		var amen []string
		for _, a := range genAmenities {
			if src.Chance(0.45) {
				amen = append(amen, a)
			}
		}
		village := fmt.Sprintf("%s%s村", string(surnames[src.R.IntN(len(surnames))]), string(givenChars[src.R.IntN(len(givenChars))]))
		out[i] = store.StationInput{Code: fmt.Sprintf("GS%07d", i+1), Name: fmt.Sprintf("%s红色驿站", village), Operator: "基准测试运营单位",
			Village: village, Address: "浙江省" + village, Lat: &lat, Lng: &lng, Hours: hours, Amenities: amen,
			InvestmentWan: float64(src.Between(5, 80)) / 10, Status: model.StationOpen}
		if src.Chance(0.03) {
			out[i].Status, out[i].ClosedReason = model.StationClosed, "装修"
		}
	}
	return out
}

func runStations(ctx context.Context, s *store.Store, opt Options, log io.Writer) error {
	t := time.Now()
	rows := Stations(opt.Seed, opt.Stations)
	step := max(opt.Stations/10, 1)
	next := step
	err := s.BulkLoadStations(ctx, model.System, rows, func(done int) {
		if done >= next || done == len(rows) {
			el := time.Since(t).Seconds()
			fmt.Fprintf(log, "gen: %d/%d stations loaded (%.0f rows/s)\n", done, len(rows), float64(done)/max(el, 1e-9))
			for next <= done {
				next += step
			}
		}
	})
	if err != nil {
		return fmt.Errorf("gen: %w", err)
	}
	return nil
}
