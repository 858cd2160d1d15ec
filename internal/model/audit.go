package model

import "time"

// AuditEntry is one line of the append-only audit log.
type AuditEntry struct {
	Seq       int64
	At        time.Time
	ActorID   int64
	ActorName string
	Action    string // entity.verb, e.g. enterprise.update
	Entity    string
	EntityID  int64
	Before    string // JSON, "" when none
	After     string // JSON, "" when none
	Reason    string
	IP        string
	PrevHash  string
	Hash      string
}

// AuditFilter selects audit entries for the admin browser.
type AuditFilter struct {
	Action   string // exact action or entity prefix ("enterprise.")
	Entity   string
	EntityID int64
	ActorID  int64
	From, To time.Time
	Before   int64 // keyset: entries with seq < Before
	Limit    int
}
