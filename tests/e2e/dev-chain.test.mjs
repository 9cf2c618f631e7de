// The dev chain end to end, as a contributor's script sees it: properties, a signed transfer with
// its fee, and persistence across a hard kill.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { startDevNode, killHard, stop, waitForBlock, sendAndWait } from './node-process.mjs';

const OPEN = 10n ** 18n;
const dir = mkdtempSync(join(tmpdir(), 'openledger-e2e-'));
const basePath = join(dir, 'chain');
const logFile = join(dir, 'node.log');
let node;

after(async () => {
  if (node) await stop(node);
  if (process.env.KEEP_E2E_DIR) console.log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
});

test('dev chain: OPEN properties, a transfer with its fee, and a restart after SIGKILL', { timeout: 600_000 }, async (t) => {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const alice = keyring.addFromUri('//Alice');
  const bob = keyring.addFromUri('//Bob');

  node = await startDevNode({ basePath, logFile });
  let { api } = node;

  await t.test('the chain announces OPEN with 18 decimals', async () => {
    const props = await api.rpc.system.properties();
    assert.deepEqual(props.tokenSymbol.unwrap().map(String), ['OPEN']);
    assert.deepEqual(props.tokenDecimals.unwrap().map((d) => d.toNumber()), [18]);
    assert.deepEqual(api.registry.chainTokens, ['OPEN']);
    assert.deepEqual(api.registry.chainDecimals, [18]);
    assert.equal((await api.rpc.system.chain()).toString(), 'OpenLedger Development');
  });

  await t.test('Alice pays Bob; both balances and the fee event agree', async () => {
    await waitForBlock(api, 1);
    const amount = 5n * OPEN;
    const parent = await api.rpc.chain.getBlockHash();
    const before = await api.at(parent);
    const aliceBefore = (await before.query.system.account(alice.address)).data.free.toBigInt();
    const bobBefore = (await before.query.system.account(bob.address)).data.free.toBigInt();

    const { blockHash, events } = await sendAndWait(api, api.tx.balances.transferKeepAlive(bob.address, amount), alice);

    const feeEvent = events.find(({ event }) => api.events.transactionPayment.TransactionFeePaid.is(event));
    assert.ok(feeEvent, 'TransactionFeePaid is emitted');
    const [who, actualFee, tip] = feeEvent.event.data;
    assert.equal(who.toString(), alice.address);
    assert.equal(tip.toBigInt(), 0n);
    const fee = actualFee.toBigInt();
    assert.ok(fee > 0n, 'the transfer paid a fee');
    assert.ok(events.some(({ event }) => api.events.balances.Transfer.is(event)
      && event.data.amount.toBigInt() === amount), 'Transfer event for the amount');

    // Balances at the block that included the transfer, against the block we read before it.
    // No other transaction touches these accounts, so the difference is exactly amount + fee.
    const at = await api.at(blockHash);
    const aliceAfter = (await at.query.system.account(alice.address)).data.free.toBigInt();
    const bobAfter = (await at.query.system.account(bob.address)).data.free.toBigInt();
    assert.equal(bobAfter, bobBefore + amount);
    assert.equal(aliceAfter, aliceBefore - amount - fee);
  });

  await t.test('SIGKILL and restart on the same base path keeps the chain', async () => {
    const reached = await waitForBlock(api, 4);
    const bobBefore = (await api.query.system.account(bob.address)).data.free.toBigInt();
    const genesis = api.genesisHash.toHex();
    const { signal } = await killHard(node);
    assert.equal(signal, 'SIGKILL');

    node = await startDevNode({ basePath, logFile });
    api = node.api;
    assert.equal(api.genesisHash.toHex(), genesis, 'same chain after restart');
    const best = (await api.rpc.chain.getHeader()).number.toNumber();
    assert.ok(best >= reached, `best block went back: ${best} < ${reached}`);
    // It keeps producing on top of what it had, and the transfer is still there.
    await waitForBlock(api, best + 1);
    const bobAfter = (await api.query.system.account(bob.address)).data.free.toBigInt();
    assert.equal(bobAfter, bobBefore);
  });
});
