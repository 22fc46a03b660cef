#!/usr/bin/env node
// The `dwm-studio` command. It runs the TypeScript sources through tsx, so a fresh
// checkout needs no build step for the command line itself.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/main/cli/index.ts');
await runCli(process.argv);
