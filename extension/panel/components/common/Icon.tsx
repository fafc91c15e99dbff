/**
 * The panel's few icons as inline SVG: glyphs such as ▸ ▲ × render as empty boxes where the
 * system fonts lack them (a bare Linux, a locked-down Windows). Drawn in currentColor, so they
 * follow the theme; hidden from screen readers (the button around them carries the name).
 */
const PATHS = {
  'chevron-right': 'M6 3.5 10.5 8 6 12.5',
  'chevron-down': 'M3.5 6 8 10.5 12.5 6',
  'sort-up': 'M4 10 8 5.5 12 10Z',
  'sort-down': 'M4 6 8 10.5 12 6Z',
  close: 'M4.5 4.5l7 7M11.5 4.5l-7 7',
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name }: { name: IconName }) {
  const filled = name === 'sort-up' || name === 'sort-down';
  return (
    <svg class={`icon-svg icon-${name}`} data-icon={name} width="12" height="12" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <path d={PATHS[name]} fill={filled ? 'currentColor' : 'none'} stroke="currentColor" stroke-width={filled ? 0 : 1.8} stroke-linecap="round" stroke-linejoin="round" />
    </svg>
  );
}
