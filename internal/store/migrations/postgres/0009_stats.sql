-- Aggregates behind the dashboard, /api/v1/stats and the monthly briefing,
-- kept in the transaction of every write that changes them, so the zone's
-- figures read a few hundred rows however many enterprises, visits and
-- problems there are. Each total is kept for the grid of the record and for
-- every grid above it (area, zone): "node" is a grids.id at any level, so a
-- zone, an area or one grid is one lookup. `redgrid stats rebuild`
-- recomputes them from the records, and a test compares both; migrating an
-- existing database to this version fills them the same way (Migrate).

-- Output value of live enterprises by node, month, industry and 规上 flag
-- (the enterprise's current grid, industry and flag: a change moves its
-- months). orders_n counts the enterprises that reported orders.
CREATE TABLE output_totals (
    node_id     BIGINT NOT NULL REFERENCES grids (id),
    month       TEXT NOT NULL,
    above_scale INTEGER NOT NULL,
    industry_id BIGINT NOT NULL REFERENCES industries (id),
    enterprises INTEGER NOT NULL DEFAULT 0,
    value_yuan  BIGINT NOT NULL DEFAULT 0,
    orders_yuan BIGINT NOT NULL DEFAULT 0,
    orders_n    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (node_id, month, above_scale, industry_id)
);

-- The largest orders of a month, for the named enterprises of the briefing
-- and the 经济运行 page: a backward scan of one month's entries.
CREATE INDEX output_values_orders ON output_values (month, orders_yuan, enterprise_id) WHERE orders_yuan IS NOT NULL;

-- Visits of an enterprise in a period ('2021-08' or '2021') in the grid the
-- visits were made in: the first one counts the enterprise as visited.
CREATE TABLE visit_marks (
    enterprise_id BIGINT NOT NULL REFERENCES enterprises (id),
    grid_id       BIGINT NOT NULL REFERENCES grids (id),
    period        TEXT NOT NULL,
    visits        INTEGER NOT NULL,
    PRIMARY KEY (enterprise_id, period, grid_id)
);

-- Visits per node and period, by level, and the enterprises visited.
CREATE TABLE visit_totals (
    node_id     BIGINT NOT NULL REFERENCES grids (id),
    period      TEXT NOT NULL,
    enterprises INTEGER NOT NULL DEFAULT 0,
    leader      INTEGER NOT NULL DEFAULT 0,
    grid_head   INTEGER NOT NULL DEFAULT 0,
    grid_worker INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (node_id, period)
);

-- Problems per node and month: raised in the month (by creation), resolved in
-- the month (by resolution) and of those on time.
CREATE TABLE problem_totals (
    node_id  BIGINT NOT NULL REFERENCES grids (id),
    month    TEXT NOT NULL,
    raised   INTEGER NOT NULL DEFAULT 0,
    resolved INTEGER NOT NULL DEFAULT 0,
    on_time  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (node_id, month)
);

-- Open problems per node and due date ('' when none): open and overdue
-- counts on any day are a sum over a few rows.
CREATE TABLE problem_open (
    node_id BIGINT NOT NULL REFERENCES grids (id),
    due_on  TEXT NOT NULL,
    n       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (node_id, due_on)
);

-- Party organizations by kind, kept with every organization write.
CREATE TABLE org_kind_counts (
    kind TEXT NOT NULL PRIMARY KEY,
    n    INTEGER NOT NULL DEFAULT 0
);

-- Commentary paragraphs of the monthly briefing, per month and section.
CREATE TABLE briefing_notes (
    month      TEXT NOT NULL,
    section    TEXT NOT NULL,
    body       TEXT NOT NULL,
    updated_by BIGINT REFERENCES users (id),
    updated_at TIMESTAMPTZ NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (month, section)
);
