-- Issue 24 (a launch plan): a draft's opening time, at which the deadline worker opens it by
-- itself (its invitations are mailed then). NULL: it opens when a coordinator opens it. Opening
-- clears it.
ALTER TABLE letters ADD COLUMN opens_at TIMESTAMP;

-- Secret preview links of a draft, to share with partner organisations before it opens: the
-- link's random token is kept only as its SHA-256. A revoked link answers 410.
CREATE TABLE letter_previews (
    id          TEXT PRIMARY KEY NOT NULL,
    letter_id   TEXT NOT NULL REFERENCES letters (id),
    label       TEXT,
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  TIMESTAMP NOT NULL,
    revoked_at  TIMESTAMP
);
CREATE INDEX letter_previews_letter_idx ON letter_previews (letter_id, created_at);
