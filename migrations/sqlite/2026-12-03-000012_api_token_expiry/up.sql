-- API tokens expire (issue 18, finding 12). Keep in step with the other backend's folder.
-- Every token gets an end; tokens made before this migration end a year after they were made
-- (the longest a new token may live). The column's default is never used by the code.
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMP NOT NULL DEFAULT '1970-01-01 00:00:00';
UPDATE api_tokens SET expires_at = strftime('%Y-%m-%d %H:%M:%f', created_at, '+365 days');
