import { describe, expect, it } from 'vitest';
import { leafText, parseJson, parseKey, parseLeaf } from './leaf.js';

describe('inline editor values', () => {
  it('reads each type, or says why not', () => {
    expect(parseLeaf('number', ' 42 ')).toEqual({ ok: true, value: 42 });
    expect(parseLeaf('number', 'NaN')).toEqual({ ok: true, value: { $t: 'number', v: 'NaN' } });
    expect(parseLeaf('number', 'twelve')).toMatchObject({ ok: false, reason: expect.stringMatching(/not a number/) });
    expect(parseLeaf('bigint', '123n')).toEqual({ ok: true, value: { $t: 'bigint', v: '123' } });
    expect(parseLeaf('bigint', '1.5')).toMatchObject({ ok: false });
    expect(parseLeaf('boolean', 'yes')).toMatchObject({ ok: false });
    expect(parseLeaf('date', '2020-01-02')).toEqual({ ok: true, value: { $t: 'date', v: '2020-01-02T00:00:00.000Z' } });
    expect(parseLeaf('date', 'someday')).toMatchObject({ ok: false });
    expect(parseLeaf('undefined', 'ignored')).toEqual({ ok: true, value: { $t: 'undefined' } });
    expect(parseLeaf('string', '<b>')).toEqual({ ok: true, value: '<b>' });
  });

  it('starts each editor from the value it edits', () => {
    expect(leafText('bigint', { $t: 'bigint', v: '7' })).toBe('7');
    expect(leafText('date', { $t: 'date', v: '2020-01-01T00:00:00.000Z' })).toBe('2020-01-01T00:00:00.000Z');
    expect(leafText('json', { a: 1 })).toBe('{\n  "a": 1\n}');
  });

  it('checks raw JSON as JSON and as an encoded value', () => {
    expect(parseJson('{"a":')).toMatchObject({ ok: false, reason: expect.stringMatching(/^not JSON/) });
    expect(parseJson('{"$t":"bogus"}')).toMatchObject({ ok: false, reason: expect.stringMatching(/not a value the page can hold/) });
    expect(parseJson('')).toMatchObject({ ok: false });
    expect(parseJson('{"$t":"set","v":[1]}')).toEqual({ ok: true, value: { $t: 'set', v: [1] } });
  });

  it('reads a key as JSON when it is, else as the text typed', () => {
    expect(parseKey('5')).toEqual({ ok: true, value: 5 });
    expect(parseKey('"5"')).toEqual({ ok: true, value: '5' });
    expect(parseKey('odd')).toEqual({ ok: true, value: 'odd' });
    expect(parseKey('  ')).toMatchObject({ ok: false });
  });
});

describe('number editor: the text typed is the number written, or a refusal in words', () => {
  it('refuses 1e400 instead of writing Infinity, and suggests a bigint', () => {
    expect(parseLeaf('number', '1e400')).toMatchObject({ ok: false, reason: expect.stringMatching(/too large.*bigint/) });
    expect(parseLeaf('number', '-1e400')).toMatchObject({ ok: false });
    expect(parseLeaf('number', 'Infinity')).toEqual({ ok: true, value: { $t: 'number', v: 'Infinity' } });
  });
  it('refuses an integer past 2^53 it would round, and keeps the ones it holds exactly', () => {
    expect(parseLeaf('number', '9007199254740993')).toMatchObject({ ok: false, reason: expect.stringMatching(/9007199254740992.*bigint/) });
    expect(parseLeaf('number', '9007199254740993.0')).toMatchObject({ ok: false });
    expect(parseLeaf('number', '9007199254740992')).toEqual({ ok: true, value: 9007199254740992 });
    expect(parseLeaf('number', '1e21')).toEqual({ ok: true, value: 1e21 });
    expect(parseLeaf('number', '0.1')).toEqual({ ok: true, value: 0.1 });
  });
  it('refuses a value so small it would be written as 0', () => {
    expect(parseLeaf('number', '1e-400')).toMatchObject({ ok: false, reason: expect.stringMatching(/too small/) });
    expect(parseLeaf('number', '0.000')).toEqual({ ok: true, value: 0 });
  });
  it('refuses 1e400 typed in the JSON editor too, in words, instead of sending Infinity (null over the JSON wire)', () => {
    expect(parseLeaf('json', '{"n": [1e400]}')).toMatchObject({ ok: false, reason: expect.stringMatching(/Infinity is not JSON \(at \$\.n/) });
    expect(parseLeaf('json', '-1e400')).toMatchObject({ ok: false });
  });
  it('keeps -0 when typed as -0.0 (a bare -0 number does not survive the JSON wire)', () => {
    expect(parseLeaf('number', '-0.0')).toEqual({ ok: true, value: { $t: 'number', v: '-0' } });
    expect(parseLeaf('number', '-0')).toEqual({ ok: true, value: { $t: 'number', v: '-0' } });
  });
});
