// Datanets end to end through @polkadot/api, as an owner and two contributors see them: create
// a Datanet, contribute FILES of items from two accounts (Bob two, Charlie one, each of its own
// item count), see a duplicate and malformed declarations refused, reject one file and accept
// the rest in an order other than their ids', publish a version, and check its root against
// both the shared Rust crate (`datanet-root`) and an independent computation here; the runtime
// API's file leaves and proofs against the tool's; then a second version after one more file,
// cumulative, its fee for the added bytes only. Then version 1 is exported and attributed with
// openledger-worker, checked against a KNN-Shapley computed here over its version indices; then
// three staked workers commit and reveal that result on chain and it becomes final by
// agreement; then a model is registered on the version; a referendum on the `parameters` track
// (preimage, decision deposit, conviction votes from several accounts) raises the contributors'
// share and a second one, voted down, changes nothing; then a paid inference escrows its fee,
// and once its job is final the fee is split by the new share and the contributor of each paid
// item's FILE is paid exactly what the spec predicts.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keyring } from '@polkadot/keyring';
import { stringToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { blake2AsHex, cryptoWaitReady } from '@polkadot/util-crypto';
import { startDevNode, stop, waitForBlock, sendAndWait } from './node-process.mjs';
import {
  attributeExport, contributorsByIndex, datanetRoot, eventOf, fileSize, knnShapley, merkleProof, fileLeafHash,
  commitHash, oneQueryResult, predictContributors, randomItems, storedFile, versionOf, writeExport,
} from './helpers.mjs';
import { enact, enactment, outcome, submitReferendum, TRACK, VOTE_BALANCE, VOTERS, voteAll } from './governance.mjs';

const OPEN = 10n ** 18n;
const MILLI = OPEN / 1000n;
// A file's bond: the Datanet's bond per file plus the runtime's 0.01 OPEN per started MiB (every
// file here is under one MiB).
const BOND = OPEN;
const FILE_BOND = BOND + OPEN / 100n;
const ZERO = `0x${'00'.repeat(32)}`;
// KNN-Shapley values and commits to the 30 nearest of version 1's 100 items.
const KNN_T = 30;
// The treasury's account: "modl" ++ its pallet id "py/trsry", zero-padded to 32 bytes.
const TREASURY = u8aToHex(u8aConcat(stringToU8a('modlpy/trsry'), new Uint8Array(20)));
const dir = mkdtempSync(join(tmpdir(), 'openledger-e2e-datanets-'));
const logFile = join(dir, 'node.log');
let node;

after(async () => {
  if (node) await stop(node);
  if (process.env.KEEP_E2E_DIR) console.log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
});

function heldBond(holds) {
  return holds
    .filter((h) => h.id.isDatanets && h.id.asDatanets.isContributionBond)
    .reduce((sum, h) => sum + h.amount.toBigInt(), 0n);
}

/// The paid entries of a worker summary's first query.
function paidOf(summary) {
  return summary.queries[0].top.map((e) => ({ rank: e.rank, index: e.index, distance: e.distance, value: e.value }));
}

/// Each worker commits to `result` (`oneQueryResult`: the query and credit roots and the
/// totals), hashed as pallets/attribution's commit_hash does (SCALE, blake2-256), then reveals
/// it once the commit window is over.
async function commitAndReveal(api, job, workers, assignedEv, result) {
  const salts = workers.map((_, i) => blake2AsHex(`salt-${job}-${i}`));
  await Promise.all(workers.map((w, i) => sendAndWait(api, api.tx.attribution.commit(job, commitHash(job, w.address, result, salts[i])), w)));
  await waitForBlock(api, assignedEv.data.commitEnd.toNumber() + 1);
  await Promise.all(workers.map((w, i) => sendAndWait(
    api, api.tx.attribution.reveal(job, result.queries, result.credits, result.totals, salts[i]), w,
  )));
}

/// The query every job here asks about, and its label: two of the version's items are planted
/// next to it (Charlie's file's item 7 at distance 1, Bob's first file's item 11 at distance 4),
/// so the paid entries fall in two files of two contributors.
const query = Int8Array.from([3, -7, 12, 0, -1, 5, 9, -4]);
const queryLabel = 1;

/// A file of `count` pseudo-random items from `seed`, with `plant` (`{ at, delta, label }`)
/// items put next to the query.
function makeFile(seed, count, plant = []) {
  const items = randomItems(seed, count, 8, 2);
  for (const { at, delta, label } of plant) {
    items[at] = { embedding: Int8Array.from(query, (x, j) => x + (delta[j] || 0)), label };
  }
  return storedFile(items, 8);
}

/// A file leaf as the runtime API returns it, as plain values.
function leafOf(l) {
  return {
    id: l.file.toNumber(), contributor: l.contributor.toHex(), contentHash: l.contentHash.toHex(),
    itemRoot: l.itemRoot.toHex(), first: l.first.toNumber(), itemCount: l.itemCount.toNumber(),
  };
}

test('datanets: create, contribute, curate, publish, and the root matches off-chain', { timeout: 600_000 }, async (t) => {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const alice = keyring.addFromUri('//Alice'); // owner and curator
  const bob = keyring.addFromUri('//Bob');
  const charlie = keyring.addFromUri('//Charlie');

  node = await startDevNode({ basePath: join(dir, 'chain'), logFile });
  const { api } = node;
  await waitForBlock(api, 1);

  let datanet;
  await t.test('Alice creates a Datanet and her deposit is held', async () => {
    const caps = { filesPerContributor: 10, bytesPerContributor: 1_000_000, filesPerDatanet: 100, bytesPerDatanet: 10_000_000 };
    const tx = api.tx.datanets.createDatanet('cats-vs-dogs', 'ipfs://bafy-description', ['vision', 'pets'], 8, 2, 'Open', BOND, caps);
    const { events } = await sendAndWait(api, tx, alice);
    const created = eventOf(api, events, api.events.datanets.DatanetCreated);
    datanet = created.data.datanet.toNumber();
    assert.equal(created.data.owner.toString(), alice.address);
    const info = (await api.query.datanets.datanets(datanet)).unwrap();
    assert.equal(info.embeddingDim.toNumber(), 8);
    assert.equal(info.numLabels.toNumber(), 2);
    assert.ok(info.status.isOpen);
    assert.equal(info.deposit.toBigInt(), 10n * OPEN);
  });

  // Bob's two files of 60 and 30 items, Charlie's of 40: 731, 371 and 491 bytes.
  const plan = [
    [bob, 'bob-1', makeFile(1, 60, [{ at: 11, delta: [0, 2], label: 1 }])],
    [bob, 'bob-2', makeFile(2, 30)],
    [charlie, 'charlie-1', makeFile(3, 40, [{ at: 7, delta: [1], label: 1 }])],
  ];
  const files = [];
  await t.test('Bob contributes two files and Charlie one; each bond is held', async () => {
    for (const [who, name, file] of plan) {
      assert.equal(file.size, fileSize(file.itemCount, 8));
      const tx = api.tx.datanets.contribute(datanet, file.contentHash, file.itemRoot, file.itemCount, file.size, `ipfs://${name}`);
      const { events } = await sendAndWait(api, tx, who);
      const ev = eventOf(api, events, api.events.datanets.Contributed);
      assert.equal(ev.data.bond.toBigInt(), FILE_BOND);
      assert.equal(ev.data.contentHash.toHex(), file.contentHash);
      assert.equal(ev.data.itemRoot.toHex(), file.itemRoot);
      assert.equal(ev.data.itemCount.toNumber(), file.itemCount);
      assert.equal(ev.data[6].toNumber(), file.size); // `size`: event data has no getter of that name
      const id = ev.data.id.toNumber();
      const stored = (await api.query.datanets.contributions(id)).unwrap();
      assert.ok(stored.status.isPending);
      assert.ok(stored.placement.isNone, 'not placed before it is accepted');
      files.push({ ...file, id, name, who: who.address, contributor: u8aToHex(who.publicKey) });
    }
    // The item root the contributor declares is the one the shared crate computes.
    for (const f of files) assert.deepEqual(datanetRoot(f.items, ['--items']), [f.itemRoot], `${f.name}'s item root`);
    assert.equal(heldBond(await api.query.balances.holds(bob.address)), 2n * FILE_BOND);
    assert.equal(heldBond(await api.query.balances.holds(charlie.address)), FILE_BOND);

    // The same content again is refused and changes nothing; so are a size that is not the
    // file's and zero hashes.
    const [bob1] = files;
    const refuse = (tx, error) => assert.rejects(sendAndWait(api, tx, charlie), error);
    await refuse(api.tx.datanets.contribute(datanet, bob1.contentHash, bob1.itemRoot, bob1.itemCount, bob1.size, 'x'), /datanets.DuplicateContent/);
    const other = makeFile(4, 5);
    await refuse(api.tx.datanets.contribute(datanet, other.contentHash, other.itemRoot, 5, other.size + 1, 'x'), /datanets.SizeMismatch/);
    await refuse(api.tx.datanets.contribute(datanet, other.contentHash, other.itemRoot, 6, other.size, 'x'), /datanets.SizeMismatch/);
    await refuse(api.tx.datanets.contribute(datanet, other.contentHash, ZERO, 5, other.size, 'x'), /datanets.ZeroRoot/);
    await refuse(api.tx.datanets.contribute(datanet, ZERO, other.itemRoot, 5, other.size, 'x'), /datanets.ZeroRoot/);
    assert.equal(heldBond(await api.query.balances.holds(charlie.address)), FILE_BOND);
  });

  // Version 1's files in acceptance order: Charlie's, then Bob's first.
  let v1;
  await t.test('Alice rejects Bob\'s second file (10% slashed to the treasury) and accepts the others, Charlie\'s first', async () => {
    const [bob1, bob2, charlie1] = files;
    const treasuryBefore = (await api.query.system.account(TREASURY)).data.free.toBigInt();
    const rejected = await sendAndWait(api, api.tx.datanets.curate(datanet, [bob2.id], 'Reject'), alice);
    const rej = eventOf(api, rejected.events, api.events.datanets.ContributionRejected);
    assert.equal(rej.data.slashed.toBigInt(), FILE_BOND / 10n);
    assert.equal(rej.data.bondReleased.toBigInt(), FILE_BOND - FILE_BOND / 10n);
    eventOf(api, rejected.events, api.events.reputation.Slashed);
    const treasuryAfter = (await api.at(rejected.blockHash)).query.system.account(TREASURY);
    assert.equal((await treasuryAfter).data.free.toBigInt(), treasuryBefore + FILE_BOND / 10n);
    const score = eventOf(api, rejected.events, api.events.reputation.ScoreChanged);
    assert.ok(score.data.outcome.isNegative);
    assert.ok((await api.query.datanets.contributions(bob2.id)).unwrap().placement.isNone);

    v1 = [charlie1, bob1];
    const accepted = await sendAndWait(api, api.tx.datanets.curate(datanet, v1.map((f) => f.id), 'Accept'), alice);
    const acc = accepted.events.filter(({ event }) => api.events.datanets.ContributionAccepted.is(event)).map(({ event }) => event);
    // Appended in the order of the ids given: positions 0 and 1, the second's items after the
    // first's.
    assert.deepEqual(
      acc.map((e) => [e.data.id.toNumber(), e.data.contributor.toString(), e.data.position.toNumber(), e.data.first.toNumber(), e.data.bondReleased.toBigInt()]),
      [[charlie1.id, charlie.address, 0, 0, FILE_BOND], [bob1.id, bob.address, 1, charlie1.itemCount, FILE_BOND]],
    );
    for (const [position, f] of v1.entries()) {
      assert.equal((await api.query.datanets.placed(datanet, position)).unwrap().toNumber(), f.id);
      const placement = (await api.query.datanets.contributions(f.id)).unwrap().placement.unwrap();
      assert.deepEqual([placement.position.toNumber(), placement.first.toNumber()], [position, position === 0 ? 0 : charlie1.itemCount]);
    }
    assert.ok((await api.query.datanets.placed(datanet, 2)).isNone);
    assert.equal(heldBond(await api.query.balances.holds(bob.address)), 0n);
    assert.equal(heldBond(await api.query.balances.holds(charlie.address)), 0n);
  });

  let root1;
  await t.test('Alice publishes version 1; its root on chain equals datanet-root\'s and the one computed here', async () => {
    const bytes = v1.reduce((n, f) => n + f.size, 0);
    assert.equal(bytes, 491 + 731);
    const { events } = await sendAndWait(api, api.tx.datanets.publishVersion(datanet), alice);
    const published = eventOf(api, events, api.events.datanets.VersionPublished);
    assert.equal(published.data.version.toNumber(), 1);
    assert.equal(published.data.fileCount.toNumber(), 2);
    assert.equal(published.data.itemCount.toNumber(), 100);
    assert.equal(published.data.bytes.toNumber(), bytes);
    assert.equal(published.data.prevRoot.toHex(), ZERO);
    // 1 OPEN + 0.001 OPEN per started KiB: 1,222 bytes are 2 KiB.
    assert.equal(published.data.fee.toBigInt(), OPEN + 2n * MILLI);

    const stored = (await api.query.datanets.versions(datanet, 1)).unwrap();
    const viaApi = (await api.call.datanetsApi.version(datanet, 1)).unwrap();
    root1 = stored.root.toHex();
    assert.equal(viaApi.root.toHex(), root1);
    assert.equal(published.data.root.toHex(), root1);
    assert.equal(stored.prevRoot.toHex(), ZERO);
    assert.deepEqual([stored.fileCount.toNumber(), stored.itemCount.toNumber(), stored.bytes.toNumber()], [2, 100, bytes]);
    assert.equal(stored.fee.toBigInt(), OPEN + 2n * MILLI);

    assert.deepEqual(datanetRoot(v1), [`${root1} 2 100`], 'datanet-root reproduces the root from the files in acceptance order');
    assert.equal(versionOf(v1).root, root1, 'and so does the computation here');
    // The order is the acceptance order: the files in id order make another root.
    assert.notEqual(datanetRoot([...v1].reverse())[0].split(' ')[0], root1);

    // The runtime API lists the file leaves as laid out, and proves each as the tool does.
    const { leaves } = versionOf(v1);
    const listed = await api.call.datanetsApi.versionFiles(datanet, 1, 0, 100);
    const expectedLeaves = leaves.map((f) => ({ id: f.id, contributor: f.contributor, contentHash: f.contentHash, itemRoot: f.itemRoot, first: f.first, itemCount: f.itemCount }));
    assert.deepEqual(listed.map(leafOf), expectedLeaves);
    assert.deepEqual((await api.call.datanetsApi.versionFiles(datanet, 1, 1, 100)).map(leafOf), expectedLeaves.slice(1));
    for (let position = 0; position < v1.length; position++) {
      const [leaf, proof] = (await api.call.datanetsApi.fileProof(datanet, 1, position)).unwrap();
      assert.deepEqual(leafOf(leaf), expectedLeaves[position]);
      const lines = datanetRoot(v1, ['--proof', String(position)]);
      assert.equal(String(leaf.first.toNumber()), lines[0]);
      assert.equal(`${proof.leafIndex.toNumber()} ${proof.leafCount.toNumber()}`, lines[1]);
      assert.deepEqual(proof.siblings.map((s) => s.toHex()), lines.slice(2));
      assert.deepEqual(
        { leafIndex: proof.leafIndex.toNumber(), leafCount: proof.leafCount.toNumber(), siblings: proof.siblings.map((s) => s.toHex()) },
        merkleProof(leaves.map(fileLeafHash), position),
      );
    }
    assert.ok((await api.call.datanetsApi.fileProof(datanet, 1, 2)).isNone, 'no file at position 2');

    const mine = await api.call.datanetsApi.contributionsOf(bob.address, 0, 10);
    assert.deepEqual(mine.map((n) => n.toNumber()), [files[0].id, files[1].id]);
  });

  await t.test('Bob contributes his rejected file again; accepted, version 2 covers all three files and pays for the added bytes only', async () => {
    // A rejection frees the content hash.
    const bob2 = files[1];
    const { events } = await sendAndWait(api, api.tx.datanets.contribute(datanet, bob2.contentHash, bob2.itemRoot, bob2.itemCount, bob2.size, 'ipfs://bob-2-again'), bob);
    const again = { ...bob2, id: eventOf(api, events, api.events.datanets.Contributed).data.id.toNumber() };
    assert.notEqual(again.id, bob2.id);
    const accepted = await sendAndWait(api, api.tx.datanets.curate(datanet, [again.id], 'Accept'), alice);
    const acc = eventOf(api, accepted.events, api.events.datanets.ContributionAccepted);
    assert.deepEqual([acc.data.position.toNumber(), acc.data.first.toNumber()], [2, 100]);

    const published = eventOf(api, (await sendAndWait(api, api.tx.datanets.publishVersion(datanet), alice)).events, api.events.datanets.VersionPublished);
    const v2 = [...v1, again];
    const root2 = published.data.root.toHex();
    assert.equal(published.data.version.toNumber(), 2);
    assert.equal(published.data.prevRoot.toHex(), root1);
    assert.deepEqual(
      [published.data.fileCount.toNumber(), published.data.itemCount.toNumber(), published.data.bytes.toNumber()],
      [3, 130, 491 + 731 + 371],
    );
    // 371 bytes added: one started KiB (all 1,593 bytes would be two).
    assert.equal(published.data.fee.toBigInt(), OPEN + MILLI);
    const stored = (await api.query.datanets.versions(datanet, 2)).unwrap();
    assert.equal(stored.root.toHex(), root2);
    assert.equal(stored.prevRoot.toHex(), root1);
    assert.deepEqual(datanetRoot(v2), [`${root2} 3 130`]);
    assert.equal(versionOf(v2).root, root2);
    // Version 2 extends version 1: its first two files keep their positions and indices.
    const { leaves } = versionOf(v2);
    const listed = (await api.call.datanetsApi.versionFiles(datanet, 2, 0, 100)).map(leafOf);
    assert.deepEqual(listed.map((l) => [l.id, l.first, l.itemCount]), leaves.map((f) => [f.id, f.first, f.itemCount]));
    assert.deepEqual((await api.call.datanetsApi.versionFiles(datanet, 1, 0, 100)).map(leafOf), listed.slice(0, 2));
    const [, proof] = (await api.call.datanetsApi.fileProof(datanet, 2, 2)).unwrap();
    assert.deepEqual(proof.siblings.map((s) => s.toHex()), datanetRoot(v2, ['--proof', '2']).slice(2));
    // Version 1 is untouched.
    const first = (await api.query.datanets.versions(datanet, 1)).unwrap();
    assert.deepEqual([first.root.toHex(), first.fileCount.toNumber(), first.itemCount.toNumber()], [root1, 2, 100]);
    const info = (await api.query.datanets.datanets(datanet)).unwrap();
    assert.deepEqual([info.latestVersion.toNumber(), info.latestRoot.toHex()], [2, root2]);
  });

  let summary;
  await t.test('version 1, exported off-chain, is attributed by openledger-worker over its version indices', async () => {
    writeExport(dir, { datanet, version: 1, root: root1, dimension: 8, numLabels: 2, files: v1, query, queryLabel });
    summary = attributeExport(dir, { k: 1, t: KNN_T, top: 1, name: 'v' });
    assert.equal(summary.datanet.root, root1, 'the export was checked against the root on chain');
    assert.equal(summary.items, 100);

    // KNN-Shapley with K = 1 over the 30 nearest of the items laid end to end in acceptance
    // order (Charlie's 40, then Bob's 60), from docs/attribution.md's recursion; the other 70
    // are valued 0.
    const items = v1.flatMap((f) => f.items);
    const { values, ranked } = knnShapley(items, query, queryLabel, 1, KNN_T);
    assert.ok(values.filter((v) => v === 0n).length >= 70, 'nothing beyond the 30 nearest is valued');
    assert.deepEqual(ranked.slice(0, 2), [{ index: 7, d: 1 }, { index: 40 + 11, d: 4 }], 'the planted items, at their version indices');
    const raw = readFileSync(join(dir, 'v.npy'));
    const data = Buffer.from(raw.subarray(raw.length - 8 * items.length));
    const got = items.map((_, i) => data.readBigInt64LE(8 * i));
    assert.deepEqual(got, values);
    assert.deepEqual(summary.queries[0].top[0], { rank: 0, index: 7, distance: 1, value: Number(values[7]) });
  });

  await t.test('three staked workers commit and reveal that result; it is final by agreement', async () => {
    // Short windows, through a referendum on the parameters track: commit 2 blocks, reveal 2,
    // agreed 1.
    const params = {
      minStake: 100n * OPEN, replication: 3, quorum: 2, commitWindow: 2, revealWindow: 2,
      agreedChallengeWindow: 1, optimisticChallengeWindow: 3, challengeBond: 10n * OPEN,
      wrongResultSlash: 200_000_000, challengerShare: 500_000_000, openingWindow: 2, unbondingPeriod: 300,
    };
    await enact(api, keyring, api.tx.attribution.setParams(params), TRACK.parameters);
    assert.equal((await api.query.attribution.currentParams()).unwrap().commitWindow.toNumber(), 2);
    const workers = ['//Dave', '//Eve', '//Ferdie'].map((uri) => keyring.addFromUri(uri));
    await Promise.all(workers.map((w) => sendAndWait(api, api.tx.attribution.registerWorker(100n * OPEN), w)));
    const dave = await api.call.attributionApi.worker(workers[0].address);
    assert.equal(dave.unwrap().stake.toBigInt(), 100n * OPEN);

    const now = (await api.rpc.chain.getHeader()).number.toNumber();
    const spec = {
      datanet, version: 1, method: { KnnShapley: { k: 1, t: KNN_T } }, top: 1,
      queries: { One: { inputTokens: 1, outputTokens: 0, queryHash: blake2AsHex(new Uint8Array(query.buffer), 256), label: 1 } },
      rates: { input: 1, output: 1 }, deadline: now + 40,
    };
    const opened = await sendAndWait(api, api.tx.attribution.openJob(spec), alice);
    const job = eventOf(api, opened.events, api.events.attribution.JobOpened).data.job.toNumber();
    const assignedEv = eventOf(api, opened.events, api.events.attribution.WorkersAssigned);
    assert.deepEqual(
      assignedEv.data.workers.map((a) => a.toString()).sort(),
      workers.map((w) => w.address).sort(),
      'three active workers, three assigned',
    );

    const paid = paidOf(summary);
    const posted = oneQueryResult({ root: summary.queries[0].root, paid, slots: 1, contributorOf: contributorsByIndex(v1) });
    await commitAndReveal(api, job, workers, assignedEv, posted);

    // Tally after the reveal window, final one block after the agreed window.
    let result;
    const end = Date.now() + 120_000;
    while (Date.now() < end) {
      result = await api.call.attributionApi.finalResult(job);
      if (result.isSome) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    assert.ok(result.isSome, 'the job became final');
    const final = result.unwrap();
    assert.equal(final.queries.toHex(), posted.queries);
    assert.equal(final.credits.toHex(), posted.credits);
    assert.equal(final.totals.toNumber(), posted.totals.length);
    assert.ok(final.agreed);
    assert.equal(final.supporters.length, 3);
    assert.ok((await api.call.attributionApi.job(job)).isNone, 'no longer open');
  });

  let model;
  await t.test('Alice registers a model trained on the version; its deposit is held', async () => {
    const tx = api.tx.models.registerModel(
      'llama-pets', blake2AsHex('base weights'), blake2AsHex('adapter weights'), 'Lora',
      { KnnShapley: { k: 1, t: KNN_T } }, [[datanet, 1]], { inputPer1k: OPEN / 1000n, outputPer1k: OPEN / 500n },
      [{ hash: blake2AsHex('checkpoint 1'), validationScore: 910_000, recordedAt: 0 }],
    );
    const { events, blockHash } = await sendAndWait(api, tx, alice);
    const ev = eventOf(api, events, api.events.models.ModelRegistered);
    assert.equal(ev.data.deposit.toBigInt(), 10n * OPEN);
    const id = ev.data.model.toNumber();
    model = id;
    const registered = (await api.query.models.models(id)).unwrap();
    assert.equal(registered.owner.toString(), alice.address);
    assert.ok(registered.status.isActive);
    assert.deepEqual(registered.trainedOn.map(([d, v]) => [d.toNumber(), v.toNumber()]), [[datanet, 1]]);
    const record = await api.query.models.trainingRecord(id);
    const block = (await api.rpc.chain.getHeader(blockHash)).number.toNumber();
    assert.equal(record[0].recordedAt.toNumber(), block, 'the chain stamps the checkpoint');
    const held = (await api.query.balances.holds(alice.address))
      .filter((h) => h.id.isModels)
      .reduce((sum, h) => sum + h.amount.toBigInt(), 0n);
    assert.equal(held, 10n * OPEN);
    // A version that was never published is refused.
    await assert.rejects(
      sendAndWait(api, api.tx.models.registerModel('x', blake2AsHex('b'), blake2AsHex('a'), 'Qlora',
        { KnnShapley: { k: 1, t: KNN_T } }, [[datanet, 3]], { inputPer1k: 1, outputPer1k: 1 }, []), alice),
      /models.UnknownVersion/,
    );
  });

  // The contributors' share goes from 40% to 50%, the owner's from 35% to 25%; KNN-Shapley pays
  // the 2 nearest entries; 40 blocks per job.
  const shares = { contributors: 500_000_000, owner: 250_000_000, workers: 150_000_000, treasury: 100_000_000 };
  const platformFee = OPEN / 100n;
  const rewardsParams = { shares, platformFee, jobWindow: 40, knnPaid: 2 };
  await t.test('a referendum on the parameters track raises the contributors\' share', async () => {
    assert.ok((await api.query.rewards.currentParams()).isNone, 'the runtime defaults (contributors 40%) are in force');
    const { index, track, block } = await submitReferendum(api, alice, api.tx.rewards.setParams(rewardsParams), TRACK.parameters);
    assert.equal(track, 1, 'the parameters track');
    assert.ok((await api.query.referenda.referendumInfoFor(index)).unwrap().isOngoing);
    const { events } = await sendAndWait(api, api.tx.referenda.placeDecisionDeposit(index), alice);
    assert.equal(eventOf(api, events, api.events.referenda.DecisionDepositPlaced).data.amount.toBigInt(), 1000n * OPEN);
    await voteAll(api, keyring, index, true);
    for (const [uri, conviction] of VOTERS) {
      const voting = await api.query.convictionVoting.votingFor(keyring.addFromUri(uri).address, track);
      // Each voter's votes on this track, by referendum (it voted on the windows' one too).
      const [, cast] = voting.asCasting.votes.find(([i]) => i.toNumber() === index);
      const vote = cast.asStandard;
      assert.equal(vote.vote.conviction.type, conviction);
      assert.ok(vote.vote.isAye);
      assert.equal(vote.balance.toBigInt(), VOTE_BALANCE);
    }
    assert.equal(await outcome(api, index), 'Approved');
    await enactment(api, index, block);
    const after = (await api.query.rewards.currentParams()).unwrap();
    assert.deepEqual(after.shares.toJSON(), shares);
    assert.equal(after.knnPaid.toNumber(), 2);
    // Votes with conviction keep their balance locked after the referendum.
    const locks = await api.query.balances.locks(keyring.addFromUri(VOTERS[3][0]).address);
    assert.equal(locks.find((l) => l.id.toUtf8() === 'pyconvot').amount.toBigInt(), VOTE_BALANCE);
  });

  await t.test('a referendum that is voted down changes nothing', async () => {
    const other = { ...rewardsParams, shares: { ...shares, contributors: 600_000_000, owner: 150_000_000 } };
    const { index } = await submitReferendum(api, alice, api.tx.rewards.setParams(other), TRACK.parameters);
    await sendAndWait(api, api.tx.referenda.placeDecisionDeposit(index), alice);
    await voteAll(api, keyring, index, false);
    assert.equal(await outcome(api, index), 'Rejected');
    assert.deepEqual((await api.query.rewards.currentParams()).unwrap().shares.toJSON(), shares);
    // The decision deposit comes back once the referendum is over.
    const { events } = await sendAndWait(api, api.tx.referenda.refundDecisionDeposit(index), alice);
    assert.equal(eventOf(api, events, api.events.referenda.DecisionDepositRefunded).data.amount.toBigInt(), 1000n * OPEN);
  });

  await t.test('a paid inference escrows its fee; once its job is final the fee is split and claimed', async () => {
    const payer = keyring.addFromUri('//Payer');
    const workers = ['//Dave', '//Eve', '//Ferdie'].map((uri) => keyring.addFromUri(uri));
    await sendAndWait(api, api.tx.balances.transferKeepAlive(payer.address, 100n * OPEN), alice);

    // 1,500 input tokens at 0.001 OPEN per 1,000 and 200 output at 0.002: 0.0019 OPEN.
    const tokenFee = (1500n * (OPEN / 1000n) + 200n * (OPEN / 500n)) / 1000n;
    const quote = await api.call.rewardsApi.quote(model, 1500, 200);
    assert.equal(quote.unwrap().toBigInt(), tokenFee + platformFee);
    const pallet = u8aToHex(u8aConcat(stringToU8a('modlol/rewrd'), new Uint8Array(20)));
    const potBefore = (await api.query.system.account(pallet)).data.free.toBigInt();
    const queryHash = blake2AsHex(new Uint8Array(query.buffer), 256);
    const recorded = await sendAndWait(api, api.tx.rewards.recordInference(model, 1500, 200, queryHash, 1), payer);
    const ev = eventOf(api, recorded.events, api.events.rewards.InferenceRecorded);
    assert.equal(ev.data.fee.toBigInt(), tokenFee);
    const [job] = ev.data.jobs.map((j) => j.toNumber());
    const potAfter = (await api.at(recorded.blockHash)).query.system.account(pallet);
    assert.equal((await potAfter).data.free.toBigInt(), potBefore + tokenFee + platformFee, 'the fee is escrowed');
    const assignedEv = eventOf(api, recorded.events, api.events.attribution.WorkersAssigned);

    // The workers compute the job's result (the 2 nearest entries paid) and post it.
    const result = attributeExport(dir, { k: 1, t: KNN_T, top: 2, name: 'v2' });
    const paid = paidOf(result);
    const posted = oneQueryResult({ root: result.queries[0].root, paid, slots: 2, contributorOf: contributorsByIndex(v1) });
    await commitAndReveal(api, job, workers, assignedEv, posted);

    let payout;
    const end = Date.now() + 120_000;
    while (Date.now() < end) {
      payout = await api.call.rewardsApi.payout(job);
      if (payout.isSome) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    assert.ok(payout.isSome, 'the job settled');
    payout = payout.unwrap();

    // What the spec predicts, from the off-chain values: each paid index pays the contributor
    // of the file holding it in version 1.
    assert.deepEqual(paid.map((e) => e.index), [7, 51], 'one item of Charlie\'s file, one of Bob\'s');
    const contributorOf = contributorsByIndex(v1);
    // Split by the shares the referendum set: 50% to the contributors, 25% to the owner.
    const expected = await predictContributors(api, (tokenFee * 500_000_000n) / 1_000_000_000n, paid, contributorOf);
    assert.deepEqual([...expected.keys()].sort(), [bob.address, charlie.address].sort(), 'both contributors are paid');
    assert.equal(payout.contributors.toNumber(), expected.size);
    assert.equal(payout.toContributors.toBigInt(), [...expected.values()].reduce((a, b) => a + b, 0n));
    assert.equal(payout.owner[1].toBigInt(), (tokenFee * 250_000_000n) / 1_000_000_000n);
    assert.equal(payout.workers.length, 3);

    // Anyone pays a contributor out: the balance rises by exactly the predicted amount.
    for (const [who, amount] of expected) {
      const before = (await api.query.system.account(who)).data.free.toBigInt();
      const { events } = await sendAndWait(api, api.tx.rewards.claimFor(who), payer);
      assert.equal(eventOf(api, events, api.events.rewards.Claimed).data.amount.toBigInt(), amount);
      const after = (await api.query.system.account(who)).data.free.toBigInt();
      assert.equal(after - before, amount);
      const earned = await api.call.rewardsApi.earnings(who);
      assert.deepEqual(earned.map(([d, a]) => [d.toNumber(), a.toBigInt()]), [[datanet, amount]]);
    }
    const fees = await api.call.rewardsApi.modelFees(model);
    assert.equal(fees.settled.toBigInt(), tokenFee + platformFee);
  });
});
