/** The tabs; ←/→ move between them, focus and selection together (the WAI-ARIA tabs pattern). */
import { TABS, type Tab } from '../models/ui.js';
import { usePanel } from './context.js';

const TITLES: Record<Tab, string> = {
  state: 'State',
  storage: 'Storage',
  database: 'Database',
  timeline: 'Timeline',
  search: 'Search',
  simulate: 'Simulate',
  budget: 'Budget',
  record: 'Record',
};

export function TabBar() {
  const { ui } = usePanel();
  const current = ui.tab.value;
  const move = (event: KeyboardEvent) => {
    if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
    const step = event.key === 'ArrowRight' ? 1 : TABS.length - 1;
    const next = TABS[(TABS.indexOf(current) + step) % TABS.length]!;
    ui.tab.value = next;
    (event.currentTarget as HTMLElement).querySelector<HTMLElement>(`[data-testid="tab-${next}"]`)?.focus();
  };
  return (
    <nav class="tabs" role="tablist" onKeyDown={move}>
      {TABS.map((tab) => (
        <button
          type="button"
          role="tab"
          class={tab === current ? 'on' : ''}
          data-testid={`tab-${tab}`}
          aria-selected={tab === current}
          tabIndex={tab === current ? 0 : -1}
          onClick={() => (ui.tab.value = tab)}
        >
          {TITLES[tab]}
        </button>
      ))}
    </nav>
  );
}
