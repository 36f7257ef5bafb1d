ALTER TABLE signatures DROP COLUMN mail_language;
