package e2e

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/chromedp/chromedp"

	"redgrid/internal/config"
	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/storetest"
	"redgrid/internal/web"
)

// site is the product's handler on 127.0.0.1:0 over a fresh store with the
// storetest zone (grids A1, A2 in area A, B1 in area B), an admin ("admin")
// and a grid worker of A1 ("worker"); both sign in with storetest.Password.
type site struct {
	s   *store.Store
	f   storetest.Fixture
	url string
}

func newSite(t *testing.T) *site {
	t.Helper()
	s, _ := storetest.Open(t)
	f := storetest.MustZone(t, s)
	storetest.MustUser(t, s, "admin", model.RoleAdmin)
	storetest.MustUser(t, s, "worker", model.RoleGridWorker, f.GridA1.ID)
	cfg := config.Default()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := httptest.NewServer(web.New(cfg, s, log).Handler())
	t.Cleanup(srv.Close)
	return &site{s: s, f: f, url: srv.URL}
}

// enterprise creates an enterprise with the details a list row shows.
func (st *site) enterprise(t *testing.T, gridID int64, n int, name, short string, aboveScale bool, employees int) model.Enterprise {
	t.Helper()
	e, err := st.s.CreateEnterprise(context.Background(), model.System, store.EnterpriseInput{
		USCC: storetest.USCC(n), Name: name, ShortName: short, IndustryID: st.f.Industry.ID, GridID: gridID,
		AboveScale: aboveScale, Employees: employees, Status: model.StatusOperating,
		Address: "浙江省金华市永康市城西新区花街镇工业功能区金山东路1888号3幢", LegalRep: "王建国"})
	if err != nil {
		t.Fatalf("enterprise %s: %v", name, err)
	}
	return e
}

// login signs in through the login form, as a person would, and checks
// that the home page of a signed-in user follows.
func (tb *tab) login(username string) {
	tb.t.Helper()
	tb.open("/login", 200)
	tb.do("fill in the login form",
		chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), username),
		chromedp.SendKeys(chromedp.CSS("#password"), storetest.Password))
	tb.click("#login-submit", 200)
	if loc := tb.location(); loc != "/" {
		tb.fatalf("after signing in as %s: at %s, want /", username, loc)
	}
	if !eval[bool](tb, `document.body.classList.contains('signed-in') && !!document.querySelector('header.topbar')`) {
		tb.fatalf("after signing in as %s: not a signed-in page", username)
	}
}
