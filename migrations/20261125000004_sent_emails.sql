-- Emails already delivered, by the id their job carries: a job run twice (at-least-once
-- delivery after a crash or a retry) does not send its email twice.
CREATE TABLE sent_emails (
    id      uuid PRIMARY KEY,
    sent_at timestamptz NOT NULL DEFAULT now()
);
