-- Entries written in format 2 no longer check once their website is gone: go down only on a
-- database whose ledgers were not appended to since going up.
ALTER TABLE ledger_entries DROP COLUMN website;
ALTER TABLE ledger_entries DROP COLUMN format;
