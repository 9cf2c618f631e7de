// Starts a network of `local.toml` with the zombienet CLI, exactly as `scripts/network.sh` does for
// a person (native provider: every node a process of this machine), and gives the tests what they
// need of it: each node's RPC, its process, its log, resource samples, and a hard kill and restart
// of one node.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiPromise, WsProvider } from '@polkadot/api';
import toml from 'toml';

const here = dirname(fileURLToPath(import.meta.url));

/// The workspace's release build, where `polkadot`, its workers and `openledger-node` are.
export const RELEASE = join(process.env.CARGO_TARGET_DIR || join(homedir(), '.cache/openledger/target'), 'release');
export const BUILD = 'cargo build --release --locked --workspace';
export const BINARIES = ['polkadot', 'polkadot-prepare-worker', 'polkadot-execute-worker', 'openledger-node'];

/// Fails, naming the command that builds them, when a binary the network runs is missing.
export function checkBinaries(dir = RELEASE) {
  const missing = BINARIES.filter((b) => !existsSync(join(dir, b)));
  if (missing.length) {
    throw new Error(`${missing.join(', ')} not found in ${dir}: build the relay chain node (relay-node/), `
      + `its workers and the collator with \`${BUILD}\``);
  }
}

/// The network definition `local.toml`, with `patch(config)` applied to its parsed form.
export function networkConfig(patch = (c) => c) {
  return patch(toml.parse(readFileSync(join(here, 'local.toml'), 'utf8')));
}

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

export async function until(what, probe, ms = 300_000, every = 1000) {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
    await sleep(every);
  }
}

/// Every process of the network (nodes and PVF workers): all of them name its directory.
function processesOf(netDir) {
  const out = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let argv;
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    } catch {
      continue;
    }
    if (!argv.some((a) => a.includes(netDir))) continue;
    // zombienet's own process (node.js) names the directory too; it orchestrates, it is not the
    // network.
    if (argv[0].split('/').pop() === 'node') continue;
    const nameAt = argv.indexOf('--name');
    out.push({ pid: Number(pid), argv, name: nameAt >= 0 ? argv[nameAt + 1] : argv[0].split('/').pop() });
  }
  return out;
}

/// CPU time (s) and resident memory (bytes) of a process, or null once it is gone.
function usage(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat, in clock ticks (100 a second on Linux).
    const cpu = (Number(fields[11]) + Number(fields[12])) / 100;
    const rss = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;
    return { cpu, rss };
  } catch {
    return null;
  }
}

/// Spawns the network `config` (as `networkConfig` returns it) with `zombienet spawn` and resolves
/// once zombienet reports it launched.
export async function spawnNetwork(name, config = networkConfig()) {
  checkBinaries();
  const dir = mkdtempSync(join(tmpdir(), `openledger-zombienet-${name}-`));
  const netDir = join(dir, 'net');
  const configFile = join(dir, 'network.json');
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  const log = createWriteStream(join(dir, 'zombienet.log'));
  const started = Date.now();
  const child = spawn(join(here, 'node_modules/.bin/zombienet'), ['-p', 'native', '-l', 'text', '-d', netDir, '-f', 'spawn', configFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PATH: `${RELEASE}:${process.env.PATH}` },
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let gone = null;
  exited.then((e) => { gone = e; });
  const info = join(netDir, 'zombie.json');
  // Stops waiting as soon as zombienet exits: `until` retries a probe that throws, so a failed
  // launch would otherwise be reported only at the timeout.
  await until('zombienet to launch the network', async () => gone || existsSync(info), 900_000);
  if (gone) throw new Error(`zombienet exited (${JSON.stringify(gone)}) before the network launched; see ${join(dir, 'zombienet.log')}`);
  const network = JSON.parse(readFileSync(info, 'utf8'));
  const nodes = {};
  for (const [nodeName, node] of Object.entries(network.nodesByName)) nodes[nodeName] = { wsUri: node.wsUri };
  const apis = new Map();
  const restarted = [];
  return {
    dir,
    netDir,
    nodes,
    launchSeconds: (Date.now() - started) / 1000,
    /// An API connected to node `nodeName` (one per node, reused).
    async api(nodeName) {
      if (!apis.has(nodeName)) {
        apis.set(nodeName, await ApiPromise.create({ provider: new WsProvider(nodes[nodeName].wsUri, 1000), noInitWarn: true }));
      }
      return apis.get(nodeName);
    },
    processes: () => processesOf(netDir),
    log: (nodeName) => readFileSync(join(netDir, `${nodeName}.log`), 'utf8'),
    /// Lines of `nodeName`'s log at ERROR level.
    errorLines(nodeName) {
      return this.log(nodeName).split('\n').filter((l) => /\sERROR\s/.test(l));
    },
    /// SIGKILLs node `nodeName` and resolves with how to start it again as zombienet did.
    async kill(nodeName) {
      const node = processesOf(netDir).find((p) => p.name === nodeName);
      assert.ok(node, `no process for ${nodeName}`);
      const env = Object.fromEntries(readFileSync(`/proc/${node.pid}/environ`, 'utf8').split('\0').filter(Boolean)
        .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
      const cwd = readlinkSync(`/proc/${node.pid}/cwd`);
      const api = apis.get(nodeName);
      if (api) {
        apis.delete(nodeName);
        await api.disconnect().catch(() => {});
      }
      process.kill(node.pid, 'SIGKILL');
      await until(`${nodeName} to die`, async () => usage(node.pid) === null, 10_000, 100);
      return { argv: node.argv, env, cwd };
    },
    /// Starts a killed node again with its own command line, appending to its log.
    async restart(nodeName, { argv, env, cwd }) {
      const out = createWriteStream(join(netDir, `${nodeName}.log`), { flags: 'a' });
      const c = spawn(argv[0], argv.slice(1), { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
      c.stdout.pipe(out);
      c.stderr.pipe(out);
      restarted.push(c);
      return c;
    },
    /// Samples every process of the network each `every` ms for `ms` ms; resolves with the
    /// network's mean CPU use (cores), its peak resident memory (bytes) and each node's.
    async sample(ms, every = 2000) {
      const first = new Map(processesOf(netDir).map((p) => [p.pid, { ...p, ...usage(p.pid) }]));
      const t0 = Date.now();
      let peak = 0;
      const peakBy = {};
      while (Date.now() - t0 < ms) {
        await sleep(every);
        let total = 0;
        for (const p of processesOf(netDir)) {
          const u = usage(p.pid);
          if (!u) continue;
          total += u.rss;
          peakBy[p.name] = Math.max(peakBy[p.name] || 0, u.rss);
          if (!first.has(p.pid)) first.set(p.pid, { ...p, cpu: 0 });
        }
        peak = Math.max(peak, total);
      }
      const seconds = (Date.now() - t0) / 1000;
      let cpu = 0;
      const cpuBy = {};
      for (const [pid, p] of first) {
        const u = usage(pid);
        if (!u) continue;
        const cores = (u.cpu - p.cpu) / seconds;
        cpu += cores;
        cpuBy[p.name] = (cpuBy[p.name] || 0) + cores;
      }
      return { seconds, cpu, peakRss: peak, cpuBy, peakRssBy: peakBy };
    },
    /// Stops zombienet (which stops the nodes it started), then anything of the network left.
    async stop() {
      for (const api of apis.values()) await api.disconnect().catch(() => {});
      apis.clear();
      if (!gone) {
        child.kill('SIGTERM');
        await Promise.race([exited, sleep(30_000)]);
      }
      for (const c of restarted) c.kill('SIGKILL');
      for (const p of processesOf(netDir)) {
        try { process.kill(p.pid, 'SIGKILL'); } catch { /* already gone */ }
      }
      if (!gone) child.kill('SIGKILL');
      await exited;
      if (process.env.KEEP_ZOMBIENET_DIR) console.log(`kept ${dir}`);
      else rmSync(dir, { recursive: true, force: true });
    },
  };
}

/// Mean time between blocks over the last `n` blocks of `api`'s chain, from the blocks' own
/// timestamps (ms).
export async function blockTime(api, n) {
  const best = (await api.rpc.chain.getHeader()).number.toNumber();
  assert.ok(best > n, `only ${best} blocks`);
  const at = async (k) => (await (await api.at(await api.rpc.chain.getBlockHash(k))).query.timestamp.now()).toNumber();
  return (await at(best) - await at(best - n)) / n;
}

/// Follows `api`'s chain for `ms` ms: when each block was first seen as best and as finalized.
/// Resolves with the mean finality lag in seconds and in blocks.
export async function finalityLag(api, ms) {
  const seen = new Map();
  const lags = [];
  const blockLags = [];
  let best = 0;
  const unsubBest = await api.rpc.chain.subscribeNewHeads((h) => {
    best = Math.max(best, h.number.toNumber());
    if (!seen.has(h.number.toNumber())) seen.set(h.number.toNumber(), Date.now());
  });
  let last = null;
  const unsubFin = await api.rpc.chain.subscribeFinalizedHeads((h) => {
    const n = h.number.toNumber();
    blockLags.push(best - n);
    for (let k = (last ?? n) + 1; k <= n; k++) if (seen.has(k)) lags.push((Date.now() - seen.get(k)) / 1000);
    last = n;
  });
  await sleep(ms);
  unsubBest();
  unsubFin();
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1);
  return { seconds: mean(lags), blocks: mean(blockLags), samples: lags.length };
}
