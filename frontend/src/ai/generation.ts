// What an AI generation job produced, read from the job's untyped `result`, and a few words
// about each generated section for the lists that offer them.

import type { components } from '../api/schema';
import type { Section } from '../editor/history';
import { htmlToText } from './target';

type Job = components['schemas']['Job'];

export type GenerationResult = { kind: 'portfolio'; portfolioId: string } | { kind: 'preview'; sections: Section[] };

/** The result of a finished generation: a new portfolio, or sections for the job's portfolio. */
export function generationResult(job: Job): GenerationResult | null {
  if (job.kind !== 'ai_generation' || job.status !== 'done') return null;
  const result = job.result as { kind?: unknown; portfolio_id?: unknown; sections?: unknown } | null | undefined;
  if (result?.kind === 'portfolio' && typeof result.portfolio_id === 'string') {
    return { kind: 'portfolio', portfolioId: result.portfolio_id };
  }
  if (result?.kind === 'preview' && Array.isArray(result.sections)) {
    // The server checked them against the document's schema before keeping them.
    const sections = result.sections.filter(
      (section): section is Section => typeof section === 'object' && section !== null && typeof section.type === 'string' && typeof section.id === 'string',
    );
    return { kind: 'preview', sections };
  }
  return null;
}

function clip(text: string, length = 80): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > length ? `${line.slice(0, length - 1).trimEnd()}…` : line;
}

const list = (names: (string | undefined)[]) => clip(names.filter(Boolean).join(', '));

/** A line saying what a section holds: its name, its first words, or its entries. */
export function sectionSummary(section: Section): string {
  switch (section.type) {
    case 'header':
      return list([section.name, section.headline]);
    case 'about':
    case 'text':
      return clip(htmlToText(section.body));
    case 'experience':
      return list(section.items.map((item) => `${item.role} at ${item.organisation}`));
    case 'education':
      return list(section.items.map((item) => item.institution));
    case 'projects':
      return list(section.items.map((item) => item.name));
    case 'skills':
      return list(section.groups.flatMap((group) => group.skills.map((skill) => skill.name)));
    case 'social_links':
      return list(section.links.map((link) => link.label ?? link.network));
    case 'contact':
      return list([section.email, section.phone, section.location]);
    case 'image':
    case 'gallery':
      return '';
  }
}
