DROP TABLE outbox;
DROP TABLE signatures;
