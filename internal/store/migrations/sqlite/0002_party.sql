-- Party organizations, members, transfers of organizational relationship
-- (组织关系转接) and member surveys (党员排摸). DOMAIN.md rules 1–6, 22–25, 28.

-- The organization register extends the minimal tree of 0001.
ALTER TABLE organizations ADD COLUMN short_name TEXT NOT NULL DEFAULT '';
ALTER TABLE organizations ADD COLUMN founded_on DATE;
ALTER TABLE organizations ADD COLUMN term_start DATE;
ALTER TABLE organizations ADD COLUMN term_years INTEGER;
ALTER TABLE organizations ADD COLUMN village BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE organizations ADD COLUMN notes TEXT NOT NULL DEFAULT '';
ALTER TABLE organizations ADD COLUMN sort_key BLOB NOT NULL DEFAULT X'';
CREATE INDEX organizations_parent ON organizations (parent_id);
CREATE INDEX organizations_kind ON organizations (kind, path);

-- Which enterprises an organization covers: typed and dated. own = the
-- enterprise's own branch; joint = one of a 联合党支部's units; functional
-- = a 功能性党支部 (an enterprise may have one beside its own).
CREATE TABLE org_coverage (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL REFERENCES organizations (id),
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    kind          TEXT NOT NULL CHECK (kind IN ('own', 'joint', 'functional')),
    since         DATE NOT NULL,
    until         DATE
);
CREATE UNIQUE INDEX org_coverage_current ON org_coverage (org_id, enterprise_id) WHERE until IS NULL;
CREATE INDEX org_coverage_enterprise ON org_coverage (enterprise_id, kind) WHERE until IS NULL;

-- 党建联盟: named groups of organizations.
CREATE TABLE alliances (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    founded_on DATE,
    notes      TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE alliance_orgs (
    alliance_id INTEGER NOT NULL REFERENCES alliances (id) ON DELETE CASCADE,
    org_id      INTEGER NOT NULL REFERENCES organizations (id),
    PRIMARY KEY (alliance_id, org_id)
);
CREATE INDEX alliance_orgs_org ON alliance_orgs (org_id);

-- Members. The ID number and phone are stored only encrypted (id_enc,
-- phone_enc); id_index/phone_index are keyed hashes for uniqueness and
-- duplicate search; the masked forms are what lists show. org_path copies
-- the organization's path so subtree lists need no join; org_id is NULL
-- while a member from outside is still in transit, or after leaving.
CREATE TABLE members (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL,
    sort_key       BLOB NOT NULL,
    id_enc         TEXT NOT NULL,
    id_index       TEXT NOT NULL,
    id_masked      TEXT NOT NULL,
    id_override    TEXT NOT NULL DEFAULT '',
    sex            TEXT NOT NULL CHECK (sex IN ('male', 'female')),
    birth_date     DATE NOT NULL,
    phone_enc      TEXT NOT NULL DEFAULT '',
    phone_index    TEXT NOT NULL DEFAULT '',
    phone_masked   TEXT NOT NULL DEFAULT '',
    ethnicity      TEXT NOT NULL DEFAULT '',
    education      TEXT NOT NULL DEFAULT '',
    category       TEXT NOT NULL CHECK (category IN ('full', 'probationary')),
    applied_on     DATE,
    activist_on    DATE,
    candidate_on   DATE,
    admitted_on    DATE,
    full_on        DATE,
    status         TEXT NOT NULL CHECK (status IN ('normal', 'suspended', 'lost', 'left', 'deceased')),
    mobile         BOOLEAN NOT NULL DEFAULT FALSE,
    org_id         INTEGER REFERENCES organizations (id),
    org_path       TEXT NOT NULL DEFAULT '',
    enterprise_id  INTEGER REFERENCES enterprises (id),
    position_kind  TEXT NOT NULL DEFAULT '' CHECK (position_kind IN ('', 'manager', 'frontline', 'technical')),
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX members_id_index ON members (id_index);
CREATE INDEX members_phone ON members (phone_index) WHERE phone_index <> '';
CREATE INDEX members_name ON members (sort_key, id, org_path, category, status);
CREATE INDEX members_org ON members (org_path, sort_key, id, category, status);
CREATE INDEX members_org_id ON members (org_id);
CREATE INDEX members_enterprise ON members (enterprise_id, sort_key, id, org_path, category, status) WHERE enterprise_id IS NOT NULL;

-- Counters per organization, category and 党籍 status, kept in the
-- member's write transaction: subtree totals read counters, not members.
CREATE TABLE org_member_counts (
    org_id   INTEGER NOT NULL REFERENCES organizations (id),
    org_path TEXT NOT NULL,
    category TEXT NOT NULL,
    status   TEXT NOT NULL,
    n        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, category, status)
);
CREATE INDEX org_member_counts_path ON org_member_counts (org_path, category, status, n);

-- The same counters rolled up: each organization's row counts its whole
-- subtree, kept for every ancestor in the member's transaction, so a 党委's
-- totals are a few rows however many branches it has.
CREATE TABLE org_subtree_counts (
    org_id   INTEGER NOT NULL REFERENCES organizations (id),
    category TEXT NOT NULL,
    status   TEXT NOT NULL,
    n        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, category, status)
);

-- Party posts (书记, 副书记, 组织委员, 宣传委员, 纪检委员) held by members.
CREATE TABLE org_posts (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES organizations (id),
    member_id  INTEGER NOT NULL REFERENCES members (id),
    post       TEXT NOT NULL CHECK (post IN ('secretary', 'deputy_secretary', 'organization', 'propaganda', 'discipline')),
    started_on DATE NOT NULL,
    ended_on   DATE
);
CREATE INDEX org_posts_org ON org_posts (org_id) WHERE ended_on IS NULL;
CREATE INDEX org_posts_member ON org_posts (member_id);

-- 组织关系转接. At most one open transfer per member, enforced here.
CREATE TABLE transfers (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('in', 'out', 'within')),
    member_id      INTEGER NOT NULL REFERENCES members (id),
    from_org_id    INTEGER REFERENCES organizations (id),
    from_name      TEXT NOT NULL DEFAULT '',
    to_org_id      INTEGER REFERENCES organizations (id),
    to_name        TEXT NOT NULL DEFAULT '',
    letter_no      TEXT NOT NULL DEFAULT '',
    dues_paid_to   TEXT NOT NULL DEFAULT '',
    issued_on      DATE NOT NULL,
    valid_until    DATE NOT NULL,
    state          TEXT NOT NULL CHECK (state IN ('initiated', 'approved', 'in_transit', 'received', 'returned', 'cancelled')),
    reason         TEXT NOT NULL DEFAULT '',
    survey_id      INTEGER,
    created_by     INTEGER REFERENCES users (id),
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX transfers_open ON transfers (member_id) WHERE state IN ('initiated', 'approved', 'in_transit');
CREATE INDEX transfers_to ON transfers (to_org_id, state);
CREATE INDEX transfers_from ON transfers (from_org_id, state);
CREATE INDEX transfers_state ON transfers (state, id);

-- 党员排摸: members working in an enterprise whose relationship sits
-- elsewhere.
CREATE TABLE surveys (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL,
    sort_key       BLOB NOT NULL,
    phone_enc      TEXT NOT NULL DEFAULT '',
    phone_index    TEXT NOT NULL DEFAULT '',
    phone_masked   TEXT NOT NULL DEFAULT '',
    enterprise_id  INTEGER NOT NULL REFERENCES enterprises (id),
    category       TEXT NOT NULL CHECK (category IN ('full', 'probationary')),
    relation_place TEXT NOT NULL DEFAULT '',
    willingness    TEXT NOT NULL CHECK (willingness IN ('willing', 'considering', 'unwilling', 'unknown')),
    notes          TEXT NOT NULL DEFAULT '',
    surveyed_on    DATE NOT NULL,
    transfer_id    INTEGER REFERENCES transfers (id),
    created_by     INTEGER REFERENCES users (id),
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX surveys_enterprise ON surveys (enterprise_id) WHERE transfer_id IS NULL;
CREATE INDEX surveys_name ON surveys (sort_key, id);

CREATE TABLE survey_notes (
    id         INTEGER PRIMARY KEY,
    survey_id  INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    note       TEXT NOT NULL,
    created_by INTEGER REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX survey_notes_survey ON survey_notes (survey_id);
