/**
 * Chrome for Testing into puppeteer's cache, through @puppeteer/browsers — in a child process,
 * so a download that hangs (a blackholed route, a proxy that never answers) can be killed: an
 * in-process request would keep Node alive after we gave up on it. The child reports progress
 * over IPC; this side draws the bar and enforces the time limits.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

export interface DownloadOptions {
  buildId: string;
  cacheDir: string;
  /** Where Chrome for Testing is fetched from (default Google's storage). */
  baseUrl?: string;
  /** No first byte within this long: give up (default 15 s). Offline, DNS fails well before. */
  connectMs?: number;
  /** No progress for this long mid-download, or unpacking longer than 4× this: give up (default 30 s). */
  stallMs?: number;
  signal?: AbortSignal;
  /** Where the bar goes (default stderr). */
  out?: Pick<NodeJS.WriteStream, 'write'> & { isTTY?: boolean };
}

// CommonJS, so the child can require @puppeteer/browsers by the path resolved here (from the
// user's node_modules). Progress is throttled to ~10 messages a second.
const CHILD = `
const [main, buildId, cacheDir, baseUrl] = process.argv.slice(1);
const { install, Browser } = require(main);
let last = 0;
install({
  browser: Browser.CHROME, buildId, cacheDir, ...(baseUrl ? { baseUrl } : {}),
  downloadProgressCallback: (done, total) => {
    const now = Date.now();
    if (now - last > 100 || done === total) { last = now; process.send({ done, total }); }
  },
}).then(
  (installed) => process.send({ executablePath: installed.executablePath }, () => process.exit(0)),
  (error) => { process.stderr.write(String(error && error.message || error)); process.exit(1); },
);`;

type ChildMessage = { done: number; total: number } | { executablePath: string };

/** A progress bar on a terminal; elsewhere one line per quarter, so CI logs stay short. */
export function progressBar(label: string, out: NonNullable<DownloadOptions['out']>): (done: number, total: number) => void {
  let lastQuarter = -1;
  const mb = (bytes: number) => (bytes / 1048576).toFixed(1);
  return (done, total) => {
    const fraction = total > 0 ? Math.min(1, done / total) : 0;
    if (out.isTTY) {
      const width = 30;
      const filled = Math.round(fraction * width);
      out.write(`\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.round(fraction * 100)}% ${mb(done)}/${mb(total)} MB`);
      if (fraction === 1) out.write('\n');
      return;
    }
    const quarter = Math.floor(fraction * 4);
    if (quarter > lastQuarter) {
      lastQuarter = quarter;
      out.write(`${label} ${quarter * 25}% (${mb(done)}/${mb(total)} MB)\n`);
    }
  };
}

export function downloadChrome(options: DownloadOptions): Promise<{ executablePath: string; buildId: string }> {
  const { buildId, cacheDir, connectMs = 15_000, stallMs = 30_000, signal, out = process.stderr } = options;
  let main: string;
  try {
    main = createRequire(import.meta.url).resolve('@puppeteer/browsers');
  } catch {
    return Promise.reject(new Error('@puppeteer/browsers is not installed (it comes with puppeteer)'));
  }
  const bar = progressBar(`Downloading Chrome for Testing ${buildId}`, out);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', CHILD, main, buildId, cacheDir, options.baseUrl ?? ''], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (error: Error | undefined, result?: { executablePath: string; buildId: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (child.exitCode === null) child.kill('SIGKILL');
      if (error) reject(error);
      else resolve(result!);
    };
    const limit = (ms: number, why: string) => {
      clearTimeout(timer);
      timer = setTimeout(() => finish(new Error(why)), ms);
    };
    const onAbort = () => finish(Object.assign(new Error('download interrupted'), { name: 'AbortError' }));
    signal?.addEventListener('abort', onAbort);
    if (signal?.aborted) return onAbort();
    limit(connectMs, `no answer from the download server within ${connectMs / 1000} s`);
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('message', (message: ChildMessage) => {
      if ('executablePath' in message) return finish(undefined, { executablePath: message.executablePath, buildId });
      bar(message.done, message.total);
      if (message.done >= message.total) limit(stallMs * 4, `unpacking took longer than ${(stallMs * 4) / 1000} s`);
      else limit(stallMs, `the download stalled for ${stallMs / 1000} s`);
    });
    child.on('error', (error) => finish(error));
    child.on('exit', (code) => finish(new Error(lastLine(stderr) || `the downloader exited with code ${code}`)));
  });
}

/**
 * The reason from a child's stderr: its last non-empty line (a stack would be noise here),
 * without @puppeteer/browsers' "- DefaultProvider: " list prefix.
 */
export function lastLine(text: string): string {
  const last = text.trim().split('\n').filter(Boolean).at(-1)?.trim() ?? '';
  return last.replace(/^- \w+: /, '');
}
