package store_test

import (
	"context"
	"testing"

	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/storetest"
)

func TestSmokeEnterpriseLifecycle(t *testing.T) {
	s, _ := storetest.Open(t)
	ctx := context.Background()
	f := storetest.MustZone(t, s)
	e := storetest.MustEnterprise(t, s, f.GridA1.ID, f.Industry.ID, 1, "浙江安德电器有限公司")
	storetest.MustEnterprise(t, s, f.GridB1.ID, f.Industry.ID, 2, "永康市韵达快递有限公司")
	page, err := s.ListEnterprises(ctx, model.System, model.EnterpriseFilter{Keyword: "安德"})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 1 || page.Items[0].ID != e.ID {
		t.Fatalf("search 安德: %+v", page.Items)
	}
	in := store.EnterpriseInput{USCC: e.USCC, Name: "浙江安德电器股份有限公司", IndustryID: e.IndustryID, GridID: e.GridID, Version: e.Version}
	if _, err := s.UpdateEnterprise(ctx, model.System, e.ID, in, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateEnterprise(ctx, model.System, e.ID, in, ""); model.ErrorCode(err) != model.ECONFLICT {
		t.Fatalf("stale update: %v", err)
	}
	res, err := s.VerifyAudit(ctx)
	if err != nil || res.BadSeq != 0 {
		t.Fatalf("audit: %+v %v", res, err)
	}
}
