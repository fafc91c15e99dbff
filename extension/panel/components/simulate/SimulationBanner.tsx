/**
 * Every failure the page simulates now, above every tab: what the app sees, whether it is pinned
 * (kept over reloads of the tab), and "Turn off". The page's own words come from the agent.
 */
import { usePanel } from '../context.js';

export function SimulationBanner() {
  const { simulation } = usePanel();
  const active = simulation.active.value;
  if (active.length === 0) return null;
  return (
    <div class="simulation-banner" data-testid="simulation-banner" role="status">
      {active.map((entry) => (
        <div class="simulation" data-testid="simulation" data-id={entry.id} key={entry.id}>
          <strong>Simulated failure: </strong>
          <span data-testid="simulation-description">{entry.description}</span>
          {entry.pinned && (
            <span class="badge info" data-testid="simulation-pinned" title="Kept in this tab's sessionStorage: it comes back after a reload">
              pinned
            </span>
          )}
          <button type="button" data-testid="simulation-off" onClick={() => void simulation.off(entry.id)}>
            Turn off
          </button>
        </div>
      ))}
    </div>
  );
}
