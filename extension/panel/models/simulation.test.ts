/**
 * The failure-simulation banner lists what the targeted runtime simulates: an answer of the
 * runtime targeted before (slower, a frame's) never replaces the targeted one's.
 */
import { signal } from '@preact/signals';
import { describe, expect, it } from 'vitest';
import type { ActiveSimulation } from '#protocol/messages.js';
import type { Connection } from './connection.js';
import { SimulationModel } from './simulation.js';
import { Ui } from './ui.js';

describe('SimulationModel', () => {
  it('shows what the runtime targeted now simulates, not a slower answer of the last target', async () => {
    const answers: ((answer: { active: ActiveSimulation[] }) => void)[] = [];
    const connection = {
      target: signal<string | null>('frame-a'),
      on: () => () => undefined,
      request: () => new Promise<{ active: ActiveSimulation[] }>((resolve) => answers.push(resolve)),
    };
    const model = new SimulationModel(connection as unknown as Connection, new Ui());
    const first = model.load();
    connection.target.value = 'frame-top';
    const second = model.load();
    answers[1]!({ active: [] });
    await second;
    answers[0]!({ active: [{ id: 's1', spec: {} as ActiveSimulation['spec'], pinned: false, description: 'the frame’s IndexedDB fails', at: 1 }] });
    await first;
    expect(model.active.peek()).toEqual([]);
  });
});
