-- Sessions recorded afterwards: a walk-in, or a session staff forgot to enter, recorded by a
-- manager once it is over, with what really happened. It is booked and completed in one
-- transaction (so the exclusion constraints judge it against what was really booked) and
-- keeps the mark for good.

ALTER TABLE support_sessions ADD COLUMN recorded_afterwards boolean NOT NULL DEFAULT false;

-- Set when the session is written, never changed after.
CREATE FUNCTION session_recorded_afterwards_kept() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.recorded_afterwards IS DISTINCT FROM OLD.recorded_afterwards THEN
        RAISE EXCEPTION 'whether a session was recorded afterwards never changes' USING ERRCODE = 'ML003';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER support_sessions_recorded_afterwards_kept BEFORE UPDATE OF recorded_afterwards ON support_sessions
    FOR EACH ROW EXECUTE FUNCTION session_recorded_afterwards_kept();

-- How far back a manager may record a session; older ones take an administrator.
ALTER TABLE scheduling_rules ADD COLUMN recording_window interval NOT NULL DEFAULT '31 days'
    CHECK (recording_window >= interval '0' AND recording_window <= interval '366 days');
