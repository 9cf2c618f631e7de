// Helpers the end-to-end tests share: events, NumPy files, Datanet files and the trees over
// them (computed here, independently of the Rust code), a Datanet version exported and
// attributed by the worker's CLI, and the settlement the spec predicts.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bnToU8a, hexToU8a, stringToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { blake2AsU8a } from '@polkadot/util-crypto';
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
  writeFileSync(join(dir, 'q.npy'), npy('|i1', [1, dimension], new Uint8Array(query.buffer, query.byteOffset, dimension)));
  writeFileSync(join(dir, 'ql.npy'), npy('<u4', [1], new Uint8Array(Uint32Array.from([queryLabel]).buffer)));
  return manifest;
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

/// What each contributor is credited from `part` (the contributors' share of a job's fee) for
/// the paid entries `paid`, as the rewards pallet's docs define it: entries with a positive
/// value weigh value x reward factor, the factor being 0.5 + score / 10^6 in billionths
/// (reputation's `Contributor` score, neutral 500,000 if never reported); each contributor
/// gets floor(part x its weights / all weights). `contributorOf[index]` is the address of the
/// contributor of the file holding version index `index` (`contributorsByIndex`). Returns a Map from address to amount.
export async function predictContributors(api, part, paid, contributorOf) {
  const weights = new Map();
  for (const e of paid.filter((e) => BigInt(e.value) > 0n)) {
    const who = contributorOf[e.index];
    const record = await api.query.reputation.scores(who, 'Contributor');
    const score = record.isSome ? record.unwrap().score.toBigInt() : 500_000n;
    const w = BigInt(e.value) * 1000n * (500_000n + score);
    weights.set(who, (weights.get(who) || 0n) + w);
  }
  const total = [...weights.values()].reduce((a, b) => a + b, 0n);
  return new Map([...weights].map(([who, w]) => [who, (part * w) / total]));
}
