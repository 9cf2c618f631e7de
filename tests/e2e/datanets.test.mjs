// Datanets end to end through @polkadot/api, as an owner and two contributors see them: create
// a Datanet, contribute from two accounts, reject one item and accept the rest, publish a
// version, and check its root against the root the shared Rust crate computes off-chain; then
// export the version and attribute it with openledger-worker, checked against the spec; then
// three staked workers commit and reveal that result on chain and it becomes final by agreement;
// then a model is registered on the version; a referendum on the `parameters` track (preimage,
// decision deposit, conviction votes from several accounts) raises the contributors' share and
// a second one, voted down, changes nothing; then a paid inference escrows its fee, and once its
// job is final the fee is split by the new share and each contributor is paid exactly what the
// spec predicts.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keyring } from '@polkadot/keyring';
import { bnToU8a, compactToU8a, hexToU8a, stringToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { blake2AsHex, cryptoWaitReady } from '@polkadot/util-crypto';
import { startDevNode, stop, waitForBlock, sendAndWait, releaseBinary } from './node-process.mjs';
import { attributeExport, eventOf, predictContributors, writeExport } from './helpers.mjs';
import { enact, enactment, outcome, submitReferendum, TRACK, VOTE_BALANCE, VOTERS, voteAll } from './governance.mjs';

const OPEN = 10n ** 18n;
const BOND = OPEN;
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

/// The squared L2 distance of two int8 vectors, as docs/attribution.md defines it.
function distance(a, b) {
  return a.reduce((sum, x, j) => sum + (x - b[j]) ** 2, 0);
}

/// The paid entries of a worker summary's first query.
function paidOf(summary) {
  return summary.queries[0].top.map((e) => ({ rank: e.rank, index: e.index, distance: e.distance, value: e.value }));
}

/// Each worker commits to the worker binary's result, the commitment root and the paid top
/// entries, hashed as pallets/attribution's commit_hash does (SCALE, blake2-256), then reveals
/// it once the commit window is over.
async function commitAndReveal(api, job, workers, assignedEv, commitment, paid) {
  const entryBytes = (e) => u8aConcat(
    bnToU8a(e.rank, { bitLength: 32 }), bnToU8a(e.index, { bitLength: 32 }),
    bnToU8a(e.distance, { bitLength: 32 }), bnToU8a(BigInt(e.value), { bitLength: 64, isNegative: true }),
  );
  const salts = workers.map((_, i) => blake2AsHex(`salt-${job}-${i}`));
  const commitHash = (w, salt) => blake2AsHex(u8aConcat(
    stringToU8a('openledger/attribution/commit'), bnToU8a(job, { bitLength: 64 }), w.publicKey,
    hexToU8a(commitment), compactToU8a(paid.length), ...paid.map(entryBytes), hexToU8a(salt),
  ));
  await Promise.all(workers.map((w, i) => sendAndWait(api, api.tx.attribution.commit(job, commitHash(w, salts[i])), w)));
  await waitForBlock(api, assignedEv.data.commitEnd.toNumber() + 1);
  await Promise.all(workers.map((w, i) => sendAndWait(api, api.tx.attribution.reveal(job, commitment, paid, salts[i]), w)));
}

/// The root (or with `--proof id`, the proof) the off-chain tool computes from `leaves`.
function offChain(leaves, args = []) {
  const input = leaves
    .map((l) => `${l.id} ${l.contributor} ${l.contentHash} ${l.embeddingHash} ${l.label}`)
    .join('\n');
  return execFileSync(releaseBinary('datanet-root'), args, { input }).toString().trim();
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
    const caps = { itemsPerContributor: 10, bytesPerContributor: 1_000_000, itemsPerDatanet: 100, bytesPerDatanet: 10_000_000 };
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

  const items = [];
  await t.test('Bob and Charlie contribute; each bond is held', async () => {
    const plan = [[bob, 'bob-1', 0], [bob, 'bob-2', 1], [charlie, 'charlie-1', 1]];
    for (const [who, name, label] of plan) {
      const contentHash = blake2AsHex(`content:${name}`);
      // An int8 embedding of the Datanet's dimension (8); its hash is blake2-256 of its bytes.
      const embedding = Int8Array.from({ length: 8 }, (_, j) => ((name.charCodeAt(j % name.length) * (j + 3)) % 201) - 100);
      const embeddingHash = blake2AsHex(new Uint8Array(embedding.buffer), 256);
      const tx = api.tx.datanets.contribute(datanet, contentHash, embeddingHash, label, 2048, `ipfs://${name}`);
      const { events } = await sendAndWait(api, tx, who);
      const ev = eventOf(api, events, api.events.datanets.Contributed);
      assert.equal(ev.data.bond.toBigInt(), BOND);
      items.push({ id: ev.data.id.toNumber(), who, contributor: u8aToHex(who.publicKey), contentHash, embeddingHash, label, embedding });
    }
    assert.equal(heldBond(await api.query.balances.holds(bob.address)), 2n * BOND);
    assert.equal(heldBond(await api.query.balances.holds(charlie.address)), BOND);
    // The same content again is refused and changes nothing.
    await assert.rejects(
      sendAndWait(api, api.tx.datanets.contribute(datanet, items[0].contentHash, items[0].embeddingHash, 0, 1, 'x'), charlie),
      /DuplicateContent/,
    );
    assert.equal(heldBond(await api.query.balances.holds(charlie.address)), BOND);
  });

  await t.test('Alice rejects one of Bob\'s items (10% slashed to the treasury) and accepts the rest', async () => {
    const [bad, ...good] = [items[1], items[0], items[2]];
    const treasuryBefore = (await api.query.system.account(TREASURY)).data.free.toBigInt();
    const rejected = await sendAndWait(api, api.tx.datanets.curate(datanet, [bad.id], 'Reject'), alice);
    const rej = eventOf(api, rejected.events, api.events.datanets.ContributionRejected);
    assert.equal(rej.data.slashed.toBigInt(), BOND / 10n);
    assert.equal(rej.data.bondReleased.toBigInt(), BOND - BOND / 10n);
    eventOf(api, rejected.events, api.events.reputation.Slashed);
    const treasuryAfter = (await api.at(rejected.blockHash)).query.system.account(TREASURY);
    assert.equal((await treasuryAfter).data.free.toBigInt(), treasuryBefore + BOND / 10n);
    const score = eventOf(api, rejected.events, api.events.reputation.ScoreChanged);
    assert.ok(score.data.outcome.isNegative);

    const accepted = await sendAndWait(api, api.tx.datanets.curate(datanet, good.map((i) => i.id), 'Accept'), alice);
    const acc = accepted.events.filter(({ event }) => api.events.datanets.ContributionAccepted.is(event));
    assert.equal(acc.length, 2);
    assert.equal(heldBond(await api.query.balances.holds(bob.address)), 0n);
    assert.equal(heldBond(await api.query.balances.holds(charlie.address)), 0n);
    items.splice(1, 1); // what remains is what the version holds
  });

  await t.test('Alice publishes version 1; the root on chain equals the root computed off-chain', async () => {
    const { events } = await sendAndWait(api, api.tx.datanets.publishVersion(datanet), alice);
    const published = eventOf(api, events, api.events.datanets.VersionPublished);
    assert.equal(published.data.version.toNumber(), 1);
    assert.equal(published.data.itemCount.toNumber(), 2);
    // 1 OPEN + 0.001 OPEN per started KiB: two items of 2 KiB.
    assert.equal(published.data.fee.toBigInt(), OPEN + 4n * (OPEN / 1000n));

    const stored = (await api.query.datanets.versions(datanet, 1)).unwrap();
    const viaApi = (await api.call.datanetsApi.version(datanet, 1)).unwrap();
    const onChain = stored.root.toHex();
    assert.equal(viaApi.root.toHex(), onChain);
    assert.equal(published.data.root.toHex(), onChain);
    assert.equal(stored.prevRoot.toHex(), `0x${'00'.repeat(32)}`);

    assert.equal(offChain(items), onChain, 'datanet-root reproduces the root');
    // Listing the leaves in another order gives the same root: the order is by id.
    assert.equal(offChain([...items].reverse()), onChain);

    // The runtime API's proof for an item matches the one the tool builds.
    const proof = (await api.call.datanetsApi.versionProof(datanet, 1, items[1].id)).unwrap();
    const lines = offChain(items, ['--proof', String(items[1].id)]).split('\n');
    assert.equal(`${proof.leafIndex.toNumber()} ${proof.leafCount.toNumber()}`, lines[0]);
    assert.deepEqual(proof.siblings.map((s) => s.toHex()), lines.slice(1));

    const mine = await api.call.datanetsApi.contributionsOf(bob.address, 0, 10);
    assert.deepEqual(mine.map((n) => n.toNumber()), [items[0].id, items[0].id + 1]);
  });

  let summary;
  const query = Int8Array.from([3, -7, 12, 0, -1, 5, 9, -4]);
  await t.test('the published version, exported off-chain, is attributed by openledger-worker', async () => {
    const version = (await api.query.datanets.versions(datanet, 1)).unwrap();
    const leaves = [...items].sort((a, b) => a.id - b.id);
    const queryLabel = 1;
    writeExport(dir, { datanet, root: version.root.toHex(), dimension: 8, leaves, query, queryLabel });
    summary = attributeExport(dir, { k: 1, top: 1, name: 'v' });
    assert.equal(summary.datanet.root, version.root.toHex(), 'the export was checked against the root on chain');

    // KNN-Shapley with K = 1 over the two items, from docs/attribution.md: rank by
    // (distance, index); v[last] = m * floor(2^30 / 2); v[0] = v[1] + (m0 - m1) * 2^30.
    const S = 2n ** 30n;
    const ranked = leaves
      .map((l, index) => ({ index, d: distance(query, l.embedding), m: l.label === queryLabel ? 1n : 0n }))
      .sort((a, b) => a.d - b.d || a.index - b.index);
    const v1 = ranked[1].m * (S / 2n);
    const v0 = v1 + (ranked[0].m - ranked[1].m) * S;
    const expected = [0n, 0n];
    expected[ranked[0].index] = v0;
    expected[ranked[1].index] = v1;
    const values = readFileSync(join(dir, 'v.npy'));
    const data = values.subarray(values.length - 16);
    const got = [0, 8].map((o) => Buffer.from(data).readBigInt64LE(o));
    assert.deepEqual(got, expected);
    assert.deepEqual(summary.queries[0].top[0], {
      rank: 0, index: ranked[0].index, distance: ranked[0].d, value: Number(v0),
    });
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
      datanet, version: 1, method: { KnnShapley: { k: 1 } }, top: 1,
      queryHash: blake2AsHex(new Uint8Array(query.buffer), 256), queryLabel: 1, deadline: now + 40,
    };
    const opened = await sendAndWait(api, api.tx.attribution.openJob(spec), alice);
    const job = eventOf(api, opened.events, api.events.attribution.JobOpened).data.job.toNumber();
    const assignedEv = eventOf(api, opened.events, api.events.attribution.WorkersAssigned);
    assert.deepEqual(
      assignedEv.data.workers.map((a) => a.toString()).sort(),
      workers.map((w) => w.address).sort(),
      'three active workers, three assigned',
    );

    const commitment = summary.queries[0].root;
    const paid = paidOf(summary);
    await commitAndReveal(api, job, workers, assignedEv, commitment, paid);

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
    assert.equal(final.commitment.toHex(), commitment);
    assert.ok(final.agreed);
    assert.equal(final.supporters.length, 3);
    assert.deepEqual(final.paid.map((e) => [e.rank.toNumber(), e.index.toNumber(), e.distance.toNumber(), e.value.toBigInt()]),
      paid.map((e) => [e.rank, e.index, e.distance, BigInt(e.value)]));
    assert.ok((await api.call.attributionApi.job(job)).isNone, 'no longer open');
  });

  let model;
  await t.test('Alice registers a model trained on the version; its deposit is held', async () => {
    const tx = api.tx.models.registerModel(
      'llama-pets', blake2AsHex('base weights'), blake2AsHex('adapter weights'), 'Lora',
      { KnnShapley: { k: 1 } }, [[datanet, 1]], { inputPer1k: OPEN / 1000n, outputPer1k: OPEN / 500n },
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
        { KnnShapley: { k: 1 } }, [[datanet, 2]], { inputPer1k: 1, outputPer1k: 1 }, []), alice),
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
    const result = attributeExport(dir, { k: 1, top: 2, name: 'v2' });
    const paid = paidOf(result);
    await commitAndReveal(api, job, workers, assignedEv, result.queries[0].root, paid);

    let payout;
    const end = Date.now() + 120_000;
    while (Date.now() < end) {
      payout = await api.call.rewardsApi.payout(job);
      if (payout.isSome) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    assert.ok(payout.isSome, 'the job settled');
    payout = payout.unwrap();

    // What the spec predicts, from the off-chain values.
    const leaves = [...items].sort((a, b) => a.id - b.id);
    // Split by the shares the referendum set: 50% to the contributors, 25% to the owner.
    const expected = await predictContributors(api, (tokenFee * 500_000_000n) / 1_000_000_000n, paid, leaves.map((l) => l.who.address));
    assert.ok(expected.size > 0, 'someone is paid');
    assert.deepEqual(
      new Map(payout.contributors.map(([who, amount]) => [who.toString(), amount.toBigInt()])),
      expected,
    );
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
