-- AI generations are jobs like exports; what they produced (a new portfolio, or sections
-- offered for an existing one) is kept with the job.
ALTER TABLE jobs DROP CONSTRAINT jobs_kind_check;
ALTER TABLE jobs ADD CONSTRAINT jobs_kind_check CHECK (kind IN ('pdf_export', 'ai_generation'));
ALTER TABLE jobs ADD COLUMN result jsonb;

-- AI requests per workspace and UTC day: the quota counts them, and the provider's token
-- counts are added up for billing.
CREATE TABLE ai_usage (
    workspace_id      uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    day               date NOT NULL,
    requests          integer NOT NULL DEFAULT 0,
    prompt_tokens     bigint NOT NULL DEFAULT 0,
    completion_tokens bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (workspace_id, day)
);

-- Imports (LinkedIn, JSON Resume) and static site exports are jobs too.
ALTER TABLE jobs DROP CONSTRAINT jobs_kind_check;
ALTER TABLE jobs ADD CONSTRAINT jobs_kind_check
    CHECK (kind IN ('pdf_export', 'ai_generation', 'import', 'static_export'));
