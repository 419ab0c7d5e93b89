-- Rooms (article 6): booking requests, their acceptance or refusal, the yearly free
-- allowances of the agreement, and the billable items accepted bookings produce.
--
-- Guaranteed here: two accepted bookings of one room never overlap (exclusion
-- constraint), a booking's layout belongs to its room, nothing is deleted, and a
-- booking's history is append-only.

-- So a booking can name (room, layout) and the database check they go together.
ALTER TABLE room_layouts ADD CONSTRAINT room_layouts_room_id_id_key UNIQUE (room_id, id);

-- Notification kinds may name subjects with underscores (room_booking.accepted).
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check,
    ADD CONSTRAINT notifications_kind_check CHECK (kind ~ '^[a-z]+(_[a-z]+)*(\.[a-z]+(_[a-z]+)*)*$');

CREATE TABLE room_bookings (
    id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- A short number for people: R-000042.
    number                 bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    room_id                uuid NOT NULL REFERENCES rooms (id),
    layout_id              uuid NOT NULL,
    requester_user_id      uuid NOT NULL REFERENCES users (id),
    organisation_id        uuid NOT NULL REFERENCES organisations (id),
    -- The agreement whose free allowance may apply (the university's).
    agreement_id           uuid REFERENCES agreements (id),
    purpose                text NOT NULL CHECK (length(btrim(purpose)) BETWEEN 1 AND 500),
    attendees              integer NOT NULL CHECK (attendees BETWEEN 1 AND 10000),
    period                 tstzrange NOT NULL CONSTRAINT room_bookings_period CHECK (is_bounded_period(period)),
    status                 text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'refused', 'cancelled')),
    -- Decided on acceptance: free (a use of the yearly allowance) or billable, and why.
    charge                 text CHECK (charge IN ('free', 'billable')),
    charge_reason          text,
    -- When the free use was taken, to count them in the order of acceptance.
    accepted_at            timestamptz,
    -- A free use handed back: cancelled before the start.
    free_use_returned      boolean NOT NULL DEFAULT false,
    revision               integer NOT NULL DEFAULT 0,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT room_bookings_layout_of_room FOREIGN KEY (room_id, layout_id) REFERENCES room_layouts (room_id, id),
    CONSTRAINT room_bookings_charge_when_accepted CHECK ((accepted_at IS NULL) = (charge IS NULL)),
    CONSTRAINT room_bookings_accepted_has_charge CHECK (status <> 'accepted' OR charge IS NOT NULL),
    CONSTRAINT room_bookings_no_overlap EXCLUDE USING gist (room_id WITH =, period WITH &&) WHERE (status = 'accepted')
);

CREATE INDEX room_bookings_period_idx ON room_bookings USING gist (period);
CREATE INDEX room_bookings_requester_idx ON room_bookings (requester_user_id);
CREATE INDEX room_bookings_allowance_idx ON room_bookings (agreement_id, room_id, accepted_at) WHERE charge IS NOT NULL;

-- Who moved a booking, when and why. Append-only.
CREATE TABLE room_booking_events (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    booking_id    uuid NOT NULL REFERENCES room_bookings (id),
    occurred_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    from_status   text,
    to_status     text NOT NULL,
    actor         text NOT NULL,
    actor_user_id uuid,
    reason        text CHECK (length(reason) <= 1000)
);

CREATE INDEX room_booking_events_booking_idx ON room_booking_events (booking_id, id);

-- ---------------------------------------------------------------------------
-- Billable items: what is to be invoiced, priced by the tariff grid in force on the
-- service date (the billing migration adds the prices).
-- ---------------------------------------------------------------------------

CREATE TABLE billable_items (
    id                       uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    kind                     text NOT NULL CHECK (kind IN ('room_service_fees', 'room_rental', 'support_overage', 'machine_use', 'consumable')),
    customer_organisation_id uuid NOT NULL REFERENCES organisations (id),
    agreement_id             uuid REFERENCES agreements (id),
    room_booking_id          uuid REFERENCES room_bookings (id),
    overage_item_id          uuid REFERENCES overage_items (id),
    session_id               uuid REFERENCES support_sessions (id),
    service_date             date NOT NULL,
    description              text NOT NULL CHECK (length(btrim(description)) BETWEEN 1 AND 500),
    -- What the grid prices: minutes of use, or a count.
    minutes                  integer CHECK (minutes > 0),
    quantity                 integer NOT NULL DEFAULT 1 CHECK (quantity > 0),
    status                   text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'cancelled', 'invoiced')),
    cancellation_reason      text,
    created_at               timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT billable_items_cancelled_reason CHECK (status <> 'cancelled' OR length(btrim(cancellation_reason)) > 0)
);

CREATE INDEX billable_items_customer_idx ON billable_items (customer_organisation_id, service_date) WHERE status = 'open';
CREATE UNIQUE INDEX billable_items_once_per_booking ON billable_items (room_booking_id, kind) WHERE status <> 'cancelled';
CREATE UNIQUE INDEX billable_items_once_per_overage ON billable_items (overage_item_id) WHERE status <> 'cancelled';

-- ---------------------------------------------------------------------------
-- Triggers
-- ---------------------------------------------------------------------------

CREATE TRIGGER room_bookings_audit AFTER INSERT OR UPDATE OR DELETE ON room_bookings
    FOR EACH ROW EXECUTE FUNCTION audit_row('updated_at');
CREATE TRIGGER billable_items_audit AFTER INSERT OR UPDATE OR DELETE ON billable_items
    FOR EACH ROW EXECUTE FUNCTION audit_row();

CREATE TRIGGER room_bookings_keep BEFORE DELETE ON room_bookings
    FOR EACH ROW EXECUTE FUNCTION refuse_delete('cancel the booking instead');
CREATE TRIGGER billable_items_keep BEFORE DELETE ON billable_items
    FOR EACH ROW EXECUTE FUNCTION refuse_delete('cancel the item instead');
CREATE TRIGGER room_booking_events_append_only BEFORE UPDATE OR DELETE ON room_booking_events
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

CREATE TRIGGER room_bookings_touch BEFORE UPDATE ON room_bookings
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
