// Paid inference under load (docs/BENCHMARKS.md, "A thousand paid inferences a second"): the dev
// node, a Datanet of FILES × ITEMS items (default 20 × 500 = 10,000, d = 64, 10 labels) from
// five contributors, a KNN-Shapley model on it, three `openledger-worker run` daemons on the
// CPU, and `openledger-worker load` at RATE inferences a second (default 1,000) for DURATION
// seconds (default 300) in batches of BATCH (default 1,024). Prints the load generator's
// report (throughput, latency from recording to claimable), each process's CPU time and peak
// memory, and then recomputes every contributor's claimable balance independently, from the
// batch files and the chain's events, and compares it with the chain's. Not a test: run it by
// hand,
//
//   cd tests/e2e && node bench-load.mjs [RATE] [DURATION] [BATCH] [FILES] [ITEMS]
//
// The recomputation ranks every batch's queries with `openledger-worker attribute` over an
// export of the version (the same engine, run afresh) and settles them by docs/attribution.md
// and docs/rewards.md in JavaScript (`helpers.mjs`), without the pallets' code.

import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { startDevNode, stop, sendAndWait, releaseBinary, sleep } from './node-process.mjs';
import { enact, TRACK } from './governance.mjs';
import {
  attributeExport, batchTotals, contributorsByIndex, eventOf, predictFromTotals, randomItems, storedFile,
  versionOf, writeExport, writeQueries,
} from './helpers.mjs';

const RATE = Number(process.argv[2] || 1000);
const DURATION = Number(process.argv[3] || 300);
const BATCH = Number(process.argv[4] || 1024);
const FILES = Number(process.argv[5] || 20);
const ITEMS = Number(process.argv[6] || 500);
const D = 64;
const LABELS = 10;
const K = 5;
const T = 32;
const PAID = 16;
const OPEN = 10n ** 18n;
const dir = mkdtempSync(join(tmpdir(), 'openledger-bench-load-'));
const store = join(dir, 'store');
mkdirSync(store);
const children = [];

function elapsed(since) {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

/// CPU seconds (user + system) and peak resident memory (MiB) of a running process, from /proc.
function usage(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const ticks = Number(stat[11]) + Number(stat[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(status)[1]);
  return { cpuSeconds: ticks / 100, peakMiB: Math.round(hwm / 1024) };
}

await cryptoWaitReady();
const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
const alice = keyring.addFromUri('//Alice');
const payer = keyring.addFromUri('//Payer');
const contributors = ['//Bob', '//Charlie', '//Ferdie', '//Eve', '//Dave'].map((u) => keyring.addFromUri(u));
const workerSeeds = ['//W1', '//W2', '//W3'];
const node = await startDevNode({ basePath: join(dir, 'chain'), logFile: join(dir, 'node.log') });
const { api } = node;
let started = Date.now();
try {
  // The Datanet: FILES files of ITEMS items, round robin over the contributors, all accepted.
  const caps = { filesPerContributor: 1000, bytesPerContributor: 100_000_000, filesPerDatanet: 10_000, bytesPerDatanet: 1_000_000_000 };
  const created = await sendAndWait(api, api.tx.datanets.createDatanet('load', 'ipfs://load', [], D, LABELS, 'Open', OPEN, caps), alice);
  const datanet = eventOf(api, created.events, api.events.datanets.DatanetCreated).data.datanet.toNumber();
  for (const c of contributors) await sendAndWait(api, api.tx.balances.transferKeepAlive(c.address, 10_000n * OPEN), alice);
  const files = [];
  for (let f = 0; f < FILES; f++) {
    const who = contributors[f % contributors.length];
    const file = storedFile(randomItems(7 + f, ITEMS, D, LABELS), D);
    writeFileSync(join(store, file.contentHash.slice(2)), file.bytes);
    const { events } = await sendAndWait(api, api.tx.datanets.contribute(datanet, file.contentHash, file.itemRoot, file.itemCount, file.size, `ipfs://${f}`), who);
    const id = eventOf(api, events, api.events.datanets.Contributed).data.id.toNumber();
    files.push({ ...file, id, who: who.address, contributor: u8aToHex(who.publicKey) });
  }
  for (let i = 0; i < files.length; i += 64) {
    await sendAndWait(api, api.tx.datanets.curate(datanet, files.slice(i, i + 64).map((f) => f.id), 'Accept'), alice);
  }
  const published = await sendAndWait(api, api.tx.datanets.publishVersion(datanet), alice);
  const root = eventOf(api, published.events, api.events.datanets.VersionPublished).data.root.toHex();
  if (versionOf(files).root !== root) throw new Error('the version root differs from the files');
  console.log(`load: a Datanet of ${FILES * ITEMS} items in ${FILES} files, published (${elapsed(started)})`);

  // Short windows, KNN-Shapley paying the 16 nearest, and a model on the version.
  await enact(api, keyring, api.tx.utility.batchAll([
    api.tx.attribution.setParams({
      minStake: 100n * OPEN, replication: 3, quorum: 2, commitWindow: 2, revealWindow: 2,
      agreedChallengeWindow: 2, optimisticChallengeWindow: 6, challengeBond: 10n * OPEN,
      wrongResultSlash: 200_000_000, challengerShare: 500_000_000, openingWindow: 4, unbondingPeriod: 20_000,
    }),
    api.tx.rewards.setParams({
      shares: { contributors: 400_000_000, owner: 350_000_000, workers: 150_000_000, treasury: 100_000_000 },
      platformFee: OPEN / 1000n, jobWindow: 300, knnPaid: PAID,
    }),
  ]), TRACK.parameters);
  const rates = { inputPer1k: OPEN / 1000n, outputPer1k: OPEN / 500n };
  const registered = await sendAndWait(api, api.tx.models.registerModel(
    'load-model', '0x' + '11'.repeat(32), '0x' + '22'.repeat(32), 'Lora', { KnnShapley: { k: K, t: T } }, [[datanet, 1]], rates, [],
  ), alice);
  const model = eventOf(api, registered.events, api.events.models.ModelRegistered).data.model.toNumber();
  await sendAndWait(api, api.tx.balances.transferKeepAlive(payer.address, 100_000n * OPEN), alice);

  // Three daemons on the CPU.
  for (const seed of workerSeeds) {
    const w = keyring.addFromUri(seed);
    await sendAndWait(api, api.tx.balances.transferKeepAlive(w.address, 1000n * OPEN), alice);
    await sendAndWait(api, api.tx.attribution.registerWorker(100n * OPEN), w);
    const log = createWriteStream(join(dir, `${seed.slice(2)}.log`));
    const child = spawn(releaseBinary('openledger-worker'), [
      'run', '--node', node.url, '--dev-seed', seed, '--store', store, '--device', 'cpu', '--state-dir', join(dir, 'state'),
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(log);
    child.stderr.pipe(log);
    children.push({ name: seed.slice(2), child });
  }
  await sleep(5000);

  // The load.
  started = Date.now();
  const reportFile = join(dir, 'load.json');
  const load = spawn(releaseBinary('openledger-worker'), [
    'load', '--node', node.url, '--dev-seed', '//Payer', '--model', String(model), '--store', store,
    '--rate', String(RATE), '--duration', String(DURATION), '--batch', String(BATCH), '--drain', '600', '--report', reportFile,
  ], { stdio: ['ignore', 'inherit', 'inherit'] });
  let loadUsage;
  const sampler = setInterval(() => {
    try {
      loadUsage = usage(load.pid);
    } catch {
      // It has exited.
    }
  }, 1000);
  const code = await new Promise((resolve) => load.once('exit', resolve));
  clearInterval(sampler);
  const report = JSON.parse(readFileSync(reportFile, 'utf8'));
  console.log(`load: exit ${code} after ${elapsed(started)}`);
  console.log(JSON.stringify({ ...report, recorded: `${report.recorded.length} batches` }, null, 2));
  const processes = [{ name: 'node', pid: node.child.pid }, ...children.map((c) => ({ name: c.name, pid: c.child.pid }))];
  for (const p of processes) console.log(`load: ${p.name}: ${JSON.stringify(usage(p.pid))}`);
  console.log(`load: load generator: ${JSON.stringify(loadUsage)}`);

  // Independently: each batch's queries ranked afresh, settled by the spec, summed per
  // contributor, against the chain's claimable balances (nobody claimed during the run).
  started = Date.now();
  writeExport(dir, { datanet, version: 1, root, dimension: D, numLabels: LABELS, files, query: new Int8Array(D), queryLabel: 0 });
  const contributorOf = contributorsByIndex(files);
  const expected = new Map();
  for (const b of report.recorded) {
    if (b.settled_block === null) continue;
    const bytes = readFileSync(join(store, b.file.slice(2)));
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    const count = view.getUint32(7, true);
    const queries = [];
    for (let i = 0; i < count; i++) {
      const at = 11 + i * (12 + D);
      queries.push({
        input: view.getUint32(at, true), output: view.getUint32(at + 4, true), label: view.getUint32(at + 8, true),
        embedding: new Int8Array(bytes.buffer, bytes.byteOffset + at + 12, D),
      });
    }
    writeQueries(dir, queries.map((q) => q.embedding), queries.map((q) => q.label), D);
    const results = attributeExport(dir, { k: K, t: T, top: PAID, name: 'recompute' }).queries;
    const input = queries.reduce((a, q) => a + BigInt(q.input), 0n);
    const output = queries.reduce((a, q) => a + BigInt(q.output), 0n);
    const fee = (input * rates.inputPer1k + output * rates.outputPer1k + 999n) / 1000n;
    const totals = batchTotals(results, queries, { input: rates.inputPer1k, output: rates.outputPer1k }, contributorOf);
    const credits = await predictFromTotals(api, (fee * 400_000_000n) / 1_000_000_000n, totals);
    for (const [who, amount] of credits) expected.set(who, (expected.get(who) || 0n) + amount);
  }
  let mismatches = 0;
  for (const c of contributors) {
    const onChain = (await api.call.rewardsApi.claimable(c.address)).toBigInt();
    const mine = expected.get(c.address) || 0n;
    console.log(`load: ${c.address}: chain ${onChain}, recomputed ${mine}${onChain === mine ? '' : ' MISMATCH'}`);
    if (onChain !== mine) mismatches += 1;
  }
  console.log(`load: recomputed ${report.recorded.length} batches in ${elapsed(started)}: ${mismatches === 0 ? 'every claimable balance equals the recomputation' : `${mismatches} mismatches`}`);
  if (mismatches > 0 || code !== 0) process.exitCode = 1;
} finally {
  for (const c of children) c.child.kill('SIGKILL');
  await stop(node);
  if (process.env.KEEP_DIR) console.log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
