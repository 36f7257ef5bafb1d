ALTER TABLE letters DROP COLUMN text_licence;
