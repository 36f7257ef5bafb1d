-- The public side of signatures, kept by the same transactions that publish or withdraw one.

-- The published signatories, one row each, with what the public sees (no personal data), so that
-- lists, exports and pages read one indexed table.
CREATE TABLE public_signatories (
    signature_id      TEXT PRIMARY KEY NOT NULL REFERENCES signatures (id),
    letter_id         TEXT NOT NULL REFERENCES letters (id),
    organisation_id   TEXT NOT NULL REFERENCES organisations (id),
    organisation_name TEXT NOT NULL,
    organisation_slug TEXT NOT NULL,
    sort_name         TEXT NOT NULL,
    country_code      TEXT NOT NULL REFERENCES countries (code),
    website           TEXT,
    verification      TEXT NOT NULL,
    text_hash         TEXT NOT NULL,
    signed_at         TIMESTAMP NOT NULL
);
CREATE INDEX public_signatories_by_country ON public_signatories (letter_id, country_code, sort_name, signature_id);
CREATE INDEX public_signatories_by_time ON public_signatories (letter_id, signed_at, signature_id);
CREATE INDEX public_signatories_organisation ON public_signatories (organisation_id);

-- Every change to a letter's public list, in order: the change feed, and the list's version.
CREATE TABLE signature_events (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    letter_id         TEXT NOT NULL REFERENCES letters (id),
    signature_id      TEXT NOT NULL REFERENCES signatures (id),
    action            TEXT NOT NULL CHECK (action IN ('added', 'withdrawn', 'updated')),
    organisation_name TEXT NOT NULL,
    organisation_slug TEXT NOT NULL,
    country_code      TEXT NOT NULL,
    occurred_at       TIMESTAMP NOT NULL
);
CREATE INDEX signature_events_letter ON signature_events (letter_id, id);

-- Published signatures per (letter, country), spread over a few shards so that confirmations
-- from one country rarely wait on the same row; readers add the shards up.
CREATE TABLE letter_country_counts (
    letter_id    TEXT NOT NULL REFERENCES letters (id),
    country_code TEXT NOT NULL REFERENCES countries (code),
    shard        INTEGER NOT NULL,
    count        BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (letter_id, country_code, shard)
);
