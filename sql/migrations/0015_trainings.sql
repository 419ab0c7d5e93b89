-- Trainings: a member asks for the training a machine (or a category) requires; the manager
-- plans it as a supervised session; completing that session grants the authorisation, with
-- the validity the manager chose, and the member is told. A request is planned once, granted
-- once, or withdrawn; nothing is deleted.

CREATE TABLE training_requests (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id           uuid NOT NULL REFERENCES users (id),
    machine_id        uuid REFERENCES machines (id),
    category          text CHECK (category ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    note              text CHECK (length(note) <= 500),
    asked_at          timestamptz NOT NULL,
    session_id        uuid UNIQUE REFERENCES support_sessions (id),
    validity_months   integer CHECK (validity_months BETWEEN 1 AND 120),
    authorisation_id  uuid UNIQUE REFERENCES machine_authorisations (id),
    withdrawn_at      timestamptz,
    CONSTRAINT training_requests_one_subject CHECK ((machine_id IS NULL) <> (category IS NULL)),
    CONSTRAINT training_requests_granted_after_planned CHECK (authorisation_id IS NULL OR session_id IS NOT NULL)
);

CREATE INDEX training_requests_user_idx ON training_requests (user_id, asked_at);

-- Planned (a session), then granted (an authorisation): each set once, never unset; or withdrawn.
CREATE FUNCTION training_request_moves_once() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'training requests are never deleted: they are withdrawn' USING ERRCODE = 'ML003';
    END IF;
    IF (OLD.session_id IS NOT NULL AND NEW.session_id IS DISTINCT FROM OLD.session_id)
       OR (OLD.authorisation_id IS NOT NULL AND NEW.authorisation_id IS DISTINCT FROM OLD.authorisation_id)
       OR (OLD.withdrawn_at IS NOT NULL)
       OR (to_jsonb(NEW) - ARRAY['session_id', 'validity_months', 'authorisation_id', 'withdrawn_at'])
          <> (to_jsonb(OLD) - ARRAY['session_id', 'validity_months', 'authorisation_id', 'withdrawn_at']) THEN
        RAISE EXCEPTION 'a training request only moves on: planned once, granted once, or withdrawn' USING ERRCODE = 'ML003';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER training_requests_keep BEFORE UPDATE OR DELETE ON training_requests
    FOR EACH ROW EXECUTE FUNCTION training_request_moves_once();
CREATE TRIGGER training_requests_audit AFTER INSERT OR UPDATE ON training_requests
    FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER training_requests_no_truncate BEFORE TRUNCATE ON training_requests
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate();

GRANT SELECT, INSERT ON training_requests TO museolab_app;
GRANT UPDATE (session_id, validity_months, authorisation_id, withdrawn_at) ON training_requests TO museolab_app;
