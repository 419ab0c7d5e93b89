-- Recurring sessions: a series asked at once (a course, a project coming every week or every N
-- weeks). Each occurrence is an ordinary session, booked on its own; the series remembers which
-- sessions it booked, and in which place, so that it is confirmed or cancelled from an
-- occurrence on in one action. Occurrences the rules refused were never sessions: the answer to
-- the request says why, occurrence by occurrence.

CREATE TABLE session_series (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    requester_user_id uuid NOT NULL REFERENCES users (id),
    every_weeks       integer NOT NULL CHECK (every_weeks BETWEEN 1 AND 4),
    occurrences       integer NOT NULL CHECK (occurrences BETWEEN 2 AND 52),
    created_at        timestamptz NOT NULL,
    created_by        text NOT NULL
);

CREATE TABLE session_series_occurrences (
    series_id  uuid NOT NULL REFERENCES session_series (id),
    occurrence integer NOT NULL CHECK (occurrence >= 1),
    session_id uuid NOT NULL UNIQUE REFERENCES support_sessions (id),
    PRIMARY KEY (series_id, occurrence)
);

CREATE TRIGGER session_series_keep BEFORE UPDATE OR DELETE ON session_series
    FOR EACH ROW EXECUTE FUNCTION refuse_delete('a series is kept as it was asked');
CREATE TRIGGER session_series_occurrences_keep BEFORE UPDATE OR DELETE ON session_series_occurrences
    FOR EACH ROW EXECUTE FUNCTION refuse_delete('an occurrence stays in its series: cancel its session instead');
CREATE TRIGGER session_series_audit AFTER INSERT ON session_series
    FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER session_series_no_truncate BEFORE TRUNCATE ON session_series
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate();
CREATE TRIGGER session_series_occurrences_no_truncate BEFORE TRUNCATE ON session_series_occurrences
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate();

GRANT SELECT, INSERT ON session_series, session_series_occurrences TO museolab_app;
