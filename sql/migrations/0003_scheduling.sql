-- Scheduling: the calendar (opening hours, closures, staff availability), machine
-- authorisations, maintenance windows, support sessions and their lifecycle, the
-- in-app notifications, and the private iCalendar feeds.
--
-- What the database guarantees itself, whatever the application does:
--   * a machine is never booked twice at the same time, nor booked during its
--     maintenance: one exclusion constraint over everything that occupies it;
--   * a staff member never supervises two active sessions at the same time;
--   * a session's machine occupations follow its status and period (trigger);
--   * sessions, maintenance windows and authorisations are never deleted, and a
--     session's lifecycle events are append-only.

CREATE EXTENSION IF NOT EXISTS btree_gist;

-- A bounded, non-empty [start, end) range of instants.
CREATE FUNCTION is_bounded_period(period tstzrange) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT NOT isempty(period) AND NOT lower_inf(period) AND NOT upper_inf(period)
       AND lower_inc(period) AND NOT upper_inc(period)
$$;

-- ---------------------------------------------------------------------------
-- Rules LLV can change (one row)
-- ---------------------------------------------------------------------------

CREATE TABLE scheduling_rules (
    id                  boolean PRIMARY KEY DEFAULT true CHECK (id),
    -- Cancelling later than this before the start is a late cancellation.
    cancellation_notice interval NOT NULL DEFAULT '48 hours' CHECK (cancellation_notice >= interval '0'),
    -- The longest session (a full day of support is 8 hours, article 5-4).
    maximum_duration    interval NOT NULL DEFAULT '8 hours'
                             CHECK (maximum_duration > interval '0' AND maximum_duration <= interval '24 hours'),
    -- How far ahead one may book.
    booking_horizon     interval NOT NULL DEFAULT '400 days' CHECK (booking_horizon > interval '0'),
    updated_at          timestamptz NOT NULL DEFAULT now()
);

INSERT INTO scheduling_rules DEFAULT VALUES;

-- ---------------------------------------------------------------------------
-- Calendar: opening hours (local time, Europe/Paris) and closures
-- ---------------------------------------------------------------------------

CREATE TABLE opening_hours (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- ISO 8601 weekday: 1 = Monday ... 7 = Sunday.
    weekday    smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    opens_at   time NOT NULL,
    closes_at  time NOT NULL,
    CONSTRAINT opening_hours_order CHECK (closes_at > opens_at),
    CONSTRAINT opening_hours_no_overlap EXCLUDE USING gist (
        weekday WITH =, tsrange(date '2000-01-03' + opens_at, date '2000-01-03' + closes_at) WITH &&)
);

-- Example hours, Monday to Friday 09:00-18:00, for LLV to set (PUT /v1/calendar/opening-hours).
INSERT INTO opening_hours (weekday, opens_at, closes_at)
SELECT day, time '09:00', time '18:00' FROM generate_series(1, 5) AS day;

-- LLV's own closures (French public holidays are computed, not stored).
CREATE TABLE closures (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    starts_on    date NOT NULL,
    ends_on      date NOT NULL,
    label        text NOT NULL CHECK (length(btrim(label)) BETWEEN 1 AND 200),
    created_at   timestamptz NOT NULL DEFAULT now(),
    withdrawn_at timestamptz,
    CONSTRAINT closures_order CHECK (ends_on >= starts_on)
);

-- ---------------------------------------------------------------------------
-- Staff availability: a weekly pattern, and exceptions (absences, extra hours)
-- ---------------------------------------------------------------------------

CREATE TABLE staff_weekly_availability (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    staff_user_id uuid NOT NULL REFERENCES users (id),
    weekday       smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    starts_at     time NOT NULL,
    ends_at       time NOT NULL,
    CONSTRAINT staff_weekly_availability_order CHECK (ends_at > starts_at),
    CONSTRAINT staff_weekly_availability_no_overlap EXCLUDE USING gist (
        staff_user_id WITH =, weekday WITH =,
        tsrange(date '2000-01-03' + starts_at, date '2000-01-03' + ends_at) WITH &&)
);

CREATE TABLE staff_availability_exceptions (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    staff_user_id uuid NOT NULL REFERENCES users (id),
    period        tstzrange NOT NULL CONSTRAINT staff_availability_exceptions_period CHECK (is_bounded_period(period)),
    -- false: an absence; true: hours available outside the weekly pattern.
    available     boolean NOT NULL,
    reason        text CHECK (length(reason) <= 500),
    created_at    timestamptz NOT NULL DEFAULT now(),
    withdrawn_at  timestamptz
);

CREATE INDEX staff_availability_exceptions_idx ON staff_availability_exceptions USING gist (staff_user_id, period);

-- ---------------------------------------------------------------------------
-- Machine authorisations (training), per machine or per category
-- ---------------------------------------------------------------------------

CREATE TABLE machine_authorisations (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id            uuid NOT NULL REFERENCES users (id),
    machine_id         uuid REFERENCES machines (id),
    category           text CHECK (category ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    granted_on         date NOT NULL,
    expires_on         date,
    granted_by         text NOT NULL,
    note               text CHECK (length(note) <= 500),
    created_at         timestamptz NOT NULL DEFAULT now(),
    revoked_at         timestamptz,
    revoked_by         text,
    revocation_reason  text CHECK (length(revocation_reason) <= 500),
    CONSTRAINT machine_authorisations_one_scope CHECK (num_nonnulls(machine_id, category) = 1),
    CONSTRAINT machine_authorisations_order CHECK (expires_on IS NULL OR expires_on >= granted_on)
);

CREATE INDEX machine_authorisations_user_idx ON machine_authorisations (user_id);

-- ---------------------------------------------------------------------------
-- Support sessions (séances d'accompagnement) and machine bookings
-- ---------------------------------------------------------------------------

CREATE TABLE support_sessions (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- A short number for people: S-000042.
    number             bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    -- Supervised by a staff member, or a machine booking without supervision.
    supervised         boolean NOT NULL,
    requester_user_id  uuid NOT NULL REFERENCES users (id),
    organisation_id    uuid NOT NULL REFERENCES organisations (id),
    -- The agreement the session is charged to (the university's), if any.
    agreement_id       uuid REFERENCES agreements (id),
    staff_user_id      uuid REFERENCES users (id),
    purpose            text NOT NULL CHECK (length(btrim(purpose)) BETWEEN 1 AND 500),
    participants       integer NOT NULL CHECK (participants BETWEEN 1 AND 200),
    period             tstzrange NOT NULL CONSTRAINT support_sessions_period CHECK (is_bounded_period(period)),
    status             text NOT NULL DEFAULT 'requested'
                            CHECK (status IN ('requested', 'confirmed', 'completed', 'cancelled', 'no_show')),
    -- What really happened, recorded by staff on completion.
    actual_period      tstzrange CONSTRAINT support_sessions_actual_period CHECK (is_bounded_period(actual_period)),
    late_cancellation  boolean NOT NULL DEFAULT false,
    -- Bumped on every change: the iCalendar SEQUENCE.
    revision           integer NOT NULL DEFAULT 0 CHECK (revision >= 0),
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT support_sessions_staff_when_supervised CHECK (supervised = (staff_user_id IS NOT NULL)),
    CONSTRAINT support_sessions_actual_when_completed CHECK ((status = 'completed') = (actual_period IS NOT NULL)),
    CONSTRAINT support_sessions_late_only_when_cancelled CHECK (NOT late_cancellation OR status = 'cancelled'),
    CONSTRAINT support_sessions_staff_no_overlap EXCLUDE USING gist (staff_user_id WITH =, period WITH &&)
        WHERE (status IN ('requested', 'confirmed'))
);

CREATE INDEX support_sessions_requester_idx ON support_sessions (requester_user_id, lower(period));
CREATE INDEX support_sessions_period_idx ON support_sessions USING gist (period);

-- Who moved a session from one status to another, when and why. Append-only.
CREATE TABLE session_events (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_id    uuid NOT NULL REFERENCES support_sessions (id),
    occurred_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    from_status   text,
    to_status     text NOT NULL,
    actor         text NOT NULL,
    actor_user_id uuid,
    reason        text CHECK (length(reason) <= 1000)
);

CREATE INDEX session_events_session_idx ON session_events (session_id, id);

-- Maintenance windows: the machine cannot be booked during them.
CREATE TABLE maintenance_windows (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    machine_id    uuid NOT NULL REFERENCES machines (id),
    period        tstzrange NOT NULL CONSTRAINT maintenance_windows_period CHECK (is_bounded_period(period)),
    reason        text NOT NULL CHECK (length(btrim(reason)) BETWEEN 1 AND 500),
    created_by    text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    withdrawn_at  timestamptz,
    withdrawn_by  text
);

-- Everything that occupies a machine: booked sessions and maintenance windows.
-- One exclusion constraint keeps them apart.
CREATE TABLE machine_occupations (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    machine_id     uuid NOT NULL REFERENCES machines (id),
    period         tstzrange NOT NULL CHECK (is_bounded_period(period)),
    session_id     uuid REFERENCES support_sessions (id),
    maintenance_id uuid REFERENCES maintenance_windows (id),
    active         boolean NOT NULL DEFAULT true,
    CONSTRAINT machine_occupations_one_cause CHECK (num_nonnulls(session_id, maintenance_id) = 1),
    CONSTRAINT machine_occupations_once_per_session UNIQUE (session_id, machine_id),
    CONSTRAINT machine_occupations_no_overlap EXCLUDE USING gist (machine_id WITH =, period WITH &&) WHERE (active)
);

CREATE INDEX machine_occupations_session_idx ON machine_occupations (session_id);
CREATE INDEX machine_occupations_maintenance_idx ON machine_occupations (maintenance_id);

-- A session's occupations follow it: active while requested or confirmed, over its period.
CREATE FUNCTION sync_session_occupations() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status IS DISTINCT FROM OLD.status OR NEW.period IS DISTINCT FROM OLD.period THEN
        UPDATE machine_occupations
        SET active = NEW.status IN ('requested', 'confirmed'), period = NEW.period
        WHERE session_id = NEW.id;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER support_sessions_sync_occupations AFTER UPDATE ON support_sessions
    FOR EACH ROW EXECUTE FUNCTION sync_session_occupations();

CREATE FUNCTION sync_maintenance_occupations() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE machine_occupations
    SET active = NEW.withdrawn_at IS NULL, period = NEW.period
    WHERE maintenance_id = NEW.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER maintenance_windows_sync_occupations AFTER UPDATE ON maintenance_windows
    FOR EACH ROW EXECUTE FUNCTION sync_maintenance_occupations();

-- ---------------------------------------------------------------------------
-- Notifications (in the app; the outbox delivers them by e-mail) and feeds
-- ---------------------------------------------------------------------------

CREATE TABLE notifications (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id    uuid NOT NULL REFERENCES users (id),
    kind       text NOT NULL CHECK (kind ~ '^[a-z]+(\.[a-z_]+)*$'),
    subject    text NOT NULL,
    body       text NOT NULL,
    session_id uuid REFERENCES support_sessions (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    read_at    timestamptz
);

CREATE INDEX notifications_user_idx ON notifications (user_id, created_at DESC);

-- A user's private iCalendar feed: the URL holds a secret, stored as SHA-256 only.
CREATE TABLE calendar_feeds (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id     uuid NOT NULL REFERENCES users (id),
    token_hash  bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    prefix      text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);

-- One live feed per user.
CREATE UNIQUE INDEX calendar_feeds_one_live ON calendar_feeds (user_id) WHERE revoked_at IS NULL;

-- ---------------------------------------------------------------------------
-- Triggers: audit, no hard deletes, append-only events, updated_at
-- ---------------------------------------------------------------------------

CREATE TRIGGER scheduling_rules_audit AFTER INSERT OR UPDATE OR DELETE ON scheduling_rules
    FOR EACH ROW EXECUTE FUNCTION audit_row('updated_at');
CREATE TRIGGER opening_hours_audit AFTER INSERT OR UPDATE OR DELETE ON opening_hours
    FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER closures_audit AFTER INSERT OR UPDATE OR DELETE ON closures
    FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER staff_weekly_availability_audit AFTER INSERT OR UPDATE OR DELETE ON staff_weekly_availability
    FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER staff_availability_exceptions_audit AFTER INSERT OR UPDATE OR DELETE ON staff_availability_exceptions
    FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER machine_authorisations_audit AFTER INSERT OR UPDATE OR DELETE ON machine_authorisations
    FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER support_sessions_audit AFTER INSERT OR UPDATE OR DELETE ON support_sessions
    FOR EACH ROW EXECUTE FUNCTION audit_row('updated_at');
CREATE TRIGGER maintenance_windows_audit AFTER INSERT OR UPDATE OR DELETE ON maintenance_windows
    FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER calendar_feeds_audit AFTER INSERT OR UPDATE OR DELETE ON calendar_feeds
    FOR EACH ROW EXECUTE FUNCTION audit_row();

CREATE TRIGGER closures_keep BEFORE DELETE ON closures
    FOR EACH ROW EXECUTE FUNCTION refuse_delete('withdraw the closure instead');
CREATE TRIGGER staff_availability_exceptions_keep BEFORE DELETE ON staff_availability_exceptions
    FOR EACH ROW EXECUTE FUNCTION refuse_delete('withdraw the exception instead');
CREATE TRIGGER machine_authorisations_keep BEFORE DELETE ON machine_authorisations
    FOR EACH ROW EXECUTE FUNCTION refuse_delete('revoke the authorisation instead');
CREATE TRIGGER support_sessions_keep BEFORE DELETE ON support_sessions
    FOR EACH ROW EXECUTE FUNCTION refuse_delete('cancel the session instead');
CREATE TRIGGER maintenance_windows_keep BEFORE DELETE ON maintenance_windows
    FOR EACH ROW EXECUTE FUNCTION refuse_delete('withdraw the maintenance window instead');
CREATE TRIGGER machine_occupations_keep BEFORE DELETE ON machine_occupations
    FOR EACH ROW EXECUTE FUNCTION refuse_delete('occupations follow their session or maintenance window');
CREATE TRIGGER notifications_keep BEFORE DELETE ON notifications
    FOR EACH ROW EXECUTE FUNCTION refuse_delete('notifications are marked read');
CREATE TRIGGER calendar_feeds_keep BEFORE DELETE ON calendar_feeds
    FOR EACH ROW EXECUTE FUNCTION refuse_delete('revoke the feed instead');

CREATE FUNCTION refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'ML002';
END
$$;

CREATE TRIGGER session_events_append_only BEFORE UPDATE OR DELETE ON session_events
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

CREATE TRIGGER support_sessions_touch BEFORE UPDATE ON support_sessions
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER scheduling_rules_touch BEFORE UPDATE ON scheduling_rules
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
