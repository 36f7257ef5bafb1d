DROP TABLE audit_log;
DROP TABLE memberships;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE users;
