DROP TABLE letter_previews;
ALTER TABLE letters DROP COLUMN opens_at;
