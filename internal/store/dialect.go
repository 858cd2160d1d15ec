package store

import (
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
	msqlite "modernc.org/sqlite"
)

// dialect holds the few things that differ between the engines. Everything
// else is written once in the shared SQL subset.
type dialect struct {
	name string
}

var (
	sqlite   = dialect{name: "sqlite"}
	postgres = dialect{name: "postgres"}
)

// Driver error classes, matched by code, never by message text.
var (
	errUnique     = errors.New("store: unique violation")
	errForeignKey = errors.New("store: foreign key violation")
	errCheck      = errors.New("store: check violation")
)

// SQLite extended result codes (sqlite3.h).
const (
	sqliteConstraintCheck      = 275
	sqliteConstraintForeignKey = 787
	sqliteConstraintPrimaryKey = 1555
	sqliteConstraintUnique     = 2067
)

// classify wraps driver errors so callers can test them with errors.Is.
func (d dialect) classify(err error) error {
	if err == nil {
		return nil
	}
	var se *msqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqliteConstraintUnique, sqliteConstraintPrimaryKey:
			return errors.Join(errUnique, err)
		case sqliteConstraintForeignKey:
			return errors.Join(errForeignKey, err)
		case sqliteConstraintCheck:
			return errors.Join(errCheck, err)
		}
		return err
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505":
			return errors.Join(errUnique, err)
		case "23503":
			return errors.Join(errForeignKey, err)
		case "23514":
			return errors.Join(errCheck, err)
		}
	}
	return err
}

// sizeQuery returns the SQL that reports the database size in bytes.
func (d dialect) sizeQuery() string {
	if d.name == "postgres" {
		return "SELECT pg_database_size(current_database())"
	}
	return "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()"
}

// versionQuery returns the SQL that reports the engine version.
func (d dialect) versionQuery() string {
	if d.name == "postgres" {
		return "SELECT current_setting('server_version')"
	}
	return "SELECT sqlite_version()"
}
