// A runtime upgrade on a live network (local.toml with the development preset's referendum
// periods): a referendum on the root track authorizes the code hash of the next runtime (this
// runtime built with `increment-spec-version`, see runtime/build.rs); the code is then applied;
// the relay chain checks and accepts the new validation code; the parachain enacts it, reports the
// new spec_version, and goes on producing blocks that the relay chain finalizes.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { blake2AsHex, cryptoWaitReady } from '@polkadot/util-crypto';
import { outcome, TRACK, VOTE_BALANCE, VOTERS } from '../tests/e2e/governance.mjs';
import { BUILD, RELEASE, networkConfig, spawnNetwork, until } from './network.mjs';
import { bestNumber, finalizedNumber, PARA_ID, sendFinalized } from './chain.mjs';

/// A day of every track becomes one block, as in the development preset
/// (`DEV_PERIOD_DIVISOR`: a day of 6-second blocks).
const DEV_PERIOD_DIVISOR = 14_400;
const NEXT = join(RELEASE, 'wbuild/openledger-runtime/wasm_binary_spec_version_incremented.rs.compact.compressed.wasm');
let net;

after(async () => {
  if (net) await net.stop();
});

test('upgrade: a new spec_version by root referendum, enacted on the live network', { timeout: 1_800_000 }, async (t) => {
  await cryptoWaitReady();
  assert.ok(existsSync(NEXT), `${NEXT} not found: build it with \`${BUILD}\``);
  const code = readFileSync(NEXT);
  const codeHash = blake2AsHex(code);
  net = await spawnNetwork('upgrade', networkConfig((c) => {
    c.parachains[0].genesis = { runtimeGenesis: { patch: { origins: { periodDivisor: DEV_PERIOD_DIVISOR } } } };
    return c;
  }));
  const relay = await net.api('alice');
  const para = await net.api('charlie');
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const figures = { codeBytes: code.length };
  await until('para block 2 to be finalized', async () => (await finalizedNumber(para)) >= 2, 600_000);
  const before = (await para.rpc.state.getRuntimeVersion()).specVersion.toNumber();
  assert.equal((await para.query.system.authorizedUpgrade()).isNone, true);

  let t0 = Date.now();
  await t.test('a root referendum authorizes the new code\'s hash', async () => {
    // As a voter's script does it on a live chain, each step awaited until finalized: blocks of
    // two collators fork and reorganise, so a transaction is followed by its status, not looked
    // for by block number.
    const alice = keyring.addFromUri('//Alice');
    const call = para.tx.system.authorizeUpgrade(codeHash);
    await sendFinalized(para, para.tx.preimage.notePreimage(call.method.toHex()), alice);
    const proposal = { Lookup: { hash: call.method.hash.toHex(), len: call.method.encodedLength } };
    const { events } = await sendFinalized(para, para.tx.referenda.submit(TRACK.root, proposal, { After: 0 }), alice);
    const index = events.find(({ event }) => para.events.referenda.Submitted.is(event)).event.data.index.toNumber();
    await sendFinalized(para, para.tx.referenda.placeDecisionDeposit(index), alice);
    await Promise.all(VOTERS.map(([uri, conviction]) => sendFinalized(
      para,
      para.tx.convictionVoting.vote(index, { Standard: { vote: { aye: true, conviction }, balance: VOTE_BALANCE } }),
      keyring.addFromUri(uri),
    )));
    assert.equal(await outcome(para, index, 600_000), 'Approved');
    await until('the scheduler to enact it', async () => (await para.query.system.authorizedUpgrade()).isSome, 300_000);
    figures.referendumSeconds = (Date.now() - t0) / 1000;
    const authorized = await para.query.system.authorizedUpgrade();
    assert.equal(authorized.unwrap().codeHash.toHex(), codeHash);
  });

  await t.test('the authorized code is applied, accepted by the relay chain and enacted', async () => {
    t0 = Date.now();
    // Anyone may apply an authorized upgrade; it is free once it succeeds.
    const { events } = await sendFinalized(para, para.tx.system.applyAuthorizedUpgrade(u8aToHex(code)), keyring.addFromUri('//Ferdie'));
    assert.ok(events.some(({ event }) => para.events.parachainSystem.ValidationFunctionStored.is(event)), 'the parachain stored the new code for the relay chain');
    figures.appliedSeconds = (Date.now() - t0) / 1000;
    // The relay chain pre-checks the code (its validators compile it in their PVF workers), then
    // makes it para 2000's current code.
    await until('the relay chain to make it para 2000\'s code', async () => {
      const at = await relay.at(await relay.rpc.chain.getFinalizedHead());
      return (await at.query.paras.currentCodeHash(PARA_ID)).toHex() === codeHash;
    }, 600_000, 2000);
    figures.relayAcceptedSeconds = (Date.now() - t0) / 1000;
    await until('the parachain to report the new spec_version', async () => (await para.rpc.state.getRuntimeVersion()).specVersion.toNumber() === before + 1, 600_000, 1000);
    figures.enactedSeconds = (Date.now() - t0) / 1000;
    assert.equal((await para.query.system.lastRuntimeUpgrade()).unwrap().specVersion.toNumber(), before + 1);
  });

  await t.test('blocks go on under the new runtime and the relay chain finalizes them', async () => {
    t0 = Date.now();
    const from = await bestNumber(para);
    await until('three more blocks finalized', async () => (await finalizedNumber(para)) >= from + 3, 300_000);
    figures.threeFinalizedAfterSeconds = (Date.now() - t0) / 1000;
    const hash = await para.rpc.chain.getFinalizedHead();
    assert.equal((await para.rpc.state.getRuntimeVersion(hash)).specVersion.toNumber(), before + 1);
    console.log(`# upgrade figures: ${JSON.stringify(figures)}`);
  });
});
