-- Field work (issue 5): the working-day calendar kept by administrators,
-- visit topics and frequency rules, three-level visits with place and
-- photos, enterprise problems routed to departments with their timeline.

-- Days the administrators keep: they override the holiday library (a
-- correction) and extend it to the years it does not know yet.
CREATE TABLE calendar_days (
    day        DATE NOT NULL PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name       TEXT NOT NULL DEFAULT '',
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE visit_topics (
    id       INTEGER PRIMARY KEY,
    code     TEXT NOT NULL UNIQUE,
    name     TEXT NOT NULL UNIQUE,
    name_en  TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0,
    active   BOOLEAN NOT NULL DEFAULT TRUE
);

-- Problem categories carry the department they are routed to and the
-- deadline in working days.
CREATE TABLE problem_categories (
    id            INTEGER PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL UNIQUE,
    name_en       TEXT NOT NULL DEFAULT '',
    department_id INTEGER NOT NULL REFERENCES departments (id),
    deadline_days INTEGER NOT NULL CHECK (deadline_days BETWEEN 1 AND 60),
    position      INTEGER NOT NULL DEFAULT 0,
    active        BOOLEAN NOT NULL DEFAULT TRUE
);

-- How often each level visits (三级走访): period and which enterprises.
CREATE TABLE visit_rules (
    level      TEXT NOT NULL PRIMARY KEY CHECK (level IN ('leader', 'grid_head', 'grid_worker')),
    period     TEXT NOT NULL CHECK (period IN ('month', 'quarter', 'half', 'year')),
    scope      TEXT NOT NULL CHECK (scope IN ('all', 'above_scale')),
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE visits (
    id            INTEGER PRIMARY KEY,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    grid_id       INTEGER NOT NULL REFERENCES grids (id),
    level         TEXT NOT NULL CHECK (level IN ('leader', 'grid_head', 'grid_worker')),
    visitor_id    INTEGER NOT NULL REFERENCES users (id),
    visited_at    TIMESTAMP NOT NULL,
    topics        TEXT NOT NULL DEFAULT '',
    notes         TEXT NOT NULL DEFAULT '',
    lat           REAL,
    lng           REAL,
    accuracy_m    REAL,
    distance_m    REAL,
    far           BOOLEAN NOT NULL DEFAULT FALSE,
    idem_key      TEXT,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX visits_idem ON visits (visitor_id, idem_key);
CREATE INDEX visits_grid ON visits (grid_id, id);
CREATE INDEX visits_enterprise ON visits (enterprise_id, level, visited_at);
CREATE INDEX visits_visitor ON visits (visitor_id, id);

-- Corrections keep the visit as it was.
CREATE TABLE visit_revisions (
    id          INTEGER PRIMARY KEY,
    visit_id    INTEGER NOT NULL REFERENCES visits (id),
    at          TIMESTAMP NOT NULL,
    actor_id    INTEGER,
    actor_name  TEXT NOT NULL,
    before_json TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX visit_revisions_visit ON visit_revisions (visit_id, id);

-- Photos, re-encoded without metadata (the capture time is kept apart).
CREATE TABLE visit_photos (
    id         INTEGER PRIMARY KEY,
    visit_id   INTEGER NOT NULL REFERENCES visits (id),
    mime       TEXT NOT NULL,
    data       BLOB NOT NULL,
    width      INTEGER NOT NULL,
    height     INTEGER NOT NULL,
    taken_at   TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX visit_photos_visit ON visit_photos (visit_id, id);

-- The last visit of each enterprise at each level, kept with every visit,
-- so coverage reads one row per enterprise instead of its visits.
CREATE TABLE enterprise_visit_last (
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    level         TEXT NOT NULL,
    last_at       TIMESTAMP NOT NULL,
    PRIMARY KEY (enterprise_id, level)
);

CREATE TABLE problems (
    id            INTEGER PRIMARY KEY,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    grid_id       INTEGER NOT NULL REFERENCES grids (id),
    category_id   INTEGER NOT NULL REFERENCES problem_categories (id),
    department_id INTEGER REFERENCES departments (id),
    description   TEXT NOT NULL,
    urgency       TEXT NOT NULL CHECK (urgency IN ('normal', 'urgent', 'critical')),
    source        TEXT NOT NULL CHECK (source IN ('visit', 'phone', 'self_report')),
    visit_id      INTEGER REFERENCES visits (id),
    state         TEXT NOT NULL CHECK (state IN ('registered', 'accepted', 'assigned', 'in_progress', 'resolved',
                      'unresolvable', 'not_ours', 'duplicate', 'closed', 'reopened')),
    is_open       BOOLEAN NOT NULL,
    due_on        DATE,
    escalated_at  TIMESTAMP,
    resolved_at   TIMESTAMP,
    handling_days INTEGER,
    on_time       BOOLEAN,
    duplicate_of  INTEGER REFERENCES problems (id),
    reason        TEXT NOT NULL DEFAULT '',
    resolution    TEXT NOT NULL DEFAULT '',
    satisfaction  TEXT NOT NULL DEFAULT '' CHECK (satisfaction IN ('', 'satisfied', 'basic', 'unsatisfied')),
    reopen_count  INTEGER NOT NULL DEFAULT 0,
    created_by    INTEGER REFERENCES users (id),
    idem_key      TEXT,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX problems_idem ON problems (created_by, idem_key);
CREATE INDEX problems_grid ON problems (grid_id, id);
CREATE INDEX problems_department ON problems (department_id, is_open, id);
CREATE INDEX problems_enterprise ON problems (enterprise_id, id);
CREATE INDEX problems_visit ON problems (visit_id);
CREATE INDEX problems_due ON problems (is_open, due_on);
CREATE INDEX problems_open ON problems (is_open, id);
CREATE INDEX problems_category ON problems (category_id, is_open);

-- Every event of a problem, in order: its timeline.
CREATE TABLE problem_events (
    id            INTEGER PRIMARY KEY,
    problem_id    INTEGER NOT NULL REFERENCES problems (id),
    at            TIMESTAMP NOT NULL,
    actor_id      INTEGER,
    actor_name    TEXT NOT NULL,
    kind          TEXT NOT NULL,
    from_state    TEXT NOT NULL DEFAULT '',
    to_state      TEXT NOT NULL DEFAULT '',
    department_id INTEGER,
    note          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX problem_events_problem ON problem_events (problem_id, id);

-- Photos attached to a problem, processed like visit photos.
CREATE TABLE problem_attachments (
    id         INTEGER PRIMARY KEY,
    problem_id INTEGER NOT NULL REFERENCES problems (id),
    mime       TEXT NOT NULL,
    data       BLOB NOT NULL,
    width      INTEGER NOT NULL,
    height     INTEGER NOT NULL,
    taken_at   TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX problem_attachments_problem ON problem_attachments (problem_id, id);

INSERT INTO visit_rules (level, period, scope, updated_at) VALUES
    ('grid_worker', 'month', 'all', '2026-01-01 00:00:00.000+00:00'),
    ('grid_head', 'quarter', 'all', '2026-01-01 00:00:00.000+00:00'),
    ('leader', 'year', 'above_scale', '2026-01-01 00:00:00.000+00:00');
