import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import { unwrap } from '../../api/errors';
import type { components } from '../../api/schema';
import type { Document } from '../../editor/history';
import { relativeTime } from '../../portfolios';

type Version = components['schemas']['Version'];
type Theme = components['schemas']['Theme'];

const KINDS: Record<string, string> = {
  created: 'Created',
  edit: 'Edits',
  restore: 'Restored',
  publish: 'Published',
  snapshot: 'Snapshot',
};

/** A document shown in the canvas instead of the one being edited. */
export interface Previewed {
  /** The version's id, or another name for what is shown. */
  id: string;
  /** What the canvas shows, in words. */
  label: string;
  document: Document;
  template: Theme;
}

/**
 * The portfolio's versions, newest first. Choosing one shows it in the canvas; restoring makes
 * it the current document as a new revision, so nothing in between is lost.
 */
export function History({
  portfolioId,
  revision,
  previewing,
  onPreview,
  beforeRestore,
  onRestored,
}: {
  portfolioId: string;
  /** Reloads the list when the document moves on. */
  revision: number;
  previewing: string | null;
  onPreview: (previewed: Previewed | null) => void;
  /** Resolves once every edit is on the server (`false`: they cannot be, do not restore). */
  beforeRestore: () => Promise<boolean>;
  onRestored: () => void;
}) {
  const [versions, setVersions] = useState<Version[] | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    unwrap(api.GET('/api/v1/portfolios/{portfolio_id}/versions', { params: { path: { portfolio_id: portfolioId } } }))
      .then((list) => current && setVersions(list))
      .catch((error: Error) => current && setFailure(error.message));
    return () => {
      current = false;
    };
  }, [portfolioId, revision]);

  const preview = async (version: Version) => {
    const found = await unwrap(api.GET('/api/v1/versions/{version_id}', { params: { path: { version_id: version.id } } }));
    onPreview({
      id: version.id,
      label: `revision ${version.revision} from ${new Date(version.updated_at).toLocaleString()}`,
      document: found.document,
      template: found.template,
    });
  };
  const restore = async (version: Version) => {
    if (!(await beforeRestore())) return;
    await unwrap(api.POST('/api/v1/versions/{version_id}/restore', { params: { path: { version_id: version.id } } }));
    onPreview(null);
    onRestored();
  };

  return (
    <aside className="inspector history" aria-label="History">
      <h2>History</h2>
      <p className="hint">Quick edits in a row are kept as one version. Restoring adds a new version; nothing is lost.</p>
      {failure && <p className="banner banner-error">{failure}</p>}
      {versions === null ? (
        <p className="loading" role="status">Loading versions…</p>
      ) : (
        <ol className="versions">
          {versions.map((version, index) => (
            <li key={version.id} className={previewing === version.id ? 'selected' : undefined}>
              <div>
                <strong>{KINDS[version.kind] ?? version.kind}</strong> · revision {version.revision}
                {index === 0 && <span className="badge"> · current</span>}
                <br />
                <span className="hint">
                  {relativeTime(version.updated_at)}
                  {version.author_name ? ` · ${version.author_name}` : ''}
                </span>
              </div>
              <div className="button-row">
                <button type="button" className="button" onClick={() => void preview(version)}>
                  Preview
                </button>
                {index > 0 && (
                  <button type="button" className="button" onClick={() => void restore(version)}>
                    Restore
                  </button>
                )}
              </div>
            </li>
          ))}
        </ol>
      )}
    </aside>
  );
}
