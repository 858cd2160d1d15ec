package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"redgrid/internal/model"
)

// Import job states.
const (
	JobChecking   = "checking"
	JobChecked    = "checked"
	JobCommitting = "committing"
	JobDone       = "done"
	JobFailed     = "failed"
)

// ImportJob is an uploaded file on its way into a register.
type ImportJob struct {
	ID         int64        `json:"id"`
	UserID     int64        `json:"user_id"`
	Register   string       `json:"register"`
	Mode       ImportMode   `json:"mode"`
	FileName   string       `json:"file_name"`
	Encoding   string       `json:"encoding,omitempty"`
	Checksum   string       `json:"sha256"`
	Size       int64        `json:"size"`
	State      string       `json:"state"`
	Total      int          `json:"total"` // rows expected (an estimate while checking)
	Done       int          `json:"done"`  // rows handled by the running step
	Rate       float64      `json:"rate"`  // rows per second
	Counts     ImportCounts `json:"counts"`
	Report     string       `json:"-"` // JSON: the check's errors (capped)
	Message    string       `json:"message,omitempty"`
	CreatedAt  time.Time    `json:"created_at"`
	UpdatedAt  time.Time    `json:"updated_at"`
	LeaseUntil *time.Time   `json:"-"`
	Version    int          `json:"version"`
}

const jobCols = `id, user_id, register, mode, file_name, encoding, checksum, size, state, total, done, rate,
	new_rows, changed, unchanged, invalid, report, message, created_at, updated_at, lease_until, version`

func scanJob(sc interface{ Scan(...any) error }) (ImportJob, error) {
	var j ImportJob
	var lease sql.NullTime
	err := sc.Scan(&j.ID, &j.UserID, &j.Register, &j.Mode, &j.FileName, &j.Encoding, &j.Checksum, &j.Size, &j.State,
		&j.Total, &j.Done, &j.Rate, &j.Counts.New, &j.Counts.Changed, &j.Counts.Unchanged, &j.Counts.Invalid,
		&j.Report, &j.Message, &j.CreatedAt, &j.UpdatedAt, &lease, &j.Version)
	j.Counts.Total = j.Counts.New + j.Counts.Changed + j.Counts.Unchanged + j.Counts.Invalid
	j.CreatedAt, j.UpdatedAt = j.CreatedAt.UTC(), j.UpdatedAt.UTC()
	if lease.Valid {
		t := lease.Time.UTC()
		j.LeaseUntil = &t
	}
	return j, err
}

// Running reports whether a step of the job is under way.
func (j ImportJob) Running() bool { return j.State == JobChecking || j.State == JobCommitting }

// CreateImportJob stores an uploaded file as a job in state checking,
// leased for lease, and audits the upload.
func (s *Store) CreateImportJob(ctx context.Context, actor *model.Actor, j ImportJob, data []byte, lease time.Duration) (ImportJob, error) {
	// The file may hold ID numbers and phones: it is stored encrypted like
	// them, and dropped once imported.
	sealed, err := s.Keys.EncryptField(importDataField, string(data))
	if err != nil {
		return ImportJob{}, fmt.Errorf("store: import job: %w", err)
	}
	var id int64
	err = s.InTx(ctx, func(tx *Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO import_jobs (user_id, register, mode, file_name, encoding, checksum, size, data,
			state, total, created_at, updated_at, lease_until, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12, 1)
			RETURNING id`, actor.UserID, j.Register, j.Mode, j.FileName, j.Encoding, j.Checksum, int64(len(data)), []byte(sealed),
			JobChecking, j.Total, tx.now, tx.now.Add(lease)).Scan(&id)
		if err != nil {
			return fmt.Errorf("store: create import job: %w", err)
		}
		return tx.Audit(ctx, actor, Change{Action: "import_job.upload", Entity: "import_job", EntityID: id,
			After: map[string]any{"register": j.Register, "mode": j.Mode, "file": j.FileName, "sha256": j.Checksum, "size": len(data)}})
	})
	if err != nil {
		return ImportJob{}, err
	}
	return s.ImportJob(ctx, actor, id)
}

// ImportJob returns a job of the actor's (an admin sees every job).
func (s *Store) ImportJob(ctx context.Context, actor *model.Actor, id int64) (ImportJob, error) {
	q := "SELECT " + jobCols + " FROM import_jobs WHERE id = $1"
	args := []any{id}
	if !actor.Scope.All {
		q += " AND user_id = $2"
		args = append(args, actor.UserID)
	}
	j, err := scanJob(s.R.QueryRowContext(ctx, q, args...))
	if err != nil {
		return j, notFound(err, "import_job")
	}
	return j, nil
}

// importDataField binds an uploaded file's ciphertext to its column.
const importDataField = "import_job.data"

// ImportJobData returns the uploaded file of a job (gone once imported).
func (s *Store) ImportJobData(ctx context.Context, id int64) ([]byte, error) {
	var sealed []byte
	if err := s.R.QueryRowContext(ctx, "SELECT data FROM import_jobs WHERE id = $1", id).Scan(&sealed); err != nil {
		return nil, notFound(err, "import_job")
	}
	if len(sealed) == 0 {
		return nil, model.Errorf(model.ENOTFOUND, "import.file_gone")
	}
	data, err := s.Keys.DecryptField(importDataField, string(sealed))
	if err != nil {
		return nil, model.Errorf(model.ENOTFOUND, "import.file_gone")
	}
	return []byte(data), nil
}

// ImportJobs lists the actor's latest jobs (an admin's: everyone's).
func (s *Store) ImportJobs(ctx context.Context, actor *model.Actor, limit int) ([]ImportJob, error) {
	q := "SELECT " + jobCols + " FROM import_jobs"
	var args []any
	if !actor.Scope.All {
		q += " WHERE user_id = $1"
		args = append(args, actor.UserID)
	}
	q += fmt.Sprintf(" ORDER BY id DESC LIMIT %d", max(1, min(limit, 200)))
	rows, err := s.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: import jobs: %w", err)
	}
	defer rows.Close()
	var out []ImportJob
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// ImportJobProgress records a running step's progress and renews its lease
// (job bookkeeping, not a change of records: not audited).
func (s *Store) ImportJobProgress(ctx context.Context, id int64, done, total int, rate float64, lease time.Duration) error {
	now := s.now()
	_, err := s.W.ExecContext(ctx, `UPDATE import_jobs SET done = $1, total = $2, rate = $3, updated_at = $4, lease_until = $5
		WHERE id = $6 AND state IN ('checking', 'committing')`, done, total, rate, now, now.Add(lease), id)
	return err
}

// StartImportCommit moves a checked job without invalid rows to
// committing; a job in any other state (or changed meanwhile) is a
// conflict, so two clicks commit once.
func (s *Store) StartImportCommit(ctx context.Context, actor *model.Actor, id int64, version int, lease time.Duration) (ImportJob, error) {
	j, err := s.ImportJob(ctx, actor, id)
	if err != nil {
		return j, err
	}
	if j.State != JobChecked || j.Counts.Invalid > 0 {
		return j, model.Errorf(model.ECONFLICT, "import.not_committable")
	}
	err = s.InTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE import_jobs SET state = 'committing', done = 0, updated_at = $1, lease_until = $2,
			version = version + 1 WHERE id = $3 AND version = $4 AND state = 'checked'`, tx.now, tx.now.Add(lease), id, version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return model.Errorf(model.ECONFLICT, "import.not_committable")
		}
		return tx.Audit(ctx, actor, Change{Action: "import_job.commit", Entity: "import_job", EntityID: id,
			After: map[string]any{"register": j.Register, "sha256": j.Checksum}})
	})
	if err != nil {
		return j, err
	}
	return s.ImportJob(ctx, actor, id)
}

// FinishImportStep records the end of a step: state checked, done or
// failed, with the counts, the errors (JSON) and a message.
func (s *Store) FinishImportStep(ctx context.Context, id int64, state string, c ImportCounts, report, message string) error {
	now := s.now()
	_, err := s.W.ExecContext(ctx, `UPDATE import_jobs SET state = $1, new_rows = $2, changed = $3, unchanged = $4, invalid = $5,
		report = $6, message = $7, done = total, updated_at = $8, lease_until = NULL, version = version + 1,
		data = CASE WHEN $1 = 'done' THEN $10 ELSE data END WHERE id = $9`,
		state, c.New, c.Changed, c.Unchanged, c.Invalid, report, message, now, id, []byte{})
	if err != nil {
		return fmt.Errorf("store: finish import step: %w", err)
	}
	return nil
}

// FailStaleImportJobs marks jobs whose lease ran out (their process is
// gone) as failed; it returns how many.
func (s *Store) FailStaleImportJobs(ctx context.Context, message string) (int, error) {
	res, err := s.W.ExecContext(ctx, `UPDATE import_jobs SET state = 'failed', message = $1, lease_until = NULL, version = version + 1
		WHERE state IN ('checking', 'committing') AND lease_until < $2`, message, s.now())
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// FailInterruptedImportJobs is called when a process starts: on SQLite
// (one process) every job still marked running was interrupted; on
// PostgreSQL, where other processes may be running jobs, only those whose
// lease ran out are.
func (s *Store) FailInterruptedImportJobs(ctx context.Context, message string) (int, error) {
	if s.dialect.name != "sqlite" {
		return s.FailStaleImportJobs(ctx, message)
	}
	res, err := s.W.ExecContext(ctx, `UPDATE import_jobs SET state = 'failed', message = $1, lease_until = NULL, version = version + 1
		WHERE state IN ('checking', 'committing')`, message)
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}
