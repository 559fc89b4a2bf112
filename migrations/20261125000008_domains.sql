-- Custom domains: a tenant proves a hostname with a TXT record, points it at the edge, and the
-- router serves the chosen portfolio there with a certificate it ordered.
CREATE TABLE domains (
    id                 uuid PRIMARY KEY,
    workspace_id       uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    portfolio_id       uuid NOT NULL REFERENCES portfolios (id) ON DELETE CASCADE,
    -- Lowercase ASCII (IDNA), no trailing dot: one workspace per hostname.
    hostname           text NOT NULL UNIQUE,
    -- Published as the TXT record `_vitrine.{hostname}`.
    verification_token text NOT NULL,
    -- pending: not proven yet; verified: proven, not pointing at the edge; active: proven and
    -- pointing at the edge; failing: was active, the last re-check failed (still served).
    status             text NOT NULL DEFAULT 'pending'
                       CHECK (status IN ('pending', 'verified', 'active', 'failing')),
    last_checked_at    timestamptz,
    last_check_result  text,
    -- When the worker looks again; back-off while pending, daily once active.
    next_check_at      timestamptz NOT NULL DEFAULT now(),
    failed_checks      integer NOT NULL DEFAULT 0,
    verified_at        timestamptz,
    created_by         uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX domains_workspace ON domains (workspace_id);
CREATE INDEX domains_due ON domains (next_check_at);

ALTER TABLE notifications DROP CONSTRAINT notifications_category_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_category_check
    CHECK (category IN ('exports', 'jobs', 'activity', 'invitations', 'milestones', 'digest', 'domains'));

-- Shared by every router replica: the ACME account, certificates and TLS-ALPN-01 challenge
-- answers. Private keys are sealed (AES-256-GCM under VITRINE_TLS_STORE_KEY).
CREATE TABLE acme_accounts (
    directory_url text PRIMARY KEY,
    sealed_key    bytea NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE tls_certificates (
    hostname        text PRIMARY KEY,
    chain_pem       text,
    sealed_key      bytea,
    not_after       timestamptz,
    renew_after     timestamptz,
    issued_at       timestamptz,
    -- After a failure, no new order before this time.
    retry_after     timestamptz,
    failures        integer NOT NULL DEFAULT 0,
    last_error      text,
    updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE acme_challenges (
    hostname   text PRIMARY KEY,
    cert_der   bytea NOT NULL,
    sealed_key bytea NOT NULL,
    expires_at timestamptz NOT NULL
);

-- Every order placed, for the hourly limit and for operators.
CREATE TABLE acme_orders (
    id          bigserial PRIMARY KEY,
    hostname    text NOT NULL,
    replica     text NOT NULL,
    placed_at   timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    outcome     text
);
CREATE INDEX acme_orders_placed ON acme_orders (placed_at);

-- Routers cache hostname → tenant and certificates; any change, by whichever binary, tells
-- every replica at commit.
CREATE FUNCTION notify_hosts_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('vitrine_hosts', '');
    RETURN NULL;
END $$;
CREATE TRIGGER domains_changed AFTER INSERT OR UPDATE OF hostname, status, portfolio_id, workspace_id OR DELETE
    ON domains FOR EACH STATEMENT EXECUTE FUNCTION notify_hosts_changed();
CREATE TRIGGER workspaces_changed AFTER INSERT OR UPDATE OF handle OR DELETE
    ON workspaces FOR EACH STATEMENT EXECUTE FUNCTION notify_hosts_changed();

CREATE FUNCTION notify_certificate_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('vitrine_certificates', COALESCE(NEW.hostname, OLD.hostname));
    RETURN NULL;
END $$;
CREATE TRIGGER tls_certificates_changed AFTER INSERT OR UPDATE OF chain_pem OR DELETE
    ON tls_certificates FOR EACH ROW EXECUTE FUNCTION notify_certificate_changed();
