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
  return process.env.OPENLEDGER_NODE || releaseBinary('openledger-node');
}

/// The off-chain daemons, built in `offchain-workers/` into a target dir of their own.
const WORKERS = ['openledger-worker', 'openledger-relayer'];

/// A binary from the release build, e.g. `datanet-root` of the workspace or `openledger-worker`
/// of `offchain-workers/` (scripts/env.sh has both target dirs).
export function releaseBinary(name) {
  const worker = WORKERS.includes(name);
  const target = worker
    ? process.env.WORKERS_TARGET_DIR || join(homedir(), '.cache/openledger/workers-target')
    : process.env.CARGO_TARGET_DIR || join(homedir(), '.cache/openledger/target');
  const bin = join(target, 'release', name);
  if (!existsSync(bin)) {
    const build = worker ? '(cd offchain-workers && cargo build --release)' : 'cargo build --release --workspace';
    throw new Error(`${name} not found at ${bin}: run \`${build}\` first`);
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
/// Pass the `rpcPort` and `p2pPort` of a stopped node to restart it where clients expect it.
export async function startDevNode({ basePath, logFile, rpcPort: rpc, p2pPort: p2p }) {
  const rpcPort = rpc || await freePort();
  const p2pPort = p2p || await freePort();
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
  return { child, api, url, exited, rpcPort, p2pPort };
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

/// Signs and sends `tx`, then finds it in the new blocks (the dev node's manual seal does not
/// report InBlock to watchers); resolves with the block hash and that extrinsic's events.
export async function sendAndWait(api, tx, signer) {
  const start = (await api.rpc.chain.getHeader()).number.toNumber();
  const hash = (await tx.signAndSend(signer)).toHex();
  const deadline = Date.now() + 120_000;
  for (let n = start + 1; Date.now() < deadline;) {
    const best = (await api.rpc.chain.getHeader()).number.toNumber();
    for (; n <= best; n++) {
      const blockHash = await api.rpc.chain.getBlockHash(n);
      const block = await api.rpc.chain.getBlock(blockHash);
      const index = block.block.extrinsics.findIndex((x) => x.hash.toHex() === hash);
      if (index >= 0) {
        const all = await (await api.at(blockHash)).query.system.events();
        const events = all.filter(({ phase }) => phase.isApplyExtrinsic && phase.asApplyExtrinsic.eq(index));
        const failed = events.find(({ event }) => api.events.system.ExtrinsicFailed.is(event));
        if (failed) throw new Error(`dispatch failed: ${describeError(api, failed.event.data[0])}`);
        return { blockHash, events };
      }
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`transaction ${hash} not included within 120 s`);
}

/// A dispatch error as `pallet.Error` (e.g. `datanets.DuplicateContent`) where the metadata
/// names it, else its JSON.
export function describeError(api, dispatchError) {
  if (dispatchError.isModule) {
    const { section, name } = api.registry.findMetaError(dispatchError.asModule);
    return `${section}.${name}`;
  }
  return dispatchError.toString();
}
