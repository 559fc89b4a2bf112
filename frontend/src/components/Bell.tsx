import { useCallback, useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../api/client';
import type { components } from '../api/schema';
import { unwrap } from '../api/errors';
import { relativeTime } from '../portfolios';

type Notification = components['schemas']['Notification'];

/** How often the badge asks for news while the tab is visible. */
const POLL_MS = 30_000;

/** The bell in the top bar: unread count, and the latest notifications when opened. */
export function Bell() {
  const [unread, setUnread] = useState(0);
  const [items, setItems] = useState<Notification[] | null>(null);
  const menu = useRef<HTMLDetailsElement>(null);
  const navigate = useNavigate();

  const refreshCount = useCallback(() => {
    if (document.visibilityState !== 'visible') return;
    unwrap(api.GET('/api/v1/notifications/unread-count'))
      .then((answer) => setUnread(answer.unread))
      .catch(() => undefined);
  }, []);

  useEffect(() => {
    refreshCount();
    const timer = window.setInterval(refreshCount, POLL_MS);
    document.addEventListener('visibilitychange', refreshCount);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener('visibilitychange', refreshCount);
    };
  }, [refreshCount]);

  async function load() {
    const list = await unwrap(api.GET('/api/v1/notifications', { params: { query: { limit: 20 } } }));
    setItems(list.items);
    setUnread(list.unread);
  }

  async function markAllRead() {
    const answer = await unwrap(api.POST('/api/v1/notifications/read', { body: {} }));
    setUnread(answer.unread);
    setItems((current) => current?.map((item) => ({ ...item, read_at: item.read_at ?? new Date().toISOString() })) ?? null);
  }

  async function open(item: Notification) {
    if (!item.read_at) {
      const answer = await unwrap(api.POST('/api/v1/notifications/read', { body: { ids: [item.id] } }));
      setUnread(answer.unread);
    }
    menu.current?.removeAttribute('open');
    if (item.link?.startsWith('/app/')) navigate(item.link.slice('/app'.length));
  }

  return (
    <details className="menu bell" ref={menu} onToggle={(event) => event.currentTarget.open && load()}>
      <summary className="button button-quiet" aria-label={unread ? `Notifications, ${unread} unread` : 'Notifications'}>
        <svg aria-hidden="true" viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" strokeWidth="2">
          <path d="M6 8a6 6 0 1 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
          <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
        </svg>
        {unread > 0 && <span className="badge">{unread > 99 ? '99+' : unread}</span>}
      </summary>
      <div className="menu-items bell-panel" role="region" aria-label="Notifications">
        <div className="bell-head">
          <strong>Notifications</strong>
          {unread > 0 && (
            <button type="button" className="link-button" onClick={markAllRead}>
              Mark all read
            </button>
          )}
        </div>
        {items === null && <p className="muted">Loading…</p>}
        {items?.length === 0 && <p className="muted">Nothing yet. Exports, colleagues' edits and invitations show up here.</p>}
        <ul className="bell-list">
          {items?.map((item) => (
            <li key={item.id} className={item.read_at ? 'read' : 'unread'}>
              <button type="button" onClick={() => open(item)}>
                <span className="bell-title">{item.title}</span>
                <span className="bell-body">{item.body}</span>
                <time dateTime={item.created_at}>{relativeTime(item.created_at)}</time>
              </button>
            </li>
          ))}
        </ul>
      </div>
    </details>
  );
}
