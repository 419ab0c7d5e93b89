-- The 400-hour support quota (article 5-4): an append-only ledger per agreement and
-- year, alerts that fire once each, overage items awaiting a decision, and the
-- durable outbox that delivers alerts by e-mail and webhook.

-- The cancellation policy the agreement states: do late cancellations and no-shows count?
ALTER TABLE agreements
    ADD COLUMN late_cancellations_count boolean NOT NULL DEFAULT true,
    ADD COLUMN no_shows_count boolean NOT NULL DEFAULT true,
    -- Percentages of the quota, reached by consumed hours, that raise an alert.
    ADD COLUMN alert_thresholds smallint[] NOT NULL DEFAULT '{75,90,100}'
        CONSTRAINT agreements_alert_thresholds_valid
        CHECK (cardinality(alert_thresholds) BETWEEN 1 AND 10 AND 0 < ALL (alert_thresholds) AND 1000 >= ALL (alert_thresholds));

-- ---------------------------------------------------------------------------
-- The ledger: every change to the committed and consumed minutes of a year
-- ---------------------------------------------------------------------------

CREATE TABLE quota_ledger (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    agreement_id      uuid NOT NULL REFERENCES agreements (id),
    year              integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    -- commitment (confirmed), release (cancelled), consumption (completed),
    -- late_cancellation / no_show (counted by the policy), adjustment (manual).
    kind              text NOT NULL CHECK (kind IN ('commitment', 'release', 'consumption', 'late_cancellation',
                                                    'no_show', 'adjustment')),
    session_id        uuid REFERENCES support_sessions (id),
    committed_minutes integer NOT NULL,
    consumed_minutes  integer NOT NULL,
    reason            text CHECK (length(reason) <= 1000),
    actor             text NOT NULL,
    actor_user_id     uuid,
    recorded_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT quota_ledger_moves_something CHECK (committed_minutes <> 0 OR consumed_minutes <> 0),
    CONSTRAINT quota_ledger_session_or_adjustment CHECK ((kind = 'adjustment') = (session_id IS NULL)),
    CONSTRAINT quota_ledger_adjustment_has_reason CHECK (kind <> 'adjustment' OR length(btrim(reason)) > 0)
);

CREATE INDEX quota_ledger_agreement_year_idx ON quota_ledger (agreement_id, year, id);
CREATE INDEX quota_ledger_session_idx ON quota_ledger (session_id);

CREATE TRIGGER quota_ledger_append_only BEFORE UPDATE OR DELETE ON quota_ledger
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER quota_ledger_no_truncate BEFORE TRUNCATE ON quota_ledger
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

-- ---------------------------------------------------------------------------
-- Alerts: each threshold fires once per agreement and year
-- ---------------------------------------------------------------------------

CREATE TABLE quota_alerts (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    agreement_id      uuid NOT NULL REFERENCES agreements (id),
    year              integer NOT NULL,
    -- threshold: consumed reached threshold % of the quota;
    -- projected: consumed plus committed passed the quota.
    kind              text NOT NULL CHECK (kind IN ('threshold', 'projected')),
    threshold         smallint NOT NULL,
    fired_at          timestamptz NOT NULL DEFAULT now(),
    quota_minutes     integer NOT NULL,
    consumed_minutes  integer NOT NULL,
    committed_minutes integer NOT NULL,
    ledger_entry_id   bigint NOT NULL REFERENCES quota_ledger (id),
    acknowledged_at   timestamptz,
    acknowledged_by   text,
    CONSTRAINT quota_alerts_once UNIQUE (agreement_id, year, kind, threshold)
);

-- Where alerts go: e-mail addresses and webhook URLs.
CREATE TABLE alert_recipients (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    agreement_id uuid NOT NULL REFERENCES agreements (id),
    channel      text NOT NULL CHECK (channel IN ('email', 'webhook')),
    address      text NOT NULL CHECK (length(address) BETWEEN 3 AND 500),
    created_at   timestamptz NOT NULL DEFAULT now(),
    removed_at   timestamptz
);

CREATE UNIQUE INDEX alert_recipients_once ON alert_recipients (agreement_id, channel, lower(address)) WHERE removed_at IS NULL;

-- ---------------------------------------------------------------------------
-- Overage: hours beyond the quota, awaiting the manager's decision
-- ---------------------------------------------------------------------------

CREATE TABLE overage_items (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    agreement_id    uuid NOT NULL REFERENCES agreements (id),
    year            integer NOT NULL,
    session_id      uuid REFERENCES support_sessions (id),
    ledger_entry_id bigint NOT NULL UNIQUE REFERENCES quota_ledger (id),
    minutes         integer NOT NULL CHECK (minutes > 0),
    -- The service date: the tariff grid in force then prices it.
    service_date    date NOT NULL,
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'billed', 'waived')),
    decided_at      timestamptz,
    decided_by      text,
    decision_reason text CHECK (length(decision_reason) <= 1000),
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT overage_items_decision CHECK ((status = 'pending') = (decided_at IS NULL)),
    CONSTRAINT overage_items_reason CHECK (status = 'pending' OR length(btrim(decision_reason)) > 0)
);

CREATE INDEX overage_items_agreement_idx ON overage_items (agreement_id, year);

-- ---------------------------------------------------------------------------
-- The outbox: messages written in the transaction that decided them, delivered
-- later by the server, retried with backoff, never lost.
-- ---------------------------------------------------------------------------

CREATE TABLE outbox_messages (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    channel         text NOT NULL CHECK (channel IN ('email', 'webhook')),
    recipient       text NOT NULL,
    subject         text NOT NULL,
    body            text NOT NULL,
    payload         jsonb NOT NULL,
    -- What the message is about, so one alert is queued once per recipient.
    topic           text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    delivered_at    timestamptz,
    last_error      text,
    CONSTRAINT outbox_messages_once UNIQUE (topic, channel, recipient)
);

CREATE INDEX outbox_messages_due_idx ON outbox_messages (next_attempt_at) WHERE delivered_at IS NULL;

-- Wakes the dispatcher as soon as a message is queued (it also polls).
CREATE FUNCTION outbox_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('museolab_outbox', NEW.id::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER outbox_messages_notify AFTER INSERT ON outbox_messages
    FOR EACH ROW EXECUTE FUNCTION outbox_notify();

-- ---------------------------------------------------------------------------
-- Triggers
-- ---------------------------------------------------------------------------

CREATE TRIGGER quota_alerts_audit AFTER INSERT OR UPDATE OR DELETE ON quota_alerts
    FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER alert_recipients_audit AFTER INSERT OR UPDATE OR DELETE ON alert_recipients
    FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER overage_items_audit AFTER INSERT OR UPDATE OR DELETE ON overage_items
    FOR EACH ROW EXECUTE FUNCTION audit_row();

CREATE TRIGGER quota_alerts_keep BEFORE DELETE ON quota_alerts
    FOR EACH ROW EXECUTE FUNCTION refuse_delete('alerts are acknowledged, not deleted');
CREATE TRIGGER alert_recipients_keep BEFORE DELETE ON alert_recipients
    FOR EACH ROW EXECUTE FUNCTION refuse_delete('remove the recipient instead');
CREATE TRIGGER overage_items_keep BEFORE DELETE ON overage_items
    FOR EACH ROW EXECUTE FUNCTION refuse_delete('waive the item instead');
CREATE TRIGGER outbox_messages_keep BEFORE DELETE ON outbox_messages
    FOR EACH ROW EXECUTE FUNCTION refuse_delete('messages are delivered, not deleted');
