/**
 * Turns a simulated failure on: which failure, on what (a webstorage namespace, a database, a
 * kind of storage), with what size or offset, and whether it is pinned over reloads. Development
 * builds only: a production build has no agent to ask.
 */
import { useState } from 'preact/hooks';
import type { SimulationFault, SimulationSpec } from '#protocol/messages.js';
import { usePanel } from '../context.js';

const FAULTS: { fault: SimulationFault; title: string; help: string }[] = [
  { fault: 'blocked', title: 'Storage blocked', help: 'localStorage or sessionStorage throws SecurityError (cookies and site data blocked)' },
  { fault: 'quota', title: 'Quota of N bytes', help: 'a webstorage namespace or a database holds at most N bytes; a write past it fails with QuotaExceededError' },
  { fault: 'openFails', title: 'IndexedDB fails to open', help: 'every indexedDB open fails with UnknownError, as in a broken profile' },
  { fault: 'abortNext', title: 'Next transaction aborts', help: "the database's next readwrite transaction aborts with AbortError" },
  { fault: 'versionchange', title: 'versionchange from another tab', help: 'the connection receives a versionchange and closes, as when another tab upgrades the database' },
  { fault: 'clock', title: 'Cache clock offset', help: "every Cache's clock runs ahead (or behind) by this many minutes: TTLs expire early (or late)" },
];

export function SimulateTab() {
  const { simulation, storage, database, ui } = usePanel();
  const [fault, setFault] = useState<SimulationFault>('blocked');
  const [kind, setKind] = useState<'local' | 'session'>('local');
  const [target, setTarget] = useState('');
  const [bytes, setBytes] = useState('1024');
  const [minutes, setMinutes] = useState('60');
  const [pinned, setPinned] = useState(false);

  const storages = storage.items.value.filter((item) => item.info.kind !== 'memory' && item.info.available);
  const databases = database.databases.value.filter((db) => !db.closed);
  const targets = [
    ...(fault === 'quota' ? storages.map((item) => ({ value: `s${item.info.id}`, title: `${item.info.kind}Storage "${item.info.namespace}"` })) : []),
    ...databases.map((db) => ({ value: `d${db.id}`, title: `database "${db.name}" (${db.provider})` })),
  ];
  const chosen = targets.some((option) => option.value === target) ? target : (targets[0]?.value ?? '');
  const help = FAULTS.find((entry) => entry.fault === fault)!.help;

  const spec = (): SimulationSpec | string => {
    const id = Number(chosen.slice(1));
    switch (fault) {
      case 'blocked':
        return { fault, kind };
      case 'openFails':
        return { fault };
      case 'clock': {
        const offset = Number(minutes) * 60_000;
        return Number.isFinite(offset) ? { fault, offset } : 'The offset is a number of minutes.';
      }
      case 'quota': {
        const n = Number(bytes);
        if (!Number.isInteger(n) || n < 0) return 'The quota is a whole number of bytes.';
        if (!chosen) return 'Nothing to put a quota on: no localStorage/sessionStorage namespace or database on the page.';
        return chosen.startsWith('s') ? { fault, storage: id, bytes: n } : { fault, database: id, bytes: n };
      }
      default:
        return chosen ? { fault, database: id } : 'No open database on the page.';
    }
  };
  const start = () => {
    const made = spec();
    if (typeof made === 'string') return ui.notify(made, 'error');
    void simulation.on(made, pinned);
  };

  return (
    <section class="simulate" data-testid="simulate-tab">
      <p class="muted">
        The page fails the way a browser does: the same error names and messages, so the app's own error handling runs. Each simulation shows in the banner
        above and in the timeline; all are off after a reload unless pinned (kept in the tab's sessionStorage). Not available in production builds.
      </p>
      <div class="form-row">
        <label>
          Failure{' '}
          <select data-testid="simulate-fault" value={fault} onChange={(event) => setFault((event.currentTarget as HTMLSelectElement).value as SimulationFault)}>
            {FAULTS.map((entry) => (
              <option value={entry.fault}>{entry.title}</option>
            ))}
          </select>
        </label>
        {fault === 'blocked' && (
          <label>
            Storage{' '}
            <select data-testid="simulate-kind" value={kind} onChange={(event) => setKind((event.currentTarget as HTMLSelectElement).value as 'local' | 'session')}>
              <option value="local">localStorage</option>
              <option value="session">sessionStorage</option>
            </select>
          </label>
        )}
        {(fault === 'quota' || fault === 'abortNext' || fault === 'versionchange') && (
          <label>
            On{' '}
            <select data-testid="simulate-target" value={chosen} onChange={(event) => setTarget((event.currentTarget as HTMLSelectElement).value)}>
              {targets.map((option) => (
                <option value={option.value}>{option.title}</option>
              ))}
            </select>
          </label>
        )}
        {fault === 'quota' && (
          <label>
            Bytes <input data-testid="simulate-bytes" type="number" min="0" value={bytes} onInput={(event) => setBytes((event.currentTarget as HTMLInputElement).value)} />
          </label>
        )}
        {fault === 'clock' && (
          <label>
            Minutes <input data-testid="simulate-minutes" type="number" value={minutes} onInput={(event) => setMinutes((event.currentTarget as HTMLInputElement).value)} />
          </label>
        )}
        <label>
          <input data-testid="simulate-pin" type="checkbox" checked={pinned} onChange={(event) => setPinned((event.currentTarget as HTMLInputElement).checked)} /> Pin (keep after
          reload)
        </label>
        <button type="button" data-testid="simulate-on" onClick={start}>
          Simulate
        </button>
      </div>
      <p class="muted" data-testid="simulate-help">
        {help}
      </p>
    </section>
  );
}
