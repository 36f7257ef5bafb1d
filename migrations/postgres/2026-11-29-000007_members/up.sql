-- The organisations that are members of a coalition: a link between the shared directory and one
-- coalition. Keep in step with the other backend's folder.

CREATE TABLE coalition_organisations (
    coalition_id    TEXT NOT NULL REFERENCES coalitions (id),
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    created_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (coalition_id, organisation_id)
);
-- The coalitions of an organisation (merging moves its links).
CREATE INDEX coalition_organisations_organisation_idx ON coalition_organisations (organisation_id);
