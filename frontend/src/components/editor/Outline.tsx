import { useState } from 'react';
import type { EditorAction, EditorState, Section, SectionType } from '../../editor/history';

export const SECTION_LABELS: Record<SectionType, string> = {
  header: 'Header',
  about: 'About',
  experience: 'Experience',
  education: 'Education',
  skills: 'Skills',
  projects: 'Projects',
  social_links: 'Links',
  contact: 'Contact',
  text: 'Text',
  image: 'Image',
  gallery: 'Gallery',
};

/** Sections an empty form can start (an image needs its upload first). */
const PALETTE = Object.keys(SECTION_LABELS).filter((type) => type !== 'image' && type !== 'gallery') as Exclude<
  SectionType,
  'image' | 'gallery'
>[];

function describe(section: Section): string {
  const label = SECTION_LABELS[section.type];
  if (section.type === 'header') return `${label}: ${section.name}`;
  const title = 'title' in section ? section.title : undefined;
  return title ? `${label}: ${title}` : label;
}

/** The page's sections in order, with the palette to add more. */
export function Outline({ state, act }: { state: EditorState; act: (action: EditorAction) => void }) {
  const sections = state.document.sections;
  const [adding, setAdding] = useState<(typeof PALETTE)[number]>('projects');
  const selectedIndex = sections.findIndex((section) => section.id === state.selected);
  const insertAt = selectedIndex >= 0 ? selectedIndex + 1 : sections.length;

  return (
    <aside className="outline" aria-label="Sections">
      <h2>Sections</h2>
      <div className="palette">
        <label htmlFor="add-section">Add a section</label>
        <div className="button-row">
          <select id="add-section" value={adding} onChange={(event) => setAdding(event.target.value as typeof adding)}>
            {PALETTE.map((type) => (
              <option key={type} value={type}>
                {SECTION_LABELS[type]}
              </option>
            ))}
          </select>
          <button type="button" className="button" onClick={() => act({ type: 'insertSection', index: insertAt, sectionType: adding })}>
            Add
          </button>
        </div>
        <p className="hint">{selectedIndex >= 0 ? 'It goes after the selected section.' : 'It goes at the end.'}</p>
      </div>
      <ol className="outline-list">
        {sections.map((section, index) => (
          <li key={section.id} className={section.id === state.selected ? 'selected' : undefined}>
            <button
              type="button"
              className="outline-name"
              aria-current={section.id === state.selected ? 'true' : undefined}
              onClick={() => act({ type: 'select', id: section.id })}
            >
              {describe(section)}
            </button>
            <span className="outline-actions">
              <button
                type="button"
                aria-label={`Move ${describe(section)} up`}
                disabled={index === 0}
                onClick={() => act({ type: 'moveSection', from: index, to: index - 1 })}
              >
                ↑
              </button>
              <button
                type="button"
                aria-label={`Move ${describe(section)} down`}
                disabled={index === sections.length - 1}
                onClick={() => act({ type: 'moveSection', from: index, to: index + 1 })}
              >
                ↓
              </button>
              <button type="button" aria-label={`Duplicate ${describe(section)}`} onClick={() => act({ type: 'duplicateSection', id: section.id })}>
                ⧉
              </button>
              <button type="button" aria-label={`Delete ${describe(section)}`} onClick={() => act({ type: 'deleteSection', id: section.id })}>
                ✕
              </button>
            </span>
          </li>
        ))}
      </ol>
      {sections.length === 0 && <p className="hint">The page is empty: add a header to start.</p>}
    </aside>
  );
}
