import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { api } from '../api/client';
import { ApiError, unwrap } from '../api/errors';
import { FormError } from '../components/Form';
import { AppShell } from '../components/Layout';
import { ViewsChart } from '../components/ViewsChart';
import type { Portfolio } from '../portfolios';
import { useSession } from '../session';
import { PRESETS, change, countryName, flag, lastDays, shares, sparkline } from '../stats';
import type { Stats } from '../stats';

type Range = { from: string; to: string };

/** A portfolio's statistics (`/portfolios/:portfolioId/stats`) or the current workspace's
 * (`/stats`). */
export function StatsPage() {
  const { portfolioId } = useParams();
  const { current } = useSession();
  const [range, setRange] = useState<Range>(lastDays(30));
  const [stats, setStats] = useState<Stats | null>(null);
  const [portfolio, setPortfolio] = useState<Portfolio | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    if (!portfolioId) return;
    unwrap(api.GET('/api/v1/portfolios/{portfolio_id}', { params: { path: { portfolio_id: portfolioId } } }))
      .then(setPortfolio)
      .catch(setError);
  }, [portfolioId]);

  useEffect(() => {
    const query = { query: range };
    const request = portfolioId
      ? api.GET('/api/v1/portfolios/{portfolio_id}/stats', { params: { path: { portfolio_id: portfolioId }, ...query } })
      : current
        ? api.GET('/api/v1/workspaces/{workspace_id}/stats', { params: { path: { workspace_id: current.id }, ...query } })
        : null;
    if (!request) return;
    unwrap(request)
      .then((answer) => {
        setError(null);
        setStats(answer);
      })
      .catch(setError);
  }, [portfolioId, current, range]);

  const csv = portfolioId
    ? `/api/v1/portfolios/${portfolioId}/stats.csv?from=${range.from}&to=${range.to}`
    : `/api/v1/workspaces/${current?.id}/stats.csv?from=${range.from}&to=${range.to}`;
  const title = portfolioId ? `Statistics of ${portfolio?.title ?? '…'}` : `Statistics of ${current?.name ?? '…'}`;

  return (
    <AppShell title={title}>
      <RangePicker range={range} onChange={setRange} />
      <FormError error={error} />
      {!stats ? (
        !error && <p role="status">Loading…</p>
      ) : (
        <>
          <section className="stats-totals" aria-label="Totals">
            <Total label="Views" now={stats.totals.views} before={stats.previous_totals.views} />
            <Total label="Unique visitors" now={stats.totals.uniques} before={stats.previous_totals.uniques} />
            <div className="card stat">
              <span className="stat-label">Robots, not counted</span>
              <strong className="stat-value">{stats.totals.bots.toLocaleString('en')}</strong>
            </div>
          </section>
          <section className="card" aria-labelledby="chart-title">
            <div className="section-head">
              <h2 id="chart-title">Views per day</h2>
              <a className="button button-quiet" href={csv} download>
                Download CSV
              </a>
            </div>
            <ViewsChart stats={stats} />
          </section>
          <div className="stats-lists">
            <RankedList title="Countries" empty="No visits yet." entries={stats.countries} render={(code) => `${flag(code)} ${countryName(code)}`} />
            <RankedList title="Referrers" empty="No visits yet." entries={stats.referrers} render={(domain) => domain || 'Direct or unknown'} />
            <RankedList title="Devices" empty="No visits yet." entries={stats.devices} render={(device) => device.charAt(0).toUpperCase() + device.slice(1)} />
          </div>
          {!portfolioId && current && <PortfolioTable workspaceId={current.id} stats={stats} />}
          {portfolioId && (
            <p>
              <Link to="/stats">All portfolios of this workspace</Link>
            </p>
          )}
        </>
      )}
    </AppShell>
  );
}

/** The workspace's portfolios by views in the range, each with its trend line. */
function PortfolioTable({ workspaceId, stats }: { workspaceId: string; stats: Stats }) {
  const [titles, setTitles] = useState<Map<string, string>>(new Map());
  useEffect(() => {
    unwrap(api.GET('/api/v1/workspaces/{workspace_id}/portfolios', { params: { path: { workspace_id: workspaceId } } }))
      .then((list) => setTitles(new Map(list.map((portfolio) => [portfolio.id, portfolio.title]))))
      .catch(() => undefined);
  }, [workspaceId]);
  return (
    <section className="card" aria-labelledby="by-portfolio">
      <h2 id="by-portfolio">By portfolio</h2>
      {stats.portfolios.length === 0 ? (
        <p className="muted">No views in this period.</p>
      ) : (
        <table className="preferences">
          <tbody>
            {stats.portfolios.map((entry) => (
              <tr key={entry.portfolio_id}>
                <th scope="row">
                  <Link to={`/portfolios/${entry.portfolio_id}/stats`}>{titles.get(entry.portfolio_id) ?? 'A portfolio in the trash'}</Link>
                </th>
                <td>
                  <svg className="sparkline" width="96" height="20" viewBox="0 0 96 20" aria-hidden="true">
                    <polyline points={sparkline(entry.daily_views, 96, 20)} />
                  </svg>
                </td>
                <td>{entry.views.toLocaleString('en')} views</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Total({ label, now, before }: { label: string; now: number; before: number }) {
  const trend = change(now, before);
  return (
    <div className="card stat">
      <span className="stat-label">{label}</span>
      <strong className="stat-value">{now.toLocaleString('en')}</strong>
      {trend && (
        <span className={`stat-change ${trend.startsWith('−') ? 'down' : 'up'}`} title="Compared with the period before">
          {trend}
        </span>
      )}
    </div>
  );
}

function RangePicker({ range, onChange }: { range: Range; onChange: (range: Range) => void }) {
  const [custom, setCustom] = useState(false);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    onChange({ from: String(form.get('from')), to: String(form.get('to')) });
  };
  return (
    <div className="range-picker">
      <div className="segmented" role="group" aria-label="Period">
        {PRESETS.map((preset) => {
          const preset_range = lastDays(preset.days);
          const active = !custom && preset_range.from === range.from && preset_range.to === range.to;
          return (
            <button
              key={preset.label}
              type="button"
              aria-pressed={active}
              onClick={() => {
                setCustom(false);
                onChange(preset_range);
              }}
            >
              {preset.label}
            </button>
          );
        })}
        <button type="button" aria-pressed={custom} onClick={() => setCustom(true)}>
          Custom
        </button>
      </div>
      {custom && (
        <form className="range-custom" onSubmit={submit}>
          <label>
            From <input type="date" name="from" defaultValue={range.from} required />
          </label>
          <label>
            To <input type="date" name="to" defaultValue={range.to} required />
          </label>
          <button type="submit" className="button">
            Show
          </button>
        </form>
      )}
    </div>
  );
}

function RankedList({
  title,
  entries,
  render,
  empty,
}: {
  title: string;
  entries: { value: string; views: number }[];
  render: (value: string) => string;
  empty: string;
}) {
  return (
    <section className="card ranked" aria-label={title}>
      <h2>{title}</h2>
      {entries.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <ol>
          {shares(entries).map((entry) => (
            <li key={entry.value}>
              <span className="ranked-bar" style={{ width: `${entry.percent}%` }} aria-hidden="true" />
              <span className="ranked-name">{render(entry.value)}</span>
              <span className="ranked-count">
                {entry.views.toLocaleString('en')} <span className="muted">({entry.percent}%)</span>
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
