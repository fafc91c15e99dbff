/** The command line of `stratumjs devtools`, parsed apart from starting anything (tested alone). */
import { DEFAULT_PORT } from './server-defaults.js';

export const USAGE = `usage: stratumjs devtools [--port N] [--host H] [--read-only] [--no-open]

  --port N      listen on port N (default ${DEFAULT_PORT}; 0 picks a free one)
  --host H      listen on H instead of 127.0.0.1 (other machines can then reach it: the token still guards it)
  --read-only   the panel may look but not change anything (the server refuses every edit)
  --no-open     do not open a browser window
  --token T     use T instead of a new random token (also STRATUM_DEVTOOLS_TOKEN): restarts keep runtimes paired`;

export interface CliOptions {
  port: number;
  host: string;
  readOnly: boolean;
  open: boolean;
  token?: string;
}

export function parseArgs(args: string[]): CliOptions {
  const [command, ...rest] = args;
  if (command !== 'devtools') throw new Error(command === undefined ? USAGE : `unknown command "${command}"\n\n${USAGE}`);
  const options: CliOptions = { port: DEFAULT_PORT, host: '127.0.0.1', readOnly: false, open: true };
  const fromEnv = process.env.STRATUM_DEVTOOLS_TOKEN;
  if (fromEnv) options.token = fromEnv;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    const value = (): string => {
      const next = rest[++i];
      if (next === undefined) throw new Error(`${arg} needs a value\n\n${USAGE}`);
      return next;
    };
    if (arg === '--port') {
      const port = Number(value());
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0–65535, got ${rest[i]}`);
      options.port = port;
    } else if (arg === '--host') options.host = value();
    else if (arg === '--read-only') options.readOnly = true;
    else if (arg === '--no-open') options.open = false;
    else if (arg === '--token') options.token = value();
    else throw new Error(`unknown option "${arg}"\n\n${USAGE}`);
  }
  if (options.token !== undefined && options.token.length < 16) throw new Error('--token must be at least 16 characters: it is all that guards the panel');
  return options;
}


/** The command that opens a URL on this desktop: macOS and Windows always; Linux when X or Wayland is there; else none (headless). */
export function opener(platform: NodeJS.Platform, env: Record<string, string | undefined>): string[] | undefined {
  if (platform === 'darwin') return ['open'];
  if (platform === 'win32') return ['cmd', '/c', 'start', '""'];
  return env.DISPLAY || env.WAYLAND_DISPLAY ? ['xdg-open'] : undefined;
}
