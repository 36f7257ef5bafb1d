-- Moderation decisions, text versions and translations. Keep in step with the other backend's
-- folder.

-- Why a coordinator rejected a signature (shown to coordinators only).
ALTER TABLE signatures ADD COLUMN rejection_reason TEXT;
ALTER TABLE signatures ADD COLUMN rejected_at TIMESTAMP;
-- The version of the letter's text the signer saw (1 for the text it opened with).
ALTER TABLE signatures ADD COLUMN letter_version INTEGER NOT NULL DEFAULT 1;

-- The current version of a letter's text; older versions are kept in letter_versions.
ALTER TABLE letters ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

-- Every version of a letter's text since it opened: once open, the text changes only by a new
-- version, and signatures keep the version they saw.
CREATE TABLE letter_versions (
    letter_id  TEXT NOT NULL REFERENCES letters (id),
    version    INTEGER NOT NULL CHECK (version > 0),
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    text_hash  TEXT NOT NULL,
    -- What changed, for readers.
    note       TEXT,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (letter_id, version)
);
-- Letters opened before versions existed start with the text they have.
INSERT INTO letter_versions (letter_id, version, title, body, text_hash, note, created_at)
SELECT id, 1, title, body, text_hash, NULL, COALESCE(opened_at, created_at)
FROM letters WHERE state <> 'draft';

-- The letter in other languages: one text per language, signatures counted together.
CREATE TABLE letter_translations (
    letter_id  TEXT NOT NULL REFERENCES letters (id),
    language   TEXT NOT NULL,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    text_hash  TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (letter_id, language)
);
