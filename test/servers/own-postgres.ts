/**
 * A PostgreSQL of a test's own: initdb into a temp directory, its own port and socket directory,
 * so the test may stop and restart it mid-run — never the machine's shared server on 5432.
 * Postgres refuses to run as root, so as root the cluster belongs to the `postgres` OS user
 * (runuser); as anyone else it runs as that user.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { freePort } from './own-redis.js';

/** The server binaries: STRATUM_PG_BIN, else `pg_config --bindir`, else Debian's newest /usr/lib/postgresql/<n>/bin. */
function binDir(): string | undefined {
  const named = process.env.STRATUM_PG_BIN;
  if (named) return named;
  const debian = '/usr/lib/postgresql';
  const versions = existsSync(debian) ? readdirSync(debian).filter((entry) => /^\d+$/.test(entry)).sort((a, b) => Number(b) - Number(a)) : [];
  const candidates = versions.map((version) => path.join(debian, version, 'bin'));
  const configured = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (configured.status === 0) candidates.push(configured.stdout.trim());
  return candidates.find((dir) => existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'pg_ctl')));
}

/** Why a private server cannot run here, or undefined when it can. */
export function ownPostgresMissing(): string | undefined {
  if (!binDir()) return 'no initdb/pg_ctl found (set STRATUM_PG_BIN to the PostgreSQL bin directory)';
  if (userInfo().uid === 0 && spawnSync('id', ['-u', 'postgres']).status !== 0) return 'running as root and there is no `postgres` OS user to own the cluster';
  return undefined;
}

export class OwnPostgres {
  /** Made by the first start(): a describe block that is collected but skipped leaves nothing behind. */
  dir = '';
  port = 0;
  private readonly _bin = binDir() ?? '';
  private _initialised = false;

  /** The `postgres` database of the private cluster; `root` (or the current user) is its superuser, trust auth. */
  get url(): string {
    return `postgres://${this._user}@127.0.0.1:${this.port}/postgres`;
  }

  private get _user(): string {
    return userInfo().uid === 0 ? 'root' : userInfo().username;
  }

  private _as(command: string, args: string[]): void {
    const file = path.join(this._bin, command);
    const [program, argv] = userInfo().uid === 0 ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args];
    execFileSync(program, argv, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  }

  /** Creates the cluster on first call, then starts (or restarts on the same port) and returns once it accepts connections. */
  async start(): Promise<void> {
    this.port ||= await freePort();
    if (!this._initialised) {
      this.dir ||= mkdtempSync(path.join(tmpdir(), 'stratum-pg-'));
      if (userInfo().uid === 0) chownSync(this.dir, Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })));
      // --no-sync only for initdb's own files; the server itself runs with fsync on.
      this._as('initdb', ['-D', path.join(this.dir, 'data'), '-A', 'trust', '-U', this._user, '-E', 'UTF8', '--no-sync']);
      this._initialised = true;
    }
    this._as('pg_ctl', ['-D', path.join(this.dir, 'data'), '-l', path.join(this.dir, 'log'), '-w', '-t', '30', '-o', `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c max_connections=100`, 'start']);
  }

  /** `pg_ctl stop -m fast`: every session is cut (in-flight transactions roll back), the server checkpoints and exits. */
  stop(): void {
    this._as('pg_ctl', ['-D', path.join(this.dir, 'data'), '-m', 'fast', '-w', '-t', '30', 'stop']);
  }

  remove(): void {
    if (this._initialised && existsSync(path.join(this.dir, 'data', 'postmaster.pid'))) {
      try {
        this.stop();
      } catch (error) {
        console.warn(`[own-postgres] stopping the private server failed: ${String(error)}`);
      }
    }
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}
