-- What the customer received, produced once when a document is issued and kept byte for byte:
-- the Factur-X PDF (PDF/A-3b, the CII inside as factur-x.xml), the CII and the UBL. Each
-- file's SHA-256 is checked against its bytes here and sealed by the document's footprint, so
-- the PDF given back years later is the one sent, whatever the settings or the code became.

CREATE TABLE issued_files (
    invoice_id  uuid PRIMARY KEY REFERENCES invoices (id),
    pdf         bytea NOT NULL,
    cii         text NOT NULL,
    ubl         text NOT NULL,
    pdf_sha256  text NOT NULL,
    cii_sha256  text NOT NULL,
    ubl_sha256  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT issued_files_is_pdf CHECK (substring(pdf FROM 1 FOR 5) = '\x255044462d'::bytea),
    CONSTRAINT issued_files_pdf_digest CHECK (pdf_sha256 = encode(sha256(pdf), 'hex')),
    CONSTRAINT issued_files_cii_digest CHECK (cii_sha256 = encode(sha256(convert_to(cii, 'UTF8')), 'hex')),
    CONSTRAINT issued_files_ubl_digest CHECK (ubl_sha256 = encode(sha256(convert_to(ubl, 'UTF8')), 'hex'))
);

-- Files are added to a document as it is issued, in the same transaction, and never change.
CREATE FUNCTION issued_files_final() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        RAISE EXCEPTION 'the files of an issued document never change' USING ERRCODE = 'ML005';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM invoices WHERE id = NEW.invoice_id AND status = 'issued') THEN
        RAISE EXCEPTION 'files are kept for an issued document only' USING ERRCODE = 'ML005';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER issued_files_final BEFORE INSERT OR UPDATE OR DELETE ON issued_files
    FOR EACH ROW EXECUTE FUNCTION issued_files_final();
CREATE TRIGGER issued_files_no_truncate BEFORE TRUNCATE ON issued_files
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate();

-- A document issued from now on has its files by the end of its transaction (documents issued
-- before this migration had none: their footprints do not cover files).
CREATE FUNCTION issued_with_files() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM issued_files WHERE invoice_id = NEW.id) THEN
        RAISE EXCEPTION 'document % is issued without its PDF', NEW.number USING ERRCODE = 'ML005';
    END IF;
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER invoices_issued_with_files AFTER UPDATE ON invoices
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (OLD.status = 'draft' AND NEW.status = 'issued')
    EXECUTE FUNCTION issued_with_files();

GRANT SELECT, INSERT ON issued_files TO museolab_app;
