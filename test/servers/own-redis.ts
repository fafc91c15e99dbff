/**
 * A Redis of a test's own: its own port and temp directory, every write fsynced
 * (`--appendonly yes --appendfsync always`), so the test may stop, pause and restart it — never
 * the machine's shared server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export class OwnRedis {
  /** Made by the first start(): a describe block that is collected but skipped leaves nothing behind. */
  dir = '';
  port = 0;
  private _child: ChildProcess | undefined;

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts (or restarts on the same port and directory) and resolves once it accepts connections. */
  async start(): Promise<void> {
    this.port ||= await freePort();
    this.dir ||= mkdtempSync(path.join(tmpdir(), 'stratum-redis-'));
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', ''], { stdio: ['ignore', 'pipe', 'pipe'] });
    this._child = child;
    await new Promise<void>((resolve, reject) => {
      let log = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        if (/Ready to accept connections/.test(log)) resolve();
      });
      child.on('exit', (code) => reject(new Error(`redis-server exited with ${String(code)}:\n${log}`)));
    });
  }

  /** SIGTERM: Redis finishes the command it runs, fsyncs and exits. */
  async stop(): Promise<void> {
    const child = this._child;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
    this._child = undefined;
  }

  pause(): void {
    this._child?.kill('SIGSTOP');
  }

  resume(): void {
    this._child?.kill('SIGCONT');
  }

  async remove(): Promise<void> {
    this.resume();
    await this.stop();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}
