-- Ledger entry format 2 (issue 18, finding 8). Keep in step with the other backend's folder.

-- Each entry keeps the format it was hashed in: 1 for the entries written before, which keep
-- their hashes; 2 from now on, which adds the listed organisation's website (empty for none and
-- for text entries). docs/VERIFY.md states both encodings.
ALTER TABLE ledger_entries ADD COLUMN format INTEGER NOT NULL DEFAULT 1;
ALTER TABLE ledger_entries ADD COLUMN website TEXT;
