-- MuséoLab foundation: who acts, organisations and people, access tokens,
-- the machine inventory (annex 1 of the agreement) and the audit log.
--
-- Rules the database guarantees, whatever the application does:
--   * every write names its actor (the audit trigger refuses anonymous writes);
--   * every write to an audited table leaves an audit row with before and after;
--   * nothing here is hard-deleted, and the audit log cannot be changed.

-- ---------------------------------------------------------------------------
-- Who is acting: the application sets these for each transaction
-- (set_config(..., true) makes them transaction-local).
-- ---------------------------------------------------------------------------

CREATE FUNCTION museolab_actor() RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
    actor text := current_setting('museolab.actor', true);
BEGIN
    IF actor IS NULL OR actor = '' THEN
        RAISE EXCEPTION 'every write must name its actor'
            USING ERRCODE = 'ML001',
                  HINT = 'set museolab.actor for the transaction';
    END IF;
    RETURN actor;
END
$$;

CREATE FUNCTION museolab_setting(name text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT nullif(current_setting(name, true), '')
$$;

-- French business identifiers carry a Luhn check digit (SIREN: 9 digits,
-- SIRET: 14). La Poste's establishments (SIREN 356000000) use a digit sum
-- divisible by 5 instead.
CREATE FUNCTION luhn_valid(digits text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
    total int := 0;
    d int;
    i int;
    n int := length(digits);
BEGIN
    IF digits !~ '^[0-9]+$' THEN
        RETURN false;
    END IF;
    IF n = 14 AND left(digits, 9) = '356000000' THEN
        FOR i IN 1..n LOOP
            total := total + substr(digits, i, 1)::int;
        END LOOP;
        RETURN total % 5 = 0;
    END IF;
    FOR i IN 0..n - 1 LOOP
        d := substr(digits, n - i, 1)::int;
        IF i % 2 = 1 THEN
            d := d * 2;
            IF d > 9 THEN
                d := d - 9;
            END IF;
        END IF;
        total := total + d;
    END LOOP;
    RETURN total % 10 = 0;
END
$$;

-- ---------------------------------------------------------------------------
-- Audit log: append-only, written by triggers in the same transaction.
-- ---------------------------------------------------------------------------

CREATE TABLE audit_log (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor         text NOT NULL,
    actor_user_id uuid,
    action        text,
    request_id    text,
    entity        text NOT NULL,
    entity_id     text NOT NULL,
    operation     text NOT NULL CHECK (operation IN ('INSERT', 'UPDATE', 'DELETE')),
    before        jsonb,
    after         jsonb
);

CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id, id);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_user_id, id);

CREATE FUNCTION audit_log_is_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % refused', TG_OP
        USING ERRCODE = 'ML002';
END
$$;

CREATE TRIGGER audit_log_append_only
    BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();

CREATE TRIGGER audit_log_no_truncate
    BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();

-- Secrets never reach the audit log, and bookkeeping-only updates
-- (a token's last use) are not worth an entry.
CREATE FUNCTION audit_row() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    before_row jsonb;
    after_row  jsonb;
    ignored    text[] := TG_ARGV;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        before_row := to_jsonb(OLD) - 'token_hash';
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        after_row := to_jsonb(NEW) - 'token_hash';
    END IF;
    IF TG_OP = 'UPDATE' AND (before_row - ignored) = (after_row - ignored) THEN
        RETURN NULL;
    END IF;
    INSERT INTO audit_log (actor, actor_user_id, action, request_id, entity, entity_id, operation, before, after)
    VALUES (
        museolab_actor(),
        museolab_setting('museolab.actor_user_id')::uuid,
        museolab_setting('museolab.action'),
        museolab_setting('museolab.request_id'),
        TG_TABLE_NAME,
        -- Tables are keyed by id, or (reference lists) by code.
        coalesce(after_row ->> 'id', before_row ->> 'id', after_row ->> 'code', before_row ->> 'code'),
        TG_OP,
        before_row,
        after_row
    );
    RETURN NULL;
END
$$;

CREATE FUNCTION refuse_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are never deleted: %', TG_TABLE_NAME, TG_ARGV[0]
        USING ERRCODE = 'ML003';
END
$$;

CREATE FUNCTION touch_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;

-- ---------------------------------------------------------------------------
-- Organisations and people
-- ---------------------------------------------------------------------------

-- Customer categories of the tariff grid (founder member, partner, ...).
CREATE TABLE tariff_categories (
    code  text PRIMARY KEY CHECK (code ~ '^[a-z][a-z_]{1,39}$'),
    label text NOT NULL CHECK (length(btrim(label)) BETWEEN 1 AND 100)
);

CREATE TABLE organisations (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name            text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    legal_form      text CHECK (length(legal_form) <= 100),
    siren           text CONSTRAINT organisations_siren_valid CHECK (siren ~ '^[0-9]{9}$' AND luhn_valid(siren)),
    siret           text CONSTRAINT organisations_siret_valid CHECK (siret ~ '^[0-9]{14}$' AND luhn_valid(siret)),
    tariff_category text NOT NULL REFERENCES tariff_categories (code),
    contact_email   text CONSTRAINT organisations_contact_email_valid
                         CHECK (contact_email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' AND length(contact_email) <= 254),
    address         text CHECK (length(address) <= 500),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    archived_at     timestamptz,
    CONSTRAINT organisations_siret_matches_siren CHECK (siret IS NULL OR siren = left(siret, 9))
);

CREATE UNIQUE INDEX organisations_name_key ON organisations (lower(name));
CREATE UNIQUE INDEX organisations_siret_key ON organisations (siret);

-- A component of an organisation: a UFR, an IUT, a laboratory, a service.
CREATE TABLE organisation_components (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    kind            text NOT NULL CHECK (kind IN ('ufr', 'iut', 'school', 'laboratory', 'service', 'other')),
    name            text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    archived_at     timestamptz,
    UNIQUE (organisation_id, id)
);

CREATE UNIQUE INDEX organisation_components_name_key ON organisation_components (organisation_id, lower(name));

CREATE TABLE users (
    id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email                text NOT NULL CONSTRAINT users_email_valid
                              CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+$' AND length(email) <= 254),
    display_name         text NOT NULL CHECK (length(btrim(display_name)) BETWEEN 1 AND 200),
    organisation_id      uuid NOT NULL REFERENCES organisations (id),
    component_id         uuid,
    role                 text NOT NULL CHECK (role IN ('member', 'manager', 'accountant', 'admin')),
    organisation_contact boolean NOT NULL DEFAULT false,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    disabled_at          timestamptz,
    disabled_reason      text,
    -- A user's component belongs to the user's own organisation.
    CONSTRAINT users_component_in_organisation
        FOREIGN KEY (organisation_id, component_id) REFERENCES organisation_components (organisation_id, id)
);

CREATE UNIQUE INDEX users_email_key ON users (lower(email));

-- Personal API tokens: only a SHA-256 of the secret is kept.
CREATE TABLE api_tokens (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id        uuid NOT NULL REFERENCES users (id),
    label          text NOT NULL CHECK (length(btrim(label)) BETWEEN 1 AND 100),
    prefix         text NOT NULL CHECK (length(prefix) BETWEEN 8 AND 16),
    token_hash     bytea NOT NULL CHECK (length(token_hash) = 32),
    created_at     timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz,
    revoked_at     timestamptz,
    revoked_reason text,
    last_used_at   timestamptz,
    CONSTRAINT api_tokens_expiry_after_creation CHECK (expires_at IS NULL OR expires_at > created_at)
);

CREATE UNIQUE INDEX api_tokens_hash_key ON api_tokens (token_hash);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);

-- ---------------------------------------------------------------------------
-- Inventory: the machines the university lends (annex 1, article 5-2)
-- ---------------------------------------------------------------------------

CREATE TABLE machines (
    id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- Inventory order: the order assets were listed in (an annex's row order).
    position               bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    nature                 text NOT NULL CHECK (length(btrim(nature)) BETWEEN 1 AND 200),
    model                  text CHECK (length(btrim(model)) BETWEEN 1 AND 200),
    serial_number          text CHECK (length(btrim(serial_number)) BETWEEN 1 AND 100),
    -- The asset's identity at the university; leading zeros are not significant.
    inventory_number       text CONSTRAINT machines_inventory_number_normalised
                                CHECK (inventory_number ~ '^[1-9A-Za-z][0-9A-Za-z./-]{0,39}$'),
    owner_organisation_id  uuid NOT NULL REFERENCES organisations (id),
    category               text CONSTRAINT machines_category_slug
                                CHECK (category ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(category) <= 50),
    status                 text NOT NULL DEFAULT 'in_service'
                                CHECK (status IN ('in_service', 'maintenance', 'retired')),
    bookable               boolean NOT NULL DEFAULT false,
    requires_authorisation boolean NOT NULL DEFAULT false,
    -- The annex (by year) that lists the asset; for an asset with neither serial nor
    -- inventory number, which occurrence of its nature and model it is (its identity).
    annex_year             integer CHECK (annex_year BETWEEN 2000 AND 2100),
    unit_index             integer NOT NULL DEFAULT 1 CHECK (unit_index >= 1),
    acquired_on            date,
    notes                  text CHECK (length(notes) <= 2000),
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    retired_at             timestamptz,
    CONSTRAINT machines_retired_not_bookable CHECK (status <> 'retired' OR NOT bookable),
    CONSTRAINT machines_retired_at_set CHECK ((status = 'retired') = (retired_at IS NOT NULL))
);

CREATE UNIQUE INDEX machines_inventory_number_key ON machines (owner_organisation_id, inventory_number);
CREATE INDEX machines_serial_idx ON machines (owner_organisation_id, serial_number);
CREATE INDEX machines_category_idx ON machines (category);

-- One row per annex import that was applied (dry runs leave none).
CREATE TABLE inventory_imports (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    annex_year     integer NOT NULL CHECK (annex_year BETWEEN 2000 AND 2100),
    source_name    text NOT NULL,
    source_sha256  text NOT NULL CHECK (source_sha256 ~ '^[0-9a-f]{64}$'),
    imported_at    timestamptz NOT NULL DEFAULT now(),
    created_count  integer NOT NULL CHECK (created_count >= 0),
    matched_count  integer NOT NULL CHECK (matched_count >= 0),
    updated_count  integer NOT NULL CHECK (updated_count >= 0),
    repeated_count integer NOT NULL CHECK (repeated_count >= 0),
    warning_count  integer NOT NULL CHECK (warning_count >= 0)
);

-- ---------------------------------------------------------------------------
-- Triggers: audit, no hard deletes, updated_at
-- ---------------------------------------------------------------------------

CREATE TRIGGER tariff_categories_audit AFTER INSERT OR UPDATE OR DELETE ON tariff_categories
    FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER organisations_audit AFTER INSERT OR UPDATE OR DELETE ON organisations
    FOR EACH ROW EXECUTE FUNCTION audit_row('updated_at');
CREATE TRIGGER organisation_components_audit AFTER INSERT OR UPDATE OR DELETE ON organisation_components
    FOR EACH ROW EXECUTE FUNCTION audit_row('updated_at');
CREATE TRIGGER users_audit AFTER INSERT OR UPDATE OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION audit_row('updated_at');
CREATE TRIGGER api_tokens_audit AFTER INSERT OR UPDATE OR DELETE ON api_tokens
    FOR EACH ROW EXECUTE FUNCTION audit_row('last_used_at');
CREATE TRIGGER machines_audit AFTER INSERT OR UPDATE OR DELETE ON machines
    FOR EACH ROW EXECUTE FUNCTION audit_row('updated_at');
CREATE TRIGGER inventory_imports_audit AFTER INSERT OR UPDATE OR DELETE ON inventory_imports
    FOR EACH ROW EXECUTE FUNCTION audit_row();

CREATE TRIGGER tariff_categories_keep BEFORE DELETE ON tariff_categories
    FOR EACH ROW EXECUTE FUNCTION refuse_delete('prices refer to them');
CREATE TRIGGER organisations_keep BEFORE DELETE ON organisations
    FOR EACH ROW EXECUTE FUNCTION refuse_delete('archive the organisation instead');
CREATE TRIGGER organisation_components_keep BEFORE DELETE ON organisation_components
    FOR EACH ROW EXECUTE FUNCTION refuse_delete('archive the component instead');
CREATE TRIGGER users_keep BEFORE DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION refuse_delete('disable the user instead');
CREATE TRIGGER api_tokens_keep BEFORE DELETE ON api_tokens
    FOR EACH ROW EXECUTE FUNCTION refuse_delete('revoke the token instead');
CREATE TRIGGER machines_keep BEFORE DELETE ON machines
    FOR EACH ROW EXECUTE FUNCTION refuse_delete('retire the machine instead');
CREATE TRIGGER inventory_imports_keep BEFORE DELETE ON inventory_imports
    FOR EACH ROW EXECUTE FUNCTION refuse_delete('imports are history');

CREATE TRIGGER organisations_touch BEFORE UPDATE ON organisations
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER organisation_components_touch BEFORE UPDATE ON organisation_components
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER users_touch BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER machines_touch BEFORE UPDATE ON machines
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
