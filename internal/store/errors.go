package store

import (
	"database/sql"
	"errors"
	"fmt"

	"redgrid/internal/model"
)

// notFound maps sql.ErrNoRows to ENOTFOUND and wraps anything else.
func notFound(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return model.Errorf(model.ENOTFOUND, "error.not_found."+what)
	}
	return fmt.Errorf("store: %s: %w", what, err)
}
