#!/usr/bin/env node
/** `node bench/trace.mjs`: the cost of recording traces (bench/trace.ts). */
import { runTs } from './run-ts.mjs';

await runTs('trace');
