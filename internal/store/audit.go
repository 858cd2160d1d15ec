package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"redgrid/internal/model"
)

// AuditHash computes an entry's chain hash: SHA-256 over the previous hash and
// every stored field, each length-prefixed so no two entries can collide by
// shifting text between fields.
func AuditHash(e *model.AuditEntry) string {
	h := sha256.New()
	field := func(s string) {
		h.Write([]byte(strconv.Itoa(len(s))))
		h.Write([]byte{':'})
		h.Write([]byte(s))
	}
	field(e.PrevHash)
	field(strconv.FormatInt(e.Seq, 10))
	field(e.At.UTC().Format(time.RFC3339Nano))
	field(strconv.FormatInt(e.ActorID, 10))
	field(e.ActorName)
	field(e.Action)
	field(e.Entity)
	field(strconv.FormatInt(e.EntityID, 10))
	field(e.Before)
	field(e.After)
	field(e.Reason)
	field(e.IP)
	return hex.EncodeToString(h.Sum(nil))
}

// Change describes one audited write.
type Change struct {
	Action   string // entity.verb
	Entity   string
	EntityID int64
	Before   any // marshalled to JSON; nil for none
	After    any
	Reason   string
}

func toJSON(v any) string {
	if v == nil {
		return ""
	}
	if s, ok := v.(string); ok {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%q", fmt.Sprint(v))
	}
	return string(b)
}

// Audit appends an entry to the chain inside the transaction. The update of
// audit_head takes the row lock that serializes writers on PostgreSQL; on
// SQLite the single writer already does.
func (tx *Tx) Audit(ctx context.Context, actor *model.Actor, c Change) error {
	if tx.quiet {
		return nil
	}
	var seq int64
	var prev string
	if err := tx.QueryRowContext(ctx,
		"UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash").Scan(&seq, &prev); err != nil {
		return fmt.Errorf("store: audit head: %w", err)
	}
	e := model.AuditEntry{
		Seq: seq, At: tx.now, ActorID: actor.UserID, ActorName: actor.Username,
		Action: c.Action, Entity: c.Entity, EntityID: c.EntityID,
		Before: toJSON(c.Before), After: toJSON(c.After), Reason: c.Reason, IP: actor.IP,
		PrevHash: prev,
	}
	e.Hash = AuditHash(&e)
	var actorID any
	if actor.UserID != 0 {
		actorID = actor.UserID
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log
		(seq, at, actor_id, actor_name, action, entity, entity_id, before_json, after_json, reason, ip, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		e.Seq, e.At, actorID, e.ActorName, e.Action, e.Entity, e.EntityID, e.Before, e.After, e.Reason, e.IP, e.PrevHash, e.Hash); err != nil {
		return fmt.Errorf("store: audit insert: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "UPDATE audit_head SET hash = $1 WHERE id = 1", e.Hash); err != nil {
		return fmt.Errorf("store: audit head: %w", err)
	}
	return nil
}

const auditCols = `seq, at, COALESCE(actor_id, 0), actor_name, action, entity, COALESCE(entity_id, 0),
	before_json, after_json, reason, ip, prev_hash, hash`

func scanAudit(sc interface{ Scan(...any) error }) (model.AuditEntry, error) {
	var e model.AuditEntry
	err := sc.Scan(&e.Seq, &e.At, &e.ActorID, &e.ActorName, &e.Action, &e.Entity, &e.EntityID,
		&e.Before, &e.After, &e.Reason, &e.IP, &e.PrevHash, &e.Hash)
	e.At = e.At.UTC()
	return e, err
}

// AuditVerifyResult reports the first problem in the chain, if any.
type AuditVerifyResult struct {
	Entries int64
	BadSeq  int64  // 0 when intact
	Problem string // what is wrong at BadSeq
}

// VerifyAudit walks the whole chain in order and checks every link and hash,
// and that the head matches the last entry (a deleted tail).
func (s *Store) VerifyAudit(ctx context.Context) (AuditVerifyResult, error) {
	var res AuditVerifyResult
	// One snapshot for the log and its head, so writes made while the chain
	// is walked cannot look like a deleted tail.
	opts := &sql.TxOptions{ReadOnly: true}
	if s.dialect.name == "postgres" {
		opts.Isolation = sql.LevelRepeatableRead
	}
	snap, err := s.R.BeginTx(ctx, opts)
	if err != nil {
		return res, err
	}
	defer snap.Rollback()
	rows, err := snap.QueryContext(ctx, "SELECT "+auditCols+" FROM audit_log ORDER BY seq")
	if err != nil {
		return res, err
	}
	defer rows.Close()
	prev := ""
	var want int64 = 1
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return res, err
		}
		res.Entries++
		switch {
		case e.Seq != want:
			res.BadSeq, res.Problem = want, fmt.Sprintf("entry %d is missing (next present is %d)", want, e.Seq)
		case e.PrevHash != prev:
			res.BadSeq, res.Problem = e.Seq, "link to the previous entry is broken"
		case AuditHash(&e) != e.Hash:
			res.BadSeq, res.Problem = e.Seq, "content does not match its hash (edited)"
		}
		if res.BadSeq != 0 {
			return res, nil
		}
		prev, want = e.Hash, e.Seq+1
	}
	if err := rows.Err(); err != nil {
		return res, err
	}
	var headSeq int64
	var headHash string
	if err := snap.QueryRowContext(ctx, "SELECT seq, hash FROM audit_head WHERE id = 1").Scan(&headSeq, &headHash); err != nil {
		return res, err
	}
	switch {
	case headSeq > want-1:
		res.BadSeq, res.Problem = want, fmt.Sprintf("entries %d to %d are missing (deleted tail)", want, headSeq)
	case headSeq < want-1:
		res.BadSeq, res.Problem = headSeq+1, fmt.Sprintf("entries %d to %d were added outside the chain head", headSeq+1, want-1)
	case headHash != prev:
		// The last entry was rewritten with a recomputed hash: only the head
		// still holds the original.
		res.BadSeq, res.Problem = headSeq, "last entry does not match the chain head (edited)"
	}
	return res, nil
}

// ListAudit returns entries newest first, keyset-paged by seq.
func (s *Store) ListAudit(ctx context.Context, f model.AuditFilter) ([]model.AuditEntry, error) {
	var where []string
	var args []any
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
	if f.Action != "" {
		if strings.HasSuffix(f.Action, ".") {
			where = append(where, "action LIKE "+arg(f.Action+"%"))
		} else {
			where = append(where, "action = "+arg(f.Action))
		}
	}
	if f.Entity != "" {
		where = append(where, "entity = "+arg(f.Entity))
	}
	if f.EntityID != 0 {
		where = append(where, "entity_id = "+arg(f.EntityID))
	}
	if f.ActorID != 0 {
		where = append(where, "actor_id = "+arg(f.ActorID))
	}
	if !f.From.IsZero() {
		where = append(where, "at >= "+arg(f.From.UTC()))
	}
	if !f.To.IsZero() {
		where = append(where, "at < "+arg(f.To.UTC()))
	}
	if f.Before > 0 {
		where = append(where, "seq < "+arg(f.Before))
	}
	q := "SELECT " + auditCols + " FROM audit_log"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	q += " ORDER BY seq DESC LIMIT " + arg(limit)
	rows, err := s.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list audit: %w", err)
	}
	defer rows.Close()
	var out []model.AuditEntry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// AuditExport records that the actor exported rows of a register with a
// filter (who, what, how many rows).
func (s *Store) AuditExport(ctx context.Context, actor *model.Actor, register, format string, rows int, filter any) error {
	return s.InTx(ctx, func(tx *Tx) error {
		return tx.Audit(ctx, actor, Change{Action: "export." + register, Entity: register,
			After: map[string]any{"format": format, "rows": rows, "filter": filter}})
	})
}
