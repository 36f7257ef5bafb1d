DROP TABLE letter_translations;
DROP TABLE letter_versions;
ALTER TABLE letters DROP COLUMN version;
ALTER TABLE signatures DROP COLUMN letter_version;
ALTER TABLE signatures DROP COLUMN rejected_at;
ALTER TABLE signatures DROP COLUMN rejection_reason;
