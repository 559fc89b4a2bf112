import { DndContext, DragOverlay, KeyboardSensor, PointerSensor, closestCenter, useDraggable, useSensor, useSensors } from '@dnd-kit/core';
import type { DragEndEvent, DragStartEvent } from '@dnd-kit/core';
import { SortableContext, sortableKeyboardCoordinates, useSortable, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { useContext, useRef, useState } from 'react';
import { uploadImage } from '../../editor/upload';
import { WorkspaceContext } from './ImageField';
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

/** Sections an empty form can start (an image section needs its upload first). */
const PALETTE = Object.keys(SECTION_LABELS).filter((type) => type !== 'image') as Exclude<SectionType, 'image'>[];

function describe(section: Section): string {
  const label = SECTION_LABELS[section.type];
  if (section.type === 'header') return `${label}: ${section.name}`;
  const title = 'title' in section ? section.title : undefined;
  return title ? `${label}: ${title}` : label;
}

const PALETTE_PREFIX = 'palette:';

/** The page's sections in order, with the palette to add more: drag a section type onto the
 * list to insert it there, drag a section by its handle to move it (or use the keyboard: focus
 * the handle, Space, arrow keys, Space). */
export function Outline({ state, act }: { state: EditorState; act: (action: EditorAction) => void }) {
  const sections = state.document.sections;
  const [adding, setAdding] = useState<SectionType>('projects');
  const [dragging, setDragging] = useState<string | null>(null);
  const [uploadError, setUploadError] = useState<string | null>(null);
  const workspaceId = useContext(WorkspaceContext);
  const picker = useRef<HTMLInputElement>(null);
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const selectedIndex = sections.findIndex((section) => section.id === state.selected);
  const insertAt = selectedIndex >= 0 ? selectedIndex + 1 : sections.length;

  const onDragStart = (event: DragStartEvent) => setDragging(String(event.active.id));
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    setDragging(null);
    const activeId = String(active.id);
    const overIndex = over ? sections.findIndex((section) => section.id === over.id) : -1;
    if (activeId.startsWith(PALETTE_PREFIX)) {
      const sectionType = activeId.slice(PALETTE_PREFIX.length) as (typeof PALETTE)[number];
      if (over) act({ type: 'insertSection', index: overIndex >= 0 ? overIndex : sections.length, sectionType });
      return;
    }
    const from = sections.findIndex((section) => section.id === activeId);
    if (from >= 0 && overIndex >= 0 && from !== overIndex) act({ type: 'moveSection', from, to: overIndex });
  };

  return (
    <aside className="outline" aria-label="Sections">
      <DndContext sensors={sensors} collisionDetection={closestCenter} onDragStart={onDragStart} onDragEnd={onDragEnd}>
        <h2>Sections</h2>
        <div className="palette">
          <p className="palette-title" id="palette-title">
            Add a section
          </p>
          <ul className="palette-chips" aria-labelledby="palette-title">
            {PALETTE.map((type) => (
              <PaletteChip key={type} type={type} />
            ))}
          </ul>
          <p className="hint">Drag one onto the list, or choose it here:</p>
          <div className="button-row">
            <label className="visually-hidden" htmlFor="add-section">
              Section type
            </label>
            <select id="add-section" value={adding} onChange={(event) => setAdding(event.target.value as SectionType)}>
              {[...PALETTE, 'image' as const].map((type) => (
                <option key={type} value={type}>
                  {SECTION_LABELS[type]}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="button"
              onClick={() => (adding === 'image' ? picker.current?.click() : act({ type: 'insertSection', index: insertAt, sectionType: adding }))}
            >
              Add
            </button>
            <input
              ref={picker}
              type="file"
              className="visually-hidden"
              tabIndex={-1}
              aria-label="Image for the new section"
              accept="image/jpeg,image/png,image/webp,image/gif"
              onChange={async (event) => {
                const file = event.target.files?.[0];
                if (!file) return;
                setUploadError(null);
                try {
                  const media = await uploadImage(workspaceId, file);
                  act({ type: 'insertSection', index: insertAt, sectionType: 'image', image: media.url, alt: '' });
                } catch (caught) {
                  setUploadError(caught instanceof Error ? caught.message : 'The upload failed.');
                }
                event.target.value = '';
              }}
            />
          </div>
          {uploadError && (
            <p className="field-error" role="alert">
              {uploadError}
            </p>
          )}
          <p className="hint">{selectedIndex >= 0 ? 'It goes after the selected section.' : 'It goes at the end.'}</p>
        </div>
        <SortableContext items={sections.map((section) => section.id)} strategy={verticalListSortingStrategy}>
          <ol className="outline-list">
            {sections.map((section, index) => (
              <OutlineRow key={section.id} section={section} index={index} count={sections.length} selected={section.id === state.selected} act={act} />
            ))}
          </ol>
        </SortableContext>
        <DragOverlay>
          {dragging?.startsWith(PALETTE_PREFIX) ? (
            <span className="palette-chip dragging">{SECTION_LABELS[dragging.slice(PALETTE_PREFIX.length) as SectionType]}</span>
          ) : null}
        </DragOverlay>
      </DndContext>
      {sections.length === 0 && <p className="hint">The page is empty: add a header to start.</p>}
    </aside>
  );
}

function PaletteChip({ type }: { type: (typeof PALETTE)[number] }) {
  const { attributes, listeners, setNodeRef } = useDraggable({ id: `${PALETTE_PREFIX}${type}` });
  return (
    <li>
      <span ref={setNodeRef} className="palette-chip" {...attributes} {...listeners} aria-roledescription="section type" data-section-type={type}>
        {SECTION_LABELS[type]}
      </span>
    </li>
  );
}

function OutlineRow({
  section,
  index,
  count,
  selected,
  act,
}: {
  section: Section;
  index: number;
  count: number;
  selected: boolean;
  act: (action: EditorAction) => void;
}) {
  const { attributes, listeners, setNodeRef, transform, transition, isDragging } = useSortable({ id: section.id });
  const name = describe(section);
  return (
    <li
      ref={setNodeRef}
      style={{ transform: CSS.Transform.toString(transform), transition }}
      className={[selected ? 'selected' : '', isDragging ? 'dragging' : ''].join(' ').trim() || undefined}
      data-section-id={section.id}
    >
      <button type="button" className="drag-handle" aria-label={`Drag ${name}`} {...attributes} {...listeners}>
        ⠿
      </button>
      <button type="button" className="outline-name" aria-current={selected ? 'true' : undefined} onClick={() => act({ type: 'select', id: section.id })}>
        {name}
      </button>
      <span className="outline-actions">
        <button type="button" aria-label={`Move ${name} up`} disabled={index === 0} onClick={() => act({ type: 'moveSection', from: index, to: index - 1 })}>
          ↑
        </button>
        <button type="button" aria-label={`Move ${name} down`} disabled={index === count - 1} onClick={() => act({ type: 'moveSection', from: index, to: index + 1 })}>
          ↓
        </button>
        <button type="button" aria-label={`Duplicate ${name}`} onClick={() => act({ type: 'duplicateSection', id: section.id })}>
          Copy
        </button>
        <button type="button" aria-label={`Delete ${name}`} onClick={() => act({ type: 'deleteSection', id: section.id })}>
          ✕
        </button>
      </span>
    </li>
  );
}
