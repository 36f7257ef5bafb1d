-- Signatures and the outbox. Keep in step with the other backend's folder.

CREATE TABLE signatures (
    id                  TEXT PRIMARY KEY NOT NULL,
    letter_id           TEXT NOT NULL REFERENCES letters (id),
    organisation_id     TEXT NOT NULL REFERENCES organisations (id),
    state               TEXT NOT NULL DEFAULT 'pending'
                        CHECK (state IN ('pending', 'confirmed', 'published', 'rejected', 'withdrawn', 'expired')),
    representative_name TEXT NOT NULL,
    representative_role TEXT NOT NULL,
    -- Private: never in a public response, page, feed or export.
    email               TEXT NOT NULL,
    comment             TEXT,
    -- SHA-256 of the letter text the signer saw.
    text_hash           TEXT NOT NULL,
    -- SHA-256 of the tokens in the confirmation and withdrawal links; the tokens are not stored.
    confirm_token_hash  TEXT NOT NULL UNIQUE,
    withdraw_token_hash TEXT NOT NULL UNIQUE,
    confirm_expires_at  TIMESTAMP NOT NULL,
    confirmations_sent  INTEGER NOT NULL DEFAULT 0,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL,
    confirmed_at        TIMESTAMP,
    published_at        TIMESTAMP,
    withdrawn_at        TIMESTAMP
);
-- One live signature per (letter, organisation).
CREATE UNIQUE INDEX signatures_live_idx ON signatures (letter_id, organisation_id)
    WHERE state IN ('pending', 'confirmed', 'published');
CREATE INDEX signatures_letter_state_idx ON signatures (letter_id, state);
CREATE INDEX signatures_organisation_idx ON signatures (organisation_id);

-- Every email the service sends, written in the same transaction as its cause, and rendered
-- when it is sent.
CREATE TABLE outbox (
    id              TEXT PRIMARY KEY NOT NULL,
    kind            TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    signature_id    TEXT REFERENCES signatures (id),
    state           TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'dead')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    locked_until    TIMESTAMP,
    last_error      TEXT,
    created_at      TIMESTAMP NOT NULL,
    sent_at         TIMESTAMP
);
CREATE INDEX outbox_due_idx ON outbox (state, next_attempt_at);
