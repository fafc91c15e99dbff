import { describe, expect, it } from 'vitest';
import { Shutdown, withTimeLimit } from './shutdown.js';

describe('Shutdown', () => {
  it('closes in reverse order of opening, once, and aborts its signal first', async () => {
    const lines: string[] = [];
    const done: string[] = [];
    const shutdown = new Shutdown((line) => lines.push(line));
    shutdown.add('close the server', async () => void done.push(`server (aborted: ${shutdown.signal.aborted})`));
    shutdown.add('close the browser', async () => void done.push('browser'));
    await Promise.all([shutdown.close(), shutdown.close()]);
    await shutdown.close();
    expect(done).toEqual(['browser', 'server (aborted: true)']);
    expect(lines).toEqual([]);
  });

  it('abandons a step that hangs after its limit, says so, and still runs the others', async () => {
    const lines: string[] = [];
    const done: string[] = [];
    const shutdown = new Shutdown((line) => lines.push(line));
    shutdown.add('close the server', async () => void done.push('server'));
    shutdown.add('close the browser', () => new Promise<void>(() => undefined), 50);
    shutdown.add('delete the profile', async () => {
      throw new Error('EBUSY');
    });
    await shutdown.close();
    expect(done).toEqual(['server']);
    expect(lines).toEqual(['  delete the profile failed: EBUSY', '  close the browser failed: close the browser took longer than 0.05 s']);
  });
});

describe('withTimeLimit', () => {
  it('passes a result through, and rejects in words when time runs out', async () => {
    expect(await withTimeLimit(Promise.resolve(7), 50, 'x')).toBe(7);
    await expect(withTimeLimit(new Promise(() => undefined), 20, 'the demo page')).rejects.toThrow('the demo page took longer than 0.02 s');
  });
});
