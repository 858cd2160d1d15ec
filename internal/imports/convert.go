package imports

import (
	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/tabular"
)

// converters turn a valid row of each register's spec into the store's
// import row. Adding a register to imports is a spec in internal/tabular,
// a converter here and an importer in the store.
var converters = map[string]func(tabular.Row) any{
	"enterprises": func(r tabular.Row) any {
		in := store.EnterpriseInput{USCC: r.Text("uscc"), Name: r.Text("name"), ShortName: r.Text("short_name"),
			Address: r.Text("address"), Status: r.Text("status"), FoundedOn: r.Text("founded_on"), LegalRep: r.Text("legal_rep")}
		in.AboveScale, _ = r.Bool("above_scale")
		if d, ok := r.Decimal("lat"); ok {
			f := d.Float64()
			in.Lat = &f
		}
		if d, ok := r.Decimal("lng"); ok {
			f := d.Float64()
			in.Lng = &f
		}
		if n, ok := r.Int("employees"); ok {
			in.Employees = int(n)
		}
		return &store.EnterpriseImportRow{In: in, Industry: r.Text("industry"), Grid: r.Text("grid")}
	},
	"output_values": func(r tabular.Row) any {
		row := &store.OutputValueImportRow{USCC: r.Text("enterprise"), Month: r.Text("month")}
		if d, ok := r.Decimal("value"); ok {
			row.ValueYuan, _ = Yuan(d)
		}
		if d, ok := r.Decimal("orders"); ok {
			if y, err := Yuan(d); err == nil {
				row.OrdersYuan = &y
			}
		}
		return row
	},
	"grids": func(r tabular.Row) any {
		return &store.GridImportRow{In: store.GridInput{Code: r.Text("code"), Name: r.Text("name"), Level: r.Text("level")},
			Parent: r.Text("parent")}
	},
	"organizations": func(r tabular.Row) any {
		in := store.OrganizationInput{Code: r.Text("code"), Name: r.Text("name"), ShortName: r.Text("short_name"),
			Kind: r.Text("kind"), FoundedOn: r.Text("founded_on"), TermStart: r.Text("term_start"), Notes: r.Text("notes")}
		if n, ok := r.Int("term_years"); ok {
			in.TermYears = int(n)
		}
		in.Village, _ = r.Bool("village")
		return &store.OrganizationImportRow{In: in, Parent: r.Text("parent")}
	},
	"members": func(r tabular.Row) any {
		in := model.MemberInput{Name: r.Text("name"), IDNumber: r.Text("id_number"), Phone: r.Text("phone"),
			Ethnicity: r.Text("ethnicity"), Education: r.Text("education"), Category: r.Text("category"),
			AppliedOn: r.Text("applied_on"), ActivistOn: r.Text("activist_on"), CandidateOn: r.Text("candidate_on"),
			AdmittedOn: r.Text("admitted_on"), FullOn: r.Text("full_on"), Status: r.Text("status"),
			PositionKind: r.Text("position_kind")}
		in.Mobile, _ = r.Bool("mobile")
		return &store.MemberImportRow{In: in, Org: r.Text("org"), Enterprise: r.Text("enterprise")}
	},
	"surveys": func(r tabular.Row) any {
		in := model.SurveyInput{Name: r.Text("name"), Phone: r.Text("phone"), Category: r.Text("category"),
			RelationPlace: r.Text("relation_place"), Willingness: r.Text("willingness"), Notes: r.Text("notes"),
			SurveyedOn: r.Text("surveyed_on")}
		return &store.SurveyImportRow{In: in, Enterprise: r.Text("enterprise")}
	},
}
