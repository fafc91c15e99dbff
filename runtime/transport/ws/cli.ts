/**
 * `npx stratumjs devtools [--port N] [--host H] [--read-only] [--no-open]`: the standalone
 * panel for Node servers and browsers without the extension. Bundled by build.mjs into
 * dist/tools/stratumjs.js (the package's `bin`); the panel's files sit in dist/standalone.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { opener, parseArgs, type CliOptions } from './args.js';
import { startDevtoolsServer } from './server.js';

async function main(): Promise<void> {
  let options: CliOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 2;
    return;
  }
  const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '../standalone');
  let server: Awaited<ReturnType<typeof startDevtoolsServer>>;
  try {
    server = await startDevtoolsServer({
      root,
      port: options.port,
      host: options.host,
      readOnly: options.readOnly,
      ...(options.token && { token: options.token }),
      onDrop: (reason) => console.warn(`refused: ${reason}`),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') console.error(`port ${options.port} on ${options.host} is in use (another \`stratumjs devtools\`?): pick another with --port N, or --port 0 for any free one`);
    else if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') console.error(`cannot listen on host "${options.host}": it is not an address of this machine`);
    else console.error('stratum devtools: the server did not start', error);
    process.exitCode = 1;
    return;
  }
  console.log(`Stratum devtools${options.readOnly ? ' (read-only)' : ''}: ${server.panelUrl}`);
  console.log(`token: ${server.token}`);
  console.log(`In your server:  connectDevtools({ url: '${server.url}', token: '${server.token}' })  from 'stratumjs/devtools'`);
  const open = opener(process.platform, process.env);
  if (options.open && open) {
    const [program, ...args] = open;
    const child = spawn(program!, [...args, server.panelUrl], { stdio: 'ignore', detached: true });
    child.on('error', (error) => console.warn(`could not open a browser (${error.message}); open the URL above`));
    child.unref();
  }
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

await main();
