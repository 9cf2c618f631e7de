// What the network tests ask of the parachain, through @polkadot/api as a contributor's script
// would.

import assert from 'node:assert/strict';

export const PARA_ID = 2000;

export async function finalizedNumber(api) {
  return (await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number.toNumber();
}

export async function bestNumber(api) {
  return (await api.rpc.chain.getHeader()).number.toNumber();
}

/// How many of blocks `from..=to` each account authored (aura: the slot's session key).
export async function authorsOf(api, from, to) {
  const count = new Map();
  for (let n = from; n <= to; n++) {
    const author = await authorOf(api, await api.rpc.chain.getBlockHash(n));
    count.set(author, (count.get(author) || 0) + 1);
  }
  return count;
}

export async function authorOf(api, hash) {
  const header = await api.derive.chain.getHeader(hash);
  assert.ok(header.author, `block ${hash.toHex()} names no author`);
  return header.author.toString();
}

/// Signs and sends `tx` from `signer` and resolves once the block that holds it is finalized,
/// with that block's hash and the extrinsic's events; rejects if it failed.
export function sendFinalized(api, tx, signer) {
  return new Promise((resolve, reject) => {
    let unsub;
    tx.signAndSend(signer, ({ status, events, dispatchError }) => {
      if (dispatchError) {
        const d = dispatchError.isModule ? api.registry.findMetaError(dispatchError.asModule) : dispatchError;
        if (unsub) unsub();
        reject(new Error(`dispatch failed: ${d.section ? `${d.section}.${d.name}` : d.toString()}`));
        return;
      }
      if (status.isDropped || status.isInvalid || status.isUsurped) {
        if (unsub) unsub();
        reject(new Error(`transaction ${status.type}`));
      }
      if (status.isFinalized) {
        if (unsub) unsub();
        resolve({ blockHash: status.asFinalized, events });
      }
    }).then((u) => { unsub = u; }, reject);
  });
}

export function transferFinalized(api, signer, to, amount) {
  return sendFinalized(api, api.tx.balances.transferKeepAlive(to, amount), signer);
}
