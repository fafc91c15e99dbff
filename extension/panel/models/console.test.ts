import { describe, expect, it } from 'vitest';
import { asCode, emptyForm, toQuery, type QueryForm } from './console.js';

const form = (patch: Partial<QueryForm>): QueryForm => ({ ...emptyForm('notes'), ...patch });

describe('the query console form', () => {
  it('copies as code in the query API names, with field conditions as a filter', () => {
    expect(asCode(form({ limit: '' }))).toBe('await db.table("notes").query()');
    expect(asCode(form({ index: 'byTag', eq: 'red', direction: 'prev', offset: '2', limit: '5' }))).toBe(
      'await db.table("notes").query({ index: "byTag", range: { eq: "red" }, direction: "prev", offset: 2, limit: 5 })',
    );
    expect(
      asCode(
        form({
          lower: '3',
          upper: '10',
          upperOpen: true,
          filters: [
            { field: 'author.name', op: 'eq', value: 'ann' },
            { field: 'tags', op: 'contains', value: '"red"' },
            { field: 'a b', op: 'gte', value: '2' },
          ],
        }),
      ),
    ).toBe('(await db.table("notes").query({ range: { gte: 3, lt: 10 }, limit: 50 })).filter((row) => row.author.name === "ann" && row.tags?.includes("red") && row["a b"] >= 2)');
  });

  it('refuses a form that does not read, in words', () => {
    expect(() => toQuery(form({ eq: '1', lower: '0' }))).toThrow('a range is either = or bounds, not both');
    expect(() => toQuery(form({ offset: '-1' }))).toThrow('offset is a whole number ≥ 0; got "-1"');
    expect(() => toQuery({ ...emptyForm(), table: '' })).toThrow('pick a table');
  });
});
