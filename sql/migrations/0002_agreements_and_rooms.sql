-- The partnership agreement (convention) and its amendments (avenants), the rooms
-- of article 6 with their layouts, and the yearly free room allowances.

CREATE TABLE agreements (
    id                       uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    reference                text NOT NULL UNIQUE CHECK (length(btrim(reference)) BETWEEN 1 AND 50),
    title                    text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 300),
    -- The customer (the university) and the provider running the MuséoLab (LLV).
    customer_organisation_id uuid NOT NULL REFERENCES organisations (id),
    provider_organisation_id uuid NOT NULL REFERENCES organisations (id),
    starts_on                date NOT NULL,
    ends_on                  date NOT NULL,
    -- Where quota alerts go (article 5-4 names museolab@univ-artois.fr).
    contact_email            text CHECK (contact_email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'),
    created_at               timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT agreements_period CHECK (ends_on >= starts_on),
    CONSTRAINT agreements_two_parties CHECK (customer_organisation_id <> provider_organisation_id)
);

-- The terms in force from a date: the initial agreement, then each amendment.
CREATE TABLE agreement_terms (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    agreement_id        uuid NOT NULL REFERENCES agreements (id),
    effective_from      date NOT NULL,
    label               text NOT NULL CHECK (length(btrim(label)) BETWEEN 1 AND 200),
    support_quota_hours integer NOT NULL CHECK (support_quota_hours BETWEEN 0 AND 8784),
    created_at          timestamptz NOT NULL DEFAULT now(),
    UNIQUE (agreement_id, effective_from)
);

CREATE TABLE rooms (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    code        text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name        text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    archived_at timestamptz
);

-- A room's layouts and the capacity of each (unknown capacity: NULL).
CREATE TABLE room_layouts (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    room_id    uuid NOT NULL REFERENCES rooms (id),
    code       text NOT NULL CHECK (code ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    label      text NOT NULL CHECK (length(btrim(label)) BETWEEN 1 AND 100),
    capacity   integer CHECK (capacity > 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (room_id, code)
);

CREATE TABLE agreement_room_allowances (
    id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    terms_id               uuid NOT NULL REFERENCES agreement_terms (id),
    room_id                uuid NOT NULL REFERENCES rooms (id),
    free_bookings_per_year integer NOT NULL CHECK (free_bookings_per_year BETWEEN 0 AND 366),
    UNIQUE (terms_id, room_id)
);

CREATE TRIGGER agreements_audit AFTER INSERT OR UPDATE OR DELETE ON agreements
    FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER agreement_terms_audit AFTER INSERT OR UPDATE OR DELETE ON agreement_terms
    FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER rooms_audit AFTER INSERT OR UPDATE OR DELETE ON rooms
    FOR EACH ROW EXECUTE FUNCTION audit_row('updated_at');
CREATE TRIGGER room_layouts_audit AFTER INSERT OR UPDATE OR DELETE ON room_layouts
    FOR EACH ROW EXECUTE FUNCTION audit_row('updated_at');
CREATE TRIGGER agreement_room_allowances_audit AFTER INSERT OR UPDATE OR DELETE ON agreement_room_allowances
    FOR EACH ROW EXECUTE FUNCTION audit_row();

CREATE TRIGGER agreements_keep BEFORE DELETE ON agreements
    FOR EACH ROW EXECUTE FUNCTION refuse_delete('an agreement ends, it is not deleted');
CREATE TRIGGER agreement_terms_keep BEFORE DELETE ON agreement_terms
    FOR EACH ROW EXECUTE FUNCTION refuse_delete('amend the agreement instead');
CREATE TRIGGER rooms_keep BEFORE DELETE ON rooms
    FOR EACH ROW EXECUTE FUNCTION refuse_delete('archive the room instead');
CREATE TRIGGER room_layouts_keep BEFORE DELETE ON room_layouts
    FOR EACH ROW EXECUTE FUNCTION refuse_delete('bookings refer to layouts');
CREATE TRIGGER agreement_room_allowances_keep BEFORE DELETE ON agreement_room_allowances
    FOR EACH ROW EXECUTE FUNCTION refuse_delete('amend the agreement instead');

CREATE TRIGGER rooms_touch BEFORE UPDATE ON rooms
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER room_layouts_touch BEFORE UPDATE ON room_layouts
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
