/**
 * The recording file on its own (pure): what a generated test asserts (endState) names blobs by
 * content, not by a file's arbitrary refs, and reads the tab's own client scope as `$client`; the
 * generated test holds the recording whole and the end spelled out; a cut or newer file is refused.
 */
import { describe, expect, it } from 'vitest';
import { endState } from './end-state.js';
import type { SnapshotFile } from './format.js';
import { contentHash, parseRecording, RECORDING_FORMAT, RECORDING_VERSION, type RecordingFile } from './recording.js';
import { testFromRecording } from './test-file.js';

function file(ref: string, client: string): SnapshotFile {
  return {
    format: 'stratum-snapshot',
    version: 1,
    codec: 1,
    createdAt: '2026-12-05T00:00:00.000Z',
    page: { url: 'http://127.0.0.1:8080/app/', title: 'App' },
    stores: [{ name: 'app', clientId: client, userId: null, states: [{ scope: `$client:${client}`, key: 'picked', value: 3 }] }],
    webstorages: [{ kind: 'local', namespace: 'app', entries: [{ key: 'theme', text: 'stratum:1:"dark"' }] }],
    databases: [
      {
        name: 'db',
        version: 1,
        provider: 'indexeddb',
        tables: [{ name: 'files', schema: { keyPath: 'id', autoIncrement: false, indexes: [] }, rows: [{ key: 1, value: { id: 1, data: { $t: 'blob', type: 'text/plain', size: 2, name: null, lastModified: null, ref } } }] }],
      },
    ],
    bytes: { [ref]: 'aGk=' },
  };
}

function recording(): RecordingFile {
  return {
    format: RECORDING_FORMAT,
    version: RECORDING_VERSION,
    codec: 1,
    createdAt: '2026-12-05T00:00:00.000Z',
    page: { url: 'http://127.0.0.1:8080/app/', title: 'App' },
    budget: 1000,
    stopped: 'user',
    start: file('b1', 'tab-a'),
    changes: [{ kind: 'state', store: 'app', scope: '$client', key: 'picked', value: 3, at: 1.5, label: 'pick' }],
    end: file('b7', 'tab-a'),
    bytes: {},
  };
}

describe('the recording file', () => {
  it('asserts blobs by content and the client scope as $client, whatever the refs and the tab', () => {
    const a = endState(file('b1', 'tab-a'));
    expect(a).toEqual(endState(file('b9', 'tab-b')));
    expect(a.states).toEqual({ 'app/$client/picked': 3 });
    expect(a.keys).toEqual({ 'local/app/theme': 'dark' });
    expect(a.rows['db/files/1']).toMatchObject({ data: { $t: 'blob', ref: contentHash('aGk=') } });
    expect(endState({ ...file('b1', 'tab-a'), bytes: { b1: 'aGo=' } })).not.toEqual(a);
  });

  it("leaves the app's own { $t: 'blob', ref } object as written: it is data, not a blob", () => {
    const literal = { $t: 'object', v: { $t: 'blob', ref: 'on-the-page' } };
    const withData: SnapshotFile = { ...file('b1', 'tab-a'), stores: [{ name: 'app', clientId: null, userId: null, states: [{ scope: 'app', key: 'note', value: literal }] }] };
    expect(endState(withData).states['app/app/note']).toEqual(literal);
  });

  it('writes a test that holds the recording whole and spells out the end', () => {
    const text = testFromRecording(recording());
    const line = /^const recording = (.*) as unknown as RecordingFile;$/m.exec(text);
    expect(parseRecording(line![1]!)).toEqual(recording());
    expect(text).toContain('"app/$client/picked": 3');
    expect(text).toContain(`process.env['STRATUM_APP_URL'] ?? "http://127.0.0.1:8080/app/"`);
    expect(text).toMatch(/expect\(differences\)\.toEqual\(\[\]\);\n  expect\(endState\(await snapshot\(page\)\)\)\.toEqual\(expected\);/);
  });

  it('refuses a newer, cut or incomplete recording in words', () => {
    const text = JSON.stringify(recording());
    expect(() => parseRecording(JSON.stringify({ ...recording(), version: 2 }))).toThrow(/format version 2; this stratum reads up to 1: update/);
    expect(() => parseRecording(text.slice(0, -10))).toThrow(/the file is truncated/);
    const blob = { ...recording(), changes: [{ kind: 'state', store: 'app', scope: 'app', key: 'file', value: { $t: 'blob', type: '', size: 1, name: null, lastModified: null, ref: 'fnv1a64:00' }, at: 0, label: 'set' }] };
    expect(() => parseRecording(JSON.stringify(blob))).toThrow(/bytes are not in the recording/);
    expect(() => parseRecording(JSON.stringify({ ...recording(), start: { ...recording().start, version: 5 } }))).toThrow(/the starting snapshot of the recording: the snapshot is format version 5/);
  });
});

describe('the recording file, checked before anything is applied', () => {
  it('refuses a change whose blob bytes are not base64 or not the blob\'s size', () => {
    const blob = (bytes: string) => ({
      ...recording(),
      changes: [{ kind: 'state', store: 'app', scope: 'app', key: 'file', value: { $t: 'blob', type: '', size: 2, name: null, lastModified: null, ref: 'h' }, at: 0, label: 'set' }],
      bytes: { h: bytes },
    });
    expect(() => parseRecording(JSON.stringify(blob('aGk=')))).not.toThrow();
    expect(() => parseRecording(JSON.stringify(blob('not base64!')))).toThrow(/not base64/);
    expect(() => parseRecording(JSON.stringify(blob('aGVsbG8=')))).toThrow(/5 of its 2 bytes/);
  });
});

describe('copy as test from a recording someone sent', () => {
  it('keeps the recording\'s own text out of the code: a line break in its date or page cannot start a statement', () => {
    const hostile = recording();
    for (const breakChar of ['\n', '\r', '\u2028', '\u2029']) {
      hostile.createdAt = `2026-01-01${breakChar}globalThis.pwned = 1;${breakChar}//`;
      hostile.page = { url: `https://app.test/${breakChar}globalThis.pwned = 2;${breakChar}//`, title: 'x' };
      const text = testFromRecording(hostile);
      const lines = text.split(/\r\n|[\n\r\u2028\u2029]/);
      expect(lines.filter((line) => line.includes('globalThis.pwned') && !line.trimStart().startsWith('//') && !line.includes('"'))).toEqual([]);
    }
  });
});
