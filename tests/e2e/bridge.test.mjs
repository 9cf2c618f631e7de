// The OPEN bridge end to end: anvil (a real EVM) with the OPEN token and `OpenBridge.sol` from
// `contracts/`, the dev node, and three `openledger-relayer` daemons, a committee of three with
// a threshold of two, set on both sides (on the chain by a referendum on the `root` track).
//
// A deposit on L1 is minted on the chain; a burn on the chain is signed, queued on L1 and paid
// after the delay (anvil's clock is moved on). Then, with balances checked on both sides: a
// replayed release, forged, malleated, repeated and too few signatures are refused on L1; a
// replayed attestation and forged signatures are refused on the chain. Two relayers are killed
// before a deposit and restarted: it is minted once. The relayer whose turn it is to release is
// killed before a burn: another releases it after its turn passes, and once restarted it does
// not release it again. A release over the period's cap is refused and the guardian cancels it.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import {
  createPublicClient, createTestClient, createWalletClient, http, parseEther, hexToBigInt, toHex,
} from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { startDevNode, stop, sendAndWait, releaseBinary, freePort, sleep } from './node-process.mjs';
import { enact, TRACK } from './governance.mjs';

const OPEN = 10n ** 18n;
const contracts = join(dirname(fileURLToPath(import.meta.url)), '../../contracts');
const dir = mkdtempSync(join(tmpdir(), 'openledger-e2e-bridge-'));
const relayers = new Map();
let anvil;
let node;

after(async () => {
  for (const r of relayers.values()) {
    r.child.kill('SIGKILL');
    await r.exited;
  }
  if (anvil) {
    anvil.child.kill('SIGKILL');
    await anvil.exited;
  }
  if (node) await stop(node);
  if (process.env.KEEP_E2E_DIR) console.log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
});

/// The contract's compiled artifact (forge build).
function artifact(name) {
  const path = join(contracts, 'out', `${name}.sol`, `${name}.json`);
  if (!existsSync(path)) execFileSync('npx', ['forge', 'build'], { cwd: contracts, stdio: 'inherit' });
  const json = JSON.parse(readFileSync(path, 'utf8'));
  return { abi: json.abi, bytecode: json.bytecode.object };
}

/// Starts anvil: a block a second, "finalized" two blocks behind the head (one slot an epoch),
/// its clock starting a minute into a UTC day so that the test's hours stay in one cap period.
async function startAnvil() {
  const port = await freePort();
  const day = 86_400;
  const start = Math.floor(Date.now() / 1000 / day) * day + 60;
  // The platform package's binary itself, not npm's `.bin/anvil`: that is a node wrapper whose
  // child inherits our pipes, so killing the wrapper would leave anvil running and holding them,
  // and this file's process would never exit.
  const child = spawn(join(contracts, `node_modules/@foundry-rs/anvil-${process.platform}-${process.arch === 'x64' ? 'amd64' : process.arch}/bin/anvil`), [
    '--port', String(port), '--block-time', '1', '--slots-in-an-epoch', '1', '--timestamp', String(start),
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(join(dir, 'anvil.log'));
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  const client = createPublicClient({ chain: foundry, transport: http(url) });
  for (let i = 0; i < 100; i++) {
    if (await client.getBlockNumber().catch(() => null) !== null) return { child, exited, url };
    await sleep(200);
  }
  throw new Error(`anvil did not start; see ${join(dir, 'anvil.log')}`);
}

/// Starts (or restarts, with the same state) the relayer `name`.
async function startRelayer(name, { seed, key, contract, startBlock, nodeUrl, l1Url }) {
  const metricsPort = relayers.get(name)?.metricsPort || await freePort();
  const keyFile = join(dir, `${name}.eth`);
  writeFileSync(keyFile, key);
  const config = join(dir, `${name}.toml`);
  writeFileSync(config, [
    `node = "${nodeUrl}"`,
    `dev_seed = "${seed}"`,
    `eth_key_file = "${keyFile}"`,
    `l1 = "${l1Url}"`,
    `contract = "${contract}"`,
    `start_block = ${startBlock}`,
    `state_dir = "${join(dir, 'relayer-state')}"`,
    `metrics = "127.0.0.1:${metricsPort}"`,
    'poll_ms = 500',
    'takeover_secs = 5',
  ].join('\n'));
  const log = createWriteStream(join(dir, `${name}.log`), { flags: 'a' });
  const child = spawn(releaseBinary('openledger-relayer'), ['--config', config], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RUST_LOG: 'info' },
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const relayer = { child, exited, metricsPort, name, seed, key };
  relayers.set(name, relayer);
  const end = Date.now() + 60_000;
  while (Date.now() < end) {
    if (await metrics(relayer).catch(() => null)) return relayer;
    await sleep(300);
  }
  throw new Error(`relayer ${name} did not serve metrics; see ${join(dir, `${name}.log`)}`);
}

async function kill(name) {
  const r = relayers.get(name);
  r.child.kill('SIGKILL');
  await r.exited;
}

async function metrics(relayer) {
  const text = await (await fetch(`http://127.0.0.1:${relayer.metricsPort}/metrics`)).text();
  return new Map(text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => {
    const [name, value] = l.split(' ');
    return [name, Number(value)];
  }));
}

async function until(what, probe, ms = 180_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const got = await probe();
    if (got) return got;
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}; logs in ${dir}`);
}

/// Resolves with the revert's error name, failing if `call` does not revert.
async function revertOf(call) {
  try {
    await call();
  } catch (e) {
    const name = e.walk?.((c) => c.data?.errorName)?.data?.errorName;
    return name ?? e.shortMessage ?? String(e);
  }
  assert.fail('the call did not revert');
}

/// The bridge events of blocks `from..=to`.
async function bridgeEvents(api, from, to) {
  const out = [];
  for (let n = from; n <= to; n++) {
    const events = await (await api.at(await api.rpc.chain.getBlockHash(n))).query.system.events();
    for (const { event } of events) if (event.section === 'bridge') out.push(event);
  }
  return out;
}

test('the OPEN bridge: anvil, the dev node and three relayers, two of three', { timeout: 900_000 }, async (t) => {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const [alice, dave, eve] = ['//Alice', '//Dave', '//Eve'].map((u) => keyring.addFromUri(u));

  anvil = await startAnvil();
  node = await startDevNode({ basePath: join(dir, 'chain'), logFile: join(dir, 'node.log') });
  const { api } = node;
  const genesis = api.genesisHash.toHex();

  // L1: anvil's unlocked first account deploys and owns; its second is the guardian.
  const transport = http(anvil.url);
  const l1 = createPublicClient({ chain: foundry, transport, pollingInterval: 250 });
  const wallet = createWalletClient({ chain: foundry, transport });
  const testClient = createTestClient({ chain: foundry, mode: 'anvil', transport });
  const [owner, guardian, holder] = await wallet.getAddresses();
  // The committee's Ethereum keys, fresh, ascending by address as both sides take them.
  const members = [0, 1, 2].map(() => {
    const key = generatePrivateKey();
    return { key, account: privateKeyToAccount(key) };
  }).sort((a, b) => (a.account.address.toLowerCase() < b.account.address.toLowerCase() ? -1 : 1));
  for (const m of members) await testClient.setBalance({ address: m.account.address, value: parseEther('10') });
  const token = artifact('OpenToken');
  const bridge = artifact('OpenBridge');
  const deploy = async ({ abi, bytecode }, args) => {
    const hash = await wallet.deployContract({ abi, bytecode, args, account: owner });
    const receipt = await l1.waitForTransactionReceipt({ hash });
    return receipt;
  };
  const tokenAddress = (await deploy(token, [holder])).contractAddress;
  const CAP = 50n * OPEN;
  const DELAY = 3600n;
  const deployed = await deploy(bridge, [
    tokenAddress, genesis, members.map((m) => m.account.address), 2n, owner, guardian, DELAY, CAP, 86_400n,
  ]);
  const bridgeAddress = deployed.contractAddress;
  const read = (functionName, args = []) => l1.readContract({ address: bridgeAddress, abi: bridge.abi, functionName, args });
  const balanceOf = (who) => l1.readContract({ address: tokenAddress, abi: token.abi, functionName: 'balanceOf', args: [who] });
  const write = async (account, address, abi, functionName, args) => {
    const hash = await wallet.writeContract({ account, address, abi, functionName, args, chain: foundry });
    const receipt = await l1.waitForTransactionReceipt({ hash });
    assert.equal(receipt.status, 'success', `${functionName} reverted`);
    return receipt;
  };

  // The chain: the same committee (Alice, Bob and Charlie's accounts), the contract and an
  // inbound limit, by a root referendum.
  const seeds = ['//Alice', '//Bob', '//Charlie'];
  const committee = members.map((m, i) => ({ account: keyring.addFromUri(seeds[i]).address, signer: m.account.address }));
  await enact(api, keyring, api.tx.utility.batchAll([
    api.tx.bridge.setCommittee(committee, 2),
    api.tx.bridge.setContract({ chainId: foundry.id, contract: bridgeAddress }),
    api.tx.bridge.setLimits({ period: 100, max: 10_000n * OPEN }),
  ]), TRACK.root);
  assert.equal((await api.query.bridge.committeeInfo()).unwrap().threshold.toNumber(), 2);

  const relayerOf = (i) => ({
    seed: seeds[i], key: members[i].key, contract: bridgeAddress, startBlock: Number(deployed.blockNumber),
    nodeUrl: node.url, l1Url: anvil.url,
  });
  const names = ['relayer-0', 'relayer-1', 'relayer-2'];
  for (let i = 0; i < 3; i++) await startRelayer(names[i], relayerOf(i));

  const daveFree = async () => (await api.query.system.account(dave.address)).data.free.toBigInt();
  const deposit = async (amount) => {
    await write(holder, tokenAddress, token.abi, 'approve', [bridgeAddress, amount]);
    const receipt = await write(holder, bridgeAddress, bridge.abi, 'deposit', [u8aToHex(dave.publicKey), amount]);
    return { receipt, sent: Date.now() };
  };
  const timings = {};
  const gas = {};
  /// The gas the transaction that emitted `eventName` for `nonce` used.
  const gasOf = async (eventName, nonce) => {
    const [log] = await l1.getContractEvents({ address: bridgeAddress, abi: bridge.abi, eventName, args: { nonce }, fromBlock: 0n });
    return Number((await l1.getTransactionReceipt({ hash: log.transactionHash })).gasUsed);
  };

  await t.test('a deposit on L1 is minted on the chain, once', async () => {
    const before = await daveFree();
    const { sent, receipt } = await deposit(100n * OPEN);
    gas.deposit = Number(receipt.gasUsed);
    await until('the mint', async () => (await daveFree()) === before + 100n * OPEN);
    timings.depositToMint = (Date.now() - sent) / 1000;
    const totals = (await api.query.bridge.totals()).map((x) => x.toBigInt());
    assert.deepEqual(totals, [100n * OPEN, 100n * OPEN, 0n]);
    // Every relayer saw it done, and the third did not attest after the threshold.
    await until('the cursors', async () => {
      for (const r of relayers.values()) if ((await metrics(r)).get('openledger_relayer_l1_cursor') <= Number(deployed.blockNumber)) return false;
      return true;
    });
    let attested = 0;
    for (const r of relayers.values()) attested += (await metrics(r)).get('openledger_relayer_deposits_attested_total');
    assert.ok(attested >= 2 && attested <= 3, `${attested} attestations`);
  });

  const recipient = privateKeyToAccount(generatePrivateKey()).address;
  const status = async (nonce) => (await read('releases', [nonce]))[0];

  await t.test('a burn on the chain is signed, released on L1 after the delay, and paid', async () => {
    const start = (await api.rpc.chain.getHeader()).number.toNumber();
    const sent = Date.now();
    await sendAndWait(api, api.tx.bridge.burn(40n * OPEN, recipient), dave);
    await until('the release queued on L1', async () => (await status(0n)) === 1);
    timings.burnToQueued = (Date.now() - sent) / 1000;
    const ready = await api.call.bridgeApi.readyWithdrawal(0);
    assert.ok(ready.isSome, 'the runtime API returns the signatures');
    assert.ok(ready.unwrap()[2].length >= 2);
    // The delay: anvil's clock moves on an hour.
    await testClient.increaseTime({ seconds: Number(DELAY) + 1 });
    await testClient.mine({ blocks: 1 });
    const moved = Date.now();
    await until('the payout', async () => (await balanceOf(recipient)) === 40n * OPEN);
    timings.delayToPaid = (Date.now() - moved) / 1000;
    assert.equal(await status(0n), 2);
    assert.equal(await read('released'), 40n * OPEN);
    gas.release = await gasOf('ReleaseQueued', 0n);
    gas.execute = await gasOf('Released', 0n);
    const events = await bridgeEvents(api, start, (await api.rpc.chain.getHeader()).number.toNumber());
    assert.equal(events.filter((e) => e.method === 'WithdrawalReady').length, 1);
  });

  await t.test('replays, forgeries and too few signatures are refused on both sides, balances intact', async () => {
    const held = await balanceOf(bridgeAddress);
    const paid = await balanceOf(recipient);
    const daveBefore = await daveFree();
    const [to, amount, sigs] = (await api.call.bridgeApi.readyWithdrawal(0)).unwrap();
    const w0 = { nonce: 0n, recipient: to.toHex(), amount: amount.toBigInt() };
    const release = (w, signatures) => l1.simulateContract({
      address: bridgeAddress, abi: bridge.abi, functionName: 'release', args: [w, signatures], account: owner,
    });
    const hexSigs = sigs.map((s) => s.toHex());
    // Replay of a paid release.
    assert.equal(await revertOf(() => release(w0, hexSigs)), 'AlreadyProcessed');
    // A withdrawal the chain never burned, signed by keys outside the committee.
    const forged = { nonce: 7n, recipient, amount: 1_000n * OPEN };
    const digest = await read('withdrawalDigest', [forged]);
    const outsiders = [privateKeyToAccount(generatePrivateKey()), privateKeyToAccount(generatePrivateKey())]
      .sort((a, b) => (a.address.toLowerCase() < b.address.toLowerCase() ? -1 : 1));
    const outsiderSigs = await Promise.all(outsiders.map((a) => a.sign({ hash: digest })));
    assert.equal(await revertOf(() => release(forged, outsiderSigs)), 'NotMember');
    // One member's real signature is below the threshold; twice is not two.
    const one = await members[0].account.sign({ hash: digest });
    assert.equal(await revertOf(() => release(forged, [one])), 'TooFewSignatures');
    assert.equal(await revertOf(() => release(forged, [one, one])), 'SignersNotAscending');
    // Two members' real signatures, the first malleated (s -> n - s, v flipped): the same
    // signer, but the contract takes low s only.
    const two = [one, await members[1].account.sign({ hash: digest })];
    const n = hexToBigInt('0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141');
    const s = hexToBigInt(`0x${one.slice(66, 130)}`);
    const v = parseInt(one.slice(130, 132), 16);
    const malleated = `${one.slice(0, 66)}${toHex(n - s, { size: 32 }).slice(2)}${(v === 27 ? 28 : 27).toString(16)}`;
    assert.equal(await revertOf(() => release(forged, [malleated, two[1]])), 'InvalidSignature');
    // The chain: a replayed attestation, a signature by a key that is not the member's, and
    // one by an account outside the committee.
    const replayed = { nonce: 0, from: holder, recipient: dave.address, amount: 100n * OPEN };
    await assert.rejects(sendAndWait(api, api.tx.bridge.attestDeposit(replayed), alice), /bridge\.AlreadyMinted/);
    await assert.rejects(sendAndWait(api, api.tx.bridge.signWithdrawal(0, outsiderSigs[0]), alice), /bridge\.BadSignature/);
    await assert.rejects(sendAndWait(api, api.tx.bridge.signWithdrawal(0, hexSigs[0]), eve), /bridge\.NotMember/);
    assert.equal(await balanceOf(bridgeAddress), held);
    assert.equal(await balanceOf(recipient), paid);
    assert.equal(await daveFree() <= daveBefore, true, 'Dave only paid fees');
    assert.deepEqual((await api.query.bridge.totals()).map((x) => x.toBigInt()), [100n * OPEN, 100n * OPEN, 40n * OPEN]);
  });

  await t.test('two relayers killed before a deposit and restarted: it is minted once', async () => {
    const start = (await api.rpc.chain.getHeader()).number.toNumber();
    await kill(names[0]);
    await kill(names[1]);
    const before = await daveFree();
    await deposit(25n * OPEN);
    // One of three attests: not enough.
    await until('the third relayer\'s attestation', async () => (await api.query.bridge.attested.entries(1)).length === 1);
    await sleep(3000);
    assert.equal(await daveFree(), before);
    await startRelayer(names[0], relayerOf(0));
    await startRelayer(names[1], relayerOf(1));
    await until('the mint', async () => (await daveFree()) === before + 25n * OPEN);
    await sleep(5000);
    assert.equal(await daveFree(), before + 25n * OPEN, 'minted once');
    const events = await bridgeEvents(api, start, (await api.rpc.chain.getHeader()).number.toNumber());
    assert.equal(events.filter((e) => e.method === 'DepositMinted').length, 1);
  });

  await t.test('the relayer whose turn it is is down: another releases after its turn, and once back it does not release again', async () => {
    // Burn nonce 1: the member at position 1 goes first.
    await kill(names[1]);
    const paid = await balanceOf(recipient);
    await sendAndWait(api, api.tx.bridge.burn(5n * OPEN, recipient), dave);
    await until('the release queued by another relayer', async () => (await status(1n)) === 1);
    await startRelayer(names[1], relayerOf(1));
    await testClient.increaseTime({ seconds: Number(DELAY) + 1 });
    await testClient.mine({ blocks: 1 });
    await until('the payout', async () => (await balanceOf(recipient)) === paid + 5n * OPEN);
    await sleep(5000);
    const logs = await l1.getContractEvents({ address: bridgeAddress, abi: bridge.abi, eventName: 'ReleaseQueued', args: { nonce: 1n }, fromBlock: 0n });
    assert.equal(logs.length, 1, 'queued once');
    const released = await l1.getContractEvents({ address: bridgeAddress, abi: bridge.abi, eventName: 'Released', args: { nonce: 1n }, fromBlock: 0n });
    assert.equal(released.length, 1, 'paid once');
    assert.equal(await balanceOf(recipient), paid + 5n * OPEN);
  });

  await t.test('a release over the period\'s cap is refused, and the guardian cancels it', async () => {
    const held = await balanceOf(bridgeAddress);
    const paid = await balanceOf(recipient);
    // 45 of the 50 OPEN cap are spent this period: 20 more is over.
    await sendAndWait(api, api.tx.bridge.burn(20n * OPEN, recipient), dave);
    await until('the release queued', async () => (await status(2n)) === 1);
    await testClient.increaseTime({ seconds: Number(DELAY) + 1 });
    await testClient.mine({ blocks: 1 });
    assert.equal(await revertOf(() => l1.simulateContract({
      address: bridgeAddress, abi: bridge.abi, functionName: 'execute', args: [2n], account: owner,
    })), 'OverCap');
    // The relayers try, and fail, for a while.
    await sleep(8000);
    assert.equal(await status(2n), 1);
    assert.equal(await balanceOf(bridgeAddress), held);
    assert.equal(await balanceOf(recipient), paid);
    await write(guardian, bridgeAddress, bridge.abi, 'cancel', [2n]);
    assert.equal(await status(2n), 3);
    await until('the relayers to move past it', async () => {
      for (const r of relayers.values()) if ((await metrics(r)).get('openledger_relayer_released_cursor') < 3) return false;
      return true;
    });
    assert.equal(await balanceOf(recipient), paid);
  });

  t.diagnostic(`bridge timings (s): ${JSON.stringify(timings)}; gas: ${JSON.stringify(gas)}`);
  console.log(`bridge timings (s): ${JSON.stringify(timings)}; gas: ${JSON.stringify(gas)}`);
});
