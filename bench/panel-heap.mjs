#!/usr/bin/env node
/** `node bench/panel-heap.mjs [--seconds=60]`: the panel's heap under 1,000 changes/s (bench/panel-heap.ts). */
import { runTs } from './run-ts.mjs';

await runTs('panel-heap', { external: true });
