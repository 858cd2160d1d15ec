-- Monthly output values from the statistics office, and spreadsheet import
-- jobs (upload → check → preview → commit) kept in the database so that
-- any redgrid process sharing it can show a job's progress.

-- Output value per enterprise and month, in yuan (万元 × 10,000: the
-- four decimals of a 万元 figure are exact). orders_yuan is the optional
-- orders figure.
CREATE TABLE output_values (
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    month         TEXT NOT NULL CHECK (length(month) = 7),
    value_yuan    INTEGER NOT NULL CHECK (value_yuan >= 0),
    orders_yuan   INTEGER CHECK (orders_yuan >= 0),
    updated_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (enterprise_id, month)
);
CREATE INDEX output_values_month ON output_values (month, enterprise_id);

-- An import: the uploaded file, the check's counts and first errors, and
-- the progress of the running step. state: checking → checked → committing
-- → done, or failed; a job whose lease ran out while running is failed by
-- whoever looks at it next.
CREATE TABLE import_jobs (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    register    TEXT NOT NULL,
    mode        TEXT NOT NULL CHECK (mode IN ('create', 'update', 'upsert')),
    file_name   TEXT NOT NULL,
    encoding    TEXT NOT NULL DEFAULT '',
    checksum    TEXT NOT NULL,
    size        INTEGER NOT NULL,
    data        BLOB NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('checking', 'checked', 'committing', 'done', 'failed')),
    total       INTEGER NOT NULL DEFAULT 0,
    done        INTEGER NOT NULL DEFAULT 0,
    rate        REAL NOT NULL DEFAULT 0,
    new_rows    INTEGER NOT NULL DEFAULT 0,
    changed     INTEGER NOT NULL DEFAULT 0,
    unchanged   INTEGER NOT NULL DEFAULT 0,
    invalid     INTEGER NOT NULL DEFAULT 0,
    report      TEXT NOT NULL DEFAULT '',
    message     TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    lease_until TIMESTAMP,
    version     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX import_jobs_user ON import_jobs (user_id, id);
