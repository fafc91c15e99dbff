/**
 * Failure simulation in the panel (issue 22): what the page simulates now (the banner) and the
 * form that turns one on. The list is the page's answer to `simulate`, fetched with each snapshot
 * and whenever the page reports a simulation on or off (a fault that ends by itself too).
 */
import { signal } from '@preact/signals';
import { Command, Event, type ActiveSimulation, type CommandRequest, type SimulationSpec } from '#protocol/messages.js';
import type { Connection } from './connection.js';
import type { Ui } from './ui.js';

export class SimulationModel {
  readonly active = signal<ActiveSimulation[]>([]);
  private readonly _stop: () => void;
  /** Bumped per request: each answers with the whole list, and only the last one asked is shown. */
  private _asked = 0;

  constructor(
    private readonly _connection: Connection,
    private readonly _ui: Ui,
  ) {
    this._stop = _connection.on(Event.report, (report) => {
      if (report.type === 'simulate' || report.type === 'simulate-off') void this.load();
    });
  }

  load(): Promise<void> {
    return this._ask({});
  }

  on(spec: SimulationSpec, pinned: boolean): Promise<void> {
    return this._ask({ on: spec, pinned });
  }

  off(id: string): Promise<void> {
    return this._ask({ off: id });
  }

  clear(): void {
    this._asked++;
    this.active.value = [];
  }

  private async _ask(request: CommandRequest<'simulate'>): Promise<void> {
    const asked = ++this._asked;
    const answer = await this._ui.run(() => this._connection.request(Command.simulate, request));
    // An earlier answer that came late (another target's, before a reload) is not what the page simulates now.
    if (answer && asked === this._asked) this.active.value = answer.active;
  }

  dispose(): void {
    this._stop();
  }
}
