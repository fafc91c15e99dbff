/**
 * Page facts (storage estimate, the origin's databases, foreign keys) belong to one runtime: when
 * the target changes while the last target's are still being read, the new target is asked too,
 * and the old answer is not shown as the new target's.
 */
import { signal } from '@preact/signals';
import { describe, expect, it } from 'vitest';
import type { PageFacts } from '#protocol/messages.js';
import type { Connection } from './connection.js';
import { FactsModel } from './facts.js';
import { Ui } from './ui.js';

const facts = (usage: number): PageFacts => ({ estimate: { usage, quota: 1000 }, persisted: false, databases: [], foreignKeys: [], dropped: 0 });

describe('FactsModel', () => {
  it('asks the new target when it changes while the old target\'s facts are on their way', async () => {
    const answers: { target: string | null; resolve: (facts: PageFacts) => void }[] = [];
    const connection = {
      target: signal<string | null>('frame-a'),
      request: () => new Promise<PageFacts>((resolve) => answers.push({ target: connection.target.peek(), resolve })),
    };
    const model = new FactsModel(connection as unknown as Connection, new Ui());
    const first = model.load();
    // The top frame's runtime answered: the panel points at it and applies its snapshot.
    connection.target.value = 'frame-top';
    const second = model.load();
    expect(answers.map((answer) => answer.target)).toEqual(['frame-a', 'frame-top']);
    answers[1]!.resolve(facts(2));
    answers[0]!.resolve(facts(1));
    await Promise.all([first, second]);
    expect(model.facts.peek()?.estimate).toEqual({ usage: 2, quota: 1000 });
  });
});
