-- Billing: the versioned tariff grid, invoices and credit notes with their numbering,
-- immutability and chained footprints, and what accounting exports need.
--
-- Guaranteed here:
--   * a tariff version that priced an issued invoice cannot change;
--   * invoice numbers come from a locked counter per series, in the issuing
--     transaction: a continuous sequence, no gap, no duplicate;
--   * an issued document cannot be changed or deleted, nor its lines;
--   * a billable item is invoiced at most once (unique invoice line per item).

-- ---------------------------------------------------------------------------
-- Who bills: LLV's invoicing settings (one row, from the seed data)
-- ---------------------------------------------------------------------------

CREATE TABLE billing_settings (
    id                        boolean PRIMARY KEY DEFAULT true CHECK (id),
    seller_organisation_id    uuid NOT NULL REFERENCES organisations (id),
    seller_vat_id             text CHECK (seller_vat_id ~ '^[A-Z]{2}[0-9A-Z]{2,13}$'),
    payment_terms_days        integer NOT NULL DEFAULT 30 CHECK (payment_terms_days BETWEEN 0 AND 60),
    -- Late-payment penalties, in basis points a year (article L441-10 of the Code de commerce).
    late_penalty_rate_bp      integer NOT NULL DEFAULT 1215 CHECK (late_penalty_rate_bp BETWEEN 0 AND 10000),
    -- The fixed indemnity for recovery costs owed by professional buyers (article D441-5): 40 €.
    recovery_indemnity_cents  integer NOT NULL DEFAULT 4000 CHECK (recovery_indemnity_cents >= 0),
    payment_iban              text,
    payment_bic               text,
    -- Accounting (FEC): the sales journal and the accounts.
    journal_code              text NOT NULL DEFAULT 'VE',
    journal_label             text NOT NULL DEFAULT 'Journal des ventes',
    revenue_account           text NOT NULL DEFAULT '706000' CHECK (revenue_account ~ '^7[0-9]{2,10}$'),
    vat_collected_account     text NOT NULL DEFAULT '445710' CHECK (vat_collected_account ~ '^4457[0-9]{0,8}$'),
    customer_account          text NOT NULL DEFAULT '411000' CHECK (customer_account ~ '^411[0-9]{0,9}$'),
    updated_at                timestamptz NOT NULL DEFAULT now()
);


-- Chorus Pro needs, for a public buyer, a service code; accounts need an auxiliary account.
ALTER TABLE organisations
    ADD COLUMN chorus_service_code text CHECK (length(chorus_service_code) BETWEEN 1 AND 100),
    ADD COLUMN customer_account text CHECK (customer_account ~ '^[0-9A-Z]{1,17}$'),
    ADD COLUMN is_public_body boolean NOT NULL DEFAULT false;

-- ---------------------------------------------------------------------------
-- The tariff grid, versioned by effective date
-- ---------------------------------------------------------------------------

CREATE TABLE tariff_versions (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    effective_from date NOT NULL UNIQUE,
    label          text NOT NULL CHECK (length(btrim(label)) BETWEEN 1 AND 200),
    source_sha256  text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    -- Set when an issued invoice is priced by it: from then on it cannot change.
    locked_at      timestamptz
);

CREATE TABLE tariff_items (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    version_id      uuid NOT NULL REFERENCES tariff_versions (id),
    code            text NOT NULL CHECK (code ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    label           text NOT NULL CHECK (length(btrim(label)) BETWEEN 1 AND 200),
    unit            text NOT NULL CHECK (unit IN ('hour', 'half_day', 'day', 'unit')),
    -- What the item prices.
    applies_to      text NOT NULL CHECK (applies_to IN ('support', 'machine', 'room_rental', 'room_service_fee', 'consumable')),
    -- For rooms and room service fees: which room (NULL: every room). For machines: which category.
    room_code       text,
    machine_category text,
    -- VAT: a rate in basis points, or an exemption with its legal mention.
    vat_rate_bp     integer CHECK (vat_rate_bp BETWEEN 0 AND 10000),
    vat_exemption   text CHECK (length(btrim(vat_exemption)) BETWEEN 1 AND 300),
    CONSTRAINT tariff_items_vat CHECK (num_nonnulls(vat_rate_bp, vat_exemption) = 1),
    UNIQUE (version_id, code)
);

CREATE TABLE tariff_prices (
    item_id          uuid NOT NULL REFERENCES tariff_items (id),
    tariff_category  text NOT NULL REFERENCES tariff_categories (code),
    unit_price_cents integer NOT NULL CHECK (unit_price_cents >= 0),
    PRIMARY KEY (item_id, tariff_category)
);

-- Consumables name the grid item that prices them; machine use, the machine. Each item
-- keeps the price the grid in force on its service date gives it (a snapshot, renewed
-- when a version effective on or before that date is loaded, until a draft takes it).
ALTER TABLE billable_items
    ADD COLUMN tariff_item_code text CHECK (tariff_item_code ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    ADD COLUMN machine_id uuid REFERENCES machines (id),
    ADD COLUMN tariff_version_id uuid REFERENCES tariff_versions (id),
    ADD COLUMN net_cents bigint CHECK (net_cents >= 0),
    ADD COLUMN priced_lines jsonb,
    ADD CONSTRAINT billable_items_priced CHECK (num_nulls(tariff_version_id, net_cents, priced_lines) IN (0, 3)),
    -- A full credit note can put its items back to be invoiced again: as new items, each
    -- naming the one it reopens (which stays invoiced, once).
    ADD COLUMN reopened_from uuid REFERENCES billable_items (id);

CREATE UNIQUE INDEX billable_items_reopened_once ON billable_items (reopened_from) WHERE status <> 'cancelled';
-- Once per booking and per overage decision, counting the originals only.
DROP INDEX billable_items_once_per_booking;
CREATE UNIQUE INDEX billable_items_once_per_booking ON billable_items (room_booking_id, kind) WHERE status <> 'cancelled' AND reopened_from IS NULL;
DROP INDEX billable_items_once_per_overage;
CREATE UNIQUE INDEX billable_items_once_per_overage ON billable_items (overage_item_id) WHERE status <> 'cancelled' AND reopened_from IS NULL;

CREATE FUNCTION refuse_locked_tariff() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    version uuid;
BEGIN
    IF TG_TABLE_NAME = 'tariff_items' THEN
        version := coalesce(NEW.version_id, OLD.version_id);
    ELSE
        SELECT version_id INTO version FROM tariff_items WHERE id = coalesce(NEW.item_id, OLD.item_id);
    END IF;
    IF EXISTS (SELECT 1 FROM tariff_versions WHERE id = version AND locked_at IS NOT NULL) THEN
        RAISE EXCEPTION 'this tariff version priced an issued invoice: it cannot change (load a new version instead)'
            USING ERRCODE = 'ML004';
    END IF;
    RETURN coalesce(NEW, OLD);
END
$$;

CREATE TRIGGER tariff_items_locked BEFORE INSERT OR UPDATE OR DELETE ON tariff_items
    FOR EACH ROW EXECUTE FUNCTION refuse_locked_tariff();
CREATE TRIGGER tariff_prices_locked BEFORE INSERT OR UPDATE OR DELETE ON tariff_prices
    FOR EACH ROW EXECUTE FUNCTION refuse_locked_tariff();

CREATE FUNCTION refuse_unlock_tariff() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.locked_at IS NOT NULL AND (NEW.locked_at IS NULL OR NEW.effective_from <> OLD.effective_from) THEN
        RAISE EXCEPTION 'a tariff version that priced an issued invoice stays as it is' USING ERRCODE = 'ML004';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER tariff_versions_locked BEFORE UPDATE ON tariff_versions
    FOR EACH ROW EXECUTE FUNCTION refuse_unlock_tariff();

-- ---------------------------------------------------------------------------
-- Invoices and credit notes
-- ---------------------------------------------------------------------------

-- The locked counters: one per series (F2026, A2026) and one for the footprint chain.
CREATE TABLE document_counters (
    series      text PRIMARY KEY,
    last_number bigint NOT NULL CHECK (last_number >= 0)
);

CREATE TABLE invoices (
    id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    kind                   text NOT NULL CHECK (kind IN ('invoice', 'credit_note')),
    status                 text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'issued', 'discarded')),
    customer_organisation_id uuid NOT NULL REFERENCES organisations (id),
    -- What the document says of the parties, frozen at issue.
    seller                 jsonb,
    buyer                  jsonb,
    period_start           date NOT NULL,
    period_end             date NOT NULL,
    buyer_service_code     text CHECK (length(buyer_service_code) <= 100),
    commitment_number      text CHECK (length(commitment_number) <= 50),
    corrects_invoice_id    uuid REFERENCES invoices (id),
    credit_reason          text CHECK (length(credit_reason) <= 1000),
    -- A full credit note can put the credited items back to be invoiced again, when issued.
    reopens_items          boolean NOT NULL DEFAULT false,
    -- Set on issue.
    series                 text,
    sequence_number        bigint,
    number                 text UNIQUE,
    issue_date             date,
    due_date               date,
    total_net_cents        bigint,
    total_vat_cents        bigint,
    total_gross_cents      bigint,
    -- The payment terms stated on the document, frozen at issue.
    payment_terms_days     integer,
    late_penalty_rate_bp   integer,
    recovery_indemnity_cents integer,
    payment_iban           text,
    payment_bic            text,
    chain_position         bigint UNIQUE,
    previous_footprint     text,
    footprint              text UNIQUE CHECK (footprint ~ '^[0-9a-f]{64}$'),
    issued_at              timestamptz,
    issued_by              text,
    created_at             timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT invoices_period CHECK (period_end >= period_start),
    CONSTRAINT invoices_credit_note_corrects CHECK ((kind = 'credit_note') = (corrects_invoice_id IS NOT NULL)),
    CONSTRAINT invoices_reopen_by_credit_note CHECK (kind = 'credit_note' OR NOT reopens_items),
    CONSTRAINT invoices_issued_complete CHECK (
        status <> 'issued' OR (number IS NOT NULL AND series IS NOT NULL AND sequence_number IS NOT NULL AND issue_date IS NOT NULL
                               AND due_date IS NOT NULL AND total_gross_cents IS NOT NULL AND footprint IS NOT NULL
                               AND chain_position IS NOT NULL AND seller IS NOT NULL AND buyer IS NOT NULL)),
    CONSTRAINT invoices_series_number UNIQUE (series, sequence_number)
);

CREATE INDEX invoices_customer_idx ON invoices (customer_organisation_id, issue_date);
CREATE INDEX invoices_issue_date_idx ON invoices (issue_date) WHERE status = 'issued';

CREATE TABLE invoice_lines (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    invoice_id        uuid NOT NULL REFERENCES invoices (id),
    position          integer NOT NULL CHECK (position >= 1),
    billable_item_id  uuid REFERENCES billable_items (id),
    -- The line of the invoice a credit note line corrects.
    corrects_line_id  uuid REFERENCES invoice_lines (id),
    description       text NOT NULL CHECK (length(btrim(description)) BETWEEN 1 AND 500),
    service_date      date NOT NULL,
    -- Quantities to a thousandth (1.5 hours), prices in cents.
    quantity_milli    bigint NOT NULL CHECK (quantity_milli > 0),
    unit              text NOT NULL CHECK (unit IN ('hour', 'half_day', 'day', 'unit')),
    unit_price_cents  bigint NOT NULL CHECK (unit_price_cents >= 0),
    -- Rounded to the cent on its own (EN 16931).
    net_cents         bigint NOT NULL CHECK (net_cents >= 0),
    vat_rate_bp       integer CHECK (vat_rate_bp BETWEEN 0 AND 10000),
    vat_exemption     text,
    tariff_version_id uuid REFERENCES tariff_versions (id),
    tariff_item_code  text,
    -- A discarded draft lets its items go: the link is kept here.
    released_item_id  uuid REFERENCES billable_items (id),
    CONSTRAINT invoice_lines_vat CHECK (num_nonnulls(vat_rate_bp, vat_exemption) = 1),
    UNIQUE (invoice_id, position)
);

-- A billable item is billed once: its lines (a room's service fees make several) all
-- belong to one draft or issued document.
ALTER TABLE invoice_lines ADD CONSTRAINT invoice_lines_item_once
    EXCLUDE USING gist (billable_item_id WITH =, invoice_id WITH <>);

-- An issued document is final: corrected only by a credit note.
CREATE FUNCTION refuse_issued_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'invoices' THEN
        IF OLD.status = 'issued' THEN
            RAISE EXCEPTION 'invoice % is issued: it cannot be changed or deleted (issue a credit note)', OLD.number
                USING ERRCODE = 'ML005';
        END IF;
        IF OLD.status = 'discarded' THEN
            RAISE EXCEPTION 'a discarded draft stays discarded: draft again' USING ERRCODE = 'ML005';
        END IF;
        IF TG_OP = 'DELETE' THEN
            RAISE EXCEPTION 'invoices are never deleted: discard the draft instead' USING ERRCODE = 'ML005';
        END IF;
        RETURN NEW;
    END IF;
    IF EXISTS (SELECT 1 FROM invoices WHERE id = coalesce(NEW.invoice_id, OLD.invoice_id) AND status <> 'draft') THEN
        RAISE EXCEPTION 'the lines of an issued or discarded document cannot change' USING ERRCODE = 'ML005';
    END IF;
    RETURN coalesce(NEW, OLD);
END
$$;

CREATE TRIGGER invoices_final BEFORE UPDATE OR DELETE ON invoices
    FOR EACH ROW EXECUTE FUNCTION refuse_issued_change();
CREATE TRIGGER invoice_lines_final BEFORE INSERT OR UPDATE OR DELETE ON invoice_lines
    FOR EACH ROW EXECUTE FUNCTION refuse_issued_change();

-- ---------------------------------------------------------------------------
-- Triggers: audit, no hard deletes
-- ---------------------------------------------------------------------------

CREATE TRIGGER billing_settings_audit AFTER INSERT OR UPDATE OR DELETE ON billing_settings
    FOR EACH ROW EXECUTE FUNCTION audit_row('updated_at');
CREATE TRIGGER tariff_versions_audit AFTER INSERT OR UPDATE OR DELETE ON tariff_versions
    FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER invoices_audit AFTER INSERT OR UPDATE OR DELETE ON invoices
    FOR EACH ROW EXECUTE FUNCTION audit_row();

CREATE TRIGGER tariff_versions_keep BEFORE DELETE ON tariff_versions
    FOR EACH ROW EXECUTE FUNCTION refuse_delete('tariff versions are history');
CREATE TRIGGER document_counters_keep BEFORE DELETE ON document_counters
    FOR EACH ROW EXECUTE FUNCTION refuse_delete('numbering never restarts');

CREATE FUNCTION refuse_counter_rewind() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.last_number <> OLD.last_number + 1 THEN
        RAISE EXCEPTION 'counter % moves one at a time (from % to %)', OLD.series, OLD.last_number, NEW.last_number
            USING ERRCODE = 'ML006';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER document_counters_step BEFORE UPDATE ON document_counters
    FOR EACH ROW EXECUTE FUNCTION refuse_counter_rewind();

CREATE TRIGGER billing_settings_touch BEFORE UPDATE ON billing_settings
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
