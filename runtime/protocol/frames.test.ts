import { describe, expect, it } from 'vitest';
import { parseFrame } from './frames.js';

describe('parseFrame', () => {
  it('reads the function, URL, line and column a panel link needs', () => {
    expect(parseFrame('saveNote (http://localhost:8080/app.js?v=2:12:5)')).toEqual({
      fn: 'saveNote',
      url: 'http://localhost:8080/app.js?v=2',
      line: 12,
      column: 5,
    });
    expect(parseFrame('async Editor.save (https://x.test/a/b.js:3:4)')).toMatchObject({ fn: 'async Editor.save', line: 3 });
    expect(parseFrame('http://localhost/app.js:1:2')).toEqual({ fn: '', url: 'http://localhost/app.js', line: 1, column: 2 });
  });

  it('gives nothing for frames without a position to open', () => {
    expect(parseFrame('native')).toBeUndefined();
    expect(parseFrame('<anonymous>')).toBeUndefined();
    expect(parseFrame('fn (eval at load (http://localhost/app.js:1:2), <anonymous>:1:1)')).toBeUndefined();
  });
});
