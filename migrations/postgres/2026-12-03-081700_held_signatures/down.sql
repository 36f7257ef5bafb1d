-- Held signatures that are still live cannot stay live beside the one they contest.
UPDATE signatures SET state = 'rejected', rejection_reason = 'held; reverted'
    WHERE contests IS NOT NULL AND state IN ('pending', 'confirmed', 'published');
DROP INDEX signatures_contests_idx;
DROP INDEX signatures_live_idx;
ALTER TABLE signatures DROP COLUMN contests;
CREATE UNIQUE INDEX signatures_live_idx ON signatures (letter_id, organisation_id)
    WHERE state IN ('pending', 'confirmed', 'published');
