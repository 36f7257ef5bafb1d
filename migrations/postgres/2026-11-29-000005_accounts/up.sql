-- Coordinators' accounts, their sessions and API tokens, their roles per coalition, and the audit
-- log. Keep in step with the other backend's folder.

CREATE TABLE users (
    id            TEXT PRIMARY KEY NOT NULL,
    -- Lowercased; private (never in a public response).
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    -- An argon2id PHC string.
    password_hash TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);

-- Signed-in browsers. The cookie carries a random token; only its SHA-256 is kept.
CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY NOT NULL,
    user_id      TEXT NOT NULL REFERENCES users (id),
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

-- Tokens for scripts (`Authorization: Bearer`), shown once and kept as SHA-256.
CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY NOT NULL,
    user_id      TEXT NOT NULL REFERENCES users (id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMP NOT NULL,
    revoked_at   TIMESTAMP
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);

-- Who may do what in which coalition.
CREATE TABLE memberships (
    coalition_id TEXT NOT NULL REFERENCES coalitions (id),
    user_id      TEXT NOT NULL REFERENCES users (id),
    role         TEXT NOT NULL CHECK (role IN ('owner', 'coordinator', 'viewer')),
    created_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (coalition_id, user_id)
);
CREATE INDEX memberships_user_idx ON memberships (user_id);

-- Who did what, when, to what. Written in the same transaction as the change it records.
CREATE TABLE audit_log (
    id           TEXT PRIMARY KEY NOT NULL,
    occurred_at  TIMESTAMP NOT NULL,
    -- 'user', 'operator' (the admin token), 'public' (the signing flow) or 'system'.
    actor_kind   TEXT NOT NULL CHECK (actor_kind IN ('user', 'operator', 'public', 'system')),
    actor_id     TEXT,
    actor_name   TEXT NOT NULL,
    coalition_id TEXT,
    letter_id    TEXT,
    subject_kind TEXT NOT NULL,
    subject_id   TEXT NOT NULL,
    action       TEXT NOT NULL,
    -- A JSON object.
    details      TEXT NOT NULL
);
CREATE INDEX audit_log_letter_idx ON audit_log (letter_id, occurred_at, id);
CREATE INDEX audit_log_coalition_idx ON audit_log (coalition_id, occurred_at, id);
