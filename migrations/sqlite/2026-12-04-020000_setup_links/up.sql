-- Issue 20: the first-run setup link lives in the database (its SHA-256 only), so that a link
-- logged by one instance works on every instance sharing the database, and dies on all of them
-- once an account exists.
CREATE TABLE setup_links (
    token_hash TEXT PRIMARY KEY NOT NULL,
    created_at TIMESTAMP NOT NULL
);
