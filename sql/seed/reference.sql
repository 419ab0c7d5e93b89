-- Reference data every MuséoLab database starts with, from the agreement between
-- Université d'Artois and Louvre-Lens Vallée (2026-2029). Applied on every start:
-- each row has a fixed id and is only inserted when missing, so what managers
-- change afterwards is kept.

INSERT INTO tariff_categories (code, label) VALUES
    ('founder_member', 'Membre fondateur'),
    ('partner',        'Partenaire'),
    ('public_body',    'Organisme public'),
    ('individual',     'Particulier'),
    ('student',        'Étudiant'),
    ('internal',       'Interne (Louvre-Lens Vallée)')
ON CONFLICT (code) DO NOTHING;

INSERT INTO organisations (id, name, legal_form, siren, siret, tariff_category, contact_email, address, is_public_body) VALUES
    ('6f0b8d2e-0001-4000-8000-000000000001', 'Université d''Artois',
     'Établissement public (EPSCP)', '196244016', NULL, 'founder_member',
     'museolab@univ-artois.fr', '9 rue du Temple, 62030 Arras Cedex', true),
    ('6f0b8d2e-0001-4000-8000-000000000002', 'Louvre-Lens Vallée',
     'Association loi 1901', '797553567', '79755356700034', 'internal',
     NULL, '84 rue Paul Bert, 62300 Lens', false)
ON CONFLICT (id) DO NOTHING;

INSERT INTO organisation_components (id, organisation_id, kind, name) VALUES
    ('6f0b8d2e-0002-4000-8000-000000000001', '6f0b8d2e-0001-4000-8000-000000000001',
     'laboratory', 'CRIL (Centre de Recherche en Informatique de Lens)')
ON CONFLICT (id) DO NOTHING;

INSERT INTO agreements (id, reference, title, customer_organisation_id, provider_organisation_id,
                        starts_on, ends_on, contact_email) VALUES
    ('6f0b8d2e-0003-4000-8000-000000000001', 'UA-LLV-2026',
     'Convention de partenariat Université d''Artois et Louvre Lens Vallée',
     '6f0b8d2e-0001-4000-8000-000000000001', '6f0b8d2e-0001-4000-8000-000000000002',
     '2026-01-01', '2029-12-31', 'museolab@univ-artois.fr')
ON CONFLICT (id) DO NOTHING;

-- Article 5-4: 400 hours of support a year.
INSERT INTO agreement_terms (id, agreement_id, effective_from, label, support_quota_hours) VALUES
    ('6f0b8d2e-0004-4000-8000-000000000001', '6f0b8d2e-0003-4000-8000-000000000001', '2026-01-01',
     'Convention initiale (délibération du CA n° 2026-007 du 13 mars 2026)', 400)
ON CONFLICT (id) DO NOTHING;

-- Article 6: the rooms and their capacities.
INSERT INTO rooms (id, code, name, name_in_sentence) VALUES
    ('6f0b8d2e-0005-4000-8000-000000000001', 'atrium',  'Atrium',           'l''Atrium'),
    ('6f0b8d2e-0005-4000-8000-000000000002', 'event',   'Espace Event',     'l''Espace Event'),
    ('6f0b8d2e-0005-4000-8000-000000000003', 'meeting', 'Salle de réunion', 'la salle de réunion')
ON CONFLICT (id) DO NOTHING;

INSERT INTO room_layouts (id, room_id, code, label, capacity) VALUES
    ('6f0b8d2e-0006-4000-8000-000000000001', '6f0b8d2e-0005-4000-8000-000000000001', 'standard', 'Standard', NULL),
    ('6f0b8d2e-0006-4000-8000-000000000002', '6f0b8d2e-0005-4000-8000-000000000002', 'meeting',  'Format réunion', 25),
    ('6f0b8d2e-0006-4000-8000-000000000003', '6f0b8d2e-0005-4000-8000-000000000002', 'plenary',  'Format plénier', 40),
    ('6f0b8d2e-0006-4000-8000-000000000004', '6f0b8d2e-0005-4000-8000-000000000003', 'meeting',  'Format réunion', 16)
ON CONFLICT (id) DO NOTHING;

-- Article 6: free bookings a year (Atrium 2, Espace Event 1, meeting room 4).
INSERT INTO agreement_room_allowances (terms_id, room_id, free_bookings_per_year) VALUES
    ('6f0b8d2e-0004-4000-8000-000000000001', '6f0b8d2e-0005-4000-8000-000000000001', 2),
    ('6f0b8d2e-0004-4000-8000-000000000001', '6f0b8d2e-0005-4000-8000-000000000002', 1),
    ('6f0b8d2e-0004-4000-8000-000000000001', '6f0b8d2e-0005-4000-8000-000000000003', 4)
ON CONFLICT (terms_id, room_id) DO NOTHING;

-- Article 5-4: alerts go to the address the university gave for the MuséoLab.
INSERT INTO alert_recipients (id, agreement_id, channel, address) VALUES
    ('6f0b8d2e-0007-4000-8000-000000000001', '6f0b8d2e-0003-4000-8000-000000000001', 'email', 'museolab@univ-artois.fr')
ON CONFLICT (id) DO NOTHING;

-- Who invoices: LLV. The VAT number is the one derived from its SIREN (key + SIREN):
-- LLV to confirm it, with its bank details (museolab billing settings).
INSERT INTO billing_settings (seller_organisation_id, seller_vat_id)
VALUES ('6f0b8d2e-0001-4000-8000-000000000002', 'FR28797553567')
ON CONFLICT (id) DO NOTHING;
