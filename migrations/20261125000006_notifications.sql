-- What happened that a person should know: an export ready, a colleague's edit, an invitation.
-- Shown in the app's bell and, by the person's preferences, emailed. `dedupe_key` folds
-- repeats (a colleague's many autosaves in one hour) into one notification.
CREATE TABLE notifications (
    id           uuid PRIMARY KEY,
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    workspace_id uuid REFERENCES workspaces (id) ON DELETE CASCADE,
    category     text NOT NULL
                 CHECK (category IN ('exports', 'jobs', 'activity', 'invitations', 'milestones', 'digest')),
    kind         text NOT NULL,
    title        text NOT NULL,
    body         text NOT NULL,
    -- A path in the app (`/app/...`) the notification leads to.
    link         text,
    dedupe_key   text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    read_at      timestamptz,
    UNIQUE (user_id, dedupe_key)
);
CREATE INDEX notifications_user ON notifications (user_id, created_at DESC);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;

-- Departures from the defaults (everything in the app; email for all but activity).
CREATE TABLE notification_preferences (
    user_id  uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    category text NOT NULL,
    in_app   boolean NOT NULL,
    email    boolean NOT NULL,
    PRIMARY KEY (user_id, category)
);

-- Carried by the unsubscribe links of emails: it can turn emails off and nothing else.
ALTER TABLE users ADD COLUMN unsubscribe_token text NOT NULL
    DEFAULT replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '');
CREATE UNIQUE INDEX users_unsubscribe_token ON users (unsubscribe_token);
