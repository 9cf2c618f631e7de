// Helpers the end-to-end tests share: events, NumPy files, Datanet files and the trees over
// them (computed here, independently of the Rust code), a Datanet version exported and
// attributed by the worker's CLI, and the settlement the spec predicts.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bnToU8a, compactToU8a, hexToU8a, stringToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { blake2AsHex, blake2AsU8a, decodeAddress } from '@polkadot/util-crypto';
import { releaseBinary } from './node-process.mjs';

/// The first event of kind `ev` among `events`; fails the test if there is none.
export function eventOf(api, events, ev) {
  const found = events.find(({ event }) => ev.is(event));
  assert.ok(found, `expected event ${ev.meta.name}`);
  return found.event;
}

/// A NumPy `.npy` file (format 1.0) of `descr` elements with `shape` and raw bytes `data`.
export function npy(descr, shape, data) {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${dims}, }`;
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.length);
  out.set([0x93, ...stringToU8a('NUMPY'), 1, 0, header.length & 0xff, header.length >> 8]);
  out.set(stringToU8a(header), 10);
  out.set(data, 10 + header.length);
  return out;
}

// ---- Datanet files and their trees (docs/datanets.md) ----

const LEAF = Uint8Array.of(0x00);
const NODE = Uint8Array.of(0x01);

/// blake2-256 of `bytes`, as raw bytes.
export function blake2(bytes) {
  return blake2AsU8a(bytes, 256);
}

/// A leaf's hash: blake2-256(0x00 ‖ data).
export function hashLeaf(data) {
  return blake2(u8aConcat(LEAF, data));
}

/// An inner node's hash: blake2-256(0x01 ‖ left ‖ right).
export function hashNode(left, right) {
  return blake2(u8aConcat(NODE, left, right));
}

/// The levels of the tree over `leaves` (hashes), leaves first: pairs hashed left to right, an
/// odd last node carried up unpaired.
function levels(leaves) {
  const out = [leaves];
  while (out[out.length - 1].length > 1) {
    const level = out[out.length - 1];
    const next = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? hashNode(level[i], level[i + 1]) : level[i]);
    out.push(next);
  }
  return out;
}

/// The root (0x-hex) of the tree over `leaves`; 32 zero bytes for none.
export function merkleRoot(leaves) {
  if (leaves.length === 0) return u8aToHex(new Uint8Array(32));
  const all = levels(leaves);
  return u8aToHex(all[all.length - 1][0]);
}

/// The proof of leaf `index` among `leaves`: `{ leafIndex, leafCount, siblings }` (0x-hex,
/// from the leaf up; a level where the node is carried up has no sibling).
export function merkleProof(leaves, index) {
  const siblings = [];
  let i = index;
  for (const level of levels(leaves).slice(0, -1)) {
    const j = i % 2 === 1 ? i - 1 : i + 1;
    if (j < level.length) siblings.push(u8aToHex(level[j]));
    i = Math.floor(i / 2);
  }
  return { leafIndex: index, leafCount: leaves.length, siblings };
}

/// An item's leaf hash: SCALE of `ItemLeaf` (embedding hash, label u32 LE) as a leaf.
export function itemLeafHash(embeddingHash, label) {
  return hashLeaf(u8aConcat(hexToU8a(embeddingHash), bnToU8a(label, { bitLength: 32 })));
}

/// A file's leaf hash in a version's file tree: SCALE of `FileLeaf` (file id u64, contributor
/// 32 bytes, content hash, item root, first u32, item count u32) as a leaf.
export function fileLeafHash({ id, contributor, contentHash, itemRoot, first, itemCount }) {
  return hashLeaf(u8aConcat(
    bnToU8a(id, { bitLength: 64 }), hexToU8a(contributor), hexToU8a(contentHash), hexToU8a(itemRoot),
    bnToU8a(first, { bitLength: 32 }), bnToU8a(itemCount, { bitLength: 32 }),
  ));
}

/// The size of a stored file of `itemCount` items of `dimension`: `11 + n·(4 + d)`.
export function fileSize(itemCount, dimension) {
  return 11 + itemCount * (4 + dimension);
}

/// A stored file (docs/datanets.md, "The stored file") of `items` (`{ embedding: Int8Array,
/// label }`, in file order) of `dimension`: its `bytes`, `size`, `contentHash` (blake2-256 of
/// the bytes), `itemRoot`, `itemCount`, and the `items` with each `embeddingHash` added.
export function storedFile(items, dimension) {
  const bytes = new Uint8Array(fileSize(items.length, dimension));
  bytes.set(stringToU8a('OLDF'), 0);
  bytes[4] = 1;
  const view = new DataView(bytes.buffer);
  view.setUint16(5, dimension, true);
  view.setUint32(7, items.length, true);
  const leaves = [];
  const out = items.map(({ embedding, label }, i) => {
    assert.equal(embedding.length, dimension);
    const at = 11 + i * (4 + dimension);
    view.setUint32(at, label, true);
    const raw = new Uint8Array(embedding.buffer, embedding.byteOffset, dimension);
    bytes.set(raw, at + 4);
    const embeddingHash = u8aToHex(blake2(raw));
    leaves.push(itemLeafHash(embeddingHash, label));
    return { embedding, label, embeddingHash };
  });
  return {
    bytes, size: bytes.length, contentHash: u8aToHex(blake2(bytes)), itemRoot: merkleRoot(leaves),
    itemCount: items.length, items: out,
  };
}

/// A deterministic pseudo-random generator (mulberry32) from a 32-bit `seed`: returns a function
/// giving the next u32.
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/// `count` pseudo-random items of `dimension` (values in -100..=100) and labels below
/// `numLabels`, from `seed`.
export function randomItems(seed, count, dimension, numLabels) {
  const next = prng(seed);
  return Array.from({ length: count }, () => ({
    embedding: Int8Array.from({ length: dimension }, () => (next() % 201) - 100),
    label: next() % numLabels,
  }));
}

/// Files in acceptance order (`{ id, contributor (0x-hex account), contentHash, itemRoot,
/// itemCount, ... }`), each given `first`: the running item count, as the chain lays them out.
export function layOut(files) {
  let next = 0;
  return files.map((f) => {
    const first = next;
    next += f.itemCount;
    return { ...f, first };
  });
}

/// What a version of `files` (in acceptance order) commits to, computed here:
/// `{ root, fileCount, itemCount, leaves }` (`leaves`: the laid-out files).
export function versionOf(files) {
  const leaves = layOut(files);
  return {
    root: merkleRoot(leaves.map(fileLeafHash)),
    fileCount: leaves.length,
    itemCount: leaves.reduce((n, f) => n + f.itemCount, 0),
    leaves,
  };
}

/// Runs `datanet-root` (with `args`: `--proof <position>`, `--items`) on `files` in acceptance
/// order; returns its output's lines.
export function datanetRoot(files, args = []) {
  const input = args[0] === '--items'
    ? files.map((i) => `${i.embeddingHash} ${i.label}`).join('\n')
    : files.map((f) => `${f.id} ${f.contributor} ${f.contentHash} ${f.itemRoot} ${f.itemCount}`).join('\n');
  return execFileSync(releaseBinary('datanet-root'), args, { input, maxBuffer: 1 << 26 }).toString().trim().split('\n');
}

/// The contributor's address of every version index of `files` (acceptance order; each with
/// `who`, an address, and `itemCount`): what `predictContributors` takes as `contributorOf`.
export function contributorsByIndex(files) {
  return files.flatMap((f) => Array(f.itemCount).fill(f.who));
}

/// The squared L2 distance of two int8 vectors, as docs/attribution.md defines it.
export function distance(a, b) {
  let sum = 0;
  for (let j = 0; j < a.length; j++) sum += (a[j] - b[j]) ** 2;
  return sum;
}

/// KNN-Shapley values (BigInt, scale 2^30) of `items` (`{ embedding, label }`, in version order)
/// for `query` and `queryLabel` with `k`, over the `t` nearest, by docs/attribution.md's
/// fixed-point recursion (every farther item's value is 0); also the ranking of those
/// (`{ index, d }`, nearest first).
export function knnShapley(items, query, queryLabel, k, t) {
  const S = 2n ** 30n;
  const ranked = items
    .map((it, index) => ({ index, d: distance(query, it.embedding), m: it.label === queryLabel ? 1n : 0n }))
    .sort((a, b) => a.d - b.d || a.index - b.index)
    .slice(0, t);
  const n = ranked.length;
  const values = new Array(items.length).fill(0n);
  let v = ranked[n - 1].m * (S / BigInt(n));
  values[ranked[n - 1].index] = v;
  for (let r = n - 2; r >= 0; r--) {
    v += (ranked[r].m - ranked[r + 1].m) * (S / BigInt(Math.max(k, r + 1)));
    values[ranked[r].index] = v;
  }
  return { values, ranked: ranked.map(({ index, d }) => ({ index, d })) };
}

/// Writes, under `dir`, the export of a published version as `openledger-worker attribute
/// --datanet` reads it: `export/version.json` (the manifest) and every stored file in
/// `export/`, named by its content hash without `0x`; and the int8 `query` with its label
/// (`q.npy`, `ql.npy`). `files` are the version's files in acceptance order, each `{ id,
/// contributor (0x-hex account), contentHash, itemRoot, itemCount, bytes }`. Returns the
/// manifest.
export function writeExport(dir, { datanet, version = 1, root, dimension, numLabels, files, query, queryLabel }) {
  const exportDir = join(dir, 'export');
  mkdirSync(exportDir, { recursive: true });
  const leaves = layOut(files);
  const manifest = {
    datanet, version, root, file_count: leaves.length, item_count: leaves.reduce((n, f) => n + f.itemCount, 0),
    dimension, num_labels: numLabels,
    files: leaves.map((f) => ({
      file: f.id, contributor: f.contributor, content_hash: f.contentHash, item_root: f.itemRoot, first: f.first, item_count: f.itemCount,
    })),
  };
  for (const f of files) writeFileSync(join(exportDir, f.contentHash.slice(2)), f.bytes);
  writeFileSync(join(exportDir, 'version.json'), JSON.stringify(manifest));
  writeQueries(dir, [query], [queryLabel], dimension);
  return manifest;
}

/// Writes the int8 `queries` and their labels where `attributeExport` reads them (`q.npy`,
/// `ql.npy`).
export function writeQueries(dir, queries, labels, dimension) {
  const flat = u8aConcat(...queries.map((q) => new Uint8Array(q.buffer, q.byteOffset, dimension)));
  writeFileSync(join(dir, 'q.npy'), npy('|i1', [queries.length, dimension], flat));
  writeFileSync(join(dir, 'ql.npy'), npy('<u4', [labels.length], new Uint8Array(Uint32Array.from(labels).buffer)));
}

/// Runs `openledger-worker attribute` with KNN-Shapley (`k` over the `t` nearest, paying `top`)
/// on the CPU over the export and query `writeExport` left in `dir`; the values go to
/// `{name}.npy`, and the parsed summary is returned.
export function attributeExport(dir, { k, t, top, name }) {
  execFileSync(releaseBinary('openledger-worker'), [
    'attribute', '--datanet', join(dir, 'export'), '--queries', join(dir, 'q.npy'), '--query-labels', join(dir, 'ql.npy'),
    '--method', 'knn-shapley', '--k', String(k), '--top-t', String(t), '--top', String(top), '--device', 'cpu', '--quiet',
    '--out', join(dir, `${name}.npy`), '--summary', join(dir, `${name}.json`),
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  return JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8'));
}

const SHARE_ONE = 1n << 64n;

/// The 32 raw bytes of an address.
function accountBytes(address) {
  return decodeAddress(address);
}

/// Compares two addresses by their bytes, as the runtime orders accounts.
function byAccount(a, b) {
  const x = accountBytes(a);
  const y = accountBytes(b);
  for (let i = 0; i < 32; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

/// Each contributor's total for a batch of one query (docs/attribution.md, "Batches"): the query's
/// share is the whole batch (`2^64`), and each positive paid entry credits its contributor
/// `floor(2^64 × value / V)`, `V` the sum of the positive paid values. Also the credits in slot
/// order. `contributorOf[index]` is the address of the contributor of version index `index`.
export function oneQueryTotals(paid, contributorOf) {
  const positive = paid.filter((e) => BigInt(e.value) > 0n);
  const sum = positive.reduce((acc, e) => acc + BigInt(e.value), 0n);
  const credits = positive
    .map((e) => ({ who: contributorOf[e.index], rank: e.rank, amount: (SHARE_ONE * BigInt(e.value)) / sum }))
    .sort((a, b) => byAccount(a.who, b.who) || a.rank - b.rank);
  const totals = new Map();
  for (const c of credits) {
    totals.set(c.who, (totals.get(c.who) || 0n) + c.amount);
    c.cumulative = totals.get(c.who);
  }
  return { sum, credits, totals: [...totals].filter(([, t]) => t > 0n) };
}

/// What a worker reveals for a batch of one query whose ranking commitment is `root` and whose
/// first `slots` committed entries are `paid`: the queries root (the query's record as the only
/// leaf), the credits root over `slots` slots, and the totals, by account.
export function oneQueryResult({ root, paid, slots, contributorOf }) {
  const { sum, credits, totals } = oneQueryTotals(paid, contributorOf);
  const record = hashLeaf(u8aConcat(hexToU8a(root), bnToU8a(sum, { bitLength: 64 })));
  const leaves = credits.map((c) => hashLeaf(u8aConcat(
    new Uint8Array([1]), accountBytes(c.who), bnToU8a(0, { bitLength: 32 }), bnToU8a(c.rank, { bitLength: 32 }),
    bnToU8a(c.amount, { bitLength: 128 }), bnToU8a(c.cumulative, { bitLength: 128 }),
  )));
  while (leaves.length < slots) leaves.push(hashLeaf(new Uint8Array([0])));
  return { queries: u8aToHex(record), credits: merkleRoot(leaves), totals };
}

/// The commit hash `pallets/attribution` checks a reveal against: blake2-256 of the SCALE of
/// `(b"openledger/attribution/commit", job, worker, queries, credits, totals, salt)`.
export function commitHash(job, worker, { queries, credits, totals }, salt) {
  return blake2AsHex(u8aConcat(
    stringToU8a('openledger/attribution/commit'), bnToU8a(job, { bitLength: 64 }), accountBytes(worker),
    hexToU8a(queries), hexToU8a(credits), compactToU8a(totals.length),
    ...totals.flatMap(([who, t]) => [accountBytes(who), bnToU8a(t, { bitLength: 128 })]), hexToU8a(salt),
  ));
}

/// A batch file of `queries` (`{ input, output, label, embedding }`, int8 embeddings of
/// `dimension`) as docs/attribution.md ("Batches") lays it out, with its content hash and the
/// batch tree's root hash and token totals: what `rewards.recordBatch` names.
export function batchFile(queries, dimension) {
  const rows = queries.map((q) => u8aConcat(
    bnToU8a(q.input, { bitLength: 32 }), bnToU8a(q.output, { bitLength: 32 }), bnToU8a(q.label, { bitLength: 32 }),
    new Uint8Array(q.embedding.buffer, q.embedding.byteOffset, dimension),
  ));
  const bytes = u8aConcat(
    stringToU8a('OLBF'), new Uint8Array([1]), bnToU8a(dimension, { bitLength: 16 }), bnToU8a(queries.length, { bitLength: 32 }), ...rows,
  );
  // The Merkle-sum tree: a node is its hash and its (input, output) token sums.
  let level = queries.map((q) => ({
    hash: hashLeaf(u8aConcat(
      bnToU8a(q.input, { bitLength: 32 }), bnToU8a(q.output, { bitLength: 32 }),
      blake2(new Uint8Array(q.embedding.buffer, q.embedding.byteOffset, dimension)), bnToU8a(q.label, { bitLength: 32 }),
    )),
    input: BigInt(q.input),
    output: BigInt(q.output),
  }));
  const sums = (n) => u8aConcat(n.hash, bnToU8a(n.input, { bitLength: 64 }), bnToU8a(n.output, { bitLength: 64 }));
  while (level.length > 1) {
    const next = [];
    for (let i = 0; i < level.length; i += 2) {
      const [l, r] = [level[i], level[i + 1]];
      next.push(r ? { hash: blake2(u8aConcat(NODE, sums(l), sums(r))), input: l.input + r.input, output: l.output + r.output } : l);
    }
    level = next;
  }
  return {
    bytes, contentHash: blake2AsHex(bytes, 256), root: u8aToHex(level[0].hash), count: queries.length,
    input: level[0].input, output: level[0].output,
  };
}

/// Each contributor's total for a batch (docs/attribution.md, "Batches"): query `q`'s share of the
/// batch is `floor(2^64 × p_q / P)`, `p_q` its price at `rates` (`{ input, output }` per 1,000
/// tokens) and `P` the batch's; each positive paid entry of it credits its contributor
/// `floor(share × value / V_q)`. `results` are the worker CLI's per-query results (`top`: the
/// paid entries), `queries` the batch's `{ input, output }`. Returns `[address, total]`, by account.
export function batchTotals(results, queries, rates, contributorOf) {
  const price = (q) => BigInt(rates.input) * BigInt(q.input) + BigInt(rates.output) * BigInt(q.output);
  const whole = queries.reduce((acc, q) => acc + price(q), 0n);
  const totals = new Map();
  results.forEach((r, i) => {
    const share = (SHARE_ONE * price(queries[i])) / whole;
    const positive = r.top.filter((e) => BigInt(e.value) > 0n);
    const sum = positive.reduce((acc, e) => acc + BigInt(e.value), 0n);
    for (const e of positive) {
      const who = contributorOf[e.index];
      totals.set(who, (totals.get(who) || 0n) + (share * BigInt(e.value)) / sum);
    }
  });
  return [...totals].filter(([, t]) => t > 0n).sort(([a], [b]) => byAccount(a, b));
}

/// What each contributor is credited from `part` (the contributors' share of a job's fee) for
/// `totals` (`[address, total]`), as docs/rewards.md defines it: they cover `S` of the batch, so
/// the contributors share `floor(part × S / 2^64)`; each weighs its total × reward factor, the
/// factor being 0.5 + score / 10^6 in billionths (reputation's `Contributor` score, neutral
/// 500,000 if never reported), and gets its part in proportion. Returns a Map from address to
/// amount.
export async function predictFromTotals(api, part, totals) {
  const covered = totals.reduce((acc, [, t]) => acc + t, 0n);
  const allotted = (part * (covered < SHARE_ONE ? covered : SHARE_ONE)) / SHARE_ONE;
  const weights = new Map();
  for (const [who, total] of totals) {
    const record = await api.query.reputation.scores(who, 'Contributor');
    const score = record.isSome ? record.unwrap().score.toBigInt() : 500_000n;
    weights.set(who, total * 1000n * (500_000n + score));
  }
  const sum = [...weights.values()].reduce((a, b) => a + b, 0n);
  return new Map([...weights].map(([who, w]) => [who, (allotted * w) / sum]));
}

/// What each contributor is credited from `part` for a batch of one query with the paid entries
/// `paid` (`oneQueryTotals`, then `predictFromTotals`). `contributorOf[index]` is the address of
/// the contributor of the file holding version index `index` (`contributorsByIndex`).
export async function predictContributors(api, part, paid, contributorOf) {
  return predictFromTotals(api, part, oneQueryTotals(paid, contributorOf).totals);
}
