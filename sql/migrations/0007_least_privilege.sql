-- Least privilege: the server connects as a role that owns nothing.
--
-- The role that runs the migrations owns the schema (tables, triggers, functions). The
-- server's role is a member of the group role `museolab_app`, which holds only the rights
-- the service uses: it reads, inserts and updates what the domain writes, deletes only the
-- rows of configuration that is replaced as a whole (opening hours, weekly availability,
-- the items of a grid version not yet locked), and can never ALTER a table, disable a
-- trigger, TRUNCATE, or write the audit log except through the audit trigger.
--
-- Deployment (README, Deploying): CREATE ROLE museolab_app NOLOGIN; a login role for the
-- server IN ROLE museolab_app; the database owned by the migrations' role.

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'museolab_app') THEN
        BEGIN
            CREATE ROLE museolab_app NOLOGIN;
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE EXCEPTION 'the role museolab_app does not exist, and % may not create it', current_user
                USING HINT = 'as a superuser: CREATE ROLE museolab_app NOLOGIN; then GRANT museolab_app TO the server''s role (README, Deploying)';
        END;
    END IF;
END
$$;

-- Before PostgreSQL 15 every role may create tables in public; the server's role must own
-- nothing. Only the schema's owner can revoke it: others are told.
DO $$
BEGIN
    REVOKE CREATE ON SCHEMA public FROM PUBLIC;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE WARNING 'could not revoke CREATE on schema public from PUBLIC (not its owner): do it as a superuser';
END
$$;

-- ---------------------------------------------------------------------------
-- The audit log is written by its trigger only: the trigger runs with the rights of the
-- schema's owner, so the server's role needs (and has) no INSERT on audit_log.
-- ---------------------------------------------------------------------------

ALTER FUNCTION audit_row() SECURITY DEFINER SET search_path = public, pg_temp;

-- ---------------------------------------------------------------------------
-- Rights of the service.
-- ---------------------------------------------------------------------------

GRANT USAGE ON SCHEMA public TO museolab_app;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO museolab_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO museolab_app;

-- Append-only records: written once, never changed.
GRANT INSERT ON session_events, room_booking_events, quota_ledger, inventory_imports, tariff_categories,
    agreement_terms, agreement_room_allowances, organisation_components TO museolab_app;

-- Records with a life cycle (statuses, revocations, corrections).
GRANT INSERT, UPDATE ON organisations, users, api_tokens, machines, agreements,
    rooms, room_layouts, machine_authorisations, support_sessions, maintenance_windows, machine_occupations,
    closures, staff_availability_exceptions, notifications, calendar_feeds, quota_alerts, alert_recipients,
    overage_items, outbox_messages, room_bookings, billable_items, tariff_versions, billing_settings, document_counters, invoices, invoice_lines TO museolab_app;

-- Settings kept in one row: changed, never added to.
GRANT UPDATE ON scheduling_rules TO museolab_app;

-- Configuration replaced as a whole (each deletion is in the audit log).
GRANT INSERT, DELETE ON opening_hours, staff_weekly_availability, tariff_items, tariff_prices TO museolab_app;

-- ---------------------------------------------------------------------------
-- TRUNCATE skips row triggers: every protected table refuses it with a statement trigger.
-- (audit_log and quota_ledger already do.)
-- ---------------------------------------------------------------------------

CREATE FUNCTION refuse_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is never truncated: its rows are history', TG_TABLE_NAME
        USING ERRCODE = 'ML003';
END
$$;

DO $$
DECLARE
    protected text;
BEGIN
    FOREACH protected IN ARRAY ARRAY[
        'schema_migrations', 'tariff_categories', 'organisations', 'organisation_components', 'users', 'api_tokens',
        'machines', 'inventory_imports', 'agreements', 'agreement_terms', 'rooms', 'room_layouts',
        'agreement_room_allowances', 'scheduling_rules', 'opening_hours', 'closures', 'staff_weekly_availability',
        'staff_availability_exceptions', 'machine_authorisations', 'support_sessions', 'session_events',
        'maintenance_windows', 'machine_occupations', 'notifications', 'calendar_feeds', 'quota_alerts',
        'alert_recipients', 'overage_items', 'outbox_messages', 'room_bookings', 'room_booking_events',
        'billable_items', 'billing_settings', 'tariff_versions', 'tariff_items', 'tariff_prices',
        'document_counters', 'invoices', 'invoice_lines'
    ] LOOP
        EXECUTE format(
            'CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate()',
            protected || '_no_truncate', protected);
    END LOOP;
END
$$;
