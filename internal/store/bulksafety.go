package store

import (
	"context"
	"time"

	"redgrid/internal/model"
)

// BulkSafety is one generated safety record (the benchmark generator's
// province-scale register). Rows are expected valid; scope is not applied.
type BulkSafety struct {
	EnterpriseID, GridID  int64
	Kind, Description     string
	OccurredOn            time.Time // a civil date
	Severity, HazardLevel string
	Deaths, Injuries      int
	LossYuan              int64
	RectifiedOn           *time.Time // violations: nil = still open
}

var bulkSafetyCols = []string{"enterprise_id", "grid_id", "kind", "occurred_on", "sort_key", "description", "severity", "deaths",
	"serious_injuries", "loss_yuan", "hazard_level", "is_open", "rectified_on", "rectify_note", "created_at", "updated_at", "version"}

// BulkLoadSafety inserts n safety records with multi-row INSERTs in large
// transactions, one audit entry ("safety.bulk_load") each, then refreshes
// the planner statistics. progress gets the rows loaded so far.
func (s *Store) BulkLoadSafety(ctx context.Context, n int, row func(i int) BulkSafety, progress func(done int)) error {
	if s.dialect.name == "sqlite" {
		restore, err := s.bulkPragmas(ctx)
		if err != nil {
			return err
		}
		defer restore()
	}
	done := 0
	for lo := 0; lo < n; lo += bulkFieldRowsPerTx {
		hi := min(lo+bulkFieldRowsPerTx, n)
		err := s.InTx(ctx, func(tx *Tx) error {
			rows := make([][]any, 0, hi-lo)
			for i := lo; i < hi; i++ {
				r := row(i)
				open := r.Kind == model.SafetyViolation && r.RectifiedOn == nil
				note := ""
				if r.RectifiedOn != nil {
					note = "已整改"
				}
				rows = append(rows, []any{r.EnterpriseID, r.GridID, r.Kind, r.OccurredOn, safetySortKey(r.OccurredOn), r.Description,
					r.Severity, r.Deaths, r.Injuries, r.LossYuan, r.HazardLevel, open, nullDate(r.RectifiedOn), note, tx.now, tx.now, 1})
			}
			if err := multiInsert(ctx, tx, "safety_records", bulkSafetyCols, rows); err != nil {
				return err
			}
			return tx.Audit(ctx, model.System, Change{Action: "safety.bulk_load", Entity: "safety_record",
				After: map[string]int{"records": hi - lo, "from": lo}})
		})
		if err != nil {
			return err
		}
		done += hi - lo
		if progress != nil {
			progress(done)
		}
	}
	return s.Analyze(ctx)
}
