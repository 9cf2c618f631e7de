// A Datanet of real size on the dev chain: FILES files of ITEMS items each (default 10,000 ×
// 1,000 = 10M items, d = 64), contributed, accepted and published as one version. Prints the
// time of each phase, the publish call's weight (and its share of a block), and how much the
// chain's database grew. Not a test: run it by hand (docs/BENCHMARKS.md):
//
//   cd tests/e2e && node bench-datanet.mjs [FILES] [ITEMS]
//
// Every file is a real stored Datanet file (docs/datanets.md): its items are generated from a
// seed, their embedding hashes and the file's item root are computed here, so the roots the
// chain commits to are those of real data. Pass WRITE_FILES=DIR to keep the files (a content
// store the worker can read); by default they are hashed and dropped.

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keyring } from '@polkadot/keyring';
import { blake2AsU8a, cryptoWaitReady } from '@polkadot/util-crypto';
import { u8aToHex } from '@polkadot/util';
import { startDevNode, stop, sendAndWait } from './node-process.mjs';

const FILES = Number(process.argv[2] || 10_000);
const ITEMS = Number(process.argv[3] || 1_000);
const D = 64;
const LABELS = 10;
const OPEN = 10n ** 18n;
const BATCH = 250; // contribute calls per batchAll transaction
const CURATE = 64; // MaxCurateBatch
const dir = mkdtempSync(join(tmpdir(), 'openledger-bench-datanet-'));

function node(data) {
  const out = new Uint8Array(1 + data.length);
  out.set(data, 1);
  return out;
}
const hashLeaf = (data) => blake2AsU8a(node(data), 256);
function hashNode(l, r) {
  const buf = new Uint8Array(65);
  buf[0] = 1;
  buf.set(l, 1);
  buf.set(r, 33);
  return blake2AsU8a(buf, 256);
}
function root(leaves) {
  let level = leaves;
  while (level.length > 1) {
    const next = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? hashNode(level[i], level[i + 1]) : level[i]);
    level = next;
  }
  return level[0];
}

/// File `f`: its stored bytes' hash, item root and size (and the bytes, if asked for).
function makeFile(f) {
  const size = 11 + ITEMS * (4 + D);
  const bytes = new Uint8Array(size);
  bytes.set([0x4f, 0x4c, 0x44, 0x46, 1, D & 0xff, D >> 8], 0);
  new DataView(bytes.buffer).setUint32(7, ITEMS, true);
  let state = (f * 2654435761) >>> 0;
  const leaves = new Array(ITEMS);
  const leafData = new Uint8Array(36);
  for (let i = 0; i < ITEMS; i++) {
    const off = 11 + i * (4 + D);
    state = (state * 1103515245 + 12345) >>> 0;
    const label = state % LABELS;
    new DataView(bytes.buffer).setUint32(off, label, true);
    for (let j = 0; j < D; j++) {
      state = (state * 1103515245 + 12345) >>> 0;
      bytes[off + 4 + j] = (state >>> 16) & 0xff;
    }
    leafData.set(blake2AsU8a(bytes.subarray(off + 4, off + 4 + D), 256), 0);
    new DataView(leafData.buffer).setUint32(32, label, true);
    leaves[i] = hashLeaf(leafData);
  }
  return { bytes, contentHash: u8aToHex(blake2AsU8a(bytes, 256)), itemRoot: u8aToHex(root(leaves)), size };
}

function du(path) {
  return Number(execFileSync('du', ['-sb', path]).toString().split('\t')[0]);
}

async function main() {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const alice = keyring.addFromUri('//Alice');
  const contributors = ['//Bob', '//Charlie', '//Dave', '//Eve', '//Ferdie'].map((u) => keyring.addFromUri(u));
  const basePath = join(dir, 'chain');
  const n = await startDevNode({ basePath, logFile: join(dir, 'node.log') });
  const { api } = n;
  const t0 = Date.now();
  const caps = { filesPerContributor: FILES, bytesPerContributor: 2n ** 62n, filesPerDatanet: FILES, bytesPerDatanet: 2n ** 62n };
  const created = await sendAndWait(api, api.tx.datanets.createDatanet('bench', 'ipfs://bench', [], D, LABELS, 'Open', OPEN, caps), alice);
  const datanet = created.events.find(({ event }) => api.events.datanets.DatanetCreated.is(event)).event.data.datanet.toNumber();
  const dbBefore = du(basePath);

  // Files, hashed here; contributed in batches, round-robin over the contributors.
  const write = process.env.WRITE_FILES;
  if (write) mkdirSync(write, { recursive: true });
  let hashing = 0;
  const ids = [];
  const tContribute = Date.now();
  for (let start = 0; start < FILES; start += BATCH * contributors.length) {
    const sends = contributors.map(async (who, c) => {
      const calls = [];
      for (let f = start + c * BATCH; f < Math.min(FILES, start + (c + 1) * BATCH); f++) {
        const h = Date.now();
        const file = makeFile(f);
        hashing += Date.now() - h;
        if (write) writeFileSync(join(write, file.contentHash.slice(2)), file.bytes);
        calls.push(api.tx.datanets.contribute(datanet, file.contentHash, file.itemRoot, ITEMS, file.size, `bench://${f}`));
      }
      if (!calls.length) return [];
      const { events } = await sendAndWait(api, api.tx.utility.batchAll(calls), who);
      return events.filter(({ event }) => api.events.datanets.Contributed.is(event)).map(({ event }) => event.data.id.toNumber());
    });
    for (const got of await Promise.all(sends)) ids.push(...got);
    process.stdout.write(`\rcontributed ${ids.length}/${FILES} files`);
  }
  const contributeMs = Date.now() - tContribute;
  console.log();

  const tCurate = Date.now();
  const curates = [];
  for (let i = 0; i < ids.length; i += CURATE) curates.push(api.tx.datanets.curate(datanet, ids.slice(i, i + CURATE), 'Accept'));
  for (let i = 0; i < curates.length; i += 20) {
    await sendAndWait(api, api.tx.utility.batchAll(curates.slice(i, i + 20)), alice);
    process.stdout.write(`\raccepted ${Math.min(ids.length, (i + 20) * CURATE)}/${ids.length} files`);
  }
  const curateMs = Date.now() - tCurate;
  console.log();

  const tPublish = Date.now();
  const published = await sendAndWait(api, api.tx.datanets.publishVersion(datanet), alice);
  const publishMs = Date.now() - tPublish;
  const ev = published.events.find(({ event }) => api.events.datanets.VersionPublished.is(event)).event.data;
  const info = published.events.find(({ event }) => api.events.system.ExtrinsicSuccess.is(event)).event.data[0];
  const weight = info.weight;
  const max = api.consts.system.blockWeights.maxBlock;
  const dbAfter = du(basePath);
  const v = (await api.query.datanets.versions(datanet, 1)).unwrap();
  console.log(JSON.stringify({
    files: FILES, items_per_file: ITEMS, dimension: D,
    version: { file_count: v.fileCount.toNumber(), item_count: v.itemCount.toNumber(), bytes: v.bytes.toString(), root: ev.root.toHex() },
    publish_weight: { ref_time: weight.refTime.toString(), proof_size: weight.proofSize.toString(),
      share_of_block_ref_time: Number(weight.refTime.toBigInt() * 1_000_000n / max.refTime.toBigInt()) / 1e6 },
    seconds: { total: (Date.now() - t0) / 1000, contribute: contributeMs / 1000, of_which_hashing_files: hashing / 1000, curate: curateMs / 1000, publish: publishMs / 1000 },
    db_bytes: { before: dbBefore, after: dbAfter, growth: dbAfter - dbBefore, growth_per_file: Math.round((dbAfter - dbBefore) / FILES) },
  }, null, 2));
  await stop(n);
}

main().then(() => rmSync(dir, { recursive: true, force: true }), (e) => {
  console.error(e);
  console.error(`logs in ${dir}`);
  process.exit(1);
});
