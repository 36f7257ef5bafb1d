ALTER TABLE signatures DROP COLUMN verification;
DROP INDEX outbox_invitation_idx;
ALTER TABLE outbox DROP COLUMN invitation_id;
DROP TABLE invitations;
