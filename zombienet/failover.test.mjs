// Collator failover on the network of local.toml: one of the two collators (dave) is killed with
// SIGKILL. The other must keep producing blocks, and the relay chain keep finalizing them; once
// dave is started again with its own command line and database, it must catch up with the chain
// and author again.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { sleep, spawnNetwork, until } from './network.mjs';
import { authorOf, authorsOf, bestNumber, finalizedNumber } from './chain.mjs';

/// How long dave stays down: ten of charlie's slots and more.
const DOWN_MS = 60_000;
let net;

after(async () => {
  if (net) await net.stop();
});

test('failover: a collator killed with SIGKILL, the chain goes on; restarted, it catches up and authors', { timeout: 1_800_000 }, async (t) => {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const charlie = keyring.addFromUri('//Charlie').address;
  const dave = keyring.addFromUri('//Dave').address;
  net = await spawnNetwork('failover');
  const para = await net.api('charlie');
  const figures = {};

  // Both collate before the kill.
  await until('both collators to author', async () => {
    const a = await authorsOf(para, 1, await bestNumber(para));
    return (a.get(charlie) || 0) > 0 && (a.get(dave) || 0) > 0 && (await finalizedNumber(para)) >= 2;
  }, 600_000, 3000);

  let killed;
  let atKill;
  await t.test('with dave killed, charlie alone goes on and the relay chain finalizes its blocks', async () => {
    atKill = { best: await bestNumber(para), finalized: await finalizedNumber(para) };
    killed = await net.kill('dave');
    const killedAt = Date.now();
    await sleep(DOWN_MS);
    const best = await bestNumber(para);
    const finalized = await finalizedNumber(para);
    figures.downSeconds = (Date.now() - killedAt) / 1000;
    figures.blocksWhileDown = best - atKill.best;
    figures.finalizedWhileDown = finalized - atKill.finalized;
    // With one of two collators, every other slot is empty: about one block every two slots.
    assert.ok(best - atKill.best >= 3, `only ${best - atKill.best} blocks in ${DOWN_MS / 1000} s without dave`);
    assert.ok(finalized > atKill.finalized, 'blocks were finalized without dave');
    const authors = await authorsOf(para, atKill.best + 2, best);
    assert.deepEqual([...authors.keys()], [charlie], 'blocks built while dave was down are charlie\'s');
  });

  await t.test('restarted, dave catches up with the chain and authors again', async () => {
    const atRestart = await bestNumber(para);
    const restartedAt = Date.now();
    net.restart('dave', killed);
    // The RPC server answers plain HTTP on the same port: wait for it there, so that no
    // WebSocket client is left retrying a port that is not open yet.
    const http = net.nodes.dave.wsUri.replace(/^ws/, 'http');
    await until('dave\'s RPC to answer', async () => (await fetch(http, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 1, jsonrpc: '2.0', method: 'system_health', params: [] }),
    })).ok, 120_000, 1000);
    const api = await ApiPromise.create({ provider: new WsProvider(net.nodes.dave.wsUri), noInitWarn: true });
    try {
      await until('dave to catch up', async () => (await bestNumber(api)) >= atRestart, 300_000, 500);
      figures.catchUpSeconds = (Date.now() - restartedAt) / 1000;
      const first = await until('a block authored by dave after the restart', async () => {
        const best = await bestNumber(para);
        for (let n = atRestart + 1; n <= best; n++) {
          if (await authorOf(para, await para.rpc.chain.getBlockHash(n)) === dave) return n;
        }
        return false;
      }, 300_000, 2000);
      figures.firstAuthoredAfterRestartSeconds = (Date.now() - restartedAt) / 1000;
      figures.firstAuthoredBlock = first;
      // And that block is finalized through the relay chain like any other.
      await until(`block ${first} to be finalized`, async () => (await finalizedNumber(para)) >= first, 300_000);
      figures.finalizedAfterRestartSeconds = (Date.now() - restartedAt) / 1000;
    } finally {
      await api.disconnect();
    }
    console.log(`# failover figures: ${JSON.stringify(figures)}`);
  });
});
