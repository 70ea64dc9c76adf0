#!/usr/bin/env node
// git runs `git config credential.helper "azdo-connect credential"` as `git-credential-azdo-connect credential <op>`:
// this entry point turns that into `azdo-connect credential <op>`.
import process from 'node:process';

const args = process.argv.slice(2);
if (args[0] === 'credential') args.shift();
process.argv = [process.argv[0], process.argv[1], 'credential', ...args];
await import('../dist/src/cli/main.js');
