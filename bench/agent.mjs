#!/usr/bin/env node
/** `node bench/agent.mjs`: the agent bench (bench/agent.ts). */
import { runTs } from './run-ts.mjs';

await runTs('agent');
