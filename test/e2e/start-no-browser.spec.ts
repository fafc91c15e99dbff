import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './harness/browser.js';

// `npm start -- --once` on a machine where no browser can be launched (issue 13): it must close
// its server and exit non-zero within 60 s, saying what to do. No browser starts here, so this
// spec needs no browser lock.

const scratch = mkdtempSync(path.join(tmpdir(), 'stratum-no-browser-'));
const emptyCache = path.join(scratch, 'puppeteer-cache');
const tmp = path.join(scratch, 'tmp');
mkdirSync(tmp);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The whole environment minus any browser: nothing at the usual places, an empty cache. */
function noBrowserEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, STRATUM_BROWSER_PATHS: '', PUPPETEER_CACHE_DIR: emptyCache, TMPDIR: tmp, ...extra };
  if (!('CHROME_PATH' in extra)) delete env['CHROME_PATH'];
  return env;
}

interface Run {
  code: number | null;
  output: string;
}

/** Runs a command; kills it and reports a hang if it has not exited `limit` s after its build. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv, limit = 60): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let timer = setTimeout(() => hang(), limit * 1000);
    const hang = () => {
      child.kill('SIGKILL');
      reject(new Error(`still running ${limit} s after the build — it hangs. Output so far:\n${output}`));
    };
    const collect = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      // The build is not what this measures (the CPU decides how long it takes): restart the clock.
      if (/✓ build \(/.test(chunk.toString('utf8'))) {
        clearTimeout(timer);
        timer = setTimeout(() => hang(), limit * 1000);
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('npm start without a launchable browser', () => {
  it('npm start -- --once with nothing found (and no installing allowed) exits 1 naming the command and CHROME_PATH', async () => {
    const result = await run('npm', ['start', '--', '--once'], noBrowserEnv({ STRATUM_NO_INSTALL: '1' }));
    expect(result.code, result.output).toBe(1);
    expect(result.output).toContain('✓ serve the demo');
    expect(result.output).toContain('npm start failed: No browser found for Stratum');
    // The one command for this system, on its own line, then the CHROME_PATH alternative.
    expect(result.output).toMatch(/Install one with:\n {4}\S[^\n]+\nor point CHROME_PATH at a Chrome, Chromium or Edge executable/);
    expect(readdirSync(tmp, { withFileTypes: true }).filter((entry) => entry.name.startsWith('stratum-profile-'))).toEqual([]);
  }, 180_000);

  it('a CHROME_PATH that does not exist is an error naming it, not a fallback to the installed Chromium', async () => {
    const result = await run(process.execPath, ['dist/tools/start.js', '--once'], { ...noBrowserEnv({ CHROME_PATH: '/nonexistent/chrome' }), STRATUM_BROWSER_PATHS: '/usr/bin/chromium' });
    expect(result.code, result.output).toBe(1);
    expect(result.output).toContain('npm start failed: CHROME_PATH is set to /nonexistent/chrome, which is not an executable file');
    expect(result.output).not.toContain('launch');
  }, 90_000);

  it('Ctrl+C while the browser download hangs closes the server and exits 130 at once', async () => {
    // A download server that accepts and never answers: the resolver would wait up to 15 s.
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const baseUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    let child: ReturnType<typeof spawn> | undefined;
    try {
      child = spawn(process.execPath, ['dist/tools/start.js', '--once'], {
        cwd: REPO_ROOT,
        env: noBrowserEnv({ PUPPETEER_CHROME_DOWNLOAD_BASE_URL: baseUrl }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      const started = child;
      const exited = new Promise<number | null>((resolve) => started.on('exit', (code) => resolve(code)));
      await new Promise<void>((resolve) => {
        const collect = (chunk: Buffer) => {
          output += chunk.toString('utf8');
          if (output.includes('… find a browser')) resolve();
        };
        started.stdout!.on('data', collect);
        started.stderr!.on('data', collect);
      });
      await new Promise((resolve) => setTimeout(resolve, 500)); // the downloader is running
      started.kill('SIGINT');
      // Well inside the download's own 15 s limit: the exit comes from Ctrl+C, not from a timeout.
      const code = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve('still running 10 s after Ctrl+C'), 10_000))]);
      expect(code, output).toBe(130);
      expect(output).toContain('Ctrl+C: closing what was opened');
      expect(output).not.toContain('apt-get');
    } finally {
      if (child?.exitCode === null) child.kill('SIGKILL');
      silent.closeAllConnections();
      silent.close();
    }
  }, 60_000);
});
