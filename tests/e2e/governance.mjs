// Governance as a voter's script does it: a preimage, a referendum on a track, its decision
// deposit, votes with conviction, then its outcome and enactment. The dev node's preset divides
// every track period so that a day is one block (runtime/src/genesis_config_presets.rs).

import assert from 'node:assert/strict';
import { bnToU8a, compactToU8a, stringToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { blake2AsU8a } from '@polkadot/util-crypto';
import { sendAndWait, sleep } from './node-process.mjs';
import { eventOf } from './helpers.mjs';

const OPEN = 10n ** 18n;

/// Dev accounts that only vote, with the conviction each votes with: together 3.6 million of
/// the 12 million OPEN in the dev chain, above the 25% support every track starts at.
export const VOTERS = [
  ['//Alice//stash', 'Locked1x'],
  ['//Bob//stash', 'Locked2x'],
  ['//Charlie//stash', 'None'],
  ['//Dave//stash', 'Locked6x'],
];
/// What each voter puts behind its vote.
export const VOTE_BALANCE = 900_000n * OPEN;

/// The origin of a track, as `referenda.submit` takes it.
export const TRACK = {
  root: { system: 'Root' },
  parameters: { Origins: 'Parameters' },
  workers: { Origins: 'Workers' },
  treasury: { Origins: 'Treasurer' },
  emergency: { Origins: 'EmergencyHalt' },
};

/// Notes `call` as a preimage and submits it on the track of `origin`, both from `proposer`;
/// resolves with the referendum's index and track and the block it was submitted in.
export async function submitReferendum(api, proposer, call, origin) {
  const noted = await sendAndWait(api, api.tx.preimage.notePreimage(call.method.toHex()), proposer);
  const hash = call.method.hash.toHex();
  assert.equal(eventOf(api, noted.events, api.events.preimage.Noted).data[0].toHex(), hash);
  const proposal = { Lookup: { hash, len: call.method.encodedLength } };
  const { events, blockHash } = await sendAndWait(api, api.tx.referenda.submit(origin, proposal, { After: 0 }), proposer);
  const ev = eventOf(api, events, api.events.referenda.Submitted);
  const block = (await api.rpc.chain.getHeader(blockHash)).number.toNumber();
  return { index: ev.data.index.toNumber(), track: ev.data.track.toNumber(), block };
}

/// Every voter in `VOTERS` votes `aye` (or nay) on referendum `index` with its conviction.
export async function voteAll(api, keyring, index, aye) {
  await Promise.all(VOTERS.map(([uri, conviction]) => sendAndWait(
    api,
    api.tx.convictionVoting.vote(index, { Standard: { vote: { aye, conviction }, balance: VOTE_BALANCE } }),
    keyring.addFromUri(uri),
  )));
}

/// Resolves with how referendum `index` ended ('Approved', 'Rejected', ...) once it has.
export async function outcome(api, index, ms = 180_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const info = await api.query.referenda.referendumInfoFor(index);
    if (info.isSome && !info.unwrap().isOngoing) return info.unwrap().type;
    await sleep(500);
  }
  throw new Error(`referendum ${index} still undecided after ${ms / 1000} s`);
}

/// The scheduler's name for the enactment of referendum `index`, as pallet-referenda derives it.
function enactmentId(index) {
  return u8aToHex(blake2AsU8a(u8aConcat(
    stringToU8a('assembly'), compactToU8a(9), stringToU8a('enactment'), bnToU8a(index, { bitLength: 32 }),
  )));
}

/// Resolves with the block in which the scheduler dispatched referendum `index`'s call, looking
/// from block `from` on; fails if that dispatch failed.
export async function enactment(api, index, from, ms = 120_000) {
  const id = enactmentId(index);
  const end = Date.now() + ms;
  for (let n = from; Date.now() < end;) {
    const best = (await api.rpc.chain.getHeader()).number.toNumber();
    for (; n <= best; n++) {
      const events = await (await api.at(await api.rpc.chain.getBlockHash(n))).query.system.events();
      const found = events.find(({ event }) => api.events.scheduler.Dispatched.is(event)
        && event.data.id.isSome && event.data.id.unwrap().toHex() === id);
      if (found) {
        assert.ok(found.event.data.result.isOk, `referendum ${index}'s call failed: ${found.event.data.result}`);
        return n;
      }
    }
    await sleep(500);
  }
  throw new Error(`referendum ${index} was not enacted within ${ms / 1000} s`);
}

/// The whole path for a call that should pass: preimage and referendum from Alice, her decision
/// deposit, every voter aye; resolves once the call has been enacted.
export async function enact(api, keyring, call, origin) {
  const alice = keyring.addFromUri('//Alice');
  const { index, block } = await submitReferendum(api, alice, call, origin);
  await sendAndWait(api, api.tx.referenda.placeDecisionDeposit(index), alice);
  await voteAll(api, keyring, index, true);
  assert.equal(await outcome(api, index), 'Approved');
  return enactment(api, index, block);
}
