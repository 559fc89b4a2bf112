import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { generationResult, sectionSummary } from '../../ai/generation';
import type { EditorAction, Section } from '../../editor/history';
import { SECTION_LABELS } from './Outline';
import { useJob } from '../../jobs';

/**
 * Sections an AI draft wrote for this portfolio (the job in the address), each inserted at the
 * end of the page on request as an ordinary edit. `insert` names one to insert straight away.
 */
export function AiSections({
  jobId,
  portfolioId,
  sectionCount,
  insert,
  act,
  onInserted,
  onClose,
}: {
  jobId: string;
  portfolioId: string;
  sectionCount: number;
  insert: string | null;
  act: (action: EditorAction) => void;
  /** `insert` was handled: the address forgets it, so a reload does not insert it again. */
  onInserted: () => void;
  onClose: () => void;
}) {
  const { job, error } = useJob(jobId);
  // A section the address asks for is inserted as soon as the sections arrive.
  const [inserted, setInserted] = useState<string[]>(insert === null ? [] : [insert]);
  const handled = useRef(false);


  const result = job ? generationResult(job) : null;
  const sections = result?.kind === 'preview' && job?.portfolio_id === portfolioId ? result.sections : null;

  const add = (section: Section, index: number) => {
    act({ type: 'addSection', index, section });
    setInserted((done) => [...done, section.id]);
  };

  // The job page's "Insert" for one section: done once, then the address forgets it.
  useEffect(() => {
    if (handled.current || !sections || insert === null) return;
    handled.current = true;
    const section = sections.find((candidate) => candidate.id === insert);
    if (section) act({ type: 'addSection', index: sectionCount, section });
    onInserted();
  }, [sections, insert, act, sectionCount, onInserted]);

  return (
    <section className="ai-tray" aria-labelledby="ai-tray-title">
      <div className="ai-tray-head">
        <h2 id="ai-tray-title">AI sections</h2>
        <button type="button" className="button button-quiet" onClick={onClose}>
          Close
        </button>
      </div>
      {error && (
        <p className="banner banner-error" role="alert">
          {error.status === 404 ? 'These sections are gone, or they are not yours to see.' : error.message}
        </p>
      )}
      {!error && !job && <p className="hint">Loading the sections…</p>}
      {job && (job.status === 'queued' || job.status === 'running') && <p className="hint">The AI is still writing them…</p>}
      {job?.status === 'failed' && (
        <p className="banner banner-error" role="alert">
          The AI could not write them: {job.error}
        </p>
      )}
      {job?.status === 'done' && !sections && (
        <p className="hint">
          This draft holds no sections for this portfolio. <Link to={`/jobs/${job.id}`}>See the draft</Link>
        </p>
      )}
      {sections && (
        <>
          <p className="hint">Each one goes at the end of the page; move it from the list. Undo takes it back.</p>
          <ul className="generated">
            {sections.map((section) => {
              const done = inserted.includes(section.id);
              return (
                <li key={section.id}>
                  <span>
                    <strong>{SECTION_LABELS[section.type]}</strong>
                    <span className="hint"> {sectionSummary(section)}</span>
                  </span>
                  <button
                    type="button"
                    className="button button-small"
                    aria-label={`Insert ${SECTION_LABELS[section.type]}`}
                    disabled={done}
                    onClick={() => add(section, sectionCount)}
                  >
                    {done ? 'Inserted' : 'Insert'}
                  </button>
                </li>
              );
            })}
          </ul>
        </>
      )}
    </section>
  );
}
