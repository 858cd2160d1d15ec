-- 安全生产: the safety register of issue 7. One row per inspection (检查),
-- violation or hazard (违法违规/隐患) and incident (事故) of an enterprise,
-- with the enterprise's grid copied on the row (as visits and problems do)
-- so scope and the per-grid figures need no join.
CREATE TABLE safety_records (
    id               INTEGER PRIMARY KEY,
    enterprise_id    INTEGER NOT NULL REFERENCES enterprises (id),
    grid_id          INTEGER NOT NULL REFERENCES grids (id),
    kind             TEXT NOT NULL CHECK (kind IN ('inspection', 'violation', 'incident')),
    occurred_on      DATE NOT NULL,
    -- occurred_on as the bytes YYYYMMDD: the keyset key of the date order.
    sort_key         BLOB NOT NULL,
    description      TEXT NOT NULL,
    follow_up        TEXT NOT NULL DEFAULT '',
    -- Incidents: the figures of 《生产安全事故报告和调查处理条例》 第三条 and
    -- the severity derived from them (or set higher by the user).
    severity         TEXT NOT NULL DEFAULT '' CHECK (severity IN ('', 'general', 'larger', 'major', 'especially_major')),
    deaths           INTEGER NOT NULL DEFAULT 0,
    serious_injuries INTEGER NOT NULL DEFAULT 0,
    loss_yuan        INTEGER NOT NULL DEFAULT 0,
    -- Violations: hazard level and the open/rectified state.
    hazard_level     TEXT NOT NULL DEFAULT '' CHECK (hazard_level IN ('', 'ordinary', 'major')),
    is_open          BOOLEAN NOT NULL DEFAULT FALSE,
    rectified_on     DATE,
    rectify_note     TEXT NOT NULL DEFAULT '',
    problem_id       INTEGER REFERENCES problems (id),
    created_by       INTEGER REFERENCES users (id),
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1
);
-- Counts per kind and period (summary), per grid or over the whole zone
-- (administrators, department staff): ranges, covering, no row is read.
CREATE INDEX safety_grid_day ON safety_records (grid_id, kind, occurred_on, severity, deaths);
-- The zone-wide one also serves the incidents per grid (by grid).
CREATE INDEX safety_day ON safety_records (kind, occurred_on, severity, deaths, grid_id);
-- The list, newest first, whole scope or one grid.
CREATE INDEX safety_sort ON safety_records (sort_key, id);
CREATE INDEX safety_grid_sort ON safety_records (grid_id, sort_key, id);
-- An enterprise's records (its page, its list filter).
CREATE INDEX safety_enterprise ON safety_records (enterprise_id, sort_key, id);
-- Open hazards: violations not rectified yet, a small set: counted per
-- grid and level (covering), listed in date order.
CREATE INDEX safety_open ON safety_records (grid_id, hazard_level, occurred_on, is_open) WHERE is_open = TRUE;
CREATE INDEX safety_open_sort ON safety_records (sort_key, id) WHERE is_open = TRUE;
-- Hazards open on a past day but rectified since (figures as of To).
CREATE INDEX safety_rectified ON safety_records (rectified_on, occurred_on, grid_id, hazard_level) WHERE rectified_on IS NOT NULL;
-- Major accidents: the last one per scope (severity = each major code,
-- then the date; the grid covered).
CREATE INDEX safety_major ON safety_records (severity, occurred_on, grid_id);
CREATE INDEX safety_problem ON safety_records (problem_id) WHERE problem_id IS NOT NULL;
