-- Token revocations (PROTOCOL.md section 12): a user's tokens issued before a cutoff, or one token by its jti.
-- Kept until no token they match can still be valid (expires_at, epoch seconds); every pod holds them in memory.
CREATE TABLE revocations (
    id            BIGSERIAL PRIMARY KEY,
    user_id       VARCHAR(255),
    issued_before BIGINT,
    jti           VARCHAR(255),
    exp           BIGINT,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at    BIGINT NOT NULL,
    CONSTRAINT revocations_one_form CHECK (
        (user_id IS NOT NULL AND issued_before IS NOT NULL AND jti IS NULL AND exp IS NULL)
        OR (user_id IS NULL AND issued_before IS NULL AND jti IS NOT NULL AND exp IS NOT NULL))
);
CREATE INDEX revocations_by_user ON revocations (user_id, id);
CREATE INDEX revocations_by_expiry ON revocations (expires_at);
