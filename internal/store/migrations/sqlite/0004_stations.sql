-- 红色驿站 (red stations): the register, its amenity dictionary, the public
-- feedback, and the station keepers' counters, loans and service log.

-- A new role, station_keeper. SQLite cannot alter a CHECK constraint in
-- place and rebuilding users would cascade into sessions and scopes, so the
-- stored definition is edited (the documented writable_schema procedure for
-- changes that leave the on-disk format alone); the store reopens its
-- connections after migrating so every connection reads the new definition.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, '''org_secretary'', ''member'')', '''org_secretary'', ''member'', ''station_keeper'')')
    WHERE type = 'table' AND name = 'users';
PRAGMA writable_schema = OFF;

CREATE TABLE amenities (
    id       INTEGER PRIMARY KEY,
    code     TEXT NOT NULL UNIQUE,
    name     TEXT NOT NULL UNIQUE,
    name_en  TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0,
    active   BOOLEAN NOT NULL DEFAULT TRUE,
    CHECK (id BETWEEN 1 AND 62)
);
-- The article's list (休息室, 阅读角, 洗手池, 茶水, 手机充电, 爱心雨伞, 医药箱,
-- 工具箱) plus 微波炉, 卫生间, 空调 and WiFi.
INSERT INTO amenities (id, code, name, name_en, position) VALUES
    (1, 'rest_room', '休息室', 'Rest room', 1),
    (2, 'reading', '阅读角', 'Reading corner', 2),
    (3, 'wash_basin', '洗手池', 'Wash basin', 3),
    (4, 'tea', '茶水', 'Tea and water', 4),
    (5, 'charging', '手机充电', 'Phone charging', 5),
    (6, 'umbrella', '爱心雨伞', 'Umbrellas to borrow', 6),
    (7, 'first_aid', '医药箱', 'First-aid kit', 7),
    (8, 'toolbox', '工具箱', 'Toolbox', 8),
    (9, 'microwave', '微波炉', 'Microwave', 9),
    (10, 'toilet', '卫生间', 'Toilet', 10),
    (11, 'air_con', '空调', 'Air conditioning', 11),
    (12, 'wifi', 'WiFi', 'WiFi', 12);

CREATE TABLE stations (
    id             INTEGER PRIMARY KEY,
    code           TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    sort_key       BLOB NOT NULL,
    enterprise_id  INTEGER REFERENCES enterprises (id),
    org_id         INTEGER REFERENCES organizations (id),
    operator       TEXT NOT NULL DEFAULT '',
    address        TEXT NOT NULL DEFAULT '',
    village        TEXT NOT NULL,
    lat            REAL NOT NULL,
    lng            REAL NOT NULL,
    cell           BIGINT NOT NULL,
    hours          TEXT NOT NULL DEFAULT '',
    amenity_mask   BIGINT NOT NULL DEFAULT 0,
    investment_wan REAL NOT NULL DEFAULT 0,
    opened_on      DATE,
    status         TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    closed_reason  TEXT NOT NULL DEFAULT '',
    rating_sum     INTEGER NOT NULL DEFAULT 0,
    rating_count   INTEGER NOT NULL DEFAULT 0,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1
);
-- The spatial index: stations by the 0.02° cell they lie in (geo.CellKey).
CREATE INDEX stations_cell ON stations (cell);
CREATE INDEX stations_village ON stations (village);
CREATE INDEX stations_sort ON stations (sort_key, id);

CREATE TABLE station_closures (
    station_id INTEGER NOT NULL REFERENCES stations (id) ON DELETE CASCADE,
    day        DATE NOT NULL,
    reason     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (station_id, day)
);

CREATE TABLE station_photos (
    id           INTEGER PRIMARY KEY,
    station_id   INTEGER NOT NULL REFERENCES stations (id) ON DELETE CASCADE,
    content_type TEXT NOT NULL,
    data         BLOB NOT NULL,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX station_photos_station ON station_photos (station_id, id);

-- Station keepers (role station_keeper) and the stations they run.
CREATE TABLE station_keepers (
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    station_id INTEGER NOT NULL REFERENCES stations (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, station_id)
);
CREATE INDEX station_keepers_station ON station_keepers (station_id);

-- One row per tap (kept for undo); the daily counters carry the statistics.
CREATE TABLE station_visits (
    id         INTEGER PRIMARY KEY,
    station_id INTEGER NOT NULL REFERENCES stations (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('courier', 'rider', 'sanitation', 'villager', 'other')),
    day        DATE NOT NULL,
    at         TIMESTAMP NOT NULL,
    user_id    INTEGER REFERENCES users (id)
);
CREATE INDEX station_visits_station ON station_visits (station_id, id);

CREATE TABLE station_visit_days (
    station_id INTEGER NOT NULL REFERENCES stations (id) ON DELETE CASCADE,
    day        DATE NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('courier', 'rider', 'sanitation', 'villager', 'other')),
    n          INTEGER NOT NULL,
    PRIMARY KEY (station_id, day, kind)
);
CREATE INDEX station_visit_days_day ON station_visit_days (day);

CREATE TABLE station_loans (
    id           INTEGER PRIMARY KEY,
    station_id   INTEGER NOT NULL REFERENCES stations (id) ON DELETE CASCADE,
    item         TEXT NOT NULL,
    borrower     TEXT NOT NULL DEFAULT '',
    phone_enc    TEXT NOT NULL DEFAULT '',
    phone_masked TEXT NOT NULL DEFAULT '',
    lent_on      DATE NOT NULL,
    due_on       DATE NOT NULL,
    returned_on  DATE,
    created_by   INTEGER REFERENCES users (id),
    created_at   TIMESTAMP NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX station_loans_station ON station_loans (station_id, id);
CREATE INDEX station_loans_lent ON station_loans (lent_on);

CREATE TABLE station_services (
    id         INTEGER PRIMARY KEY,
    station_id INTEGER NOT NULL REFERENCES stations (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('first_aid', 'repair', 'event', 'other')),
    day        DATE NOT NULL,
    summary    TEXT NOT NULL,
    created_by INTEGER REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX station_services_station ON station_services (station_id, day);
CREATE INDEX station_services_day ON station_services (day);

-- Public ratings and comments. ip_hash is a keyed hash of the sender's
-- address, kept only for rate limiting.
CREATE TABLE station_feedback (
    id           INTEGER PRIMARY KEY,
    station_id   INTEGER NOT NULL REFERENCES stations (id) ON DELETE CASCADE,
    rating       INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment      TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'hidden')),
    ip_hash      TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    moderated_by INTEGER REFERENCES users (id),
    moderated_at TIMESTAMP
);
CREATE INDEX station_feedback_status ON station_feedback (status, id);
CREATE INDEX station_feedback_station ON station_feedback (station_id, status, id);
CREATE INDEX station_feedback_ip ON station_feedback (ip_hash, created_at);
CREATE INDEX station_feedback_created ON station_feedback (created_at);

-- Bumped by every write that changes what the public finder shows, so
-- every process reloads its in-memory station index.
INSERT INTO settings (key, value) VALUES ('stations_rev', '0');
