-- Invitations: a coordinator invites a directory organisation to sign a letter; the mail's link
-- carries a token derived from the invitation's id (only its SHA-256 is kept), and signing
-- through it needs no confirmation mail. Keep in step with the other backend's folder.

CREATE TABLE invitations (
    id              TEXT PRIMARY KEY NOT NULL,
    letter_id       TEXT NOT NULL REFERENCES letters (id),
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    -- Private: where the invitation goes; never in a public response, page, feed or export.
    email           TEXT NOT NULL,
    -- SHA-256 of the token in the invitation link; the token is not stored.
    token_hash      TEXT NOT NULL UNIQUE,
    created_at      TIMESTAMP NOT NULL,
    -- When the invitation mail was last queued (the outbox row says when it left).
    sent_at         TIMESTAMP NOT NULL,
    -- The first time the link was opened.
    opened_at       TIMESTAMP,
    -- When the organisation signed through the link, and the signature it made.
    signed_at       TIMESTAMP,
    signature_id    TEXT REFERENCES signatures (id),
    -- Reminders queued so far, and the latest (at most one a day, a few in all).
    reminded_at     TIMESTAMP,
    reminders       INTEGER NOT NULL DEFAULT 0,
    -- One invitation per (letter, organisation): inviting again re-sends it.
    UNIQUE (letter_id, organisation_id)
);
CREATE INDEX invitations_organisation_idx ON invitations (organisation_id);

-- A mail can belong to an invitation, as others belong to a signature.
ALTER TABLE outbox ADD COLUMN invitation_id TEXT REFERENCES invitations (id);
CREATE INDEX outbox_invitation_idx ON outbox (invitation_id);

-- How this signature was checked beyond its organisation's own verification: 'invitation' when it
-- was made through a coordinator's invitation link. NULL: the organisation's verification applies.
ALTER TABLE signatures ADD COLUMN verification TEXT CHECK (verification IN ('invitation'));
