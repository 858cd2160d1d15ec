-- Reminders (issue 5 part 6): each user's in-app inbox filled by a daily
-- job, the lease that lets one of several processes run each job, and the
-- outbox of the SMS-gateway webhook with its delivery log.

-- One row per user, kind, subject and day: running the job twice in a day
-- writes nothing new.
CREATE TABLE reminders (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('visit_due', 'problem_assigned', 'problem_overdue', 'transfer_expiring', 'term_ending')),
    entity     TEXT NOT NULL,
    entity_id  INTEGER NOT NULL,
    text_key   TEXT NOT NULL,
    args       TEXT NOT NULL DEFAULT '[]',
    due_on     DATE,
    day        TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    read_at    TIMESTAMP
);
CREATE UNIQUE INDEX reminders_key ON reminders (user_id, kind, entity, entity_id, day);
CREATE INDEX reminders_user ON reminders (user_id, id);
CREATE INDEX reminders_unread ON reminders (user_id) WHERE read_at IS NULL;

-- A job runs where its lease is held; done_on marks the day it completed.
CREATE TABLE job_leases (
    name    TEXT NOT NULL PRIMARY KEY,
    holder  TEXT NOT NULL,
    until   TIMESTAMP NOT NULL,
    done_on TEXT NOT NULL DEFAULT ''
);

CREATE TABLE webhook_outbox (
    id              INTEGER PRIMARY KEY,
    reminder_id     INTEGER NOT NULL REFERENCES reminders (id) ON DELETE CASCADE,
    body            TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    sent_at         TIMESTAMP
);
CREATE INDEX webhook_outbox_due ON webhook_outbox (state, next_attempt_at);

CREATE TABLE webhook_deliveries (
    id          INTEGER PRIMARY KEY,
    outbox_id   INTEGER NOT NULL REFERENCES webhook_outbox (id) ON DELETE CASCADE,
    attempt     INTEGER NOT NULL,
    at          TIMESTAMP NOT NULL,
    status_code INTEGER NOT NULL DEFAULT 0,
    error       TEXT NOT NULL DEFAULT '',
    duration_ms INTEGER NOT NULL
);
CREATE INDEX webhook_deliveries_outbox ON webhook_deliveries (outbox_id, id);
