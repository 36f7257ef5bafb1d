-- Abuse controls (issue 9). Keep in step with the other backend's folder.

-- The address a signature is compared by for duplicates (`domain::abuse::email_key`: lowercase,
-- dots and +tags dropped where the provider ignores them) and its domain, both private and
-- blanked with the address; and a keyed hash of the client's network (IPv4 /24, IPv6 /48),
-- never the address itself. Rows from before get their keys at start-up (in Rust).
ALTER TABLE signatures ADD COLUMN email_key TEXT NOT NULL DEFAULT '';
ALTER TABLE signatures ADD COLUMN email_domain TEXT NOT NULL DEFAULT '';
ALTER TABLE signatures ADD COLUMN network TEXT;
CREATE INDEX signatures_email_key_idx ON signatures (letter_id, email_key);
CREATE INDEX signatures_email_domain_idx ON signatures (email_domain, created_at);
CREATE INDEX signatures_letter_created_idx ON signatures (letter_id, created_at);
