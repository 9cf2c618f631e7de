// A Datanet at scale, end to end: 100 files of 1,000 items each (100,000 items, dimension 8,
// deterministic pseudo-random embeddings and labels) from four contributors, contributed with
// `utility.batchAll` (25 files per transaction, the four transactions in one block), accepted
// with `curate` batches of at most 64 ids, and published as ONE version whose root, file count
// and item count are checked against `datanet-root` and a computation here. A model is trained
// on it; a paid inference over all 100,000 items is settled by three real, honest
// `openledger-worker run` daemons reading the files from a content-store directory; each
// contributor is paid exactly what the spec predicts from `openledger-worker attribute`'s result
// over an export of the version, itself checked against a KNN-Shapley computed here. The time
// each phase takes is printed.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { blake2AsHex, cryptoWaitReady } from '@polkadot/util-crypto';
import { startDevNode, stop, sendAndWait, releaseBinary, freePort, sleep } from './node-process.mjs';
import { enact, TRACK } from './governance.mjs';
import {
  attributeExport, contributorsByIndex, datanetRoot, eventOf, knnShapley, oneQueryResult, predictContributors,
  randomItems, storedFile, versionOf, writeExport,
} from './helpers.mjs';

const OPEN = 10n ** 18n;
const MILLI = OPEN / 1000n;
const FILES = 100;
const ITEMS = 1_000;
const DIM = 8;
const LABELS = 4;
const BOND = OPEN;
// The Datanet's bond per file plus 0.01 OPEN for the one started MiB of each file.
const FILE_BOND = BOND + OPEN / 100n;
const PER_TX = 25;
const CURATE_BATCH = 64;

const dir = mkdtempSync(join(tmpdir(), 'openledger-e2e-scale-'));
const storeDir = join(dir, 'store');
mkdirSync(storeDir);
const daemons = [];
let node;

after(async () => {
  for (const d of daemons) d.child.kill('SIGKILL');
  if (node) await stop(node);
  if (process.env.KEEP_E2E_DIR) console.log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
});

/// Prints how long a phase took and returns the milliseconds.
function phase(name, started) {
  const ms = Date.now() - started;
  console.log(`scale: ${name} took ${(ms / 1000).toFixed(1)} s`);
  return ms;
}

/// Starts an honest worker daemon for `seed` reading the store directory on the CPU.
async function startDaemon(name, seed, url) {
  const metricsPort = await freePort();
  const args = [
    'run', '--node', url, '--dev-seed', seed, '--state-dir', join(dir, 'state'),
    '--metrics', `127.0.0.1:${metricsPort}`, '--store', storeDir, '--device', 'cpu',
  ];
  const log = createWriteStream(join(dir, `${name}.log`), { flags: 'a' });
  const child = spawn(releaseBinary('openledger-worker'), args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RUST_LOG: 'info' } });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const daemon = { child, metricsPort, name };
  daemons.push(daemon);
  await until(`daemon ${name} to serve metrics`, () => metrics(daemon).catch(() => null), 60_000, 300);
  return daemon;
}

/// The daemon's Prometheus metrics as a name -> number map.
async function metrics(daemon) {
  const text = await (await fetch(`http://127.0.0.1:${daemon.metricsPort}/metrics`)).text();
  return new Map(text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => {
    const [name, value] = l.split(' ');
    return [name, Number(value)];
  }));
}

/// Polls `probe` until it returns something truthy.
async function until(what, probe, ms = 300_000, every = 1000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const got = await probe();
    if (got) return got;
    await sleep(every);
  }
  throw new Error(`timed out waiting for ${what}; logs in ${dir}`);
}

/// The held contribution bonds of `who`.
async function heldBond(api, who) {
  return (await api.query.balances.holds(who))
    .filter((h) => h.id.isDatanets && h.id.asDatanets.isContributionBond)
    .reduce((sum, h) => sum + h.amount.toBigInt(), 0n);
}

test('scale: 100,000 items in 100 files, one version, a paid inference settled by three worker daemons', { timeout: 900_000 }, async (t) => {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const alice = keyring.addFromUri('//Alice'); // owner, curator, model owner
  const contributors = ['//Bob', '//Charlie', '//Grace', '//Heidi'].map((u) => keyring.addFromUri(u));
  const payer = keyring.addFromUri('//Payer');
  const workers = ['//Dave', '//Eve', '//Ferdie'];

  let started = Date.now();
  node = await startDevNode({ basePath: join(dir, 'chain'), logFile: join(dir, 'node.log') });
  const { api } = node;
  phase('node start', started);

  // The files: file f from contributor f mod 4, each put in the content store under its hash.
  started = Date.now();
  const files = Array.from({ length: FILES }, (_, f) => {
    const who = contributors[f % contributors.length];
    const file = storedFile(randomItems(10_000 + f, ITEMS, DIM, LABELS), DIM);
    writeFileSync(join(storeDir, file.contentHash.slice(2)), file.bytes);
    return { ...file, f, who: who.address, contributor: u8aToHex(who.publicKey), signer: who };
  });
  assert.equal(new Set(files.map((f) => f.contentHash)).size, FILES, 'every file differs');
  phase(`building ${FILES} files of ${ITEMS} items (hashes and item roots here)`, started);

  const caps = { filesPerContributor: 1_000, bytesPerContributor: 100_000_000, filesPerDatanet: 10_000, bytesPerDatanet: 1_000_000_000 };
  const created = await sendAndWait(api, api.tx.datanets.createDatanet('scale', 'ipfs://scale', [], DIM, LABELS, 'Open', BOND, caps), alice);
  const datanet = eventOf(api, created.events, api.events.datanets.DatanetCreated).data.datanet.toNumber();
  await sendAndWait(api, api.tx.utility.batchAll(
    [...contributors.slice(2), payer].map((who) => api.tx.balances.transferKeepAlive(who.address, 1000n * OPEN)),
  ), alice);

  await t.test('four contributors contribute 100 files with batchAll, 25 per transaction', async () => {
    started = Date.now();
    const byHash = new Map(files.map((f) => [f.contentHash, f]));
    const blocks = await Promise.all(contributors.map(async (who) => {
      const mine = files.filter((f) => f.signer === who);
      const txs = [];
      for (let i = 0; i < mine.length; i += PER_TX) {
        txs.push(api.tx.utility.batchAll(mine.slice(i, i + PER_TX).map((f) => api.tx.datanets.contribute(
          datanet, f.contentHash, f.itemRoot, f.itemCount, f.size, `ipfs://scale/${f.f}`,
        ))));
      }
      const out = [];
      // One signer's transactions one after another (each waits for the previous's nonce).
      for (const tx of txs) {
        const { events, blockHash } = await sendAndWait(api, tx, who);
        const contributed = events.filter(({ event }) => api.events.datanets.Contributed.is(event)).map(({ event }) => event);
        for (const ev of contributed) {
          const file = byHash.get(ev.data.contentHash.toHex());
          assert.ok(file, 'a file of ours');
          assert.equal(ev.data.contributor.toString(), who.address);
          assert.equal(ev.data.bond.toBigInt(), FILE_BOND);
          file.id = ev.data.id.toNumber();
        }
        out.push(blockHash.toHex());
      }
      return out;
    }));
    phase(`contribute (${FILES} files in ${blocks.flat().length} transactions, ${new Set(blocks.flat()).size} block(s))`, started);
    assert.equal(new Set(files.map((f) => f.id)).size, FILES, 'every file got its own id');
    for (const who of contributors) {
      assert.equal(await heldBond(api, who.address), BigInt(FILES / contributors.length) * FILE_BOND);
    }
  });

  await t.test('Alice accepts all 100 files in curate batches of at most 64, in file order', async () => {
    // File order, not id order: the four transactions got their ids in whatever order the block
    // took them.
    started = Date.now();
    const batches = [];
    for (let i = 0; i < FILES; i += CURATE_BATCH) {
      batches.push(api.tx.datanets.curate(datanet, files.slice(i, i + CURATE_BATCH).map((f) => f.id), 'Accept'));
    }
    assert.ok(batches.length >= 2);
    const { events } = await sendAndWait(api, api.tx.utility.batchAll(batches), alice);
    phase(`curate (${batches.length} batches in one transaction)`, started);
    const accepted = events.filter(({ event }) => api.events.datanets.ContributionAccepted.is(event)).map(({ event }) => event);
    assert.deepEqual(
      accepted.map((e) => [e.data.id.toNumber(), e.data.position.toNumber(), e.data.first.toNumber()]),
      files.map((f, position) => [f.id, position, position * ITEMS]),
    );
    for (const who of contributors) assert.equal(await heldBond(api, who.address), 0n);
  });

  let root;
  await t.test('Alice publishes one version of 100 files and 100,000 items; its root is datanet-root\'s', async () => {
    started = Date.now();
    const { events } = await sendAndWait(api, api.tx.datanets.publishVersion(datanet), alice);
    phase('publish', started);
    const published = eventOf(api, events, api.events.datanets.VersionPublished).data;
    root = published.root.toHex();
    const bytes = FILES * (11 + ITEMS * (4 + DIM));
    assert.equal(published.version.toNumber(), 1);
    assert.equal(published.fileCount.toNumber(), FILES);
    assert.equal(published.itemCount.toNumber(), FILES * ITEMS);
    assert.equal(published.bytes.toNumber(), bytes);
    assert.equal(published.fee.toBigInt(), OPEN + BigInt(Math.ceil(bytes / 1024)) * MILLI);
    const stored = (await api.query.datanets.versions(datanet, 1)).unwrap();
    assert.deepEqual([stored.root.toHex(), stored.fileCount.toNumber(), stored.itemCount.toNumber()], [root, FILES, FILES * ITEMS]);

    started = Date.now();
    assert.deepEqual(datanetRoot(files), [`${root} ${FILES} ${FILES * ITEMS}`], 'datanet-root over the files in acceptance order');
    assert.equal(versionOf(files).root, root, 'the computation here');
    phase('the root off chain (datanet-root and here)', started);

    // The runtime API pages through the file leaves and proves one file as the tool does.
    const listed = [];
    for (let start = 0; start < FILES; start += 40) listed.push(...await api.call.datanetsApi.versionFiles(datanet, 1, start, 40));
    assert.deepEqual(
      listed.map((l) => [l.file.toNumber(), l.contributor.toHex(), l.contentHash.toHex(), l.itemRoot.toHex(), l.first.toNumber(), l.itemCount.toNumber()]),
      files.map((f, p) => [f.id, f.contributor, f.contentHash, f.itemRoot, p * ITEMS, ITEMS]),
    );
    const [leaf, proof] = (await api.call.datanetsApi.fileProof(datanet, 1, 57)).unwrap();
    const lines = datanetRoot(files, ['--proof', '57']);
    assert.equal(String(leaf.first.toNumber()), lines[0]);
    assert.equal(`${proof.leafIndex.toNumber()} ${proof.leafCount.toNumber()}`, lines[1]);
    assert.deepEqual(proof.siblings.map((s) => s.toHex()), lines.slice(2));
  });

  // A job ranks all 100,000 items: disputes could take 2 * (2 * 17 + 2) opening windows of 6
  // blocks (+2) past a deadline 200 blocks out, 634 in all, inside the 1,000-block unbonding
  // period; the largest job's (2^24 items) 602 plus a 43-block round fit too. The commit window
  // is 5 blocks: the three daemons load, check and rank 100,000 items at once on two CPU cores
  // and commit in the block after the inference (measured on 2026-12-01).
  const shares = { contributors: 400_000_000, owner: 350_000_000, workers: 150_000_000, treasury: 100_000_000 };
  const rates = { inputPer1k: OPEN / 1000n, outputPer1k: OPEN / 500n };
  const k = 5;
  // The nearest 1,024 of 100,000 are valued and committed (the tools' default T).
  const topT = 1024;
  const paidCount = 16;
  let model;
  await t.test('parameters by referendum, a model trained on the version, three staked workers', async () => {
    started = Date.now();
    await enact(api, keyring, api.tx.utility.batchAll([
      api.tx.attribution.setParams({
        minStake: 100n * OPEN, replication: 3, quorum: 2, commitWindow: 5, revealWindow: 6,
        agreedChallengeWindow: 2, optimisticChallengeWindow: 25, challengeBond: 10n * OPEN,
        wrongResultSlash: 200_000_000, challengerShare: 500_000_000, openingWindow: 6, unbondingPeriod: 1000,
      }),
      api.tx.rewards.setParams({ shares, platformFee: OPEN / 100n, jobWindow: 200, knnPaid: paidCount }),
    ]), TRACK.parameters);
    phase('governance (parameters referendum)', started);
    const registered = await sendAndWait(api, api.tx.models.registerModel(
      'scale-lora', blake2AsHex('base'), blake2AsHex('adapter'), 'Lora', { KnnShapley: { k, t: topT } }, [[datanet, 1]], rates, [],
    ), alice);
    model = eventOf(api, registered.events, api.events.models.ModelRegistered).data.model.toNumber();
    await Promise.all(workers.map((seed) => sendAndWait(api, api.tx.attribution.registerWorker(100n * OPEN), keyring.addFromUri(seed))));
  });

  // The query and its label, in the store too.
  const query = Int8Array.from([17, -42, 5, 88, -3, 0, 61, -19]);
  const queryLabel = 2;
  writeFileSync(join(storeDir, blake2AsHex(new Uint8Array(query.buffer), 256).slice(2)), new Uint8Array(query.buffer));

  let reference;
  await t.test('the version\'s export is attributed by openledger-worker exactly as computed here', async () => {
    started = Date.now();
    writeExport(dir, { datanet, version: 1, root, dimension: DIM, numLabels: LABELS, files, query, queryLabel });
    const summary = attributeExport(dir, { k, t: topT, top: paidCount, name: 'v' });
    phase('attribute the export (worker CLI, CPU)', started);
    assert.equal(summary.datanet.root, root);
    assert.equal(summary.items, FILES * ITEMS);
    reference = summary.queries[0];

    started = Date.now();
    const items = files.flatMap((f) => f.items);
    const { values, ranked } = knnShapley(items, query, queryLabel, k, topT);
    const raw = readFileSync(join(dir, 'v.npy'));
    const data = Buffer.from(raw.subarray(raw.length - 8 * items.length));
    for (let i = 0; i < items.length; i++) {
      if (data.readBigInt64LE(8 * i) !== values[i]) assert.fail(`item ${i}: worker ${data.readBigInt64LE(8 * i)}, here ${values[i]}`);
    }
    assert.deepEqual(
      reference.top,
      ranked.slice(0, paidCount).map(({ index, d }, rank) => ({ rank, index, distance: d, value: Number(values[index]) })),
    );
    phase('KNN-Shapley over 100,000 items here', started);
  });

  await t.test('a paid inference over all of it is settled by three honest worker daemons and pays as predicted', async () => {
    for (const seed of workers) await startDaemon(seed.slice(2).toLowerCase(), seed, node.url);
    const queryHash = blake2AsHex(new Uint8Array(query.buffer), 256);
    started = Date.now();
    const recorded = await sendAndWait(api, api.tx.rewards.recordInference(model, 1500, 200, queryHash, queryLabel), payer);
    const recordedAt = (await api.rpc.chain.getHeader(recorded.blockHash)).number.toNumber();
    const job = eventOf(api, recorded.events, api.events.rewards.InferenceRecorded).data.jobs[0].toNumber();
    const assigned = eventOf(api, recorded.events, api.events.attribution.WorkersAssigned).data.workers.map((a) => a.toString());
    assert.deepEqual(assigned.sort(), workers.map((s) => keyring.addFromUri(s).address).sort());
    const payout = (await until('the payout', async () => {
      const p = await api.call.rewardsApi.payout(job);
      return p.isSome && p;
    })).unwrap();
    const final = (await api.call.attributionApi.finalResult(job)).unwrap();
    phase(`settle (record_inference in block ${recordedAt}, final in block ${final.finalizedAt.toNumber()})`, started);
    const honest = oneQueryResult({ root: reference.root, paid: reference.top, slots: paidCount, contributorOf: contributorsByIndex(files) });
    assert.equal(final.queries.toHex(), honest.queries, 'the daemons\' result is the export\'s');
    assert.equal(final.credits.toHex(), honest.credits);
    assert.equal(final.totals.toNumber(), honest.totals.length);
    assert.ok(final.agreed);
    assert.equal(final.supporters.length, 3);

    // What the workers sent, block by block: their calls and the failed ones.
    const sent = [];
    const workerAddresses = workers.map((s) => keyring.addFromUri(s).address);
    for (let n = recordedAt; n <= final.finalizedAt.toNumber(); n++) {
      const hash = await api.rpc.chain.getBlockHash(n);
      const [block, events] = await Promise.all([api.rpc.chain.getBlock(hash), api.at(hash).then((a) => a.query.system.events())]);
      block.block.extrinsics.forEach((x, i) => {
        if (!x.isSigned || !workerAddresses.includes(x.signer.toString())) return;
        const failed = events.find(({ phase, event }) => phase.isApplyExtrinsic && phase.asApplyExtrinsic.eq(i) && api.events.system.ExtrinsicFailed.is(event));
        const error = failed && failed.event.data[0].isModule ? api.registry.findMetaError(failed.event.data[0].asModule).name : failed && 'failed';
        sent.push(`${x.method.method}@${n}${error ? ` (${error})` : ''}`);
      });
    }
    console.log(`scale: the workers' transactions: ${sent.join(', ')}`);
    // One commit and one reveal each, none refused: a daemon that falls behind the best block
    // while it loads the version must not resend from a stale view what is already on chain.
    assert.deepEqual(sent.filter((s) => s.includes('(')), [], 'no worker transaction fails');
    assert.equal(sent.filter((s) => s.startsWith('commit@')).length, 3);
    assert.equal(sent.filter((s) => s.startsWith('reveal@')).length, 3);

    // Each paid version index pays the contributor of the file holding it.
    const tokenFee = (1500n * rates.inputPer1k + 200n * rates.outputPer1k) / 1000n;
    const expected = await predictContributors(api, (tokenFee * 400_000_000n) / 1_000_000_000n, reference.top, contributorsByIndex(files));
    assert.ok(expected.size > 0, 'someone is paid');
    console.log(`scale: ${reference.top.filter((e) => e.value > 0).length} paid entries with value, in files ${[...new Set(reference.top.map((e) => Math.floor(e.index / ITEMS)))].join(', ')}; ${expected.size} contributor(s) paid`);
    assert.equal(payout.contributors.toNumber(), expected.size);
    assert.equal(payout.toContributors.toBigInt(), [...expected.values()].reduce((a, b) => a + b, 0n));
    for (const [who, amount] of expected) {
      const before = (await api.query.system.account(who)).data.free.toBigInt();
      await sendAndWait(api, api.tx.rewards.claimFor(who), payer);
      const after = (await api.query.system.account(who)).data.free.toBigInt();
      assert.equal(after - before, amount, 'the balance rises by exactly the predicted amount');
    }
    for (const d of daemons) {
      await until(`${d.name} to count the job done`, async () => (await metrics(d)).get('openledger_worker_jobs_done_total') >= 1, 30_000);
    }
  });
});
