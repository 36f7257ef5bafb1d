-- An owner's offer of a role in a coalition to an email address, which the account with that
-- address accepts or declines (issue 18, finding 13). Keep in step with the other backend's folder.
-- Until accepted it gives nothing; the owner sees only the address they typed, never whether an
-- account has it.
CREATE TABLE member_invitations (
    id           TEXT PRIMARY KEY NOT NULL,
    coalition_id TEXT NOT NULL REFERENCES coalitions (id),
    -- Lowercased, as typed by the owner.
    email        TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('owner', 'coordinator', 'viewer')),
    created_at   TIMESTAMP NOT NULL,
    UNIQUE (coalition_id, email)
);
CREATE INDEX member_invitations_email_idx ON member_invitations (email);
