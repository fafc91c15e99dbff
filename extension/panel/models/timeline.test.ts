/**
 * "Record call sites" asks the page to trace; the choice also rides on every later hello (a
 * reload, a reconnect). When the page refuses or does not answer, the box stays off and later
 * hellos do not turn tracing on behind it.
 */
import { signal } from '@preact/signals';
import { describe, expect, it } from 'vitest';
import { CommandError } from '#protocol/errors.js';
import type { Connection } from './connection.js';
import { TimelineModel } from './timeline.js';
import { Ui } from './ui.js';

describe('TimelineModel: record call sites', () => {
  it('leaves later hellos untraced when the page did not turn tracing on', async () => {
    const connection = {
      trace: false,
      target: signal<string | null>('page'),
      runtimes: signal([]),
      on: () => () => undefined,
      request: () => Promise.reject(new CommandError('timeout', 'trace got no answer within 5000 ms')),
    };
    const ui = new Ui();
    const timeline = new TimelineModel(connection as unknown as Connection, ui, { state: () => undefined, store: () => undefined, storage: () => undefined, database: () => undefined });
    await timeline.setTrace(true);
    expect(timeline.trace.peek()).toBe(false);
    expect(ui.toast.peek()?.text).toMatch(/no answer/);
    expect(connection.trace).toBe(false);
  });
});
