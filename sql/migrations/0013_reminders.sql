-- Reminders carry an iCalendar file for the requester's calendar: a message of the outbox may
-- have one attachment, whole (name, media type and text together) or none.

ALTER TABLE outbox_messages
    ADD COLUMN attachment_name text,
    ADD COLUMN attachment_type text,
    ADD COLUMN attachment      text,
    ADD CONSTRAINT outbox_messages_attachment_whole
        CHECK ((attachment IS NULL) = (attachment_name IS NULL) AND (attachment IS NULL) = (attachment_type IS NULL));
