/**
 * Failure simulation in the panel (issue 22): what the page simulates now (the banner) and the
 * form that turns one on. The list is the page's answer to `simulate`, fetched with each snapshot
 * and whenever the page reports a simulation on or off (a fault that ends by itself too).
 */
import { signal } from '@preact/signals';
import { Command, Event, type ActiveSimulation, type SimulationSpec } from '#protocol/messages.js';
import type { Connection } from './connection.js';
import type { Ui } from './ui.js';

export class SimulationModel {
  readonly active = signal<ActiveSimulation[]>([]);
  private readonly _stop: () => void;

  constructor(
    private readonly _connection: Connection,
    private readonly _ui: Ui,
  ) {
    this._stop = _connection.on(Event.report, (report) => {
      if (report.type === 'simulate' || report.type === 'simulate-off') void this.load();
    });
  }

  async load(): Promise<void> {
    const answer = await this._ui.run(() => this._connection.request(Command.simulate, {}));
    if (answer) this.active.value = answer.active;
  }

  async on(spec: SimulationSpec, pinned: boolean): Promise<void> {
    const answer = await this._ui.run(() => this._connection.request(Command.simulate, { on: spec, pinned }));
    if (answer) this.active.value = answer.active;
  }

  async off(id: string): Promise<void> {
    const answer = await this._ui.run(() => this._connection.request(Command.simulate, { off: id }));
    if (answer) this.active.value = answer.active;
  }

  clear(): void {
    this.active.value = [];
  }

  dispose(): void {
    this._stop();
  }
}
