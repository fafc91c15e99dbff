/**
 * `npm run bench`: builds the suites, serves them, opens each browser suite in a headless
 * Chromium of its own (the node suites in this process), samples every case, measures sizes, then
 * prints the table and writes bench/results.json. Progress goes to stderr, the table to stdout.
 *
 *   npm run bench                     every row, full rounds
 *   npm run bench -- --quick          fewer rounds and shorter samples (same data sizes)
 *   npm run bench -- --only=idb,size  rows whose id starts with one of these (results go to out/bench/)
 *   npm run bench -- --table          print bench/results.json again (and out/bench/table.md), measure nothing
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'puppeteer';
import { launch } from '../runtime/puppeteer/launch.js';
import { serveRepo } from '../scripts/serve.js';
import { buildBench, type Built } from './build.js';
import { FULL, QUICK, measureCase, type Plan } from './measure.js';
import { ROWS, SIZE_PEERS, SUITES, type Row, type Suite } from './rows.js';
import { measureSizes } from './sizes.js';
import { UNITS, costRatio, figureOf, formatTable, markdownTable, type RowResult } from './table.js';
import { firstLine, openNode, openPage, type OpenTarget } from './targets.js';

/** A case that takes longer than this is cut off and reported, so one hang cannot eat the run. */
const CASE_TIMEOUT_MS = 150_000;

function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}

function reasonOf(error: unknown): string {
  return firstLine(error instanceof Error ? error.message : String(error));
}

function unavailable(row: Row, reason: string): RowResult {
  return {
    id: row.id,
    group: row.group,
    title: row.title,
    kind: row.kind,
    unit: UNITS[row.kind],
    ours: { label: row.ours.label },
    peers: [],
    unavailable: reason,
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms / 1000} s and was stopped`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Samples every case of one suite's rows; a failing case costs only its own rows. */
async function runSuite(target: OpenTarget, rows: Row[], plan: Plan): Promise<RowResult[]> {
  const available = new Set(await target.cases());
  const results = new Map<string, RowResult>();
  for (const id of new Set(rows.map((row) => row.case))) {
    const caseRows = rows.filter((row) => row.case === id);
    if (!available.has(id)) {
      for (const row of caseRows) results.set(row.id, unavailable(row, `the suite has no case ${id}`));
      continue;
    }
    const known = new Set(await target.variants(id));
    const wanted = [...new Set(caseRows.flatMap((row) => [row.ours.variant, ...row.peers.map((peer) => peer.variant)]))];
    const started = performance.now();
    try {
      const samples = await withTimeout(measureCase(target, id, caseRows[0]!, wanted.filter((name) => known.has(name)), plan), CASE_TIMEOUT_MS, id);
      progress(`  ${id}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
      for (const row of caseRows) results.set(row.id, toResult(row, samples));
    } catch (error) {
      progress(`  ${id}: not available: ${reasonOf(error)}`);
      for (const row of caseRows) results.set(row.id, unavailable(row, reasonOf(error)));
    }
  }
  return rows.map((row) => results.get(row.id)!);
}

function toResult(row: Row, samples: Map<string, number[]>): RowResult {
  const ourSamples = samples.get(row.ours.variant);
  if (!ourSamples) return unavailable(row, `the case has no variant ${row.ours.variant}`);
  const ours = figureOf(ourSamples, row.percentile);
  return {
    id: row.id,
    group: row.group,
    title: row.title,
    kind: row.kind,
    unit: UNITS[row.kind],
    ours: { label: row.ours.label, figure: ours },
    peers: row.peers.map((peer) => {
      const theirs = samples.get(peer.variant);
      if (!theirs) return { label: peer.label, limit: Boolean(peer.limit), unavailable: `the case has no variant ${peer.variant}` };
      const figure = figureOf(theirs, row.percentile);
      return { label: peer.label, limit: Boolean(peer.limit), figure, ratio: costRatio(row.kind, ours.value, figure.value) };
    }),
  };
}

/**
 * One row's results from several loads of its suite (each in a Chromium of its own) as one: every
 * load's samples together, the figures and ratios taken over all of them. A load that failed
 * makes the row unavailable, as one would alone.
 */
export function pooled(row: Row, loads: RowResult[]): RowResult {
  if (loads.length === 1) return loads[0]!;
  const failed = loads.find((load) => !load.ours.figure);
  if (failed) return failed;
  const samples = new Map<string, number[]>();
  const add = (variant: string, figure: { samples: number[] } | undefined) => {
    if (figure) samples.set(variant, [...(samples.get(variant) ?? []), ...figure.samples]);
  };
  for (const load of loads) {
    add(row.ours.variant, load.ours.figure);
    load.peers.forEach((peer, i) => add(row.peers[i]!.variant, peer.figure));
  }
  return toResult(row, samples);
}

async function open(suite: Suite, built: Built, browser: () => Promise<Browser>, origin: string): Promise<OpenTarget> {
  const failed = built.failed.get(suite.name);
  if (failed) throw new Error(`bench/${suite.where === 'node' ? 'node' : 'pages'}/${suite.name}.ts does not build: ${failed}`);
  if (suite.where === 'node') return openNode(built.node.get(suite.name)!);
  return openPage(await browser(), origin, suite.name);
}

async function sizeRows(root: string): Promise<RowResult[]> {
  const peers = Object.values(SIZE_PEERS).flatMap((list) => list.map((peer) => peer.variant));
  const sizes = await measureSizes(root, peers);
  return [...sizes.ours].map(([entry, bytes]): RowResult => {
    const ours = { value: bytes, spread: 0, samples: [bytes] };
    return {
      id: `size.${entry}`,
      group: '7 Size (brotli)',
      title: `stratum${entry === 'index' ? '' : `/${entry}`}`,
      kind: 'size',
      unit: 'B',
      ours: { label: 'stratum', figure: ours },
      peers: (SIZE_PEERS[entry] ?? []).map((peer) => {
        const theirs = sizes.peers.get(peer.variant);
        if (theirs === undefined || theirs instanceof Error) {
          return { label: peer.label, limit: false, unavailable: theirs?.message ?? 'not measured' };
        }
        return { label: peer.label, limit: false, figure: { value: theirs, spread: 0, samples: [theirs] }, ratio: bytes / theirs };
      }),
    };
  });
}

/** Issue order (the SQLite suite runs last, its rows belong under IndexedDB); sizes at the end. */
function inIssueOrder(results: RowResult[]): RowResult[] {
  const at = (row: RowResult) => {
    const index = ROWS.findIndex((each) => each.id === row.id);
    return index < 0 ? ROWS.length : index;
  };
  return [...results].sort((a, b) => at(a) - at(b));
}

function printTable(results: RowResult[], out: string): void {
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, 'table.md'), `${markdownTable(inIssueOrder(results))}\n`);
  console.log(formatTable(inIssueOrder(results)));
}

export async function main(root: string, argv: string[]): Promise<void> {
  if (argv.includes('--table')) {
    const saved = JSON.parse(readFileSync(path.join(root, 'bench/results.json'), 'utf8')) as { date: string; rows: RowResult[] };
    printTable(saved.rows, path.join(root, 'out/bench'));
    console.log(`\nmeasured ${saved.date}`);
    return;
  }
  const started = performance.now();
  const quick = argv.includes('--quick');
  const only = argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length).split(',');
  const selected = (id: string) => !only || only.some((prefix) => id.startsWith(prefix));
  const plan = quick ? QUICK : FULL;
  const rows = ROWS.filter((row) => selected(row.id));
  const suites = SUITES.filter((suite) => rows.some((row) => row.suite === suite.name));
  const out = path.join(root, 'out/bench');

  progress(`building ${suites.length} suites into ${path.relative(root, out)}/`);
  const built = await buildBench(root, out, suites);
  const served = await serveRepo(built.www);
  // A page the bench drives is never in the background, but Chromium may still think so headless.
  const args = ['--disable-background-timer-throttling', '--disable-renderer-backgrounding', '--disable-backgrounding-occluded-windows'];
  let chromium = 'not started';
  /**
   * Each browser suite gets a Chromium of its own (a fresh profile), closed after it: in one
   * shared browser, a suite's samples ran beside what earlier suites left behind (the IndexedDB
   * backend still writing their 100,000-row tables, their renderer's heap), so a row's figure
   * depended on which suites ran before it (issue 18, eleventh pass).
   */
  let own: Browser | undefined;
  const browserFor = (suite: Suite) => async () => {
    own = await launch({ extension: false, headless: true, args: [...args, ...(suite.flags ?? [])] });
    chromium = await own.version();
    return own;
  };
  const results: RowResult[] = [];
  try {
    for (const suite of suites) {
      const suiteRows = rows.filter((row) => row.suite === suite.name);
      const loads: RowResult[][] = [];
      for (let load = 0; load < (suite.loads ?? 1); load++) {
        progress(`${suite.name} (${suite.where})${suite.loads ? `, load ${load + 1} of ${suite.loads}` : ''}`);
        let target: OpenTarget | undefined;
        try {
          target = await open(suite, built, browserFor(suite), served.origin);
          loads.push(await runSuite(target, suiteRows, plan));
        } catch (error) {
          progress(`  not available: ${reasonOf(error)}`);
          loads.push(suiteRows.map((row) => unavailable(row, reasonOf(error))));
        } finally {
          await target?.close();
          await own?.close();
          own = undefined;
        }
      }
      results.push(...suiteRows.map((row, i) => pooled(row, loads.map((load) => load[i]!))));
    }
    if (selected('size')) {
      progress('size');
      results.push(...(await sizeRows(root)));
    }
    const report = {
      date: new Date().toISOString(),
      quick,
      plan,
      machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown', node: process.version, chromium, os: `${os.type()} ${os.release()}` },
      seconds: Math.round((performance.now() - started) / 1000),
      rows: inIssueOrder(results),
    };
    const file = only ? path.join(out, 'results.json') : path.join(root, 'bench/results.json');
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    printTable(results, out);
    console.log(`\n${report.machine.cpus} cores, node ${process.version}, ${chromium}; ${quick ? 'quick, ' : ''}${report.seconds} s; ours ÷ theirs is time or bytes (for ops/s the inverse); spread = interquartile range / median`);
    progress(`wrote ${path.relative(root, file)} and ${path.relative(root, path.join(out, 'table.md'))}`);
  } finally {
    await own?.close();
    await served.close();
  }
}
