// The smoke network (local.toml): rococo-local with two validators (alice, bob) and this parachain
// registered at genesis (para id 2000, `local` spec) with two collators (charlie, dave). Its blocks
// must be finalized through the relay chain, a transfer made with @polkadot/api must land, both
// collators must author, and no node may log an error. It also measures block time, finality lag
// and what the network uses of this machine.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady, mnemonicGenerate } from '@polkadot/util-crypto';
import {
  BUILD, RELEASE, blockTime, checkBinaries, finalityLag, spawnNetwork, until,
} from './network.mjs';
import { authorsOf, finalizedNumber, PARA_ID, transferFinalized } from './chain.mjs';

const OPEN = 10n ** 18n;
let net;

after(async () => {
  if (net) await net.stop();
});

test('smoke: two validators, two collators, para 2000 finalized through the relay chain', { timeout: 1_800_000 }, async (t) => {
  await cryptoWaitReady();
  await t.test('a missing relay chain binary is an error naming the command that builds it', () => {
    const empty = mkdtempSync(join(tmpdir(), 'openledger-no-binaries-'));
    assert.throws(() => checkBinaries(empty), (e) => e.message.includes('polkadot, polkadot-prepare-worker')
      && e.message.includes(BUILD));
  });
  net = await spawnNetwork('smoke');
  const relay = await net.api('alice');
  const para = await net.api('charlie');
  const figures = { launchSeconds: net.launchSeconds };

  await t.test('parachain blocks are finalized, and the relay chain holds the finalized head', async () => {
    const started = Date.now();
    await until('para block 3 to be finalized', async () => (await finalizedNumber(para)) >= 3, 600_000);
    figures.toThirdFinalizedSeconds = (Date.now() - started) / 1000;
    // What the relay chain has included for para 2000, at its own finalized block, is a block of
    // this parachain at or below the parachain's finalized height: finality came from the relay.
    const at = await relay.at(await relay.rpc.chain.getFinalizedHead());
    const head = await at.query.paras.heads(PARA_ID);
    assert.ok(head.isSome, 'the relay chain has a head for para 2000');
    const included = para.registry.createType('Header', head.unwrap().toU8a(true));
    const n = included.number.toNumber();
    assert.ok(n >= 1, `the relay chain included para block ${n}`);
    assert.equal((await para.rpc.chain.getBlockHash(n)).toHex(), included.hash.toHex(), 'the included head is this chain\'s block');
    assert.ok(await finalizedNumber(para) >= n, 'the parachain finalized what the relay chain included');
    // Each collator checked its genesis against the relay chain's before starting (node/src/relay_check.rs).
    for (const name of ['charlie', 'dave']) {
      assert.match(net.log(name), /The relay chain's genesis registers para 2000 with this chain spec's genesis/);
    }
  });

  await t.test('a transfer through @polkadot/api lands and is finalized', async () => {
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
    const alice = keyring.addFromUri('//Alice');
    const to = keyring.addFromMnemonic(mnemonicGenerate());
    const amount = 10n * OPEN;
    const started = Date.now();
    const { blockHash } = await transferFinalized(para, alice, to.address, amount);
    figures.transferToFinalizedSeconds = (Date.now() - started) / 1000;
    const free = (await (await para.at(blockHash)).query.system.account(to.address)).data.free.toBigInt();
    assert.equal(free, amount);
  });

  await t.test('both collators author blocks', async () => {
    const charlie = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri('//Charlie').address;
    const dave = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri('//Dave').address;
    const authors = await until('both collators to author', async () => {
      const a = await authorsOf(para, 1, (await para.rpc.chain.getHeader()).number.toNumber());
      return (a.get(charlie) || 0) > 0 && (a.get(dave) || 0) > 0 && a;
    }, 300_000, 3000);
    figures.blocksBy = { charlie: authors.get(charlie), dave: authors.get(dave) };
    assert.deepEqual([...authors.keys()].sort(), [charlie, dave].sort(), 'only the two collators author');
  });

  await t.test('block time, finality lag and resource use over a minute', async () => {
    const [paraLag, relayLag, use] = await Promise.all([
      finalityLag(para, 60_000), finalityLag(relay, 60_000), net.sample(60_000),
    ]);
    figures.paraBlockMs = await blockTime(para, 10);
    figures.relayBlockMs = await blockTime(relay, 10);
    figures.paraFinalityLag = paraLag;
    figures.relayFinalityLag = relayLag;
    figures.cpuCores = Number(use.cpu.toFixed(2));
    figures.peakRssMiB = Math.round(use.peakRss / 2 ** 20);
    figures.cpuCoresBy = Object.fromEntries(Object.entries(use.cpuBy).map(([k, v]) => [k, Number(v.toFixed(2))]));
    figures.peakRssMiBBy = Object.fromEntries(Object.entries(use.peakRssBy).map(([k, v]) => [k, Math.round(v / 2 ** 20)]));
    assert.ok(paraLag.samples > 0, 'parachain blocks were finalized during the minute');
    assert.ok(relayLag.samples > 0, 'relay blocks were finalized during the minute');
    console.log(`# smoke network figures: ${JSON.stringify(figures)}`);
  });

  await t.test('a collator whose chain spec is not the registered one says so and exits', async () => {
    const node = join(RELEASE, 'openledger-node');
    const relaySpec = join(net.netDir, 'rococo-local.json');
    // The `local` spec under another para id; and the `dev` spec: same para id, other genesis.
    // Edited as text: JSON.parse would round the 10^24 balances.
    const local = execFileSync(node, ['build-spec', '--chain', 'local', '--disable-default-bootnode'], { stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 28 }).toString();
    const other = local.replace(/"para_id": 2000\b/, '"para_id": 2001').replace(/"parachainId": 2000\b/, '"parachainId": 2001');
    assert.match(other, /"para_id": 2001,[\s\S]*"parachainId": 2001\b/, 'both para ids replaced');
    const otherFile = join(net.dir, 'para-2001.json');
    writeFileSync(otherFile, other);
    for (const [spec, expected] of [
      [otherFile, /para id 2001 is not registered in the relay chain's genesis, which registers para id 2000/],
      ['dev', /the relay chain registers para 2000 with genesis block 0x[0-9a-f]{64}, but this chain spec's genesis block is 0x[0-9a-f]{64}/],
    ]) {
      const run = spawnSync(node, [
        '--collator', '--chain', spec, '--base-path', mkdtempSync(join(net.dir, 'mismatch-')),
        '--no-prometheus', '--rpc-port', '0', '--port', '0', '--', '--chain', relaySpec, '--port', '0',
      ], { encoding: 'utf8', timeout: 120_000 });
      assert.equal(run.status, 1, `exit status for ${spec} (signal ${run.signal}): ${run.stderr.slice(-2000)}`);
      assert.match(run.stderr, expected);
    }
  });

  await t.test('no node logged an error', async () => {
    for (const name of Object.keys(net.nodes)) {
      const errors = net.errorLines(name);
      assert.deepEqual(errors, [], `${name} logged errors`);
    }
  });
});
