-- Campaigns, delivery, updates to signers, imports, erasure (issue 7). Keep in step with the
-- other backend's folder.

-- A campaign groups a coalition's letters toward a goal: a number of organisations and/or
-- countries, by a date. Its public page shows progress and a timeline.
CREATE TABLE campaigns (
    id                 TEXT PRIMARY KEY NOT NULL,
    slug               TEXT NOT NULL UNIQUE,
    coalition_id       TEXT NOT NULL REFERENCES coalitions (id),
    title              TEXT NOT NULL,
    description        TEXT NOT NULL DEFAULT '',
    goal_organisations INTEGER CHECK (goal_organisations > 0),
    goal_countries     INTEGER CHECK (goal_countries > 0),
    goal_date          TIMESTAMP,
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL
);
CREATE INDEX campaigns_coalition_idx ON campaigns (coalition_id);

ALTER TABLE letters ADD COLUMN campaign_id TEXT REFERENCES campaigns (id);
CREATE INDEX letters_campaign_idx ON letters (campaign_id);

-- The public timeline: what happened to a campaign or one of its letters. The service records
-- 'opened' and 'delivered'; coordinators post the others. A letter's events show on its
-- campaign's timeline, whenever it joined the campaign.
CREATE TABLE timeline_events (
    id           TEXT PRIMARY KEY NOT NULL,
    campaign_id  TEXT REFERENCES campaigns (id),
    letter_id    TEXT REFERENCES letters (id),
    kind         TEXT NOT NULL
                 CHECK (kind IN ('opened', 'milestone', 'delivered', 'response', 'note')),
    title        TEXT NOT NULL,
    body         TEXT NOT NULL DEFAULT '',
    occurred_at  TIMESTAMP NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    CHECK (campaign_id IS NOT NULL OR letter_id IS NOT NULL)
);
CREATE INDEX timeline_events_campaign_idx ON timeline_events (campaign_id, occurred_at);
CREATE INDEX timeline_events_letter_idx ON timeline_events (letter_id, occurred_at);

-- A letter's delivery to its recipient: one per letter. The list is frozen from then on; the
-- ledger head at delivery is kept so anyone can check the delivered list later.
CREATE TABLE deliveries (
    id              TEXT PRIMARY KEY NOT NULL,
    letter_id       TEXT NOT NULL UNIQUE REFERENCES letters (id),
    -- Private: the address the letter was mailed to (NULL: delivered by hand only).
    recipient_email TEXT,
    signatories     BIGINT NOT NULL,
    countries       BIGINT NOT NULL,
    ledger_seq      BIGINT NOT NULL,
    ledger_hash     TEXT NOT NULL,
    note            TEXT,
    delivered_at    TIMESTAMP NOT NULL
);

-- An update a coordinator sends to a letter's confirmed signatories.
CREATE TABLE letter_updates (
    id          TEXT PRIMARY KEY NOT NULL,
    letter_id   TEXT NOT NULL REFERENCES letters (id),
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    recipients  BIGINT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX letter_updates_letter_idx ON letter_updates (letter_id, created_at);

-- Mails that belong to a delivery or an update, as others belong to a signature or invitation.
ALTER TABLE outbox ADD COLUMN delivery_id TEXT REFERENCES deliveries (id);
ALTER TABLE outbox ADD COLUMN update_id TEXT REFERENCES letter_updates (id);
CREATE INDEX outbox_delivery_idx ON outbox (delivery_id);
CREATE INDEX outbox_update_idx ON outbox (update_id);

-- A signer who followed an update's unsubscribe link gets no more updates. The token in that
-- link is derived from the signature's id; only its SHA-256 is kept, set when the first update
-- is queued.
ALTER TABLE signatures ADD COLUMN unsubscribed_at TIMESTAMP;
ALTER TABLE signatures ADD COLUMN unsubscribe_token_hash TEXT;
CREATE UNIQUE INDEX signatures_unsubscribe_token_idx ON signatures (unsubscribe_token_hash);
-- When the signer's name and email were erased (on request, or by the retention setting).
ALTER TABLE signatures ADD COLUMN erased_at TIMESTAMP;

-- 'imported': the signature was imported from an existing list by a coordinator. SQLite cannot
-- change a CHECK constraint in place, so the column is replaced (DROP COLUMN is allowed because
-- its only constraint is its own CHECK).
ALTER TABLE signatures ADD COLUMN verification_new TEXT
    CHECK (verification_new IN ('invitation', 'imported'));
UPDATE signatures SET verification_new = verification WHERE verification IS NOT NULL;
ALTER TABLE signatures DROP COLUMN verification;
ALTER TABLE signatures RENAME COLUMN verification_new TO verification;
