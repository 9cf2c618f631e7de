// Helpers the end-to-end tests share: events, NumPy files, a Datanet version exported and
// attributed by the worker's CLI, and the settlement the spec predicts.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringToU8a } from '@polkadot/util';
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

/// Writes, under `dir`, a published version's export (`export/version.json` and
/// `export/embeddings.npy`, as `openledger-worker --datanet` reads it) from its `leaves` in
/// version order (`{ id, contributor (hex), contentHash, embeddingHash, label, embedding }`),
/// and the int8 `query` with its label (`q.npy`, `ql.npy`).
export function writeExport(dir, { datanet, root, dimension, leaves, query, queryLabel }) {
  const exportDir = join(dir, 'export');
  mkdirSync(exportDir);
  writeFileSync(join(exportDir, 'version.json'), JSON.stringify({
    datanet, version: 1, root, dimension,
    items: leaves.map((l) => ({
      id: l.id, contributor: l.contributor, content_hash: l.contentHash, embedding_hash: l.embeddingHash, label: l.label,
    })),
  }));
  const rows = new Uint8Array(leaves.flatMap((l) => [...new Uint8Array(l.embedding.buffer)]));
  writeFileSync(join(exportDir, 'embeddings.npy'), npy('|i1', [leaves.length, dimension], rows));
  writeFileSync(join(dir, 'q.npy'), npy('|i1', [1, dimension], new Uint8Array(query.buffer)));
  writeFileSync(join(dir, 'ql.npy'), npy('<u4', [1], new Uint8Array(Uint32Array.from([queryLabel]).buffer)));
}

/// Runs `openledger-worker attribute` with KNN-Shapley (`k`, paying `top`) on the CPU over the
/// export and query `writeExport` left in `dir`; the values go to `{name}.npy`, and the parsed
/// summary is returned.
export function attributeExport(dir, { k, top, name }) {
  execFileSync(releaseBinary('openledger-worker'), [
    'attribute', '--datanet', join(dir, 'export'), '--queries', join(dir, 'q.npy'), '--query-labels', join(dir, 'ql.npy'),
    '--method', 'knn-shapley', '--k', String(k), '--top', String(top), '--device', 'cpu', '--quiet',
    '--out', join(dir, `${name}.npy`), '--summary', join(dir, `${name}.json`),
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  return JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8'));
}

/// What each contributor is credited from `part` (the contributors' share of a job's fee) for
/// the paid entries `paid`, as the rewards pallet's docs define it: entries with a positive
/// value weigh value x reward factor, the factor being 0.5 + score / 10^6 in billionths
/// (reputation's `Contributor` score, neutral 500,000 if never reported); each contributor
/// gets floor(part x its weights / all weights). `contributorOf[index]` is the item's
/// contributor. Returns a Map from address to amount.
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
