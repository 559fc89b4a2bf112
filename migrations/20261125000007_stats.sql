-- Visit statistics. A visitor is a keyed hash of (the day's salt, address, user agent, host):
-- the salt is random per UTC day and deleted once the day is over (yesterday's is kept for
-- late writes), after which nobody can tell that day's visitors apart or link them to
-- another day's. The address itself is never stored.
CREATE TABLE view_salts (
    day  date PRIMARY KEY,
    salt bytea NOT NULL
);

-- Counted views, kept for the raw retention (90 days by default): one row per visitor, page,
-- second and origin, with how many views that was (a reload storm is one row). The worker
-- adds rows to the daily aggregates in id order, up to a watermark (`stats_rollup`).
CREATE TABLE page_views (
    id           bigint GENERATED ALWAYS AS IDENTITY,
    portfolio_id uuid NOT NULL REFERENCES portfolios (id) ON DELETE CASCADE,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    viewed_at    timestamptz NOT NULL,
    country      text CHECK (country ~ '^[A-Z]{2}$'),
    -- The referring site's domain; NULL for direct visits and links within the site.
    referrer     text CHECK (length(referrer) <= 253),
    device       text NOT NULL CHECK (device IN ('desktop', 'tablet', 'phone')),
    visitor      bytea NOT NULL CHECK (length(visitor) = 16),
    views        integer NOT NULL DEFAULT 1 CHECK (views > 0),
    -- When the writing transaction began: rows settle (commit or vanish) soon after.
    inserted_at  timestamptz NOT NULL DEFAULT now()
);
-- Rows arrive in id and roughly in time order: block range indexes find ranges of either and
-- cost an insert next to nothing.
CREATE INDEX page_views_id ON page_views USING brin (id);
CREATE INDEX page_views_age ON page_views USING brin (viewed_at);

-- The last view id added to the aggregates.
CREATE TABLE stats_rollup (
    only_row     boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    last_view_id bigint NOT NULL
);
INSERT INTO stats_rollup (last_view_id) VALUES (0);

-- Daily aggregates by UTC day: what every statistics query reads. Bots are tallied here only.
CREATE TABLE stats_daily (
    portfolio_id uuid NOT NULL REFERENCES portfolios (id) ON DELETE CASCADE,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    day          date NOT NULL,
    views        bigint NOT NULL DEFAULT 0,
    uniques      bigint NOT NULL DEFAULT 0,
    bots         bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (portfolio_id, day)
);
CREATE INDEX stats_daily_workspace ON stats_daily (workspace_id, day);

-- Views per day by country, referrer and device ('' for unknown country and direct visits).
CREATE TABLE stats_daily_breakdown (
    portfolio_id uuid NOT NULL REFERENCES portfolios (id) ON DELETE CASCADE,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    day          date NOT NULL,
    dimension    text NOT NULL CHECK (dimension IN ('country', 'referrer', 'device')),
    value        text NOT NULL,
    views        bigint NOT NULL,
    PRIMARY KEY (portfolio_id, day, dimension, value)
);
CREATE INDEX stats_daily_breakdown_workspace ON stats_daily_breakdown (workspace_id, day);

-- Visitors already counted for a day, so uniques add up across roll-up rounds. Only recent
-- days are kept: older days are complete.
CREATE TABLE stats_visitors (
    portfolio_id uuid NOT NULL REFERENCES portfolios (id) ON DELETE CASCADE,
    day          date NOT NULL,
    visitor      bytea NOT NULL,
    PRIMARY KEY (portfolio_id, day, visitor)
);
