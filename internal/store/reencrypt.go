package store

import (
	"context"
	"fmt"
)

// encryptedColumns lists every column holding a ciphertext: table, column
// and the field name it is bound to.
var encryptedColumns = []struct{ table, column, field string }{
	{"members", "id_enc", fieldIDNumber},
	{"members", "phone_enc", fieldPhone},
	{"surveys", "phone_enc", fieldPhone},
	{"station_loans", "phone_enc", fieldLoanPhone},
}

// ReencryptResult counts what a re-encryption pass did.
type ReencryptResult struct {
	Checked, Rewritten int
}

// ReencryptPersonalData rewrites every stored ciphertext that is not under
// the keyring's current key, in batches of one transaction each; it may be
// run again after an interruption and rewrites nothing the second time.
// Values that fail to decrypt stop the pass with an error naming the row.
func (s *Store) ReencryptPersonalData(ctx context.Context, progress func(table string, done int)) (ReencryptResult, error) {
	var res ReencryptResult
	keys, err := s.keys()
	if err != nil {
		return res, err
	}
	for _, c := range encryptedColumns {
		var after int64
		for {
			type row struct {
				id  int64
				val string
			}
			var batch []row
			rows, err := s.R.QueryContext(ctx, fmt.Sprintf("SELECT id, %s FROM %s WHERE id > $1 AND %s <> '' ORDER BY id LIMIT 2000",
				c.column, c.table, c.column), after)
			if err != nil {
				return res, fmt.Errorf("store: re-encrypt %s: %w", c.table, err)
			}
			for rows.Next() {
				var r row
				if err := rows.Scan(&r.id, &r.val); err != nil {
					rows.Close()
					return res, err
				}
				batch = append(batch, r)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return res, err
			}
			if len(batch) == 0 {
				break
			}
			after = batch[len(batch)-1].id
			err = s.InTx(ctx, func(tx *Tx) error {
				for _, r := range batch {
					res.Checked++
					if !keys.NeedsReencrypt(r.val) {
						continue
					}
					nv, err := keys.Reencrypt(c.field, r.val)
					if err != nil {
						return fmt.Errorf("store: re-encrypt %s %d %s: %w", c.table, r.id, c.column, err)
					}
					if _, err := tx.ExecContext(ctx, fmt.Sprintf("UPDATE %s SET %s = $1 WHERE id = $2 AND %s = $3", c.table, c.column, c.column),
						nv, r.id, r.val); err != nil {
						return err
					}
					res.Rewritten++
				}
				return nil
			})
			if err != nil {
				return res, err
			}
			if progress != nil {
				progress(c.table+"."+c.column, res.Checked)
			}
		}
	}
	return res, nil
}
