-- Issue 22: the language of the signer's interface when they signed, so that every mail to them
-- (the confirmation, "signed already", a contest) is written in it. Existing signatures get
-- English, the language their mails were in.
ALTER TABLE signatures ADD COLUMN mail_language TEXT NOT NULL DEFAULT 'en';
