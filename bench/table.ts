/** What a run found (bench/results.json) and the table it prints. */
import type { Kind } from './rows.js';
import { median, quantile, spread } from './stats.js';

export interface Figure {
  /** The row's statistic (the median, or the latency row's percentile) in the row's unit. */
  value: number;
  /** Interquartile range / median of the samples (0 for a size). */
  spread: number;
  samples: number[];
}

export interface PeerResult {
  label: string;
  limit: boolean;
  figure?: Figure;
  /** Our cost ÷ the peer's (time or bytes; for ops/s the inverse): below 1 we are faster or smaller. */
  ratio?: number;
  unavailable?: string;
}

export interface RowResult {
  id: string;
  group: string;
  title: string;
  kind: Kind;
  unit: string;
  ours: { label: string; figure?: Figure };
  peers: PeerResult[];
  unavailable?: string;
}

export const UNITS: Record<Kind, string> = { throughput: 'ops/s', time: 'ms', latency: 'ms', size: 'B' };

export function figureOf(samples: number[], percentile?: number): Figure {
  const value = percentile === undefined ? median(samples) : quantile(samples, percentile / 100);
  return { value, spread: samples.length > 1 ? spread(samples) : 0, samples };
}

export function costRatio(kind: Kind, ours: number, peer: number): number {
  return kind === 'throughput' ? peer / ours : ours / peer;
}

function formatValue(kind: Kind, value: number): string {
  if (kind === 'size') return `${value.toLocaleString('en-US')} B`;
  if (kind === 'throughput') {
    if (value >= 1e6) return `${(value / 1e6).toPrecision(3)} M/s`;
    if (value >= 1e3) return `${(value / 1e3).toPrecision(3)} k/s`;
    return `${value.toPrecision(3)} /s`;
  }
  return `${value >= 100 ? Math.round(value) : value.toPrecision(3)} ms`;
}

function formatRatio(kind: Kind, ratio: number): string {
  const [better, worse] = kind === 'size' ? ['smaller', 'larger'] : ['faster', 'slower'];
  if (Math.abs(ratio - 1) < 0.005) return 'same';
  return ratio > 1 ? `${ratio.toFixed(2)}× ${worse}` : `${(1 / ratio).toFixed(2)}× ${better}`;
}

function formatSpread(figure: Figure | undefined, kind: Kind): string {
  if (!figure || (kind === 'size' && figure.samples.length <= 1)) return '–';
  return `${Math.round(figure.spread * 100)}%`;
}

const HEADER = ['row', 'stratum', 'against', 'their figure', 'we are', 'spread ours / theirs'];

/** One line per (row, peer); rows without peers get one line. Columns padded for a terminal. */
export function tableLines(results: RowResult[]): string[][] {
  const lines: string[][] = [];
  let group = '';
  for (const row of results) {
    const name = `${row.group === group ? '' : `${row.group}: `}${row.title}`;
    group = row.group;
    if (row.unavailable || !row.ours.figure) {
      // The reason goes last, so a long one does not widen every other column.
      lines.push([name, 'n/a', '', '', '', `not available: ${row.unavailable ?? 'no figure'}`]);
      continue;
    }
    const ours = formatValue(row.kind, row.ours.figure.value);
    if (row.peers.length === 0) lines.push([name, ours, '(no peer)', '', '', formatSpread(row.ours.figure, row.kind)]);
    row.peers.forEach((peer, index) => {
      const first = index === 0;
      const against = `${peer.label}${peer.limit ? ' [limit]' : ''}`;
      if (peer.unavailable || !peer.figure || peer.ratio === undefined) {
        lines.push([first ? name : '', first ? ours : '', against, 'n/a', '', `not available: ${peer.unavailable ?? 'no figure'}`]);
        return;
      }
      lines.push([
        first ? name : '',
        first ? ours : '',
        against,
        formatValue(row.kind, peer.figure.value),
        formatRatio(row.kind, peer.ratio),
        `${formatSpread(row.ours.figure, row.kind)} / ${formatSpread(peer.figure, row.kind)}`,
      ]);
    });
  }
  return lines;
}

export function formatTable(results: RowResult[]): string {
  const lines = [HEADER, ...tableLines(results)];
  const widths = HEADER.map((_, column) => Math.max(...lines.map((line) => (line[column] ?? '').length)));
  return lines
    .map((line) => line.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd())
    .join('\n');
}

/** The same table as Markdown, for docs/PERFORMANCE.md. */
export function markdownTable(results: RowResult[]): string {
  const escape = (cell: string) => cell.replaceAll('|', '\\|');
  const lines = [HEADER, HEADER.map(() => '---'), ...tableLines(results)];
  return lines.map((line) => `| ${line.map(escape).join(' | ')} |`).join('\n');
}
