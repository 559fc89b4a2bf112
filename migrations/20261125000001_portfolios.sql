-- Portfolios, their version history, workspace templates and uploaded media.

CREATE TABLE portfolios (
    id                  uuid PRIMARY KEY,
    workspace_id        uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    title               text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description         text NOT NULL DEFAULT '' CHECK (length(description) <= 500),
    -- Unique among the workspace's portfolios that are not in the trash (index below).
    slug                text NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 60),
    template            text NOT NULL,
    document            jsonb NOT NULL,
    -- Bumped by every document write; a save names the revision it started from.
    revision            bigint NOT NULL DEFAULT 1,
    access              text NOT NULL DEFAULT 'public'
                        CHECK (access IN ('public', 'private', 'password', 'secret_link')),
    password_hash       text,
    -- A capability URL the owner copies, so kept readable; rotating replaces it.
    secret_key          text,
    -- Bumped when the password changes, so cookies that unlocked the old one stop working.
    access_epoch        integer NOT NULL DEFAULT 1,
    published_version_id uuid,
    published_at        timestamptz,
    created_by          uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    deleted_at          timestamptz,
    CHECK (access <> 'password' OR password_hash IS NOT NULL),
    CHECK (access <> 'secret_link' OR secret_key IS NOT NULL)
);
CREATE UNIQUE INDEX portfolios_live_slug ON portfolios (workspace_id, slug) WHERE deleted_at IS NULL;
CREATE INDEX portfolios_workspace ON portfolios (workspace_id, updated_at DESC);
CREATE TRIGGER portfolios_updated_at BEFORE UPDATE ON portfolios
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Every document write appends a version (consecutive edits by one author coalesce into the
-- last one); publishing freezes a copy. workspace_id is repeated so every read can be scoped
-- by tenant without a join.
CREATE TABLE portfolio_versions (
    id           uuid PRIMARY KEY,
    portfolio_id uuid NOT NULL REFERENCES portfolios (id) ON DELETE CASCADE,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    revision     bigint NOT NULL,
    document     jsonb NOT NULL,
    template     text NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('created', 'edit', 'restore', 'publish', 'snapshot')),
    -- Named versions are kept forever by retention.
    name         text CHECK (length(name) BETWEEN 1 AND 100),
    author_id    uuid REFERENCES users (id) ON DELETE SET NULL,
    -- Of the version this one was restored from.
    restored_from uuid,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX portfolio_versions_portfolio ON portfolio_versions (portfolio_id, created_at DESC);

ALTER TABLE portfolios ADD CONSTRAINT portfolios_published_version
    FOREIGN KEY (published_version_id) REFERENCES portfolio_versions (id) ON DELETE SET NULL;

-- The portfolio shown at the workspace's own address (`{handle}.{BASE_DOMAIN}/`).
ALTER TABLE workspaces ADD COLUMN primary_portfolio_id uuid REFERENCES portfolios (id) ON DELETE SET NULL;

-- A portfolio saved as a starting point for others in the same workspace.
CREATE TABLE workspace_templates (
    id           uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    description  text NOT NULL DEFAULT '' CHECK (length(description) <= 500),
    template     text NOT NULL,
    document     jsonb NOT NULL,
    created_by   uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX workspace_templates_workspace ON workspace_templates (workspace_id, created_at DESC);

-- Uploaded images, re-encoded; the bytes live in the media store under `{id}.{extension}`.
CREATE TABLE media (
    id           uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    content_type text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
    extension    text NOT NULL CHECK (extension IN ('jpg', 'png', 'webp')),
    width        integer NOT NULL CHECK (width > 0),
    height       integer NOT NULL CHECK (height > 0),
    byte_size    integer NOT NULL CHECK (byte_size > 0),
    original_name text,
    created_by   uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX media_workspace ON media (workspace_id, created_at DESC);
