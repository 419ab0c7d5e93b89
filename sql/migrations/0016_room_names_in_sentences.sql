-- A room's name as a sentence says it, with its article: "Votre réservation de l'Atrium", not
-- "de Atrium". A room without one is named as it is.

ALTER TABLE rooms ADD COLUMN name_in_sentence text CHECK (length(btrim(name_in_sentence)) BETWEEN 1 AND 200);

UPDATE rooms SET name_in_sentence = CASE code
    WHEN 'atrium' THEN 'l''Atrium'
    WHEN 'event' THEN 'l''Espace Event'
    WHEN 'meeting' THEN 'la salle de réunion'
END
WHERE code IN ('atrium', 'event', 'meeting');
