// @vitest-environment happy-dom
import { act, cleanup, render, screen } from '@testing-library/react';
import { createElement as h } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { create } from 'zustand';
import { adapterKit } from '../../../test/helpers/adapter-kit.js';
import { stratumZustand } from './index.js';

afterEach(() => cleanup());

interface Counter {
  count: number;
  inc: () => void;
}

describe('stratumZustand with React', () => {
  it('a panel edit re-renders the components using the hook; a click shows in the panel', async () => {
    const useCounter = create<Counter>()((set) => ({ count: 0, inc: () => set((state) => ({ count: state.count + 1 })) }));
    const Counter = () => {
      const count = useCounter((state) => state.count);
      const inc = useCounter((state) => state.inc);
      return h('button', { onClick: inc }, `count ${count}`);
    };
    const { edit, changes } = await adapterKit(stratumZustand(useCounter, { name: 'counter' }));
    render(h(Counter));
    expect(screen.getByRole('button').textContent).toBe('count 0');

    await act(() => edit(['count'], 41));
    expect(screen.getByRole('button').textContent).toBe('count 41');

    act(() => screen.getByRole('button').click());
    expect(screen.getByRole('button').textContent).toBe('count 42');
    expect(changes().at(-1)).toMatchObject({ label: 'setState: count', value: { count: 42 } });
  });
});
