// Starts and stops the real `openledger-node` binary for the end-to-end tests.
//
// The binary is the one `cargo build --release` produced (CARGO_TARGET_DIR or the project's
// default), or OPENLEDGER_NODE if set. Every node gets free ports so tests never collide with a
// dev chain a person is running on 9944.

import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, createWriteStream } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ApiPromise, WsProvider } from '@polkadot/api';

export function nodeBinary() {
  const target = process.env.CARGO_TARGET_DIR || join(homedir(), '.cache/openledger/target');
  const bin = process.env.OPENLEDGER_NODE || join(target, 'release', 'openledger-node');
  if (!existsSync(bin)) {
    throw new Error(`node binary not found at ${bin}: run \`cargo build --release -p openledger-node\` first`);
  }
  return bin;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/// Starts `openledger-node --dev` on `basePath`, logging to `logFile`; resolves once RPC answers.
export async function startDevNode({ basePath, logFile }) {
  const rpcPort = await freePort();
  const p2pPort = await freePort();
  const args = [
    '--dev',
    '--base-path', basePath,
    '--rpc-port', String(rpcPort),
    '--port', String(p2pPort),
    '--no-prometheus',
    '--no-telemetry',
  ];
  const child = spawn(nodeBinary(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(logFile, { flags: 'a' });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const url = `ws://127.0.0.1:${rpcPort}`;
  const api = await connect(url, exited, logFile);
  return { child, api, url, exited };
}

async function connect(url, exited, logFile) {
  const deadline = Date.now() + 300_000;
  let dead = null;
  exited.then((e) => { dead = e; });
  while (Date.now() < deadline) {
    if (dead) throw new Error(`node exited (${JSON.stringify(dead)}) before RPC came up; see ${logFile}`);
    const provider = new WsProvider(url, false);
    try {
      await provider.connect();
      await waitFor(() => provider.isConnected, 2_000);
      const api = await ApiPromise.create({ provider, throwOnConnect: true, noInitWarn: true });
      return api;
    } catch {
      await provider.disconnect().catch(() => {});
      await sleep(500);
    }
  }
  throw new Error(`RPC at ${url} did not come up within 300 s; see ${logFile}`);
}

export async function killHard(node) {
  await node.api.disconnect().catch(() => {});
  node.child.kill('SIGKILL');
  return node.exited;
}

export async function stop(node) {
  await node.api.disconnect().catch(() => {});
  node.child.kill('SIGTERM');
  const timer = setTimeout(() => node.child.kill('SIGKILL'), 10_000);
  await node.exited;
  clearTimeout(timer);
}

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

async function waitFor(pred, ms) {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('timed out');
    await sleep(50);
  }
}

/// Resolves with the best block number once it reaches `n`.
export async function waitForBlock(api, n, ms = 120_000) {
  const end = Date.now() + ms;
  for (;;) {
    const best = (await api.rpc.chain.getHeader()).number.toNumber();
    if (best >= n) return best;
    if (Date.now() > end) throw new Error(`best block stuck at ${best}, wanted ${n}`);
    await sleep(500);
  }
}
