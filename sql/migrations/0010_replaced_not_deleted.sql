-- Nothing is hard-deleted, configuration included: opening hours, a staff member's weekly
-- pattern and the items of a tariff version not yet locked were replaced by deleting the old
-- rows. They now stay, marked with when they were replaced; the no-overlap constraints and the
-- one-code-per-version rule hold among the rows in force. A row in force may only be marked
-- replaced, once: nothing else of it changes, and DELETE is refused (and no longer granted).

CREATE FUNCTION only_mark_replaced() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    marker text := TG_ARGV[0];
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION '% rows are never deleted: they are marked %', TG_TABLE_NAME, marker
            USING ERRCODE = 'ML003';
    END IF;
    IF (to_jsonb(OLD) ->> marker) IS NOT NULL OR (to_jsonb(NEW) ->> marker) IS NULL
       OR (to_jsonb(NEW) - marker) <> (to_jsonb(OLD) - marker) THEN
        RAISE EXCEPTION '% rows only change by being marked %, once', TG_TABLE_NAME, marker
            USING ERRCODE = 'ML003';
    END IF;
    RETURN NEW;
END
$$;

ALTER TABLE opening_hours ADD COLUMN replaced_at timestamptz;
ALTER TABLE opening_hours DROP CONSTRAINT opening_hours_no_overlap;
ALTER TABLE opening_hours ADD CONSTRAINT opening_hours_no_overlap EXCLUDE USING gist (
    weekday WITH =, tsrange(date '2000-01-03' + opens_at, date '2000-01-03' + closes_at) WITH &&)
    WHERE (replaced_at IS NULL);
CREATE TRIGGER opening_hours_keep BEFORE UPDATE OR DELETE ON opening_hours
    FOR EACH ROW EXECUTE FUNCTION only_mark_replaced('replaced_at');

ALTER TABLE staff_weekly_availability ADD COLUMN replaced_at timestamptz;
ALTER TABLE staff_weekly_availability DROP CONSTRAINT staff_weekly_availability_no_overlap;
ALTER TABLE staff_weekly_availability ADD CONSTRAINT staff_weekly_availability_no_overlap EXCLUDE USING gist (
    staff_user_id WITH =, weekday WITH =,
    tsrange(date '2000-01-03' + starts_at, date '2000-01-03' + ends_at) WITH &&)
    WHERE (replaced_at IS NULL);
CREATE TRIGGER staff_weekly_availability_keep BEFORE UPDATE OR DELETE ON staff_weekly_availability
    FOR EACH ROW EXECUTE FUNCTION only_mark_replaced('replaced_at');

-- A withdrawn item keeps its prices (they are its own rows); the version's items in force are
-- those not withdrawn, one per code.
ALTER TABLE tariff_items ADD COLUMN withdrawn_at timestamptz;
ALTER TABLE tariff_items DROP CONSTRAINT tariff_items_version_id_code_key;
CREATE UNIQUE INDEX tariff_items_one_code_per_version ON tariff_items (version_id, code) WHERE withdrawn_at IS NULL;
-- Named to fire after tariff_*_locked (triggers fire by name): a locked version says so first.
CREATE TRIGGER tariff_items_withdrawn_only BEFORE UPDATE OR DELETE ON tariff_items
    FOR EACH ROW EXECUTE FUNCTION only_mark_replaced('withdrawn_at');
CREATE TRIGGER tariff_prices_unchanged BEFORE DELETE ON tariff_prices
    FOR EACH ROW EXECUTE FUNCTION refuse_delete('they stay with their item, which is withdrawn instead');

REVOKE DELETE ON opening_hours, staff_weekly_availability, tariff_items, tariff_prices FROM museolab_app;
GRANT UPDATE (replaced_at) ON opening_hours, staff_weekly_availability TO museolab_app;
GRANT UPDATE (withdrawn_at) ON tariff_items TO museolab_app;
