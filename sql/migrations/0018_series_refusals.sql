-- What a series could not book, occurrence by occurrence, as it was answered: the answer stays
-- readable afterwards (the member's page, the API), not only in the reply to the request.

CREATE TABLE session_series_refusals (
    series_id  uuid NOT NULL REFERENCES session_series (id),
    occurrence integer NOT NULL CHECK (occurrence >= 1),
    period     tstzrange NOT NULL CHECK (NOT isempty(period) AND NOT lower_inf(period) AND NOT upper_inf(period)),
    kind       text NOT NULL CHECK (kind <> ''),
    detail     text NOT NULL,
    field      text,
    PRIMARY KEY (series_id, occurrence)
);

CREATE TRIGGER session_series_refusals_keep BEFORE UPDATE OR DELETE ON session_series_refusals
    FOR EACH ROW EXECUTE FUNCTION refuse_delete('a refusal is kept as it was answered');
CREATE TRIGGER session_series_refusals_no_truncate BEFORE TRUNCATE ON session_series_refusals
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate();

GRANT SELECT, INSERT ON session_series_refusals TO museolab_app;
