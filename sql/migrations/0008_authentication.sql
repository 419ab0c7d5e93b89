-- Authentication, round two: a throttle every server process shares, and tokens that
-- cannot outlive the token that created them.

-- ---------------------------------------------------------------------------
-- Failed authentications per client (an address today; an e-mail address for sign-in
-- links later): the most recent failures only, at most the configured limit, so every
-- server process holds back the same guesser and a restart forgets nothing. Bookkeeping,
-- like a token's last use: no audit trail; rows whose failures have all left the window
-- are removed as new failures are recorded.
-- ---------------------------------------------------------------------------

CREATE TABLE authentication_failures (
    client         text PRIMARY KEY CHECK (length(client) BETWEEN 1 AND 300),
    failures       timestamptz[] NOT NULL CHECK (cardinality(failures) BETWEEN 1 AND 1000),
    last_failed_at timestamptz NOT NULL
);

CREATE INDEX authentication_failures_stale_idx ON authentication_failures (last_failed_at);

GRANT SELECT, INSERT, UPDATE, DELETE ON authentication_failures TO museolab_app;

-- ---------------------------------------------------------------------------
-- A token created with a token: it expires no later than its creator, and revoking a
-- token revokes every token it created (and theirs).
-- ---------------------------------------------------------------------------

ALTER TABLE api_tokens ADD COLUMN created_by_token_id uuid REFERENCES api_tokens (id);

CREATE INDEX api_tokens_created_by_idx ON api_tokens (created_by_token_id) WHERE created_by_token_id IS NOT NULL;

CREATE FUNCTION api_token_within_creator() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    creator api_tokens%ROWTYPE;
BEGIN
    IF NEW.created_by_token_id IS NULL THEN
        RETURN NEW;
    END IF;
    SELECT * INTO creator FROM api_tokens WHERE id = NEW.created_by_token_id;
    IF creator.revoked_at IS NOT NULL THEN
        RAISE EXCEPTION 'a revoked token cannot create tokens'
            USING ERRCODE = 'ML007';
    END IF;
    IF creator.expires_at IS NOT NULL AND (NEW.expires_at IS NULL OR NEW.expires_at > creator.expires_at) THEN
        RAISE EXCEPTION 'a token created with a token cannot outlive it (it expires at %)', creator.expires_at
            USING ERRCODE = 'ML007';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER api_tokens_within_creator BEFORE INSERT OR UPDATE OF expires_at, created_by_token_id ON api_tokens
    FOR EACH ROW EXECUTE FUNCTION api_token_within_creator();

CREATE FUNCTION revoke_created_tokens() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- Each update fires this trigger again, down the whole lineage.
    UPDATE api_tokens
    SET revoked_at = NEW.revoked_at,
        revoked_reason = 'revoked with the token that created it (' || NEW.prefix || '…)'
    WHERE created_by_token_id = NEW.id AND revoked_at IS NULL;
    RETURN NULL;
END
$$;

CREATE TRIGGER api_tokens_revoke_created AFTER UPDATE OF revoked_at ON api_tokens
    FOR EACH ROW WHEN (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL)
    EXECUTE FUNCTION revoke_created_tokens();
