-- Signing in on the web pages: single-use links sent by e-mail, and browser sessions kept in
-- PostgreSQL, so that every server process sees them and a restart keeps them. Only hashes of
-- the secrets are stored (SHA-256, as API tokens). Nothing is deleted: a link is marked used,
-- a session ended.

CREATE TABLE sign_in_links (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    token_hash   bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    user_id      uuid NOT NULL REFERENCES users (id),
    requested_at timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    used_at      timestamptz,
    CONSTRAINT sign_in_links_lifetime CHECK (expires_at > requested_at AND expires_at <= requested_at + interval '1 hour')
);

CREATE INDEX sign_in_links_user_idx ON sign_in_links (user_id);

-- A link is used once: the only change it admits is being marked used.
CREATE TRIGGER sign_in_links_used_once BEFORE UPDATE OR DELETE ON sign_in_links
    FOR EACH ROW EXECUTE FUNCTION only_mark_replaced('used_at');

CREATE TABLE web_sessions (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    token_hash   bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    user_id      uuid NOT NULL REFERENCES users (id),
    -- How the person proved who they are.
    method       text NOT NULL CHECK (method IN ('email_link', 'cas')),
    started_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    -- The absolute expiry; the idle one is last_seen_at plus the configured idle time.
    expires_at   timestamptz NOT NULL,
    ended_at     timestamptz,
    end_reason   text CHECK (end_reason IN ('signed_out', 'signed_out_everywhere')),
    CONSTRAINT web_sessions_times CHECK (last_seen_at >= started_at AND expires_at > started_at),
    CONSTRAINT web_sessions_ended CHECK ((ended_at IS NULL) = (end_reason IS NULL))
);

CREATE INDEX web_sessions_user_idx ON web_sessions (user_id) WHERE ended_at IS NULL;

CREATE TRIGGER web_sessions_keep BEFORE DELETE ON web_sessions
    FOR EACH ROW EXECUTE FUNCTION refuse_delete('sign out instead');
CREATE TRIGGER sign_in_links_audit AFTER INSERT OR UPDATE ON sign_in_links
    FOR EACH ROW EXECUTE FUNCTION audit_row();
-- A session seen again is bookkeeping, not worth an entry.
CREATE TRIGGER web_sessions_audit AFTER INSERT OR UPDATE ON web_sessions
    FOR EACH ROW EXECUTE FUNCTION audit_row('last_seen_at');
CREATE TRIGGER sign_in_links_no_truncate BEFORE TRUNCATE ON sign_in_links
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate();
CREATE TRIGGER web_sessions_no_truncate BEFORE TRUNCATE ON web_sessions
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate();

GRANT SELECT, INSERT ON sign_in_links, web_sessions TO museolab_app;
GRANT UPDATE (used_at) ON sign_in_links TO museolab_app;
GRANT UPDATE (last_seen_at, ended_at, end_reason) ON web_sessions TO museolab_app;
