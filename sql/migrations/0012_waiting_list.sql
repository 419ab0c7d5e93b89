-- The waiting list: a member whose slot is taken asks to be told if it frees up, for a machine
-- or a staff member's time. A cancellation that frees it tells the waiting members in the order
-- they asked; nothing is booked for them. A request is closed once, told or withdrawn; nothing
-- is deleted.

CREATE TABLE waiting_requests (
    id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- The order of asking: who asked first is told first.
    number                bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    user_id               uuid NOT NULL REFERENCES users (id),
    machine_id            uuid REFERENCES machines (id),
    staff_user_id         uuid REFERENCES users (id),
    period                tstzrange NOT NULL,
    asked_at              timestamptz NOT NULL,
    notified_at           timestamptz,
    freed_by_session_id   uuid REFERENCES support_sessions (id),
    withdrawn_at          timestamptz,
    CONSTRAINT waiting_requests_one_resource CHECK ((machine_id IS NULL) <> (staff_user_id IS NULL)),
    CONSTRAINT waiting_requests_period CHECK (NOT isempty(period) AND lower_inc(period) AND NOT upper_inc(period)
        AND upper(period) - lower(period) <= interval '14 days'),
    CONSTRAINT waiting_requests_told_by_a_session CHECK ((notified_at IS NULL) = (freed_by_session_id IS NULL)),
    CONSTRAINT waiting_requests_closed_once CHECK (notified_at IS NULL OR withdrawn_at IS NULL)
);

-- One open request per member, resource and time range.
CREATE UNIQUE INDEX waiting_requests_once ON waiting_requests (user_id, coalesce(machine_id, staff_user_id), period)
    WHERE notified_at IS NULL AND withdrawn_at IS NULL;
CREATE INDEX waiting_requests_open_idx ON waiting_requests USING gist (period)
    WHERE notified_at IS NULL AND withdrawn_at IS NULL;
CREATE INDEX waiting_requests_user_idx ON waiting_requests (user_id, number);

-- Open, then closed once (told, or withdrawn); nothing else changes, nothing is deleted.
CREATE FUNCTION waiting_request_closed_once() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'waiting requests are never deleted: they are withdrawn' USING ERRCODE = 'ML003';
    END IF;
    IF OLD.notified_at IS NOT NULL OR OLD.withdrawn_at IS NOT NULL
       OR (to_jsonb(NEW) - ARRAY['notified_at', 'freed_by_session_id', 'withdrawn_at'])
          <> (to_jsonb(OLD) - ARRAY['notified_at', 'freed_by_session_id', 'withdrawn_at']) THEN
        RAISE EXCEPTION 'a waiting request only changes by being closed, once' USING ERRCODE = 'ML003';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER waiting_requests_keep BEFORE UPDATE OR DELETE ON waiting_requests
    FOR EACH ROW EXECUTE FUNCTION waiting_request_closed_once();
CREATE TRIGGER waiting_requests_audit AFTER INSERT OR UPDATE ON waiting_requests
    FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER waiting_requests_no_truncate BEFORE TRUNCATE ON waiting_requests
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate();

GRANT SELECT, INSERT ON waiting_requests TO museolab_app;
GRANT UPDATE (notified_at, freed_by_session_id, withdrawn_at) ON waiting_requests TO museolab_app;
