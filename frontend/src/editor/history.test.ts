import { describe, expect, it } from 'vitest';
import {
  blankSection,
  COALESCE_MS,
  createReducer,
  type Document,
  type EditorAction,
  type EditorState,
  HISTORY_LIMIT,
  initialState,
  type Section,
  type SectionOf,
  type SectionType,
  shortId,
} from './history';
import { TEST_STYLE } from './testing';

function sampleDocument(): Document {
  return {
    schema_version: 2,
    style: TEST_STYLE,
    sections: [
      { type: 'header', id: 'h', name: 'Ada Lovelace' },
      {
        type: 'experience',
        id: 'x',
        items: [
          { id: 'x1', role: 'Analyst', organisation: 'Babbage & Co', current: false, highlights: [] },
          { id: 'x2', role: 'Author', organisation: 'Notes', current: true, highlights: ['Note G'] },
          { id: 'x3', role: 'Translator', organisation: 'Menabrea', current: false, highlights: [] },
        ],
      },
      {
        type: 'skills',
        id: 's',
        groups: [{ id: 'g1', name: 'Maths', skills: [{ name: 'Algebra' }, { name: 'Calculus', level: 4 }] }],
      },
      { type: 'text', id: 't', body: '<p>Hello</p>' },
    ],
  };
}

/** A reducer on a clock the test moves, with predictable ids. */
function setup(document = sampleDocument()) {
  let time = 0;
  let counter = 0;
  const reduce = createReducer({ now: () => time, newId: () => `new${(counter += 1)}` });
  let state = initialState(document);
  return {
    dispatch(...actions: EditorAction[]) {
      for (const action of actions) {
        state = reduce(state, action);
      }
      return state;
    },
    get state(): EditorState {
      return state;
    },
    tick(ms: number) {
      time += ms;
    },
  };
}

function section<T extends SectionType>(state: EditorState, id: string, type: T): SectionOf<T> {
  const found = state.document.sections.find((candidate): candidate is SectionOf<T> => candidate.id === id && candidate.type === type);
  if (!found) {
    throw new Error(`no ${type} section ${id}`);
  }
  return found;
}

const ids = (state: EditorState) => state.document.sections.map((candidate) => candidate.id);
const rename = (name: string, coalesceKey?: string): EditorAction => ({
  type: 'updateSection',
  id: 'h',
  sectionType: 'header',
  patch: { name },
  coalesceKey,
});

describe('undo and redo', () => {
  it('steps back and forth through edits', () => {
    const editor = setup();
    const original = editor.state.document;
    editor.dispatch(rename('Ada'), rename('Ada King'));
    expect(section(editor.state, 'h', 'header').name).toBe('Ada King');

    editor.dispatch({ type: 'undo' });
    expect(section(editor.state, 'h', 'header').name).toBe('Ada');
    editor.dispatch({ type: 'undo' });
    expect(editor.state.document).toBe(original);
    expect(editor.dispatch({ type: 'undo' }).document).toBe(original);

    editor.dispatch({ type: 'redo' }, { type: 'redo' });
    expect(section(editor.state, 'h', 'header').name).toBe('Ada King');
    expect(editor.state.future).toEqual([]);
  });

  it('forgets the undone edits when a new edit is made', () => {
    const editor = setup();
    editor.dispatch(rename('Ada'), rename('Ada King'), { type: 'undo' });
    expect(editor.state.future).toHaveLength(1);
    editor.dispatch(rename('Countess'));
    expect(editor.state.future).toEqual([]);
    const before = editor.state;
    expect(editor.dispatch({ type: 'redo' })).toBe(before);
  });

  it('merges typing in one field into one step', () => {
    const editor = setup();
    for (const name of ['A', 'Ad', 'Ada']) {
      editor.dispatch(rename(name, 'h.name'));
      editor.tick(COALESCE_MS / 2);
    }
    expect(editor.state.past).toHaveLength(1);
    editor.dispatch({ type: 'undo' });
    expect(section(editor.state, 'h', 'header').name).toBe('Ada Lovelace');
  });

  it('starts a new step after a pause, in another field, or after an undo', () => {
    const editor = setup();
    editor.dispatch(rename('A', 'h.name'));
    editor.tick(COALESCE_MS + 1);
    editor.dispatch(rename('Ad', 'h.name'));
    expect(editor.state.past).toHaveLength(2);

    editor.dispatch({ type: 'updateSection', id: 'h', sectionType: 'header', patch: { headline: 'M' }, coalesceKey: 'h.headline' });
    expect(editor.state.past).toHaveLength(3);

    editor.dispatch({ type: 'undo' }, rename('Ada', 'h.name'));
    expect(editor.state.past).toHaveLength(3);
    expect(editor.state.future).toEqual([]);

    editor.dispatch(rename('Ada!'));
    editor.dispatch(rename('Ada!!'));
    expect(editor.state.past).toHaveLength(5);
  });

  it('keeps at most the last hundred steps', () => {
    const editor = setup();
    for (let step = 1; step <= HISTORY_LIMIT + 20; step += 1) {
      editor.dispatch(rename(`Name ${step}`));
    }
    expect(editor.state.past).toHaveLength(HISTORY_LIMIT);
    for (let step = 0; step < HISTORY_LIMIT; step += 1) {
      editor.dispatch({ type: 'undo' });
    }
    expect(section(editor.state, 'h', 'header').name).toBe('Name 20');
  });

  it('does not record changes that change nothing', () => {
    const editor = setup();
    const before = editor.state;
    editor.dispatch(
      { type: 'updateSection', id: 'missing', sectionType: 'header', patch: { name: 'x' } },
      // The patch is for a header, the section is text.
      { type: 'updateSection', id: 't', sectionType: 'header', patch: { name: 'x' } },
      { type: 'moveSection', from: 1, to: 1 },
      { type: 'deleteItem', list: { section: 'x' }, index: 9 },
      { type: 'duplicateSection', id: 'missing' },
    );
    expect(editor.state).toBe(before);
  });

  it('drops a selection the undone document does not have', () => {
    const editor = setup();
    editor.dispatch({ type: 'insertSection', index: 0, sectionType: 'about' });
    expect(editor.state.selected).toBe('new1');
    editor.dispatch({ type: 'undo' });
    expect(editor.state.selected).toBeNull();
  });
});

describe('styles', () => {
  it('sets page style fields, colours one by one', () => {
    const editor = setup();
    editor.dispatch({ type: 'setPageStyle', patch: { base_font_size: 18, colors: { primary: '#000000' } } });
    expect(editor.state.document.style).toMatchObject({ base_font_size: 18, heading_font: 'inter' });
    expect(editor.state.document.style.colors).toEqual({ ...sampleDocument().style.colors, primary: '#000000' });
  });

  it('overrides a section style and removes overrides set to undefined', () => {
    const editor = setup();
    editor.dispatch({ type: 'setSectionStyle', id: 't', patch: { background: '#eeeeee', align: 'center' } });
    expect(section(editor.state, 't', 'text').style).toEqual({ background: '#eeeeee', align: 'center' });
    editor.dispatch({ type: 'setSectionStyle', id: 't', patch: { background: undefined } });
    expect(section(editor.state, 't', 'text').style).toEqual({ align: 'center' });
    editor.dispatch({ type: 'setSectionStyle', id: 't', patch: { align: undefined } });
    expect(section(editor.state, 't', 'text')).not.toHaveProperty('style');
  });
});

describe('sections', () => {
  it('inserts a blank section at an index and selects it', () => {
    const editor = setup();
    editor.dispatch({ type: 'insertSection', index: 1, sectionType: 'projects' });
    expect(ids(editor.state)).toEqual(['h', 'new1', 'x', 's', 't']);
    expect(editor.state.selected).toBe('new1');
    editor.dispatch({ type: 'insertSection', index: 99, sectionType: 'image', image: 'https://example.com/a.png', alt: 'A' });
    expect(editor.state.document.sections.at(-1)).toEqual({ type: 'image', id: 'new2', image: 'https://example.com/a.png', alt: 'A' });
  });

  it('adds a section made elsewhere with fresh ids, as one undo step', () => {
    const editor = setup();
    const suggested: Section = {
      type: 'experience',
      id: 'x',
      items: [{ id: 'x1', role: 'Senior engineer', organisation: 'Ledgerly', current: true, highlights: ['A ledger'] }],
    };
    editor.dispatch({ type: 'addSection', index: 99, section: suggested });
    expect(ids(editor.state)).toEqual(['h', 'x', 's', 't', 'new1']);
    expect(editor.state.selected).toBe('new1');
    const added = section(editor.state, 'new1', 'experience');
    expect(added.items).toEqual([{ id: 'new2', role: 'Senior engineer', organisation: 'Ledgerly', current: true, highlights: ['A ledger'] }]);
    expect(suggested.id).toBe('x');
    editor.dispatch({ type: 'undo' });
    expect(ids(editor.state)).toEqual(['h', 'x', 's', 't']);
    expect(editor.state.selected).toBeNull();
  });

  it('reorders sections', () => {
    const editor = setup();
    editor.dispatch({ type: 'moveSection', from: 0, to: 3 });
    expect(ids(editor.state)).toEqual(['x', 's', 't', 'h']);
    editor.dispatch({ type: 'moveSection', from: 2, to: 0 });
    expect(ids(editor.state)).toEqual(['t', 'x', 's', 'h']);
    const before = editor.state;
    expect(editor.dispatch({ type: 'moveSection', from: 0, to: 4 })).toBe(before);
  });

  it('duplicates a section with fresh ids for it and its items, right after it', () => {
    const editor = setup();
    editor.dispatch({ type: 'duplicateSection', id: 'x' });
    expect(ids(editor.state)).toEqual(['h', 'x', 'new1', 's', 't']);
    expect(editor.state.selected).toBe('new1');
    const copy = section(editor.state, 'new1', 'experience');
    expect(copy.items.map((item) => item.id)).toEqual(['new2', 'new3', 'new4']);
    expect(copy.items.map((item) => item.role)).toEqual(['Analyst', 'Author', 'Translator']);
    expect(copy.items[1]?.highlights).toEqual(['Note G']);
    expect(copy.items[1]?.highlights).not.toBe(section(editor.state, 'x', 'experience').items[1]?.highlights);
  });

  it('never reuses an id the document has', () => {
    let calls = 0;
    const taken = ['h', 'x1', 'g1'];
    const reduce = createReducer({ newId: () => taken[calls++] ?? `fresh${calls}` });
    const state = reduce(initialState(sampleDocument()), { type: 'insertSection', index: 0, sectionType: 'text' });
    expect(state.selected).toBe('fresh4');
  });

  it('deletes a section and selects its neighbour', () => {
    const editor = setup();
    editor.dispatch({ type: 'select', id: 's' }, { type: 'deleteSection', id: 's' });
    expect(ids(editor.state)).toEqual(['h', 'x', 't']);
    expect(editor.state.selected).toBe('t');
    editor.dispatch({ type: 'deleteSection', id: 't' });
    expect(editor.state.selected).toBe('x');
    editor.dispatch({ type: 'select', id: 'h' }, { type: 'deleteSection', id: 'x' });
    expect(editor.state.selected).toBe('h');
    editor.dispatch({ type: 'deleteSection', id: 'h' });
    expect(editor.state.selected).toBeNull();
    editor.dispatch({ type: 'undo' });
    expect(ids(editor.state)).toEqual(['h']);
  });
});

describe('items', () => {
  const experience = { section: 'x' };
  const skills = { section: 's', group: 'g1' };
  const roles = (state: EditorState) => section(state, 'x', 'experience').items.map((item) => item.id);

  it('updates one item', () => {
    const editor = setup();
    editor.dispatch({ type: 'updateItem', kind: 'experience', list: experience, index: 1, patch: { role: 'Writer' } });
    expect(section(editor.state, 'x', 'experience').items[1]).toMatchObject({ id: 'x2', role: 'Writer', organisation: 'Notes' });
    const before = editor.state;
    // The kind does not match the list.
    editor.dispatch({ type: 'updateItem', kind: 'projects', list: experience, index: 1, patch: { name: 'x' } });
    expect(editor.state).toBe(before);
  });

  it('inserts blank items that pass the server rules', () => {
    const editor = setup();
    editor.dispatch(
      { type: 'insertItem', kind: 'experience', list: experience, index: 0 },
      { type: 'insertItem', kind: 'skill', list: skills, index: 2 },
      { type: 'insertItem', kind: 'skills', list: { section: 's' }, index: 1 },
    );
    expect(section(editor.state, 'x', 'experience').items[0]).toEqual({
      id: 'new1',
      role: 'Role',
      organisation: 'Organisation',
      current: false,
      highlights: [],
    });
    const groups = section(editor.state, 's', 'skills').groups;
    expect(groups[0]?.skills.map((skill) => skill.name)).toEqual(['Algebra', 'Calculus', 'Skill']);
    expect(groups[1]).toEqual({ id: 'new2', name: 'Skills', skills: [] });
  });

  it('adds gallery images with their image', () => {
    const editor = setup();
    editor.dispatch(
      { type: 'insertSection', index: 0, sectionType: 'gallery' },
      { type: 'insertItem', kind: 'gallery', list: { section: 'new1' }, index: 0, image: '/media/a.jpg', alt: 'A' },
    );
    expect(section(editor.state, 'new1', 'gallery').images).toEqual([{ id: 'new2', image: '/media/a.jpg', alt: 'A' }]);
  });

  it('reorders items, and skills within a group', () => {
    const editor = setup();
    editor.dispatch({ type: 'moveItem', list: experience, from: 2, to: 0 });
    expect(roles(editor.state)).toEqual(['x3', 'x1', 'x2']);
    editor.dispatch({ type: 'moveItem', list: experience, from: 0, to: 2 });
    expect(roles(editor.state)).toEqual(['x1', 'x2', 'x3']);
    editor.dispatch({ type: 'moveItem', list: skills, from: 1, to: 0 });
    expect(section(editor.state, 's', 'skills').groups[0]?.skills.map((skill) => skill.name)).toEqual(['Calculus', 'Algebra']);
  });

  it('duplicates an item with a fresh id, after it', () => {
    const editor = setup();
    editor.dispatch({ type: 'duplicateItem', list: experience, index: 0 }, { type: 'duplicateItem', list: { section: 's' }, index: 0 });
    expect(roles(editor.state)).toEqual(['x1', 'new1', 'x2', 'x3']);
    const groups = section(editor.state, 's', 'skills').groups;
    expect(groups.map((group) => group.id)).toEqual(['g1', 'new2']);
    expect(groups[1]?.skills).toEqual(groups[0]?.skills);
  });

  it('deletes items, and undoes that', () => {
    const editor = setup();
    editor.dispatch({ type: 'deleteItem', list: experience, index: 1 }, { type: 'deleteItem', list: skills, index: 0 });
    expect(roles(editor.state)).toEqual(['x1', 'x3']);
    expect(section(editor.state, 's', 'skills').groups[0]?.skills).toEqual([{ name: 'Calculus', level: 4 }]);
    editor.dispatch({ type: 'undo' }, { type: 'undo' });
    expect(editor.state.document).toEqual(sampleDocument());
  });
});

describe('blank sections', () => {
  const types: Exclude<SectionType, 'image'>[] = [
    'header',
    'about',
    'experience',
    'education',
    'skills',
    'projects',
    'social_links',
    'contact',
    'text',
    'gallery',
  ];

  it('fill what the server requires', () => {
    const sections: Section[] = [...types.map((type) => blankSection(type)), blankSection('image', 'https://example.com/a.png')];
    for (const blank of sections) {
      expect(blank.id).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    }
    expect(new Set(sections.map((blank) => blank.id)).size).toBe(sections.length);
    expect(sections.map((blank) => blank.type)).toEqual([...types, 'image']);
    const [header, about] = sections;
    expect(header).toMatchObject({ name: 'Your name' });
    expect(about).toMatchObject({ body: '<p>Write something…</p>' });
  });

  it('get ids the server accepts', () => {
    for (let count = 0; count < 50; count += 1) {
      expect(shortId()).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    }
  });
});
