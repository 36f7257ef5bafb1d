-- API tokens expire (issue 18, finding 12). Keep in step with the other backend's folder.
-- Every token gets an end; tokens made before this migration end a year after they were made
-- (the longest a new token may live).
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMP;
UPDATE api_tokens SET expires_at = created_at + INTERVAL '365 days';
ALTER TABLE api_tokens ALTER COLUMN expires_at SET NOT NULL;
