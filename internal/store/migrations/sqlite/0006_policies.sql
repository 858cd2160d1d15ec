-- Policies (助企八条) and expert services (三师助企), issue 5 parts 4–5.
-- A policy's eligibility rule is JSON data over a fixed list of enterprise
-- attributes (internal/rules); the store turns it into SQL conditions.

CREATE TABLE policies (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    title      TEXT NOT NULL,
    summary    TEXT NOT NULL DEFAULT '',
    source     TEXT NOT NULL DEFAULT '',
    rule_json  TEXT NOT NULL DEFAULT '{}',
    position   INTEGER NOT NULL DEFAULT 0,
    active     BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1
);

-- Delivery of a policy to an enterprise: 已告知 → 已申请 → 已兑现 (amount in
-- yuan, entered in 万元) or 不符合.
CREATE TABLE policy_deliveries (
    id            INTEGER PRIMARY KEY,
    policy_id     INTEGER NOT NULL REFERENCES policies (id),
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    grid_id       INTEGER NOT NULL REFERENCES grids (id),
    state         TEXT NOT NULL CHECK (state IN ('informed', 'applied', 'redeemed', 'ineligible')),
    amount_yuan   INTEGER,
    note          TEXT NOT NULL DEFAULT '',
    updated_by    INTEGER REFERENCES users (id),
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX policy_deliveries_pair ON policy_deliveries (policy_id, enterprise_id);
CREATE INDEX policy_deliveries_enterprise ON policy_deliveries (enterprise_id);
CREATE INDEX policy_deliveries_grid ON policy_deliveries (grid_id, policy_id);

CREATE TABLE expert_kinds (
    id       INTEGER PRIMARY KEY,
    code     TEXT NOT NULL UNIQUE,
    name     TEXT NOT NULL UNIQUE,
    name_en  TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0,
    active   BOOLEAN NOT NULL DEFAULT TRUE
);

CREATE TABLE experts (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    kind_id    INTEGER NOT NULL REFERENCES expert_kinds (id),
    employer   TEXT NOT NULL DEFAULT '',
    specialty  TEXT NOT NULL DEFAULT '',
    active     BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE expert_services (
    id            INTEGER PRIMARY KEY,
    expert_id     INTEGER NOT NULL REFERENCES experts (id),
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    grid_id       INTEGER NOT NULL REFERENCES grids (id),
    served_on     DATE NOT NULL,
    topic         TEXT NOT NULL,
    outcome       TEXT NOT NULL DEFAULT '',
    created_by    INTEGER REFERENCES users (id),
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX expert_services_enterprise ON expert_services (enterprise_id, served_on);
CREATE INDEX expert_services_grid ON expert_services (grid_id, id);
CREATE INDEX expert_services_expert ON expert_services (expert_id, id);
