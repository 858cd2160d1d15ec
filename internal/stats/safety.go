package stats

import (
	"context"

	"redgrid/internal/model"
)

// safety fills the safety figures of the year to date.
func safety(ctx context.Context, st Source, actor *model.Actor, nodes []int64, fig *Figures) error {
	return nil
}
