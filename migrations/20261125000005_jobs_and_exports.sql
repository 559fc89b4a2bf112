-- Work a person starts and then waits on: a PDF export (imports and AI generations later).
-- The queue's own tables say how each run went; this row is what the person is shown, with
-- the input frozen when they asked, so the result matches what they saw.
CREATE TABLE jobs (
    id           uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    portfolio_id uuid REFERENCES portfolios (id) ON DELETE SET NULL,
    kind         text NOT NULL CHECK (kind IN ('pdf_export')),
    input        jsonb NOT NULL,
    status       text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
    progress     smallint NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    error        text,
    created_by   uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    started_at   timestamptz,
    finished_at  timestamptz
);
CREATE INDEX jobs_workspace ON jobs (workspace_id, created_at DESC);
CREATE INDEX jobs_finished ON jobs (finished_at) WHERE finished_at IS NOT NULL;

-- A file a job produced. One per job: a job run twice finds its export and does not make
-- another. The bytes live in the file store under `storage_key` until `expires_at`.
CREATE TABLE exports (
    id           uuid PRIMARY KEY,
    job_id       uuid NOT NULL UNIQUE REFERENCES jobs (id) ON DELETE CASCADE,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    portfolio_id uuid REFERENCES portfolios (id) ON DELETE SET NULL,
    filename     text NOT NULL,
    content_type text NOT NULL,
    storage_key  text NOT NULL,
    size_bytes   bigint NOT NULL,
    pages        integer,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL
);
CREATE INDEX exports_expiry ON exports (expires_at);
