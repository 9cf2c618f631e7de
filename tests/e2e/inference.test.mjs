// Paid inference end to end, with the real worker daemon: a Datanet is created, contributed to
// as three files (each put in the content store under its content hash), curated and
// published; a model is registered on it; three `openledger-worker run` daemons stake (one with
// --corrupt-one-entry, one fetching the files over HTTP and computing on the GPU adapter wgpu
// finds, lavapipe here); a payer records an inference. The daemons commit and
// reveal, the honest two prove the liar wrong through openings and a challenge, and the liar is
// slashed; the honest result settles and each contributor's balance rises by exactly what the
// spec predicts from the off-chain values. One daemon is killed right after its commit and
// restarted (it reveals what it committed to, and commits nothing else); then the node itself
// is restarted and a second inference settles through the same daemons. Then a batch of
// inferences is recorded, with a fourth daemon inflating one contributor's total: it is proven
// wrong and slashed, and the honest totals are paid. Last, two liars agree on a lie only
// openings show, against one honest daemon, and lose.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { blake2AsHex, cryptoWaitReady } from '@polkadot/util-crypto';
import { startDevNode, stop, sendAndWait, releaseBinary, freePort, sleep } from './node-process.mjs';
import { enact, TRACK } from './governance.mjs';
import {
  attributeExport, batchFile, batchTotals, contributorsByIndex, eventOf, oneQueryResult, predictContributors, predictFromTotals,
  storedFile, versionOf, writeExport, writeQueries,
} from './helpers.mjs';

const OPEN = 10n ** 18n;
const dir = mkdtempSync(join(tmpdir(), 'openledger-e2e-inference-'));
const storeDir = join(dir, 'store');
mkdirSync(storeDir);
const daemons = new Map();
let node;
let http;

after(async () => {
  for (const d of daemons.values()) d.child.kill('SIGKILL');
  if (http) http.close();
  if (node) await stop(node);
  if (process.env.KEEP_E2E_DIR) console.log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
});

/// Puts `bytes` into the content store under their blake2-256 hash; returns the hash.
function putObject(bytes) {
  const hash = blake2AsHex(bytes, 256);
  writeFileSync(join(storeDir, hash.slice(2)), bytes);
  return hash;
}

/// Starts (or restarts) the daemon of `name` with `extra` flags.
async function startDaemon(name, seed, extra, url) {
  const metricsPort = daemons.get(name)?.metricsPort || await freePort();
  const args = [
    'run', '--node', url, '--dev-seed', seed, '--state-dir', join(dir, 'state'),
    '--metrics', `127.0.0.1:${metricsPort}`, ...extra,
  ];
  const log = createWriteStream(join(dir, `${name}.log`), { flags: 'a' });
  const child = spawn(releaseBinary('openledger-worker'), args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RUST_LOG: 'info' } });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const daemon = { child, exited, metricsPort, name, seed, extra };
  daemons.set(name, daemon);
  const end = Date.now() + 60_000;
  while (Date.now() < end) {
    if (await metrics(daemon).catch(() => null)) return daemon;
    await sleep(300);
  }
  throw new Error(`daemon ${name} did not serve metrics; see ${join(dir, `${name}.log`)}`);
}

/// The daemon's Prometheus metrics as a name -> number map.
async function metrics(daemon) {
  const res = await fetch(`http://127.0.0.1:${daemon.metricsPort}/metrics`);
  const text = await res.text();
  return new Map(text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => {
    const [name, value] = l.split(' ');
    return [name, Number(value)];
  }));
}

/// Polls `probe` until it returns something truthy.
async function until(what, probe, ms = 300_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const got = await probe();
    if (got) return got;
    await sleep(1000);
  }
  throw new Error(`timed out waiting for ${what}; logs in ${dir}`);
}

/// The attribution events of blocks `from..=to`.
async function attributionEvents(api, from, to) {
  const out = [];
  for (let n = from; n <= to; n++) {
    const hash = await api.rpc.chain.getBlockHash(n);
    const events = await (await api.at(hash)).query.system.events();
    for (const { event } of events) if (event.section === 'attribution') out.push(event);
  }
  return out;
}

test('paid inference: three worker daemons, one lying; the honest result settles and pays the contributors', { timeout: 1_200_000 }, async (t) => {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const alice = keyring.addFromUri('//Alice'); // Datanet owner, curator, model owner
  const bob = keyring.addFromUri('//Bob');
  const charlie = keyring.addFromUri('//Charlie');
  const payer = keyring.addFromUri('//Payer');
  const [dave, eve, ferdie] = ['//Dave', '//Eve', '//Ferdie'].map((u) => keyring.addFromUri(u));

  node = await startDevNode({ basePath: join(dir, 'chain'), logFile: join(dir, 'node.log') });
  let { api } = node;

  // A Datanet of six items in three files, two from Bob and one from Charlie, each file put in
  // the content store under its content hash; all accepted (Charlie's first) and published as
  // version 1.
  const caps = { filesPerContributor: 10, bytesPerContributor: 1_000_000, filesPerDatanet: 100, bytesPerDatanet: 10_000_000 };
  const created = await sendAndWait(api, api.tx.datanets.createDatanet('pets', 'ipfs://d', [], 8, 2, 'Open', OPEN, caps), alice);
  const datanet = eventOf(api, created.events, api.events.datanets.DatanetCreated).data.datanet.toNumber();
  const item = (i) => ({
    embedding: Int8Array.from({ length: 8 }, (_, j) => ((i * 37 + j * 11 + i * j * 5) % 61) - 30),
    label: i % 3 === 0 ? 0 : 1,
  });
  const plan = [[bob, [0, 1]], [charlie, [2, 3, 4]], [bob, [5]]];
  const files = [];
  for (const [n, [who, indices]] of plan.entries()) {
    const file = storedFile(indices.map(item), 8);
    assert.equal(putObject(file.bytes), file.contentHash);
    const tx = api.tx.datanets.contribute(datanet, file.contentHash, file.itemRoot, file.itemCount, file.size, `ipfs://file-${n}`);
    const { events } = await sendAndWait(api, tx, who);
    const id = eventOf(api, events, api.events.datanets.Contributed).data.id.toNumber();
    files.push({ ...file, id, who: who.address, contributor: u8aToHex(who.publicKey) });
  }
  // Acceptance order, so version order: Charlie's file, then Bob's two.
  const accepted = [files[1], files[0], files[2]];
  await sendAndWait(api, api.tx.datanets.curate(datanet, accepted.map((f) => f.id), 'Accept'), alice);
  const published = await sendAndWait(api, api.tx.datanets.publishVersion(datanet), alice);
  const version = eventOf(api, published.events, api.events.datanets.VersionPublished).data;
  const root = version.root.toHex();
  assert.deepEqual([version.fileCount.toNumber(), version.itemCount.toNumber()], [3, 6]);
  assert.equal(versionOf(accepted).root, root);

  // The query, in the store too.
  const query = Int8Array.from([5, -3, 12, 7, -20, 4, 9, -1]);
  const queryHash = putObject(new Uint8Array(query.buffer));

  // The store over HTTP as well, for one daemon.
  http = createServer((req, res) => {
    const file = join(storeDir, req.url.split('/').pop());
    if (!/^[0-9a-f]{64}$/.test(req.url.split('/').pop()) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    const body = readFileSync(file);
    res.writeHead(200, { 'Content-Length': body.length }).end(body);
  });
  await new Promise((r) => http.listen(0, '127.0.0.1', r));
  const httpStore = `http://127.0.0.1:${http.address().port}/objects`;

  // Parameters, through one referendum on the parameters track: windows in 3-second blocks long
  // enough for two openings and a challenge; KNN-Shapley pays the 3 nearest.
  const shares = { contributors: 400_000_000, owner: 350_000_000, workers: 150_000_000, treasury: 100_000_000 };
  const platformFee = OPEN / 100n;
  await enact(api, keyring, api.tx.utility.batchAll([
    api.tx.attribution.setParams({
      minStake: 100n * OPEN, replication: 3, quorum: 2, commitWindow: 4, revealWindow: 6,
      agreedChallengeWindow: 25, optimisticChallengeWindow: 25, challengeBond: 10n * OPEN,
      wrongResultSlash: 200_000_000, challengerShare: 500_000_000, openingWindow: 6, unbondingPeriod: 1000,
    }),
    api.tx.rewards.setParams({ shares, platformFee, jobWindow: 200, knnPaid: 3 }),
  ]), TRACK.parameters);
  assert.equal((await api.query.rewards.currentParams()).unwrap().knnPaid.toNumber(), 3);
  const rates = { inputPer1k: OPEN / 1000n, outputPer1k: OPEN / 500n };
  const registered = await sendAndWait(api, api.tx.models.registerModel(
    'pets-lora', blake2AsHex('base'), blake2AsHex('adapter'), 'Lora', { KnnShapley: { k: 3, t: 4 } }, [[datanet, 1]], rates, [],
  ), alice);
  const model = eventOf(api, registered.events, api.events.models.ModelRegistered).data.model.toNumber();
  await sendAndWait(api, api.tx.balances.transferKeepAlive(payer.address, 1000n * OPEN), alice);
  await Promise.all([dave, eve, ferdie].map((w) => sendAndWait(api, api.tx.attribution.registerWorker(100n * OPEN), w)));

  // What an honest worker computes, from the worker binary's CLI on an export of the version.
  writeExport(dir, { datanet, version: 1, root, dimension: 8, numLabels: 2, files: accepted, query, queryLabel: 1 });
  const reference = attributeExport(dir, { k: 3, t: 4, top: 3, name: 'v' }).queries[0];
  const honest = oneQueryResult({ root: reference.root, paid: reference.top, slots: 3, contributorOf: contributorsByIndex(accepted) });

  await t.test('three daemons start: Dave from the store directory, Eve over HTTP on the GPU adapter, Ferdie lying', async () => {
    await startDaemon('dave', '//Dave', ['--store', storeDir, '--device', 'cpu'], node.url);
    await startDaemon('eve', '//Eve', ['--store', httpStore, '--device', 'gpu'], node.url);
    await startDaemon('ferdie', '//Ferdie', ['--store', storeDir, '--device', 'cpu', '--corrupt-one-entry'], node.url);
    // A daemon serves its metrics before it has connected: wait for the connection, then check
    // that there was exactly one.
    for (const d of daemons.values()) {
      await until(`${d.name} to connect`, async () => (await metrics(d)).get('openledger_worker_connections_total') >= 1, 30_000);
      assert.equal((await metrics(d)).get('openledger_worker_connections_total'), 1);
    }
  });

  let job;
  let recordedAt;
  await t.test('an inference is paid for; Dave is killed after his commit and restarted', async () => {
    const recorded = await sendAndWait(api, api.tx.rewards.recordInference(model, 1500, 200, queryHash, 1), payer);
    recordedAt = (await api.rpc.chain.getHeader(recorded.blockHash)).number.toNumber();
    job = eventOf(api, recorded.events, api.events.rewards.InferenceRecorded).data.jobs[0].toNumber();
    const assigned = eventOf(api, recorded.events, api.events.attribution.WorkersAssigned).data.workers.map((a) => a.toString());
    assert.deepEqual(assigned.sort(), [dave, eve, ferdie].map((w) => w.address).sort());

    await until('Dave\'s commit', async () => (await api.query.attribution.commits(job, dave.address)).isSome, 60_000);
    const d = daemons.get('dave');
    d.child.kill('SIGKILL');
    await d.exited;
    await startDaemon('dave', d.seed, d.extra, node.url);
  });

  await t.test('the liar is proven wrong and slashed; the honest result settles', async () => {
    const payout = (await until('the payout', async () => {
      const p = await api.call.rewardsApi.payout(job);
      return p.isSome && p;
    })).unwrap();
    const final = (await api.call.attributionApi.finalResult(job)).unwrap();
    assert.equal(final.queries.toHex(), honest.queries, 'the final result is the honest one');
    assert.equal(final.credits.toHex(), honest.credits);
    assert.deepEqual(final.supporters.map((a) => a.toString()).sort(), [dave.address, eve.address].sort());
    const ferdieWorker = (await api.call.attributionApi.worker(ferdie.address)).unwrap();
    assert.equal(ferdieWorker.stake.toBigInt(), 80n * OPEN, 'a fifth of the liar\'s stake was slashed');

    const best = (await api.rpc.chain.getHeader()).number.toNumber();
    const events = await attributionEvents(api, recordedAt, best);
    const finalizedAt = final.finalizedAt.toNumber();
    console.log(`record_inference in block ${recordedAt}, settled in block ${finalizedAt}: ${finalizedAt - recordedAt} blocks`);
    const upheld = events.filter((e) => e.method === 'ChallengeUpheld' && e.data.job.toNumber() === job);
    assert.equal(upheld.length, 1, 'one challenge upheld');
    assert.ok([dave.address, eve.address].includes(upheld[0].data.challenger.toString()));
    const of = (method, who) => events.filter((e) => e.method === method && e.data.job.toNumber() === job && e.data.worker.toString() === who.address);
    assert.equal(of('Committed', dave).length, 1, 'Dave committed once, before and after his crash');
    assert.equal(of('Revealed', dave).length, 1, 'and revealed what he committed to');

    // The contributors' part, split as the spec predicts from the off-chain values.
    const tokenFee = (1500n * rates.inputPer1k + 200n * rates.outputPer1k) / 1000n;
    // Each paid version index pays the contributor of the file holding it.
    const expected = await predictContributors(api, (tokenFee * 400_000_000n) / 1_000_000_000n, reference.top, contributorsByIndex(accepted));
    assert.ok(expected.size > 0, 'someone is paid');
    assert.equal(payout.contributors.toNumber(), expected.size);
    assert.equal(payout.toContributors.toBigInt(), [...expected.values()].reduce((a, b) => a + b, 0n));
    for (const [who, amount] of expected) {
      const before = (await api.query.system.account(who)).data.free.toBigInt();
      await sendAndWait(api, api.tx.rewards.claimFor(who), payer);
      const after = (await api.query.system.account(who)).data.free.toBigInt();
      assert.equal(after - before, amount, 'the balance rises by exactly the predicted amount');
    }

    const won = (await metrics(daemons.get('dave'))).get('openledger_worker_challenges_won_total') +
      (await metrics(daemons.get('eve'))).get('openledger_worker_challenges_won_total');
    assert.equal(won, 1, 'the daemons count the challenge they won');
    await until('Eve to count the job done', async () => (await metrics(daemons.get('eve'))).get('openledger_worker_jobs_done_total') >= 1, 30_000);
  });

  await t.test('the node restarts; the daemons reconnect and a second inference settles', async () => {
    const { rpcPort, p2pPort } = node;
    await stop(node);
    node = await startDevNode({ basePath: join(dir, 'chain'), logFile: join(dir, 'node.log'), rpcPort, p2pPort });
    api = node.api;
    const recorded = await sendAndWait(api, api.tx.rewards.recordInference(model, 1000, 0, queryHash, 1), payer);
    const second = eventOf(api, recorded.events, api.events.rewards.InferenceRecorded).data.jobs[0].toNumber();
    const at = (await api.rpc.chain.getHeader(recorded.blockHash)).number.toNumber();
    await until('the second payout', async () => (await api.call.rewardsApi.payout(second)).isSome);
    for (const name of ['dave', 'eve']) {
      assert.ok((await metrics(daemons.get(name))).get('openledger_worker_best_block') > at, `${name} follows the restarted node`);
    }
    const final = (await api.call.attributionApi.finalResult(second)).unwrap();
    assert.ok(!final.supporters.map((a) => a.toString()).includes(ferdie.address), 'the liar, slashed below the minimum stake, was not drawn');
  });

  await t.test('a batch of inferences, a fourth daemon inflating one contributor\'s total: it is proven wrong and slashed, the honest totals are paid', async () => {
    const victor = keyring.addFromUri('//Victor');
    await sendAndWait(api, api.tx.balances.transferKeepAlive(victor.address, 1000n * OPEN), alice);
    await sendAndWait(api, api.tx.attribution.registerWorker(100n * OPEN), victor);
    await startDaemon('victor', '//Victor', ['--store', storeDir, '--device', 'cpu', '--inflate-total'], node.url);
    // Sixteen inferences of different sizes, their queries in one batch file in the store.
    const queries = Array.from({ length: 16 }, (_, i) => ({
      input: 100 + 37 * i, output: 11 * i, label: i % 2,
      embedding: Int8Array.from({ length: 8 }, (_, j) => ((i * 13 + j * 7 + i * j) % 41) - 20),
    }));
    const batch = batchFile(queries, 8);
    assert.equal(putObject(batch.bytes), batch.contentHash);
    // What the contributors may claim already (the second inference's credits, unclaimed).
    const claimable = async (who) => (await api.call.rewardsApi.claimable(who)).toBigInt();
    const before = new Map();
    for (const who of [bob.address, charlie.address]) before.set(who, await claimable(who));
    const recorded = await sendAndWait(api, api.tx.rewards.recordBatch(model, batch.contentHash, batch.root, batch.count, batch.input, batch.output), payer);
    const ev = eventOf(api, recorded.events, api.events.rewards.BatchRecorded);
    const job = ev.data.jobs[0].toNumber();
    const fee = ev.data.fee.toBigInt();
    assert.equal(fee, (batch.input * rates.inputPer1k + batch.output * rates.outputPer1k + 999n) / 1000n, 'the token totals, rounded up once');
    assert.equal(ev.data.platformFee.toBigInt(), 16n * platformFee);
    const at = (await api.rpc.chain.getHeader(recorded.blockHash)).number.toNumber();
    const assigned = eventOf(api, recorded.events, api.events.attribution.WorkersAssigned).data.workers.map((a) => a.toString());
    assert.deepEqual(assigned.sort(), [dave, eve, victor].map((w) => w.address).sort());

    await until('the batch payout', async () => (await api.call.rewardsApi.payout(job)).isSome);
    const final = (await api.call.attributionApi.finalResult(job)).unwrap();
    assert.deepEqual(final.supporters.map((a) => a.toString()).sort(), [dave.address, eve.address].sort());
    assert.equal((await api.call.attributionApi.worker(victor.address)).unwrap().stake.toBigInt(), 80n * OPEN, 'the liar was slashed');
    const best = (await api.rpc.chain.getHeader()).number.toNumber();
    const events = (await attributionEvents(api, at, best)).filter((e) => e.data.job?.toNumber() === job);
    const upheld = events.filter((e) => e.method === 'ChallengeUpheld');
    assert.equal(upheld.length, 1);
    assert.equal(upheld[0].data.fault.type, 'CreditMismatch', 'the inflated credit was found');
    console.log(`batch: ${events.filter((e) => e.method === 'OpeningRequested').length} openings, final ${final.finalizedAt.toNumber() - at} blocks after the batch`);

    // The honest totals, from the worker CLI's rankings of the sixteen queries, settle as
    // docs/rewards.md predicts.
    writeQueries(dir, queries.map((q) => q.embedding), queries.map((q) => q.label), 8);
    const results = attributeExport(dir, { k: 3, t: 4, top: 3, name: 'batch' }).queries;
    const totals = batchTotals(results, queries, { input: rates.inputPer1k, output: rates.outputPer1k }, contributorsByIndex(accepted));
    assert.equal(final.totals.toNumber(), totals.length);
    const expected = await predictFromTotals(api, (fee * 400_000_000n) / 1_000_000_000n, totals);
    assert.ok(expected.size === 2, 'both contributors are paid');
    for (const [who, amount] of expected) {
      assert.equal(await claimable(who) - before.get(who), amount, 'the claimable balance rises by exactly the predicted amount');
    }
  });

  await t.test('the load generator records batches at a modest rate; every one settles', async () => {
    // Dave and Eve are the active workers now. 32 inferences a second for 15 seconds, in
    // batches of 32: fifteen batches, each settled by the two daemons.
    const report = join(dir, 'load.json');
    const { execFile } = await import('node:child_process');
    await new Promise((resolve, reject) => execFile(releaseBinary('openledger-worker'), [
      'load', '--node', node.url, '--dev-seed', '//Payer', '--model', String(model), '--store', storeDir,
      '--rate', '32', '--duration', '15', '--batch', '32', '--drain', '300', '--quiet', '--report', report,
    ], { timeout: 400_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`load failed: ${err.message}\n${stderr}`));
      else {
        console.log(stdout.trim());
        resolve();
      }
    }));
    const r = JSON.parse(readFileSync(report, 'utf8'));
    assert.equal(r.batches_recorded, 15);
    assert.equal(r.batches_settled, 15, 'every batch settled');
    assert.equal(r.batches_failed, 0);
    assert.ok(r.latency_p50_blocks > 0 && r.latency_p99_blocks >= r.latency_p50_blocks);
    // Each recorded batch's job settled on chain, as the load generator saw.
    for (const b of r.recorded) {
      assert.ok((await api.call.rewardsApi.payout(b.jobs[0])).isSome, `batch ${b.file} settled`);
    }
  });

  await t.test('a colluding majority of two liars agrees on a hidden lie against one honest daemon; the lie never settles', async () => {
    // Two new keys run the daemon with --corrupt-tail: both commit to the honest list with the
    // last entry's value off by one, below the paid entries, so their paid entries are honest
    // and they are two of three: the agreed candidate. Eve leaves, so the draw is Dave and the
    // two liars.
    const liars = ['//Mallory', '//Trent'].map((u) => keyring.addFromUri(u));
    for (const l of liars) await sendAndWait(api, api.tx.balances.transferKeepAlive(l.address, 1000n * OPEN), alice);
    await Promise.all(liars.map((l) => sendAndWait(api, api.tx.attribution.registerWorker(100n * OPEN), l)));
    await sendAndWait(api, api.tx.attribution.unregisterWorker(), eve);
    for (const seed of ['//Mallory', '//Trent']) {
      await startDaemon(seed.slice(2).toLowerCase(), seed, ['--store', storeDir, '--device', 'cpu', '--corrupt-tail'], node.url);
    }
    const recorded = await sendAndWait(api, api.tx.rewards.recordInference(model, 900, 100, queryHash, 1), payer);
    const third = eventOf(api, recorded.events, api.events.rewards.InferenceRecorded).data.jobs[0].toNumber();
    const at = (await api.rpc.chain.getHeader(recorded.blockHash)).number.toNumber();
    const assigned = eventOf(api, recorded.events, api.events.attribution.WorkersAssigned).data.workers.map((a) => a.toString());
    assert.deepEqual(assigned.sort(), [dave.address, ...liars.map((l) => l.address)].sort());

    await until('the third payout', async () => (await api.call.rewardsApi.payout(third)).isSome);
    const final = (await api.call.attributionApi.finalResult(third)).unwrap();
    assert.equal(final.queries.toHex(), honest.queries, 'the honest result is final, not the majority\'s');
    assert.deepEqual(final.supporters.map((a) => a.toString()), [dave.address]);
    for (const l of liars) {
      assert.equal((await api.call.attributionApi.worker(l.address)).unwrap().stake.toBigInt(), 80n * OPEN, 'each liar was slashed');
    }
    const best = (await api.rpc.chain.getHeader()).number.toNumber();
    const events = (await attributionEvents(api, at, best)).filter((e) => e.data.job?.toNumber() === third);
    // Both liars revealed the same result, two of the three: enough for agreement had Dave not
    // refuted it (in the reveal window already, or in the agreed window).
    const liarAddresses = liars.map((l) => l.address);
    const revealed = events.filter((e) => e.method === 'Revealed');
    const lie = revealed.find((e) => liarAddresses.includes(e.data.worker.toString())).data.result.toHex();
    assert.deepEqual(revealed.filter((e) => e.data.result.toHex() === lie).map((e) => e.data.worker.toString()).sort(), [...liarAddresses].sort());
    const upheld = events.filter((e) => e.method === 'ChallengeUpheld');
    assert.equal(upheld.length, 1);
    assert.equal(upheld[0].data.result.toHex(), lie);
    assert.equal(upheld[0].data.challenger.toString(), dave.address);
    const fault = upheld[0].data.fault;
    assert.equal(`${fault.type} ${fault.asRanking.type}`, 'Ranking WrongKnnLast', 'the lie below the paid entries was found');
    const requested = events.filter((e) => e.method === 'OpeningRequested');
    // One query of four entries (a tree of depth 2) and three slots: at most
    // max(0 + 1 + (2 * 2 + 2), 2 + 2) = 7 requests.
    assert.ok(requested.length >= 1 && requested.length <= 7, `${requested.length} openings`);
    assert.ok(requested.every((e) => e.data.requester.toString() === dave.address));
    const positions = requested.map((e) => JSON.stringify(e.data.position.toJSON()));
    assert.equal(new Set(positions).size, positions.length, 'no position asked twice');
    const finalizedAt = final.finalizedAt.toNumber();
    console.log(`colluding majority: ${requested.length} openings (positions ${positions.join(', ')}), settled ${finalizedAt - at} blocks after the inference`);
  });
});
