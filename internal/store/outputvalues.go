package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"redgrid/internal/model"
)

// OutputValue is one enterprise's output value for a month, in yuan.
type OutputValue struct {
	EnterpriseID   int64  `json:"enterprise_id"`
	USCC           string `json:"uscc"`
	EnterpriseName string `json:"enterprise_name"`
	Month          string `json:"month"`
	ValueYuan      int64  `json:"value_yuan"`
	OrdersYuan     *int64 `json:"orders_yuan,omitempty"`
}

// OutputValues lists stored output values of the enterprises the actor may
// read, by enterprise and month, a keyset page at a time (cursor "" for the
// first; the next cursor is "" after the last page).
func (s *Store) OutputValues(ctx context.Context, actor *model.Actor, cursor string, limit int) ([]OutputValue, string, error) {
	limit = max(1, min(limit, 1000))
	var args []any
	where := []string{"e.deleted_at IS NULL", enterpriseScopeSQL(actor, &args)}
	if cursor != "" {
		id, month, ok := strings.Cut(cursor, "_")
		n, err := strconv.ParseInt(id, 10, 64)
		if !ok || err != nil || len(month) != 7 {
			var v model.Validation
			v.Add("cursor", "field.cursor")
			return nil, "", v.Err()
		}
		args = append(args, n, month)
		where = append(where, fmt.Sprintf("(o.enterprise_id > $%d OR (o.enterprise_id = $%d AND o.month > $%d))", len(args)-1, len(args)-1, len(args)))
	}
	q := `SELECT o.enterprise_id, e.uscc, e.name, o.month, o.value_yuan, o.orders_yuan
		FROM output_values o JOIN enterprises e ON e.id = o.enterprise_id
		WHERE ` + strings.Join(where, " AND ") + fmt.Sprintf(" ORDER BY o.enterprise_id, o.month LIMIT %d", limit+1)
	rows, err := s.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, "", fmt.Errorf("store: output values: %w", err)
	}
	defer rows.Close()
	var out []OutputValue
	for rows.Next() {
		var v OutputValue
		if err := rows.Scan(&v.EnterpriseID, &v.USCC, &v.EnterpriseName, &v.Month, &v.ValueYuan, &v.OrdersYuan); err != nil {
			return nil, "", err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		last := out[limit-1]
		next = strconv.FormatInt(last.EnterpriseID, 10) + "_" + last.Month
	}
	return out, next, nil
}
