-- A coordinator's check of an organisation ("coordinator" verification) belongs to the coalition
-- whose coordinator made it (issue 18, finding 3): it shows as `coordinator` only on that
-- coalition's letters. Keep in step with the other backend's folder.

CREATE TABLE organisation_checks (
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    coalition_id    TEXT NOT NULL REFERENCES coalitions (id),
    checked_at      TIMESTAMP NOT NULL,
    -- The account that checked (NULL: moved here from the old organisation-wide value).
    checked_by      TEXT,
    PRIMARY KEY (organisation_id, coalition_id)
);
CREATE INDEX organisation_checks_coalition_idx ON organisation_checks (coalition_id);

-- The organisation-wide value said "checked by a person of some coalition". It becomes a check
-- of every coalition whose letters or members had the organisation then, so every public list
-- shows what it showed before (and its ledger still matches); the organisation itself is
-- unverified until a mailbox proves its domain.
INSERT INTO organisation_checks (organisation_id, coalition_id, checked_at, checked_by)
SELECT DISTINCT o.id, used.coalition_id, o.updated_at, NULL
FROM organisations o
JOIN (
    SELECT s.organisation_id, l.coalition_id FROM signatures s JOIN letters l ON l.id = s.letter_id
    UNION
    SELECT organisation_id, coalition_id FROM coalition_organisations
) used ON used.organisation_id = o.id
WHERE o.verification = 'coordinator';
UPDATE organisations SET verification = 'unverified' WHERE verification = 'coordinator';
