import type { PageStyle } from './history';

/** The page style the editor's unit tests start from. */
export const TEST_STYLE: PageStyle = {
  colors: { primary: '#1f4ed8', text: '#1c1f26', background: '#ffffff', accent: '#e86a33', muted: '#5b616e' },
  heading_font: 'inter',
  body_font: 'inter',
  base_font_size: 17,
  spacing: 'normal',
  layout_width: 'normal',
};
