DROP INDEX signatures_letter_created_idx;
DROP INDEX signatures_email_domain_idx;
DROP INDEX signatures_email_key_idx;
ALTER TABLE signatures DROP COLUMN network;
ALTER TABLE signatures DROP COLUMN email_domain;
ALTER TABLE signatures DROP COLUMN email_key;
