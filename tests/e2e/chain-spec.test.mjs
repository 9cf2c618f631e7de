// Chain specs written by the node from the runtime's presets carry the OPEN token properties
// and the para id, in both the plain and the raw form.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { nodeBinary } from './node-process.mjs';

function buildSpec(...args) {
  const out = execFileSync(nodeBinary(), ['build-spec', ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return JSON.parse(out);
}

const CODE_KEY = '0x3a636f6465'; // ":code"

for (const [chain, id, chainType] of [['dev', 'openledger_dev', 'Development'], ['local', 'openledger_local', 'Local']]) {
  test(`build-spec --chain ${chain}: OPEN/18, para 2000, preset genesis`, () => {
    const plain = buildSpec('--chain', chain);
    assert.equal(plain.id, id);
    assert.equal(plain.chainType, chainType);
    assert.equal(plain.properties.tokenSymbol, 'OPEN');
    assert.equal(plain.properties.tokenDecimals, 18);
    assert.equal(plain.para_id ?? plain.paraId, 2000);
    assert.ok(plain.genesis.runtimeGenesis, 'plain spec keeps the runtime genesis (code + preset)');

    const raw = buildSpec('--chain', chain, '--raw');
    assert.equal(raw.properties.tokenSymbol, 'OPEN');
    assert.ok(raw.genesis.raw.top[CODE_KEY].length > 1000, 'raw spec embeds the runtime wasm');
  });
}

test('build-spec refuses a chain spec file that does not exist', () => {
  assert.throws(() => buildSpec('--chain', '/nonexistent/openledger.json'), (err) => {
    assert.notEqual(err.status, 0);
    assert.match(String(err.stderr), /nonexistent|No such file/);
    return true;
  });
});
