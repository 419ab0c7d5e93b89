-- The running balance of each agreement's year, kept by the ledger's own inserts in their
-- transaction. The ledger stays the source, append-only and explained line by line; the balance
-- is its sum, which posting an entry and the quota status read in one row instead of adding up
-- the year's entries (tens of thousands by the end of a busy year, under the year's lock).

CREATE TABLE quota_year_balances (
    agreement_id      uuid NOT NULL REFERENCES agreements (id),
    year              integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    consumed_minutes  bigint NOT NULL,
    committed_minutes bigint NOT NULL,
    entries           bigint NOT NULL CHECK (entries > 0),
    PRIMARY KEY (agreement_id, year)
);

INSERT INTO quota_year_balances (agreement_id, year, consumed_minutes, committed_minutes, entries)
SELECT agreement_id, year, sum(consumed_minutes), sum(committed_minutes), count(*) FROM quota_ledger GROUP BY agreement_id, year;

-- Only this trigger writes balances (the service may read them): as the owner.
CREATE FUNCTION quota_ledger_balance() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    INSERT INTO quota_year_balances AS b (agreement_id, year, consumed_minutes, committed_minutes, entries)
    VALUES (NEW.agreement_id, NEW.year, NEW.consumed_minutes, NEW.committed_minutes, 1)
    ON CONFLICT (agreement_id, year) DO UPDATE
    SET consumed_minutes = b.consumed_minutes + EXCLUDED.consumed_minutes,
        committed_minutes = b.committed_minutes + EXCLUDED.committed_minutes,
        entries = b.entries + 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER quota_ledger_balance AFTER INSERT ON quota_ledger
    FOR EACH ROW EXECUTE FUNCTION quota_ledger_balance();

-- A balance changes with its ledger only: by the trigger above, as the owner, in a transaction
-- that inserts an entry. Nobody else updates or deletes one.
CREATE FUNCTION quota_year_balances_follow_the_ledger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF pg_trigger_depth() < 2 THEN
        RAISE EXCEPTION 'a quota balance is the sum of its ledger: post a ledger entry instead' USING ERRCODE = 'ML005';
    END IF;
    RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END
$$;

CREATE TRIGGER quota_year_balances_follow_the_ledger BEFORE INSERT OR UPDATE OR DELETE ON quota_year_balances
    FOR EACH ROW EXECUTE FUNCTION quota_year_balances_follow_the_ledger();
CREATE TRIGGER quota_year_balances_no_truncate BEFORE TRUNCATE ON quota_year_balances
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate();

GRANT SELECT ON quota_year_balances TO museolab_app;

-- Posting an entry: the year's lock, then its balance and the alerts fired, read after the lock
-- is held (a volatile function's queries each take a new snapshot: what the transaction that held
-- the lock before committed is seen). One round trip where the lock and the read were two.
CREATE FUNCTION quota_year_for_posting(p_agreement uuid, p_year integer,
                                       OUT consumed_minutes bigint, OUT committed_minutes bigint, OUT fired text[])
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('quota'), hashtext(p_agreement::text || p_year::text));
    SELECT coalesce(b.consumed_minutes, 0), coalesce(b.committed_minutes, 0) INTO consumed_minutes, committed_minutes
    FROM (SELECT 1) AS one LEFT JOIN quota_year_balances b ON b.agreement_id = p_agreement AND b.year = p_year;
    SELECT coalesce(array_agg(f.kind || ':' || f.threshold), '{}') INTO fired
    FROM quota_alerts f WHERE f.agreement_id = p_agreement AND f.year = p_year;
END
$$;

-- The quota status's other reads: the deliveries of an alert's messages, the consumption of the
-- last weeks (its burn-down), the overage waiting for a decision.
CREATE INDEX outbox_messages_topic_idx ON outbox_messages (topic);
CREATE INDEX quota_ledger_consumption_idx ON quota_ledger (agreement_id, recorded_at) INCLUDE (consumed_minutes) WHERE consumed_minutes > 0;
CREATE INDEX overage_items_pending_idx ON overage_items (agreement_id, year) INCLUDE (minutes) WHERE status = 'pending';
