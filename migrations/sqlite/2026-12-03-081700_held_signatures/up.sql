-- Issue 18, finding 5: a second signer for an organisation that already has a live signature on
-- a letter (from another domain, or any free-mail address) no longer vanishes. Its signature is
-- held: it names the signature it contests, is never listed by itself, and the coalition decides
-- which one stands. Held signatures are outside the one-live-signature-per-organisation rule.
ALTER TABLE signatures ADD COLUMN contests TEXT;
DROP INDEX signatures_live_idx;
CREATE UNIQUE INDEX signatures_live_idx ON signatures (letter_id, organisation_id)
    WHERE state IN ('pending', 'confirmed', 'published') AND contests IS NULL;
CREATE INDEX signatures_contests_idx ON signatures (contests);
