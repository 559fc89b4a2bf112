import { DndContext, KeyboardSensor, PointerSensor, closestCenter, useSensor, useSensors } from '@dnd-kit/core';
import type { DragEndEvent } from '@dnd-kit/core';
import { SortableContext, sortableKeyboardCoordinates, useSortable, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { useContext, useEffect, useId, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import type { components } from '../../api/schema';
import type { EditorAction, EditorState, ListKind, ListRef, PageStyle, Section, SectionStyle } from '../../editor/history';
import { uploadImage } from '../../editor/upload';
import { ImageField, WorkspaceContext } from './ImageField';
import { SECTION_LABELS } from './Outline';

type Theme = components['schemas']['Theme'];
type Font = components['schemas']['Font'];
type Act = (action: EditorAction) => void;

const THEMES: Theme[] = ['minimal', 'modern', 'creative', 'developer'];
const FONTS: Record<Font, string> = {
  inter: 'Inter',
  lora: 'Lora',
  playfair_display: 'Playfair Display',
  jetbrains_mono: 'JetBrains Mono',
  space_grotesk: 'Space Grotesk',
  source_serif_4: 'Source Serif 4',
  system: 'System',
};
const COLORS = [
  ['primary', 'Primary'],
  ['accent', 'Accent'],
  ['text', 'Text'],
  ['muted', 'Secondary text'],
  ['background', 'Background'],
] as const;

type Kind = 'text' | 'rich' | 'date' | 'email' | 'url' | 'check' | 'lines' | 'tags' | 'image' | 'required-image';
interface Spec {
  key: string;
  label: string;
  kind: Kind;
}
const text = (key: string, label: string): Spec => ({ key, label, kind: 'text' });
const TITLE = text('title', 'Heading');

/** The fields of each section type, and of the items of its list. */
const SECTION_FIELDS: Record<Section['type'], Spec[]> = {
  header: [
    text('name', 'Name'),
    text('headline', 'Headline'),
    text('location', 'Location'),
    { key: 'photo', label: 'Photo', kind: 'image' },
    { key: 'summary', label: 'Summary', kind: 'rich' },
  ],
  about: [TITLE, { key: 'body', label: 'Text', kind: 'rich' }],
  text: [TITLE, { key: 'body', label: 'Text', kind: 'rich' }],
  experience: [TITLE],
  education: [TITLE],
  skills: [TITLE],
  projects: [TITLE],
  social_links: [TITLE],
  contact: [TITLE, { key: 'message', label: 'Message', kind: 'rich' }, { key: 'email', label: 'Email', kind: 'email' }, text('phone', 'Phone'), text('location', 'Location')],
  image: [{ key: 'image', label: 'Image', kind: 'required-image' }, text('alt', 'Description of the image'), text('caption', 'Caption')],
  gallery: [TITLE],
};
const LISTS: Partial<Record<Section['type'], { kind: ListKind; field: string; label: string; name: string; fields: Spec[] }>> = {
  experience: {
    kind: 'experience',
    field: 'items',
    label: 'Positions',
    name: 'role',
    fields: [
      text('role', 'Role'),
      text('organisation', 'Organisation'),
      text('location', 'Location'),
      { key: 'start', label: 'Start (YYYY or YYYY-MM)', kind: 'date' },
      { key: 'end', label: 'End', kind: 'date' },
      { key: 'current', label: 'I work here now', kind: 'check' },
      { key: 'description', label: 'Description', kind: 'rich' },
      { key: 'highlights', label: 'Highlights, one per line', kind: 'lines' },
    ],
  },
  education: {
    kind: 'education',
    field: 'items',
    label: 'Studies',
    name: 'institution',
    fields: [
      text('institution', 'Institution'),
      text('degree', 'Degree'),
      text('field', 'Field'),
      text('location', 'Location'),
      { key: 'start', label: 'Start (YYYY or YYYY-MM)', kind: 'date' },
      { key: 'end', label: 'End', kind: 'date' },
      { key: 'description', label: 'Description', kind: 'rich' },
    ],
  },
  projects: {
    kind: 'projects',
    field: 'items',
    label: 'Projects',
    name: 'name',
    fields: [
      text('name', 'Name'),
      { key: 'url', label: 'Link', kind: 'url' },
      { key: 'image', label: 'Picture', kind: 'image' },
      text('image_alt', 'Description of the picture'),
      { key: 'description', label: 'Description', kind: 'rich' },
      { key: 'tags', label: 'Tags, separated by commas', kind: 'tags' },
      { key: 'start', label: 'Start (YYYY or YYYY-MM)', kind: 'date' },
      { key: 'end', label: 'End', kind: 'date' },
    ],
  },
  gallery: {
    kind: 'gallery',
    field: 'images',
    label: 'Images',
    name: 'alt',
    fields: [{ key: 'image', label: 'Image', kind: 'required-image' }, text('alt', 'Description'), text('caption', 'Caption')],
  },
  skills: { kind: 'skills', field: 'groups', label: 'Skill groups', name: 'name', fields: [text('name', 'Group name')] },
  social_links: {
    kind: 'social_links',
    field: 'links',
    label: 'Links',
    name: 'url',
    fields: [{ key: 'url', label: 'Address', kind: 'url' }, text('label', 'Label (instead of the network name)')],
  },
};

/** Edits the selected section, or the page's style when none is selected. */
export function Inspector({
  state,
  act,
  template,
  onTemplate,
}: {
  state: EditorState;
  act: Act;
  template: Theme;
  onTemplate: (template: Theme) => void;
}) {
  const section = state.document.sections.find((candidate) => candidate.id === state.selected);
  return (
    <aside className="inspector" aria-label="Inspector">
      {section ? (
        <SectionForm key={section.id} section={section} act={act} />
      ) : (
        <PageForm style={state.document.style} act={act} template={template} onTemplate={onTemplate} />
      )}
    </aside>
  );
}

function PageForm({ style, act, template, onTemplate }: { style: PageStyle; act: Act; template: Theme; onTemplate: (t: Theme) => void }) {
  const id = useId();
  return (
    <div className="inspector-form">
      <h2>Page</h2>
      <p className="hint">Select a section on the page or in the list to edit it.</p>
      <div className="field">
        <label htmlFor={`${id}-template`}>Template</label>
        <select id={`${id}-template`} value={template} onChange={(event) => onTemplate(event.target.value as Theme)}>
          {THEMES.map((theme) => (
            <option key={theme} value={theme}>
              {theme}
            </option>
          ))}
        </select>
      </div>
      {COLORS.map(([key, label]) => (
        <div className="field field-color" key={key}>
          <label htmlFor={`${id}-${key}`}>{label} colour</label>
          <input
            id={`${id}-${key}`}
            type="color"
            value={style.colors[key]}
            onChange={(event) => act({ type: 'setPageStyle', patch: { colors: { [key]: event.target.value } }, coalesceKey: `page.${key}` })}
          />
        </div>
      ))}
      {(['heading_font', 'body_font'] as const).map((key) => (
        <div className="field" key={key}>
          <label htmlFor={`${id}-${key}`}>{key === 'heading_font' ? 'Heading font' : 'Body font'}</label>
          <select id={`${id}-${key}`} value={style[key]} onChange={(event) => act({ type: 'setPageStyle', patch: { [key]: event.target.value as Font } })}>
            <FontOptions />
          </select>
        </div>
      ))}
      <div className="field">
        <label htmlFor={`${id}-size`}>Text size ({style.base_font_size}px)</label>
        <input
          id={`${id}-size`}
          type="range"
          min={12}
          max={24}
          value={style.base_font_size}
          onChange={(event) => act({ type: 'setPageStyle', patch: { base_font_size: Number(event.target.value) }, coalesceKey: 'page.size' })}
        />
      </div>
      <ImageField
        label="Background image"
        value={style.background_image}
        onChange={(value) => act({ type: 'setPageStyle', patch: { background_image: value } })}
      />
      <div className="field">
        <label htmlFor={`${id}-spacing`}>Spacing</label>
        <select id={`${id}-spacing`} value={style.spacing} onChange={(event) => act({ type: 'setPageStyle', patch: { spacing: event.target.value as PageStyle['spacing'] } })}>
          <option value="compact">Compact</option>
          <option value="normal">Normal</option>
          <option value="relaxed">Relaxed</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-width`}>Page width</label>
        <select id={`${id}-width`} value={style.layout_width} onChange={(event) => act({ type: 'setPageStyle', patch: { layout_width: event.target.value as PageStyle['layout_width'] } })}>
          <option value="narrow">Narrow</option>
          <option value="normal">Normal</option>
          <option value="wide">Wide</option>
        </select>
      </div>
    </div>
  );
}

function FontOptions() {
  return (
    <>
      {Object.entries(FONTS).map(([font, name]) => (
        <option key={font} value={font}>
          {name}
        </option>
      ))}
    </>
  );
}

function SectionForm({ section, act }: { section: Section; act: Act }) {
  const record = section as unknown as Record<string, unknown>;
  const update = (key: string, value: unknown) =>
    act({ type: 'updateSection', id: section.id, sectionType: section.type, patch: { [key]: value }, coalesceKey: `${section.id}.${key}` } as EditorAction);
  const list = LISTS[section.type];
  return (
    <div className="inspector-form">
      <div className="inspector-head">
        <h2>{SECTION_LABELS[section.type]}</h2>
        <button type="button" className="button button-quiet" onClick={() => act({ type: 'select', id: null })}>
          Page style
        </button>
      </div>
      {SECTION_FIELDS[section.type].map((spec) => (
        <FieldEditor key={spec.key} spec={spec} value={record[spec.key]} onChange={(value) => update(spec.key, value)} />
      ))}
      {list && (
        <ItemsEditor
          items={(record[list.field] as Record<string, unknown>[] | undefined) ?? []}
          list={{ section: section.id }}
          spec={list}
          act={act}
        />
      )}
      <StyleForm style={section.style ?? {}} onChange={(patch) => act({ type: 'setSectionStyle', id: section.id, patch, coalesceKey: `${section.id}.style` })} />
    </div>
  );
}

function ItemsEditor({
  items,
  list,
  spec,
  act,
}: {
  items: Record<string, unknown>[];
  list: ListRef;
  spec: NonNullable<(typeof LISTS)[keyof typeof LISTS]>;
  act: Act;
}) {
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const ids = items.map((item) => String(item.id));
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    const from = ids.indexOf(String(active.id));
    const to = over ? ids.indexOf(String(over.id)) : -1;
    if (from >= 0 && to >= 0 && from !== to) act({ type: 'moveItem', list, from, to });
  };
  return (
    <fieldset className="items">
      <legend>{spec.label}</legend>
      <DndContext sensors={sensors} collisionDetection={closestCenter} onDragEnd={onDragEnd}>
        <SortableContext items={ids} strategy={verticalListSortingStrategy}>
          {items.map((item, index) => (
            <SortableItem key={String(item.id)} id={String(item.id)} label={String(item[spec.name] ?? '') || `Item ${index + 1}`} open={items.length === 1}>
              {spec.fields.map((field) => (
                <FieldEditor
                  key={field.key}
                  spec={field}
                  value={item[field.key]}
                  onChange={(value) =>
                    act({ type: 'updateItem', kind: spec.kind, list, index, patch: { [field.key]: value }, coalesceKey: `${String(item.id)}.${field.key}` } as EditorAction)
                  }
                />
              ))}
              <div className="button-row">
                <button type="button" className="button" disabled={index === 0} onClick={() => act({ type: 'moveItem', list, from: index, to: index - 1 })}>
                  Move up
                </button>
                <button type="button" className="button" disabled={index === items.length - 1} onClick={() => act({ type: 'moveItem', list, from: index, to: index + 1 })}>
                  Move down
                </button>
                <button type="button" className="button" onClick={() => act({ type: 'duplicateItem', list, index })}>
                  Duplicate
                </button>
                <button type="button" className="button" onClick={() => act({ type: 'deleteItem', list, index })}>
                  Delete
                </button>
              </div>
            </SortableItem>
          ))}
        </SortableContext>
      </DndContext>
      {spec.kind === 'gallery' ? (
        <GalleryUpload onUploaded={(image) => act({ type: 'insertItem', kind: 'gallery', list, index: items.length, image, alt: '' })} />
      ) : (
        <button
          type="button"
          className="button"
          onClick={() => act({ type: 'insertItem', kind: spec.kind as Exclude<ListKind, 'gallery'>, list, index: items.length })}
        >
          Add {spec.label.toLowerCase().replace(/s$/, '')}
        </button>
      )}
    </fieldset>
  );
}

/** One item of a list, dragged by its handle (or moved with the keyboard from the handle). */
function SortableItem({ id, label, open, children }: { id: string; label: string; open: boolean; children: ReactNode }) {
  const { attributes, listeners, setNodeRef, transform, transition } = useSortable({ id });
  return (
    <details ref={setNodeRef} className="item" open={open} style={{ transform: CSS.Transform.toString(transform), transition }}>
      <summary>
        <button type="button" className="drag-handle" aria-label={`Drag ${label}`} {...attributes} {...listeners}>
          ⠿
        </button>
        {label}
      </summary>
      {children}
    </details>
  );
}

function GalleryUpload({ onUploaded }: { onUploaded: (image: string) => void }) {
  const workspaceId = useContext(WorkspaceContext);
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="field">
      <label className="button">
        Add images
        <input
          type="file"
          multiple
          className="visually-hidden"
          accept="image/jpeg,image/png,image/webp,image/gif"
          onChange={async (event) => {
            setError(null);
            for (const file of Array.from(event.target.files ?? [])) {
              try {
                onUploaded((await uploadImage(workspaceId, file)).url);
              } catch (caught) {
                setError(caught instanceof Error ? caught.message : 'An upload failed.');
              }
            }
          }}
        />
      </label>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

function StyleForm({ style, onChange }: { style: SectionStyle; onChange: (patch: Partial<SectionStyle>) => void }) {
  const id = useId();
  return (
    <fieldset className="items">
      <legend>Section style</legend>
      {(['background', 'text', 'primary'] as const).map((key) => (
        <div className="field field-color" key={key}>
          <label htmlFor={`${id}-${key}`}>{key === 'background' ? 'Background' : key === 'text' ? 'Text colour' : 'Highlight colour'}</label>
          <input id={`${id}-${key}`} type="color" value={style[key] ?? '#ffffff'} onChange={(event) => onChange({ [key]: event.target.value })} />
          {style[key] && (
            <button type="button" className="button button-quiet" onClick={() => onChange({ [key]: undefined })}>
              Reset
            </button>
          )}
        </div>
      ))}
      {(['heading_font', 'body_font'] as const).map((key) => (
        <div className="field" key={key}>
          <label htmlFor={`${id}-${key}`}>{key === 'heading_font' ? 'Heading font' : 'Body font'}</label>
          <select
            id={`${id}-${key}`}
            value={style[key] ?? ''}
            onChange={(event) => onChange({ [key]: (event.target.value || undefined) as Font | undefined })}
          >
            <option value="">As the page</option>
            <FontOptions />
          </select>
        </div>
      ))}
      <div className="field">
        <label htmlFor={`${id}-size`}>Text size ({style.font_size ? `${style.font_size}px` : 'as the page'})</label>
        <input
          id={`${id}-size`}
          type="range"
          min={12}
          max={32}
          value={style.font_size ?? 16}
          onChange={(event) => onChange({ font_size: Number(event.target.value) })}
        />
        {style.font_size && (
          <button type="button" className="button button-quiet" onClick={() => onChange({ font_size: undefined })}>
            Reset
          </button>
        )}
      </div>
      <div className="field">
        <label htmlFor={`${id}-spacing`}>Spacing</label>
        <select
          id={`${id}-spacing`}
          value={style.spacing ?? ''}
          onChange={(event) => onChange({ spacing: (event.target.value || undefined) as SectionStyle['spacing'] })}
        >
          <option value="">As the page</option>
          <option value="compact">Compact</option>
          <option value="normal">Normal</option>
          <option value="relaxed">Relaxed</option>
        </select>
      </div>
      <ImageField label="Section background image" value={style.background_image} onChange={(value) => onChange({ background_image: value })} />
      <div className="field">
        <label htmlFor={`${id}-align`}>Alignment</label>
        <select id={`${id}-align`} value={style.align ?? ''} onChange={(event) => onChange({ align: (event.target.value || undefined) as SectionStyle['align'] })}>
          <option value="">As the template does</option>
          <option value="left">Left</option>
          <option value="center">Centred</option>
        </select>
      </div>
    </fieldset>
  );
}

/** One field of a section or item, in the form its value type needs. */
function FieldEditor({ spec, value, onChange }: { spec: Spec; value: unknown; onChange: (value: unknown) => void }) {
  const id = useId();
  if (spec.kind === 'image' || spec.kind === 'required-image') {
    return (
      <ImageField
        label={spec.label}
        value={typeof value === 'string' ? value : undefined}
        removable={spec.kind === 'image'}
        onChange={onChange}
      />
    );
  }
  if (spec.kind === 'rich') return <RichTextField id={id} label={spec.label} value={typeof value === 'string' ? value : ''} onChange={onChange} />;
  if (spec.kind === 'check') {
    return (
      <label className="check">
        <input type="checkbox" checked={value === true} onChange={(event) => onChange(event.target.checked)} />
        {spec.label}
      </label>
    );
  }
  if (spec.kind === 'lines' || spec.kind === 'tags') {
    const separator = spec.kind === 'lines' ? '\n' : ', ';
    const joined = Array.isArray(value) ? value.join(separator) : '';
    const split = (raw: string) =>
      raw
        .split(spec.kind === 'lines' ? '\n' : ',')
        .map((part) => part.trim())
        .filter(Boolean);
    return <DraftInput id={id} label={spec.label} value={joined} multiline={spec.kind === 'lines'} accept={(raw) => split(raw)} onChange={onChange} />;
  }
  const accept = (raw: string): unknown => {
    const trimmed = raw.trim();
    if (spec.kind === 'date') return trimmed === '' ? undefined : /^\d{4}(-\d{2})?$/.test(trimmed) ? trimmed : null;
    if (spec.kind === 'url') return trimmed === '' ? undefined : /^(https?:\/\/\S+|mailto:\S+)$/.test(trimmed) ? trimmed : null;
    return raw === '' && spec.key !== 'name' && spec.key !== 'role' && spec.key !== 'organisation' && spec.key !== 'institution' ? undefined : raw;
  };
  return (
    <DraftInput
      id={id}
      label={spec.label}
      type={spec.kind === 'email' ? 'email' : spec.kind === 'url' ? 'url' : 'text'}
      value={typeof value === 'string' ? value : ''}
      accept={accept}
      onChange={onChange}
    />
  );
}

/**
 * An input that keeps what the author types and passes on only values the document accepts
 * (`accept` answers `null` for one it does not), so a half-typed date never breaks a save.
 */
function DraftInput({
  id,
  label,
  value,
  accept,
  onChange,
  type = 'text',
  multiline = false,
}: {
  id: string;
  label: string;
  value: string;
  accept: (raw: string) => unknown;
  onChange: (value: unknown) => void;
  type?: string;
  multiline?: boolean;
}) {
  const [draft, setDraft] = useState(value);
  const [invalid, setInvalid] = useState(false);
  const focused = useRef(false);
  useEffect(() => {
    if (!focused.current) setDraft(value);
  }, [value]);
  const change = (raw: string) => {
    setDraft(raw);
    const accepted = accept(raw);
    setInvalid(accepted === null);
    if (accepted !== null) onChange(accepted);
  };
  const props = {
    id,
    value: draft,
    'aria-invalid': invalid || undefined,
    onFocus: () => (focused.current = true),
    onBlur: () => (focused.current = false),
  };
  return (
    <div className={invalid ? 'field field-invalid' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {multiline ? (
        <textarea {...props} rows={4} onChange={(event) => change(event.target.value)} />
      ) : (
        <input {...props} type={type} onChange={(event) => change(event.target.value)} />
      )}
      {invalid && <p className="field-error">This is not saved until it is complete.</p>}
    </div>
  );
}

/** Bold, italic, links and lists: the subset the server keeps. */
function RichTextField({ id, label, value, onChange }: { id: string; label: string; value: string; onChange: (value: string) => void }) {
  const editor = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // Rewritten only from outside (undo, another section), never under the caret.
    if (editor.current && window.document.activeElement !== editor.current && editor.current.innerHTML !== value) {
      editor.current.innerHTML = value;
    }
  }, [value]);
  const command = (name: string, argument?: string) => {
    editor.current?.focus();
    window.document.execCommand(name, false, argument);
    if (editor.current) onChange(editor.current.innerHTML);
  };
  return (
    <div className="field">
      <span id={`${id}-label`} className="field-label">
        {label}
      </span>
      <div className="rich-toolbar" role="toolbar" aria-label={`${label} formatting`}>
        <button type="button" aria-label="Bold" onClick={() => command('bold')}>
          <strong>B</strong>
        </button>
        <button type="button" aria-label="Italic" onClick={() => command('italic')}>
          <em>I</em>
        </button>
        <button type="button" aria-label="Bulleted list" onClick={() => command('insertUnorderedList')}>
          •
        </button>
        <button
          type="button"
          aria-label="Link"
          onClick={() => {
            const url = window.prompt('Link address (https://…)');
            if (url && /^(https?:\/\/|mailto:)/.test(url)) command('createLink', url);
          }}
        >
          Link
        </button>
      </div>
      <div
        ref={editor}
        id={id}
        className="rich-editor"
        contentEditable
        role="textbox"
        aria-multiline="true"
        aria-labelledby={`${id}-label`}
        onInput={(event) => onChange(event.currentTarget.innerHTML)}
      />
    </div>
  );
}
