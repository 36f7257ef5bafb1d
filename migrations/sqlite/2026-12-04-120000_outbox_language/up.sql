-- Issue 22: the language a mail is written in when its recipient has no signature of their own
-- to carry it: "your organisation signed already" to a colleague (the language they asked in).
-- NULL: the language of the signature the mail is about, as before.
ALTER TABLE outbox ADD COLUMN language TEXT;
