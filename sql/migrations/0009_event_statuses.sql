-- The statuses a history records are the statuses of what it records: a session's events
-- and a room booking's events hold the same values as the status column they follow, so a
-- history can never hold a status the service could not read back. (Found by
-- ColumnEnumTests, which compares every enum column's CHECK with the domain's cases.)

ALTER TABLE session_events
    ADD CONSTRAINT session_events_from_status_known CHECK (from_status IN ('requested', 'confirmed', 'completed', 'cancelled', 'no_show')),
    ADD CONSTRAINT session_events_to_status_known CHECK (to_status IN ('requested', 'confirmed', 'completed', 'cancelled', 'no_show'));

ALTER TABLE room_booking_events
    ADD CONSTRAINT room_booking_events_from_status_known CHECK (from_status IN ('pending', 'accepted', 'refused', 'cancelled')),
    ADD CONSTRAINT room_booking_events_to_status_known CHECK (to_status IN ('pending', 'accepted', 'refused', 'cancelled'));
