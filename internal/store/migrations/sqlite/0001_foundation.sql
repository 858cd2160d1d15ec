-- Foundation: settings, dictionaries, grids, accounts, sessions, audit, enterprises.
CREATE TABLE settings (
    key   TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE departments (
    id      INTEGER PRIMARY KEY,
    code    TEXT NOT NULL UNIQUE,
    name    TEXT NOT NULL,
    name_en TEXT NOT NULL DEFAULT ''
);

CREATE TABLE industries (
    id       INTEGER PRIMARY KEY,
    code     TEXT NOT NULL UNIQUE,
    name     TEXT NOT NULL UNIQUE,
    name_en  TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0,
    active   BOOLEAN NOT NULL DEFAULT TRUE
);

CREATE TABLE grids (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    level      TEXT NOT NULL CHECK (level IN ('zone', 'area', 'grid')),
    parent_id  INTEGER REFERENCES grids (id),
    path       TEXT NOT NULL,
    sort_key   BLOB NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX grids_path ON grids (path);
CREATE INDEX grids_parent ON grids (parent_id);

-- Party organizations: the minimal tree that account scope refers to; the
-- organization register extends it.
CREATE TABLE organizations (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    parent_id  INTEGER REFERENCES organizations (id),
    path       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX organizations_path ON organizations (path);

CREATE TABLE users (
    id                  INTEGER PRIMARY KEY,
    username            TEXT NOT NULL UNIQUE,
    display_name        TEXT NOT NULL,
    password_hash       TEXT NOT NULL,
    role                TEXT NOT NULL CHECK (role IN ('admin', 'department', 'grid_head', 'grid_worker', 'org_secretary', 'member')),
    department_id       INTEGER REFERENCES departments (id),
    leader              BOOLEAN NOT NULL DEFAULT FALSE,
    disabled            BOOLEAN NOT NULL DEFAULT FALSE,
    locale              TEXT NOT NULL DEFAULT '',
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    password_changed_at TIMESTAMP NOT NULL,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL,
    version             INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE user_grids (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    grid_id INTEGER NOT NULL REFERENCES grids (id),
    PRIMARY KEY (user_id, grid_id)
);
CREATE INDEX user_grids_grid ON user_grids (grid_id);

CREATE TABLE user_orgs (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    org_id  INTEGER NOT NULL REFERENCES organizations (id),
    PRIMARY KEY (user_id, org_id)
);

-- Sessions and API tokens: only the SHA-256 of the secret is stored, so a
-- database leak does not leak live credentials. Shared by every process.
CREATE TABLE sessions (
    id           TEXT NOT NULL PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('web', 'api')),
    csrf         TEXT NOT NULL,
    label        TEXT NOT NULL DEFAULT '',
    ip           TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE login_failures (
    id  INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    at  TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (key, at);

-- Append-only, hash-chained audit log. audit_head holds the chain's tip so
-- that concurrent writers (several processes on PostgreSQL) serialize on it
-- and a deleted tail is detected.
CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY,
    at          TIMESTAMP NOT NULL,
    actor_id    INTEGER,
    actor_name  TEXT NOT NULL,
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   INTEGER,
    before_json TEXT NOT NULL DEFAULT '',
    after_json  TEXT NOT NULL DEFAULT '',
    reason      TEXT NOT NULL DEFAULT '',
    ip          TEXT NOT NULL DEFAULT '',
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id, seq);
CREATE INDEX audit_log_actor ON audit_log (actor_id, seq);
CREATE INDEX audit_log_action ON audit_log (action, seq);

CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');

CREATE TABLE enterprises (
    id            INTEGER PRIMARY KEY,
    uscc          TEXT NOT NULL,
    name          TEXT NOT NULL,
    short_name    TEXT NOT NULL DEFAULT '',
    industry_id   INTEGER NOT NULL REFERENCES industries (id),
    above_scale   BOOLEAN NOT NULL DEFAULT FALSE,
    grid_id       INTEGER NOT NULL REFERENCES grids (id),
    address       TEXT NOT NULL DEFAULT '',
    lat           REAL,
    lng           REAL,
    employees     INTEGER NOT NULL DEFAULT 0,
    status        TEXT NOT NULL CHECK (status IN ('operating', 'suspended', 'moved_out', 'closed')),
    founded_on    DATE,
    legal_rep     TEXT NOT NULL DEFAULT '',
    sort_key      BLOB NOT NULL,
    search_text   TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    deleted_at    TIMESTAMP,
    version       INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX enterprises_uscc ON enterprises (uscc);
CREATE INDEX enterprises_name ON enterprises (sort_key, id) WHERE deleted_at IS NULL;
CREATE INDEX enterprises_grid ON enterprises (grid_id, industry_id, sort_key, id) WHERE deleted_at IS NULL;
CREATE INDEX enterprises_industry ON enterprises (industry_id, sort_key, id) WHERE deleted_at IS NULL;
CREATE INDEX enterprises_created ON enterprises (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX enterprises_deleted ON enterprises (deleted_at) WHERE deleted_at IS NOT NULL;

-- Character bigrams of names, kept in the same transaction as the row: the
-- index behind two-character Chinese search (安德, 韵达).
CREATE TABLE enterprise_terms (
    term          TEXT NOT NULL,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
    PRIMARY KEY (term, enterprise_id)
) WITHOUT ROWID;
CREATE INDEX enterprise_terms_enterprise ON enterprise_terms (enterprise_id);

-- Counters per grid and industry maintained with every enterprise write, so
-- totals and dashboards read a few rows instead of counting a million.
CREATE TABLE grid_counts (
    grid_id     INTEGER NOT NULL REFERENCES grids (id),
    industry_id INTEGER NOT NULL REFERENCES industries (id),
    enterprises INTEGER NOT NULL DEFAULT 0,
    above_scale INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (grid_id, industry_id)
);
