-- Each letter's ledger: a hash chain of every change to its public list (src/domain/ledger.rs,
-- docs/VERIFY.md). Keep in step with the other backend's folder.

CREATE TABLE ledger_entries (
    letter_id         TEXT NOT NULL REFERENCES letters (id),
    seq               BIGINT NOT NULL CHECK (seq > 0),
    occurred_at       TIMESTAMP NOT NULL,
    action            TEXT NOT NULL
                      CHECK (action IN ('text', 'published', 'withdrawn', 'removed', 'updated')),
    -- The organisation's slug, name, country and verification; empty for a text entry.
    organisation_slug TEXT NOT NULL,
    organisation_name TEXT NOT NULL,
    country_code      TEXT NOT NULL,
    verification      TEXT NOT NULL,
    text_hash         TEXT NOT NULL,
    prev_hash         TEXT NOT NULL,
    hash              TEXT NOT NULL,
    -- Ed25519 signature, by the service's key, of the head this entry makes.
    head_signature    TEXT NOT NULL,
    PRIMARY KEY (letter_id, seq)
);
