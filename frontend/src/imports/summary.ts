// A few readable lines about what an imported section holds, for the review before applying:
// "Senior Engineer — Ledgerly, Feb 2021 – present", skills by name, the header's name and headline.

import type { Section } from './report';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Lines shown per section before "and N more". */
export const MAX_LINES = 6;

/** `2021-02` → "Feb 2021", `2014` → "2014". */
export function formatDate(value: string | undefined): string {
  if (!value) return '';
  const [, year, month] = /^(\d{4})-(\d{2})$/.exec(value) ?? [];
  const name = month ? MONTHS[Number(month) - 1] : undefined;
  return year && name ? `${name} ${year}` : value;
}

/** "Feb 2021 – present", "2014 – 2018", "until 2019"; empty without dates. */
export function period(start?: string, end?: string, current = false): string {
  const from = formatDate(start);
  const to = current ? 'present' : formatDate(end);
  if (from && to) return from === to ? from : `${from} – ${to}`;
  if (to) return current ? 'present' : `until ${to}`;
  return from;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** Rich text as lines of plain text: one per paragraph, line break or list item. */
export function htmlLines(html: string | undefined): string[] {
  if (!html) return [];
  return html
    .replace(/<br\s*\/?>|<\/(?:p|li|ul|ol)>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x?[0-9a-f]+|[a-z]+);/gi, (entity, name: string) => {
      if (name.startsWith('#')) {
        const code = name[1]?.toLowerCase() === 'x' ? parseInt(name.slice(2), 16) : Number(name.slice(1));
        return Number.isFinite(code) ? String.fromCodePoint(code) : entity;
      }
      return ENTITIES[name.toLowerCase()] ?? entity;
    })
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter(Boolean);
}

export function clip(text: string, length = 140): string {
  return text.length > length ? `${text.slice(0, length - 1).trimEnd()}…` : text;
}

const joined = (parts: (string | undefined)[], separator: string) => parts.filter(Boolean).join(separator);

/** A role or a degree with where, and when: "Senior Engineer — Ledgerly, Feb 2021 – present". */
function entry(what: string | undefined, where: string | undefined, when: string): string {
  return joined([joined([what, where], ' — '), when], ', ');
}

const NETWORKS: Record<string, string> = {
  github: 'GitHub',
  linkedin: 'LinkedIn',
  x: 'X',
  mastodon: 'Mastodon',
  dribbble: 'Dribbble',
  behance: 'Behance',
  website: 'Website',
  email: 'Email',
  other: 'Link',
};

function allLines(section: Section): string[] {
  switch (section.type) {
    case 'header':
      return [joined([section.name, section.headline], ' — '), section.location ?? ''].filter(Boolean);
    case 'about':
      return htmlLines(section.body).slice(0, 2).map((line) => clip(line));
    case 'text':
      return htmlLines(section.body).map((line) => clip(line));
    case 'experience':
      return section.items.map((item) => entry(item.role, item.organisation, period(item.start, item.end, item.current)));
    case 'education':
      return section.items.map((item) => entry(joined([item.degree, item.field], ', '), item.institution, period(item.start, item.end)));
    case 'projects':
      return section.items.map((item) => entry(item.name, undefined, period(item.start, item.end)));
    case 'skills':
      return section.groups.map((group) => {
        const names = group.skills.map((skill) => skill.name).join(', ');
        return section.groups.length > 1 && group.name ? `${group.name}: ${names}` : names;
      });
    case 'social_links':
      return section.links.map((link) => `${link.label ?? NETWORKS[link.network] ?? link.network}: ${link.url.replace(/^(https?:\/\/|mailto:)/, '').replace(/\/$/, '')}`);
    case 'contact':
      return [section.email, section.phone, section.location].filter((line): line is string => Boolean(line));
    case 'image':
      return [section.caption ?? section.alt].filter(Boolean);
    case 'gallery':
      return [`${section.images.length} ${section.images.length === 1 ? 'image' : 'images'}`];
  }
}

/** What a section holds, a line per entry, at most `MAX_LINES` of them and how many more. */
export function sectionLines(section: Section): string[] {
  const lines = allLines(section);
  if (lines.length <= MAX_LINES) return lines;
  return [...lines.slice(0, MAX_LINES - 1), `and ${lines.length - MAX_LINES + 1} more`];
}

/** A section's own heading when it has one ("Certifications"), else `label`. */
export function sectionHeading(section: Section, label: string): string {
  const title = 'title' in section ? section.title?.trim() : undefined;
  return title || label;
}
