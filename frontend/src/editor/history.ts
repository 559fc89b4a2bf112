// The editor's state: the document being edited, the selected section, and undo/redo.
// Every change goes through one reducer so that each one is a single undo step, and so the
// document only ever changes by replacing objects (React and the autosave queue compare by
// identity to see what changed).

import type { components } from '../api/schema';

type Schemas = components['schemas'];
export type Document = Schemas['Document'];
export type Section = Schemas['Section'];
export type SectionType = Section['type'];
export type SectionOf<T extends SectionType> = Extract<Section, { type: T }>;
export type PageStyle = Schemas['PageStyle'];
export type Palette = Schemas['Palette'];
export type SectionStyle = Schemas['SectionStyle'];

/** The item type of each kind of list; `skill` is the list of skills inside a skill group. */
interface ListItems {
  experience: Schemas['ExperienceItem'];
  education: Schemas['EducationItem'];
  projects: Schemas['Project'];
  skills: Schemas['SkillGroup'];
  skill: Schemas['Skill'];
  social_links: Schemas['SocialLink'];
  gallery: Schemas['GalleryImage'];
}
export type ListKind = keyof ListItems;
export type ItemOf<K extends ListKind> = ListItems[K];

/**
 * A list of items: the section's own list (experience and education items, projects, skill
 * groups, social links, gallery images) or, with `group`, the skills of that skill group.
 */
export interface ListRef {
  section: string;
  group?: string;
}

export type PageStylePatch = Partial<Omit<PageStyle, 'colors'>> & { colors?: Partial<Palette> };
export type SectionPatch<T extends SectionType> = Partial<Omit<SectionOf<T>, 'id' | 'type'>>;
export type ItemPatch<K extends ListKind> = Partial<Omit<ItemOf<K>, 'id'>>;

/** Image sections and gallery images have no valid empty form: they need the image. */
type BlankSectionType = Exclude<SectionType, 'image'>;
type BlankListKind = Exclude<ListKind, 'gallery'>;

interface Coalescing {
  /**
   * Edits with the same key less than a second apart become one undo step, so typing a word
   * is undone at once rather than letter by letter. Use one key per field (`<id>.name`).
   */
  coalesceKey?: string;
}

export type EditorAction =
  | { type: 'select'; id: string | null }
  | { type: 'undo' }
  | { type: 'redo' }
  | ({ type: 'setPageStyle'; patch: PageStylePatch } & Coalescing)
  | ({ type: 'setSectionStyle'; id: string; patch: Partial<SectionStyle> } & Coalescing)
  | { [T in SectionType]: { type: 'updateSection'; id: string; sectionType: T; patch: SectionPatch<T> } & Coalescing }[SectionType]
  | { type: 'insertSection'; index: number; sectionType: BlankSectionType }
  | { type: 'insertSection'; index: number; sectionType: 'image'; image: string; alt?: string }
  /** A whole section made elsewhere (an AI suggestion): inserted with fresh ids for it and its items. */
  | { type: 'addSection'; index: number; section: Section }
  | { type: 'moveSection'; from: number; to: number }
  | { type: 'duplicateSection'; id: string }
  | { type: 'deleteSection'; id: string }
  | { [K in ListKind]: { type: 'updateItem'; kind: K; list: ListRef; index: number; patch: ItemPatch<K> } & Coalescing }[ListKind]
  | { type: 'insertItem'; kind: BlankListKind; list: ListRef; index: number }
  | { type: 'insertItem'; kind: 'gallery'; list: ListRef; index: number; image: string; alt?: string }
  | { type: 'moveItem'; list: ListRef; from: number; to: number }
  | { type: 'duplicateItem'; list: ListRef; index: number }
  | { type: 'deleteItem'; list: ListRef; index: number };

export interface EditorState {
  document: Document;
  /** The id of the section being edited in the side panel. */
  selected: string | null;
  /** Earlier documents, oldest first. */
  past: Document[];
  /** Undone documents, the next redo last. */
  future: Document[];
  /** The last coalescing edit, which a following one with the same key may merge into. */
  lastEdit: { key: string; at: number } | null;
}

export const HISTORY_LIMIT = 100;
export const COALESCE_MS = 1000;

export function initialState(document: Document): EditorState {
  return { document, selected: null, past: [], future: [], lastEdit: null };
}

/** A fresh id in the form the server accepts (`^[A-Za-z0-9_-]{1,64}$`). */
export function shortId(): string {
  return crypto.randomUUID().replaceAll('-', '').slice(0, 12);
}

export interface ReducerOptions {
  now?: () => number;
  newId?: () => string;
}

/** The editor's reducer; the clock and id source are injectable so tests are deterministic. */
export function createReducer({ now = () => Date.now(), newId = shortId }: ReducerOptions = {}) {
  return function reduce(state: EditorState, action: EditorAction): EditorState {
    switch (action.type) {
      case 'select':
        return action.id === state.selected ? state : { ...state, selected: action.id };
      case 'undo': {
        const previous = state.past.at(-1);
        return previous ? restore(state, previous, state.past.slice(0, -1), [...state.future, state.document]) : state;
      }
      case 'redo': {
        const next = state.future.at(-1);
        return next ? restore(state, next, [...state.past, state.document], state.future.slice(0, -1)) : state;
      }
      default:
        return edit(state, action, now(), freshIds(state.document, newId));
    }
  };
}

type EditAction = Exclude<EditorAction, { type: 'select' | 'undo' | 'redo' }>;

function edit(state: EditorState, action: EditAction, at: number, fresh: () => string): EditorState {
  const { document } = state;
  let next = document;
  let selected = state.selected;
  switch (action.type) {
    case 'setPageStyle': {
      const { colors, ...rest } = action.patch;
      next = { ...document, style: { ...document.style, ...rest, colors: { ...document.style.colors, ...colors } } };
      break;
    }
    case 'setSectionStyle':
      next = mapSection(document, action.id, (section) => withStyle(section, action.patch));
      break;
    case 'updateSection':
      next = mapSection(document, action.id, (section) =>
        // The patch was typed for `sectionType`, so it only applies to a section of that type.
        section.type === action.sectionType ? ({ ...section, ...action.patch } as Section) : section,
      );
      break;
    case 'insertSection': {
      const section =
        action.sectionType === 'image'
          ? makeSection({ sectionType: 'image', image: action.image, alt: action.alt }, fresh())
          : makeSection({ sectionType: action.sectionType }, fresh());
      next = { ...document, sections: insertAt(document.sections, action.index, section) };
      selected = section.id;
      break;
    }
    case 'addSection': {
      const section = withFreshIds(action.section, fresh);
      next = { ...document, sections: insertAt(document.sections, action.index, section) };
      selected = section.id;
      break;
    }
    case 'moveSection':
      next = { ...document, sections: moveWithin(document.sections, action.from, action.to) };
      break;
    case 'duplicateSection': {
      const index = document.sections.findIndex((section) => section.id === action.id);
      const original = document.sections[index];
      if (original) {
        const copy = withFreshIds(original, fresh);
        next = { ...document, sections: insertAt(document.sections, index + 1, copy) };
        selected = copy.id;
      }
      break;
    }
    case 'deleteSection': {
      const index = document.sections.findIndex((section) => section.id === action.id);
      if (index >= 0) {
        const sections = document.sections.filter((_, at) => at !== index);
        next = { ...document, sections };
        if (selected === action.id) {
          selected = (sections[index] ?? sections[index - 1])?.id ?? null;
        }
      }
      break;
    }
    case 'updateItem':
      next = mapList(document, action.list, (items, kind) =>
        // The patch was typed for `kind`, and this list holds that kind.
        kind === action.kind ? replaceAt(items, action.index, (item) => ({ ...item, ...(action.patch as Partial<typeof item>) })) : items,
      );
      break;
    case 'insertItem': {
      const item = action.kind === 'gallery' ? { id: fresh(), image: action.image, alt: action.alt ?? '' } : blankItem(action.kind, fresh);
      next = mapList(document, action.list, (items, kind) =>
        // `item` was made for `kind`, and this list holds that kind.
        kind === action.kind ? insertAt(items, action.index, item as (typeof items)[number]) : items,
      );
      break;
    }
    case 'moveItem':
      next = mapList(document, action.list, (items) => moveWithin(items, action.from, action.to));
      break;
    case 'duplicateItem':
      next = mapList(document, action.list, (items) => {
        const original = items[action.index];
        return original === undefined ? items : insertAt(items, action.index + 1, withFreshIds(original, fresh));
      });
      break;
    case 'deleteItem':
      next = mapList(document, action.list, (items) =>
        action.index in items ? items.filter((_, at) => at !== action.index) : items,
      );
      break;
  }
  if (unchanged(next, document)) {
    return selected === state.selected ? state : { ...state, selected };
  }
  const key = 'coalesceKey' in action ? action.coalesceKey : undefined;
  const merges = key !== undefined && state.lastEdit?.key === key && at - state.lastEdit.at <= COALESCE_MS;
  return {
    document: next,
    selected,
    // When merging, the document before the first edit of the run is already the last undo step.
    past: merges ? state.past : [...state.past, document].slice(-HISTORY_LIMIT),
    future: [],
    lastEdit: key === undefined ? null : { key, at },
  };
}

/** A change that rebuilt the document without changing anything (an unknown id or index). */
function unchanged(next: Document, document: Document): boolean {
  return (
    next === document ||
    (next.style === document.style &&
      next.sections.length === document.sections.length &&
      next.sections.every((section, index) => section === document.sections[index]))
  );
}

function restore(state: EditorState, document: Document, past: Document[], future: Document[]): EditorState {
  const stillThere = document.sections.some((section) => section.id === state.selected);
  return { document, selected: stillThere ? state.selected : null, past, future, lastEdit: null };
}

type SectionSeed = { sectionType: BlankSectionType } | { sectionType: 'image'; image: string; alt?: string };

function makeSection(seed: SectionSeed, id: string): Section {
  const body = '<p>Write something…</p>';
  switch (seed.sectionType) {
    case 'header':
      return { type: 'header', id, name: 'Your name' };
    case 'about':
      return { type: 'about', id, body };
    case 'text':
      return { type: 'text', id, body };
    case 'contact':
      return { type: 'contact', id };
    case 'experience':
      return { type: 'experience', id, items: [] };
    case 'education':
      return { type: 'education', id, items: [] };
    case 'projects':
      return { type: 'projects', id, items: [] };
    case 'skills':
      return { type: 'skills', id, groups: [] };
    case 'social_links':
      return { type: 'social_links', id, links: [] };
    case 'gallery':
      return { type: 'gallery', id, images: [] };
    case 'image':
      return { type: 'image', id, image: seed.image, alt: seed.alt ?? '' };
  }
}

/**
 * A new section of `type` that the server accepts, with placeholders where it requires text.
 * An image section needs its image (an upload's `/media/…` path or an https URL).
 */
export function blankSection(type: 'image', image: string): Section;
export function blankSection(type: BlankSectionType): Section;
export function blankSection(type: SectionType, image?: string): Section {
  return makeSection(type === 'image' ? { sectionType: type, image: image ?? '' } : { sectionType: type }, shortId());
}

function blankItem(kind: BlankListKind, fresh: () => string): ItemOf<BlankListKind> {
  switch (kind) {
    case 'experience':
      return { id: fresh(), role: 'Role', organisation: 'Organisation', current: false, highlights: [] };
    case 'education':
      return { id: fresh(), institution: 'Institution' };
    case 'projects':
      return { id: fresh(), name: 'Project name', tags: [] };
    case 'skills':
      return { id: fresh(), name: 'Skills', skills: [] };
    case 'skill':
      return { name: 'Skill' };
    case 'social_links':
      // The server requires an absolute URL; example.com is reserved for exactly this.
      return { id: fresh(), network: 'website', url: 'https://example.com' };
  }
}

/** Ids for new sections and items, never one the document already uses (ids are unique document-wide). */
function freshIds(document: Document, newId: () => string): () => string {
  // Gathered on first use: most edits (typing) need no new id.
  let taken: Set<string> | null = null;
  return () => {
    if (taken === null) {
      taken = new Set();
      collectIds(document.sections, taken);
    }
    let id = newId();
    while (taken.has(id)) {
      id = newId();
    }
    taken.add(id);
    return id;
  };
}

function collectIds(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) {
    value.forEach((entry) => collectIds(entry, into));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, entry] of Object.entries(value)) {
      if (key === 'id' && typeof entry === 'string') {
        into.add(entry);
      } else {
        collectIds(entry, into);
      }
    }
  }
}

/** A deep copy of a section or item in which it and everything inside it get new ids. */
function withFreshIds<T>(value: T, fresh: () => string): T {
  if (Array.isArray(value)) {
    return value.map((entry: unknown) => withFreshIds(entry, fresh)) as T;
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).map(([key, entry]: [string, unknown]) => [
      key,
      key === 'id' && typeof entry === 'string' ? fresh() : withFreshIds(entry, fresh),
    ]);
    // The copy has exactly the keys of `value`, with values of the same types.
    return Object.fromEntries(entries) as T;
  }
  return value;
}

function withStyle(section: Section, patch: Partial<SectionStyle>): Section {
  // An undefined value removes the override, so the section inherits the page's style again.
  const style: SectionStyle = Object.fromEntries(
    Object.entries({ ...section.style, ...patch }).filter(([, value]) => value !== undefined),
  );
  const next: Section = { ...section, style };
  if (Object.keys(style).length === 0) {
    delete next.style;
  }
  return next;
}

function mapSection(document: Document, id: string, change: (section: Section) => Section): Document {
  const sections = document.sections.map((section) => (section.id === id ? change(section) : section));
  return { ...document, sections };
}

type AnyItem = ItemOf<ListKind>;
type ListChange = <T extends AnyItem>(items: T[], kind: ListKind) => T[];

function mapList(document: Document, list: ListRef, change: ListChange): Document {
  return mapSection(document, list.section, (section) => {
    if (list.group !== undefined) {
      if (section.type !== 'skills') {
        return section;
      }
      const groups = section.groups.map((group) => {
        if (group.id !== list.group) {
          return group;
        }
        const skills = change(group.skills, 'skill');
        return skills === group.skills ? group : { ...group, skills };
      });
      return groups.every((group, index) => group === section.groups[index]) ? section : { ...section, groups };
    }
    switch (section.type) {
      case 'experience': {
        const items = change(section.items, section.type);
        return items === section.items ? section : { ...section, items };
      }
      case 'education': {
        const items = change(section.items, section.type);
        return items === section.items ? section : { ...section, items };
      }
      case 'projects': {
        const items = change(section.items, section.type);
        return items === section.items ? section : { ...section, items };
      }
      case 'skills': {
        const groups = change(section.groups, section.type);
        return groups === section.groups ? section : { ...section, groups };
      }
      case 'social_links': {
        const links = change(section.links, section.type);
        return links === section.links ? section : { ...section, links };
      }
      case 'gallery': {
        const images = change(section.images, section.type);
        return images === section.images ? section : { ...section, images };
      }
      default:
        return section;
    }
  });
}

function insertAt<T>(items: T[], index: number, item: T): T[] {
  const at = Math.min(Math.max(index, 0), items.length);
  return [...items.slice(0, at), item, ...items.slice(at)];
}

function replaceAt<T>(items: T[], index: number, change: (item: T) => T): T[] {
  const item = items[index];
  return item === undefined ? items : items.map((entry, at) => (at === index ? change(item) : entry));
}

function moveWithin<T>(items: T[], from: number, to: number): T[] {
  const item = items[from];
  if (item === undefined || from === to || to < 0 || to >= items.length) {
    return items;
  }
  const rest = items.filter((_, at) => at !== from);
  return [...rest.slice(0, to), item, ...rest.slice(to)];
}
