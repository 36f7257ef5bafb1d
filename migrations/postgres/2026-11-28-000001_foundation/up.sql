-- Foundation schema (PostgreSQL). Keep in step with ../../sqlite/2026-11-28-000001_foundation/up.sql.
-- Portable types only: ids are UUIDs as TEXT, times are UTC TIMESTAMP, flags are INTEGER 0/1.

CREATE TABLE countries (
    code       TEXT PRIMARY KEY NOT NULL CHECK (length(code) = 2),
    alpha3     TEXT NOT NULL UNIQUE CHECK (length(alpha3) = 3),
    name       TEXT NOT NULL,
    numeric_code INTEGER,
    is_iso     INTEGER NOT NULL DEFAULT 1 CHECK (is_iso IN (0, 1)),
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE coalitions (
    id         TEXT PRIMARY KEY NOT NULL,
    slug       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    website    TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE organisations (
    id              TEXT PRIMARY KEY NOT NULL,
    slug            TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    normalized_name TEXT NOT NULL,
    country_code    TEXT NOT NULL REFERENCES countries (code),
    website         TEXT,
    email_domain    TEXT,
    description     TEXT,
    verification    TEXT NOT NULL DEFAULT 'unverified'
                    CHECK (verification IN ('unverified', 'domain', 'coordinator')),
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    UNIQUE (normalized_name, country_code)
);
CREATE INDEX organisations_country_idx ON organisations (country_code);
CREATE INDEX organisations_created_idx ON organisations (created_at, id);

CREATE TABLE letters (
    id              TEXT PRIMARY KEY NOT NULL,
    slug            TEXT NOT NULL UNIQUE,
    coalition_id    TEXT NOT NULL REFERENCES coalitions (id),
    title           TEXT NOT NULL,
    body            TEXT NOT NULL,
    recipient_name  TEXT NOT NULL,
    recipient_email TEXT,
    place_and_date  TEXT,
    language        TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'draft'
                    CHECK (state IN ('draft', 'open', 'closed', 'delivered', 'archived')),
    moderation      TEXT NOT NULL DEFAULT 'auto' CHECK (moderation IN ('auto', 'manual')),
    visibility      TEXT NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'unlisted')),
    deadline        TIMESTAMP,
    text_hash       TEXT NOT NULL,
    opened_at       TIMESTAMP,
    closed_at       TIMESTAMP,
    delivered_at    TIMESTAMP,
    archived_at     TIMESTAMP,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX letters_coalition_idx ON letters (coalition_id);
CREATE INDEX letters_created_idx ON letters (created_at, id);
