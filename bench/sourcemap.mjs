#!/usr/bin/env node
/** `node bench/sourcemap.mjs`: the source-map decoding bench (bench/sourcemap.ts). */
import { runTs } from './run-ts.mjs';

await runTs('sourcemap');
