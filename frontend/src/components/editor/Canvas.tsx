import { useEffect, useRef, useState } from 'react';
import { api } from '../../api/client';
import type { components } from '../../api/schema';
import type { Document, EditorAction } from '../../editor/history';

type Theme = components['schemas']['Theme'];

const WIDTHS = { desktop: '100%', tablet: '768px', phone: '390px' } as const;
const SELECTION_STYLE = 'vitrine-selection';

/**
 * The page exactly as the server's renderer draws it. New drawings replace the frame's content
 * in place rather than reloading it, so the scroll position stays and nothing flashes.
 */
export function Canvas({
  document,
  template,
  width,
  selected,
  act,
}: {
  document: Document;
  template: Theme;
  width: keyof typeof WIDTHS;
  selected: string | null;
  act: (action: EditorAction) => void;
}) {
  const frame = useRef<HTMLIFrameElement>(null);
  const latest = useRef(0);
  const [html, setHtml] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    const ticket = ++latest.current;
    const timer = setTimeout(async () => {
      const answer = await api
        .POST('/api/v1/render/preview', { body: { document, template }, parseAs: 'text' })
        .catch(() => null);
      // An older drawing that arrives late must not replace a newer one.
      if (ticket !== latest.current) return;
      if (answer?.response.ok && typeof answer.data === 'string') {
        setHtml(answer.data);
        setFailed(false);
      } else {
        setFailed(true);
      }
    }, 40);
    return () => clearTimeout(timer);
  }, [document, template]);

  useEffect(() => {
    const page = frame.current?.contentDocument;
    if (!page || html === null) return;
    const drawn = new DOMParser().parseFromString(html, 'text/html');
    page.documentElement.lang = drawn.documentElement.lang;
    page.head.innerHTML = drawn.head.innerHTML;
    page.body.className = drawn.body.className;
    page.body.innerHTML = drawn.body.innerHTML;
    markSelection(page, selected);
  }, [html, selected]);

  useEffect(() => {
    const page = frame.current?.contentDocument;
    if (!page || !selected) return;
    page.querySelector(`[data-section-id="${CSS.escape(selected)}"]`)?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }, [selected]);

  const attach = () => {
    const page = frame.current?.contentDocument;
    if (!page) return;
    page.addEventListener('click', (event) => {
      const target = event.target as Element | null;
      // The canvas is for choosing what to edit: links there go nowhere.
      if (target?.closest('a')) event.preventDefault();
      const section = target?.closest('[data-section-id]');
      act({ type: 'select', id: section?.getAttribute('data-section-id') ?? null });
    });
  };

  return (
    <section className="canvas" aria-label="Page preview">
      {failed && (
        <p className="canvas-note" role="status">
          The preview is out of date: the last change could not be drawn.
        </p>
      )}
      <iframe
        ref={frame}
        title="Page preview"
        className="canvas-frame"
        style={{ width: WIDTHS[width] }}
        sandbox="allow-same-origin"
        srcDoc="<!doctype html><html><head></head><body></body></html>"
        onLoad={attach}
      />
    </section>
  );
}

function markSelection(page: globalThis.Document, selected: string | null) {
  page.getElementById(SELECTION_STYLE)?.remove();
  if (!selected) return;
  const style = page.createElement('style');
  style.id = SELECTION_STYLE;
  style.textContent = `[data-section-id="${CSS.escape(selected)}"] { outline: 3px solid #4f46e5; outline-offset: -3px; }
[data-section-id] { cursor: pointer; }`;
  page.head.append(style);
}
