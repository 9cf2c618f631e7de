#!/usr/bin/env node
// forge's compiler, through solc-js: no native solc can be downloaded on these machines, so
// foundry.toml points forge here. forge runs `solc --version` to learn the version, then
// `solc --standard-json [--allow-paths ...] [--base-path ...] [--include-path ...]` with the
// standard-JSON input on stdin, every source's content already in it. This answers both and
// ignores the path flags: nothing is read from disk by the compiler.
'use strict';
const fs = require('node:fs');
const solc = require('solc');

const args = process.argv.slice(2);
if (args.includes('--version')) {
  process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${solc.version()}\n`);
  process.exit(0);
}
if (!args.includes('--standard-json')) {
  process.stderr.write(`solc.js: only --version and --standard-json are supported, got: ${args.join(' ')}\n`);
  process.exit(2);
}
// stdin may be a pipe that readFileSync(0) cannot read at once; take it in chunks.
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', () => {
  const input = Buffer.concat(chunks).toString('utf8');
  const missing = (path) => ({ error: `solc.js: ${path} is not in the standard-JSON input` });
  process.stdout.write(solc.compile(input, { import: missing }));
});
