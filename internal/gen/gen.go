package gen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"redgrid/internal/model"
	"redgrid/internal/store"
)

// ErrNotEmpty is returned when the target database already holds registers.
var ErrNotEmpty = errors.New("gen: the database is not empty; the benchmark data set loads only into an empty database")

// Options size the benchmark data set. Zero values take the defaults.
type Options struct {
	Enterprises int    // default 1,000,000
	Grids       int    // default 1,000 (in areas of 20)
	Seed        uint64 // the same seed gives the same data
	Orgs        int    // party organizations (0: none)
	Members     int    // party members, spread over the branches
	Stations    int    // 红色驿站 over a province-sized area (0: none)
	Visits      int    // visits (0: none)
	Problems    int    // enterprise problems (0: none)
	Safety      int    // safety records (安全生产; 0: none)
	// OutputMonths is how many months of output values every enterprise
	// gets, ending with Reference's month (0: none).
	OutputMonths int
}

// Defaults.
const (
	DefaultEnterprises = 1_000_000
	DefaultGrids       = 1_000
	GridsPerArea       = 20
	AboveScaleShare    = 0.11
)

// Reference is the fixed "today" of generated data: the end of the seed
// article's reporting period (August 2021). No generated value depends on
// the clock.
var Reference = time.Date(2021, 8, 31, 0, 0, 0, 0, time.UTC)

// LastFounding is the latest founding date generated: the end of the year
// before Reference, so that the data passes the store's "not in the future"
// check under any clock from then on (test stores run in August 2021).
var LastFounding = time.Date(Reference.Year()-1, 12, 31, 0, 0, 0, 0, time.UTC)

// industryWeights shape the benchmark's industry mix like the zone's: the
// four leading industries dominate. Industries not listed weigh 3.
var industryWeights = map[string]int{
	"agri_machinery": 18, "doors": 17, "power_tools": 16, "stainless": 14,
	"courier": 1, "chemical": 2, "appliances": 7, "hardware": 12, "auto_parts": 8, "other": 5,
}

// Run loads the benchmark data set into an empty database: one zone
// (基准测试区, code BZ), areas of GridsPerArea grids, opt.Grids grids, and
// opt.Enterprises enterprises spread over the grids and the dictionary's
// industries. Progress lines go to log.
func Run(ctx context.Context, s *store.Store, opt Options, log io.Writer) error {
	if opt.Enterprises <= 0 {
		opt.Enterprises = DefaultEnterprises
	}
	if opt.Grids <= 0 {
		opt.Grids = DefaultGrids
	}
	if log == nil {
		log = io.Discard
	}
	empty, err := s.IsEmpty(ctx)
	if err != nil {
		return fmt.Errorf("gen: %w", err)
	}
	if !empty {
		return ErrNotEmpty
	}
	if err := s.SeedDictionaries(ctx); err != nil {
		return fmt.Errorf("gen: %w", err)
	}
	began := time.Now()
	grids, err := createGrids(ctx, s, opt.Grids)
	if err != nil {
		return err
	}
	fmt.Fprintf(log, "gen: %d grids in %d areas created in %s\n", len(grids), areas(opt.Grids), since(began))

	industries, err := s.Industries(ctx)
	if err != nil {
		return fmt.Errorf("gen: %w", err)
	}
	if len(industries) == 0 {
		return errors.New("gen: the industry dictionary is empty")
	}
	t := time.Now()
	rows := Enterprises(opt, grids, industries)
	fmt.Fprintf(log, "gen: %d enterprises generated in %s\n", len(rows), since(t))

	t = time.Now()
	step := max(opt.Enterprises/10, 1)
	next := step
	err = s.BulkLoadEnterprises(ctx, rows, func(done int) {
		if done >= next || done == len(rows) {
			el := time.Since(t).Seconds()
			fmt.Fprintf(log, "gen: %d/%d enterprises loaded (%.0f rows/s)\n", done, len(rows), float64(done)/max(el, 1e-9))
			for next <= done {
				next += step
			}
		}
	})
	if err != nil {
		return fmt.Errorf("gen: %w", err)
	}
	if opt.Orgs > 0 || opt.Members > 0 {
		if err := runParty(ctx, s, opt, log); err != nil {
			return err
		}
	}
	if opt.Stations > 0 {
		if err := runStations(ctx, s, opt, log); err != nil {
			return err
		}
	}
	if opt.Visits > 0 || opt.Problems > 0 {
		if err := runField(ctx, s, opt, log); err != nil {
			return err
		}
	}
	if opt.Safety > 0 {
		if err := runSafety(ctx, s, opt, log); err != nil {
			return err
		}
	}
	if opt.OutputMonths > 0 {
		if err := runOutput(ctx, s, opt, log); err != nil {
			return err
		}
	}
	fmt.Fprintf(log, "gen: done in %s\n", since(began))
	return nil
}

// runParty loads opt.Orgs organizations and opt.Members members.
func runParty(ctx context.Context, s *store.Store, opt Options, log io.Writer) error {
	t := time.Now()
	orgs, branches := PartyOrgs(max(opt.Orgs, 3))
	var ents []int64
	rows, err := s.R.QueryContext(ctx, "SELECT id FROM enterprises ORDER BY id")
	if err != nil {
		return fmt.Errorf("gen: %w", err)
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ents = append(ents, id)
	}
	rows.Close()
	step := max(opt.Members/10, 1)
	next := step
	err = s.BulkLoadParty(ctx, orgs, opt.Members, func(i int) store.BulkMember {
		return PartyMember(opt.Seed, i, branches, ents)
	}, func(done int) {
		if done >= next || done == opt.Members {
			el := time.Since(t).Seconds()
			fmt.Fprintf(log, "gen: %d/%d members loaded (%.0f rows/s)\n", done, opt.Members, float64(done)/max(el, 1e-9))
			for next <= done {
				next += step
			}
		}
	})
	if err != nil {
		return fmt.Errorf("gen: %w", err)
	}
	fmt.Fprintf(log, "gen: %d organizations (%d branches) and %d members in %s\n", len(orgs), len(branches), opt.Members, since(t))
	return nil
}

func areas(grids int) int { return (grids + GridsPerArea - 1) / GridsPerArea }

func since(t time.Time) time.Duration { return time.Since(t).Round(time.Millisecond) }

// Grid is a generated leaf grid: its id and the centre of its cell.
type Grid struct {
	ID       int64
	Lat, Lng float64
}

// createGrids makes the zone, its areas and n grids, laid out as cells of a
// lattice around 永康 (28.9° N, 120.0° E).
func createGrids(ctx context.Context, s *store.Store, n int) ([]Grid, error) {
	mk := func(code, name, level string, parent int64) (int64, error) {
		g, err := s.CreateGrid(ctx, model.System, store.GridInput{Code: code, Name: name, Level: level, ParentID: parent})
		if err != nil {
			return 0, fmt.Errorf("gen: grid %s: %w", code, err)
		}
		return g.ID, nil
	}
	zone, err := mk("BZ", "基准测试区", model.GridZone, 0)
	if err != nil {
		return nil, err
	}
	side := int(math.Ceil(math.Sqrt(float64(n))))
	const south, west, span = 28.80, 119.88, 0.24 // degrees
	cell := span / float64(side)
	out := make([]Grid, 0, n)
	var area int64
	for i := range n {
		a := i/GridsPerArea + 1
		if i%GridsPerArea == 0 {
			if area, err = mk(fmt.Sprintf("BZ-A%03d", a), fmt.Sprintf("第%d片区", a), model.GridArea, zone); err != nil {
				return nil, err
			}
		}
		id, err := mk(fmt.Sprintf("BZ-G%04d", i+1), fmt.Sprintf("第%d片区第%d网格", a, i%GridsPerArea+1), model.GridGrid, area)
		if err != nil {
			return nil, err
		}
		out = append(out, Grid{ID: id,
			Lat: south + (float64(i/side)+0.5)*cell,
			Lng: west + (float64(i%side)+0.5)*cell})
	}
	return out, nil
}

// Enterprises generates the benchmark's enterprise rows for grids and
// industries. It depends only on opt (size and seed), the grids' order and
// the industries' order, so it is deterministic.
func Enterprises(opt Options, grids []Grid, industries []model.Industry) []store.EnterpriseInput {
	src := NewSource(opt.Seed)
	weights := make([]weighted, len(industries))
	for i, in := range industries {
		w, ok := industryWeights[in.Code]
		if !ok {
			w = 3
		}
		weights[i] = weighted{in.Code, w}
	}
	byCode := map[string]model.Industry{}
	for _, in := range industries {
		byCode[in.Code] = in
	}
	cell := 0.24 / math.Ceil(math.Sqrt(float64(len(grids)))) / 2
	from := time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)
	names := make(map[string]bool, opt.Enterprises)
	rows := make([]store.EnterpriseInput, opt.Enterprises)
	for i := range rows {
		in := byCode[src.pick(weights)]
		above := src.Chance(AboveScaleShare)
		var name, short string
		for {
			name, short = src.CompanyName(in.Code, above)
			if !names[name] {
				names[name] = true
				break
			}
		}
		g := grids[src.R.IntN(len(grids))]
		lat, lng := src.Jitter(g.Lat, cell), src.Jitter(g.Lng, cell)
		employees := src.Between(3, 150)
		if above {
			employees = 80 + int(math.Min(src.R.ExpFloat64()*250, 4000))
		}
		status := model.StatusOperating
		switch r := src.R.IntN(1000); {
		case r < 10:
			status = model.StatusClosed
		case r < 25:
			status = model.StatusMovedOut
		case r < 50:
			status = model.StatusSuspended
		}
		rows[i] = store.EnterpriseInput{
			USCC: CreditCode(YongkangRegion, uint64(i), opt.Seed), Name: name, ShortName: short,
			IndustryID: in.ID, AboveScale: above, GridID: g.ID, Address: src.Address(""),
			Lat: &lat, Lng: &lng, Employees: employees, Status: status,
			FoundedOn: src.Date(from, LastFounding), LegalRep: src.PersonName(),
		}
	}
	return rows
}
