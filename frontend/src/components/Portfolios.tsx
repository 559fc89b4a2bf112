import { useCallback, useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { api } from '../api/client';
import type { Workspace } from '../api/client';
import { unwrap } from '../api/errors';
import { relativeTime, shareUrl, statusLabel } from '../portfolios';
import { lastDays, sparkline } from '../stats';
import type { Portfolio } from '../portfolios';
import { AccessDialog } from './AccessDialog';
import { FormError, useAction } from './Form';
import { NewPortfolio } from './NewPortfolio';

const path = (id: string) => ({ params: { path: { portfolio_id: id } } });

/** The workspace's portfolios as cards, with everything that can be done to them, and the trash. */
export function Portfolios({ workspace }: { workspace: Workspace }) {
  const [live, setLive] = useState<Portfolio[] | null>(null);
  const [trash, setTrash] = useState<Portfolio[]>([]);
  const [showTrash, setShowTrash] = useState(false);
  const [removed, setRemoved] = useState<Portfolio | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [views, setViews] = useState<Map<string, number[]>>(new Map());
  const canEdit = workspace.role !== 'viewer';

  useEffect(() => {
    // Two weeks of views per portfolio, for the cards' sparklines; the cards do without.
    unwrap(
      api.GET('/api/v1/workspaces/{workspace_id}/stats', {
        params: { path: { workspace_id: workspace.id }, query: lastDays(14) },
      }),
    )
      .then((stats) => setViews(new Map(stats.portfolios.map((entry) => [entry.portfolio_id, entry.daily_views]))))
      .catch(() => undefined);
  }, [workspace.id]);

  const load = useCallback(async () => {
    const list = (trashed: boolean) =>
      unwrap(
        api.GET('/api/v1/workspaces/{workspace_id}/portfolios', {
          params: { path: { workspace_id: workspace.id }, query: { trashed } },
        }),
      );
    const [current, trashed] = await Promise.all([list(false), list(true)]);
    setLive(current);
    setTrash(trashed);
  }, [workspace.id]);

  const { error, run } = useAction(async (work: () => Promise<unknown>) => {
    await work();
    await load();
  });

  useEffect(() => {
    void run(async () => undefined);
    // Loads once per workspace; `run` changes with its own state.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [load]);

  const remove = (portfolio: Portfolio) =>
    run(async () => {
      await unwrap(api.DELETE('/api/v1/portfolios/{portfolio_id}', path(portfolio.id)));
      setRemoved(portfolio);
    });
  const restore = (portfolio: Portfolio) =>
    run(async () => {
      await unwrap(api.POST('/api/v1/portfolios/{portfolio_id}/restore', path(portfolio.id)));
      setRemoved(null);
      setNotice(`“${portfolio.title}” is back.`);
    });
  const copyLink = async (portfolio: Portfolio) => {
    await navigator.clipboard.writeText(shareUrl(portfolio)).catch(() => undefined);
    setNotice(`Link copied: ${shareUrl(portfolio)}`);
  };

  if (live === null) {
    return error ? <FormError error={error} /> : <p className="loading" role="status">Loading portfolios…</p>;
  }
  const shown = showTrash ? trash : live;
  return (
    <section aria-labelledby="portfolios-title">
      <div className="section-head">
        <h2 id="portfolios-title">{showTrash ? 'Trash' : 'Portfolios'}</h2>
        <button type="button" className="button button-quiet" onClick={() => setShowTrash(!showTrash)}>
          {showTrash ? 'Back to portfolios' : `Trash (${trash.length})`}
        </button>
        {canEdit && !showTrash && (
          <Link className="button" to="/import" title="From LinkedIn’s data export or a JSON Resume">
            Import
          </Link>
        )}
        {canEdit && !showTrash && <NewPortfolio workspace={workspace} />}
      </div>
      <FormError error={error} />
      <div role="status" aria-live="polite" className="toast-area">
        {removed && (
          <div className="toast">
            Moved “{removed.title}” to the trash.
            <button type="button" className="button button-quiet" onClick={() => restore(removed)}>
              Undo
            </button>
          </div>
        )}
        {notice && !removed && <div className="toast">{notice}</div>}
      </div>
      {showTrash && <p className="muted">Portfolios stay in the trash for 30 days, then they are deleted.</p>}
      {shown.length === 0 ? (
        <div className="empty">
          <p>{showTrash ? 'The trash is empty.' : 'No portfolios yet. Start one from a template.'}</p>
        </div>
      ) : (
        <ul className="cards">
          {shown.map((portfolio) => (
            <PortfolioCard
              key={portfolio.id}
              portfolio={portfolio}
              canEdit={canEdit}
              trashed={showTrash}
              onChange={(work) => run(work)}
              onRemove={() => remove(portfolio)}
              onRestore={() => restore(portfolio)}
              onCopy={() => copyLink(portfolio)}
              views={views.get(portfolio.id) ?? []}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

interface CardProps {
  portfolio: Portfolio;
  canEdit: boolean;
  trashed: boolean;
  onChange: (work: () => Promise<unknown>) => void;
  onRemove: () => void;
  onRestore: () => void;
  onCopy: () => void;
  /** Views per day over the last two weeks */
  views: number[];
}

function PortfolioCard({ portfolio, canEdit, trashed, onChange, onRemove, onRestore, onCopy, views }: CardProps) {
  const total = views.reduce((sum, day) => sum + day, 0);
  const [renaming, setRenaming] = useState(false);
  const [access, setAccess] = useState(false);
  const titleId = `portfolio-${portfolio.id}`;

  const rename = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const title = new FormData(event.currentTarget).get('title');
    onChange(async () => {
      await unwrap(api.PATCH('/api/v1/portfolios/{portfolio_id}', { ...path(portfolio.id), body: { title: String(title) } }));
      setRenaming(false);
    });
  };
  const publish = () =>
    onChange(() =>
      portfolio.status === 'published'
        ? unwrap(api.POST('/api/v1/portfolios/{portfolio_id}/unpublish', path(portfolio.id)))
        : unwrap(api.POST('/api/v1/portfolios/{portfolio_id}/publish', path(portfolio.id))),
    );
  const duplicate = () => onChange(() => unwrap(api.POST('/api/v1/portfolios/{portfolio_id}/duplicate', path(portfolio.id))));
  const navigate = useNavigate();
  const exportPdf = (page_size: 'A4' | 'Letter') =>
    onChange(async () => {
      const job = await unwrap(
        api.POST('/api/v1/portfolios/{portfolio_id}/exports/pdf', { ...path(portfolio.id), body: { page_size } }),
      );
      navigate(`/jobs/${job.id}`);
    });
  const exportStatic = () =>
    onChange(async () => {
      const job = await unwrap(api.POST('/api/v1/portfolios/{portfolio_id}/exports/static', path(portfolio.id)));
      navigate(`/jobs/${job.id}`);
    });

  return (
    <li className="portfolio-card" aria-labelledby={titleId}>
      <img className="portfolio-thumb" src={`/assets/previews/${portfolio.template}.png`} alt="" loading="lazy" />
      <div className="portfolio-body">
        {renaming ? (
          <form className="rename" onSubmit={rename}>
            <label className="visually-hidden" htmlFor={`${titleId}-title`}>
              Title
            </label>
            <input id={`${titleId}-title`} name="title" defaultValue={portfolio.title} required maxLength={200} autoFocus />
            <div className="button-row">
              <button type="submit" className="button button-primary">
                Save
              </button>
              <button type="button" className="button" onClick={() => setRenaming(false)}>
                Cancel
              </button>
            </div>
          </form>
        ) : (
          <h3 id={titleId}>{portfolio.title}</h3>
        )}
        <p className="portfolio-meta">
          <span className={`badge badge-${portfolio.status}`}>{statusLabel(portfolio)}</span>
          <span>{portfolio.template}</span>
          <span>edited {relativeTime(portfolio.updated_at)}</span>
          <Link to={`/portfolios/${portfolio.id}/stats`} className="card-views" title="Views over the last two weeks">
            <svg className="sparkline" width="56" height="16" viewBox="0 0 56 16" aria-hidden="true">
              <polyline points={sparkline(views.length ? views : [0, 0], 56, 16)} />
            </svg>{' '}
            {total.toLocaleString('en')} {total === 1 ? 'view' : 'views'}
          </Link>
        </p>
        {trashed ? (
          canEdit && (
            <div className="button-row">
              <button type="button" className="button" onClick={onRestore}>
                Restore
              </button>
            </div>
          )
        ) : (
          <div className="button-row">
            {canEdit && (
              <Link className="button button-primary" to={`/portfolios/${portfolio.id}/edit`}>
                Edit
              </Link>
            )}
            {canEdit && (
              <button type="button" className="button" onClick={publish}>
                {portfolio.status === 'published' ? 'Unpublish' : 'Publish'}
              </button>
            )}
            {portfolio.status === 'published' && (
              <button type="button" className="button" onClick={onCopy}>
                Copy link
              </button>
            )}
            {canEdit && (
              <details className="menu">
                <summary className="button">More</summary>
                <div className="menu-items">
                  <button type="button" onClick={() => setRenaming(true)}>
                    Rename
                  </button>
                  <button type="button" onClick={duplicate}>
                    Duplicate
                  </button>
                  <button type="button" onClick={() => setAccess(true)}>
                    Who can see it…
                  </button>
                  <button type="button" onClick={() => exportPdf('A4')}>
                    Export PDF (A4)
                  </button>
                  <button type="button" onClick={() => exportPdf('Letter')}>
                    Export PDF (US Letter)
                  </button>
                  <button type="button" onClick={exportStatic}>
                    Export static site (ZIP)
                  </button>
                  <a href={`/api/v1/portfolios/${portfolio.id}/export/json-resume`} download="resume.json">
                    Download JSON Resume
                  </a>
                  <Link to={`/import?portfolio=${portfolio.id}`}>Import into this portfolio</Link>
                  <a href={portfolio.public_url} target="_blank" rel="noreferrer">
                    Open public page
                  </a>
                  <button type="button" className="danger" onClick={onRemove}>
                    Move to trash
                  </button>
                </div>
              </details>
            )}
          </div>
        )}
      </div>
      {access && (
        <AccessDialog
          portfolio={portfolio}
          onClose={() => setAccess(false)}
          onSaved={() => onChange(async () => undefined)}
        />
      )}
    </li>
  );
}
