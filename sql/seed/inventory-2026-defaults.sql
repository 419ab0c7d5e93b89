-- A first categorisation of the 2026 annex, applied once right after the seed
-- imports it: which machines can be booked and which need an authorisation
-- (training) first. The annex itself says none of this: it is the fablab's
-- starting point, for managers to adjust (museolab inventory ... / PATCH /v1/machines).
-- Only machines still without a category are touched.

UPDATE machines AS m
SET category = d.category, bookable = d.bookable, requires_authorisation = d.requires_authorisation
FROM (VALUES
    ('13995', 'laser-cutter',     true,  true),
    ('12548', '3d-printer',       true,  false),
    ('13901', '3d-printer',       true,  false),
    ('17740', '3d-printer',       true,  true),
    ('12545', 'cnc-milling',      true,  true),
    ('12547', 'virtual-reality',  true,  false),
    ('12551', 'computer',         true,  false),
    ('12552', 'computer',         true,  false),
    ('12546', 'computer',         true,  false),
    ('12549', 'plotter',          true,  false),
    ('12543', 'cutting-plotter',  true,  false),
    ('18896', 'embroidery',       true,  false),
    ('17739', 'thermoforming',    true,  true),
    ('19003', 'cnc-router',       true,  true),
    ('19004', 'cnc-router',       false, false),
    ('18893', '3d-scanner',       true,  false),
    ('18891', 'hologram-display', true,  false),
    ('18890', 'thermal-printer',  true,  false),
    ('24524', 'robot-arm',        true,  true),
    ('24525', 'robot-arm',        true,  true),
    ('18895', 'video',            true,  false),
    ('24000', 'tablet',           true,  false)
) AS d (inventory_number, category, bookable, requires_authorisation)
WHERE m.inventory_number = d.inventory_number
  AND m.owner_organisation_id = '6f0b8d2e-0001-4000-8000-000000000001'
  AND m.category IS NULL;

-- Assets the annex lists without an inventory number.
UPDATE machines AS m
SET category = d.category, bookable = d.bookable
FROM (VALUES
    ('Table tactile inclinable avec caisson sécurisé our PC', 'touch-table', true),
    ('Microphone pour enceinte',                              'audio',       false),
    ('Enceinte Bose Revolve Soundlink',                       'audio',       false)
) AS d (nature, category, bookable)
WHERE m.inventory_number IS NULL
  AND m.nature = d.nature
  AND m.owner_organisation_id = '6f0b8d2e-0001-4000-8000-000000000001'
  AND m.category IS NULL;
