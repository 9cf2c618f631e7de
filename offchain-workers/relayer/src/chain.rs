//! The bridge pallet as the relayer reads it and the two calls it makes.

use anyhow::{Context, Result};
use openledger_chain::{api, AccountId, AtBlock, Sender};
use openledger_primitives::bridge::{Deposited, EthAddress};

type DepositOnChain = api::runtime_types::pallet_bridge::types::Deposit<AccountId, u128>;

/// The committee in force.
pub struct CommitteeView {
	pub members: Vec<(AccountId, EthAddress)>,
	pub epoch: u64,
}

/// A burn and the signatures posted for it so far.
pub struct WithdrawalView {
	pub recipient: EthAddress,
	pub amount: u128,
	pub signers: Vec<EthAddress>,
}

pub async fn committee(at: &AtBlock) -> Result<Option<CommitteeView>> {
	let c = at.storage().try_fetch(api::storage().bridge().committee_info(), ()).await?;
	let Some(c) = c else { return Ok(None) };
	let c = c.decode()?;
	Ok(Some(CommitteeView {
		members: c.members.0.into_iter().map(|m| (m.account, m.signer)).collect(),
		epoch: c.epoch,
	}))
}

/// The L1 chain id and contract the chain's digests are for.
pub async fn contract(at: &AtBlock) -> Result<Option<(u64, EthAddress)>> {
	let c = at.storage().try_fetch(api::storage().bridge().contract(), ()).await?;
	Ok(match c {
		Some(c) => {
			let c = c.decode()?;
			Some((c.chain_id, c.contract))
		},
		None => None,
	})
}

pub async fn halted(at: &AtBlock) -> Result<bool> {
	let h = at.storage().try_fetch(api::storage().bridge().halted(), ()).await?;
	Ok(match h {
		Some(h) => h.decode()?,
		None => false,
	})
}

/// Whether L1 deposit `nonce` was minted (or agreed and deferred): it is never minted again.
pub async fn processed(at: &AtBlock, nonce: u64) -> Result<bool> {
	let word = at.storage().try_fetch(api::storage().bridge().processed(), (nonce / 128,)).await?;
	let word: u128 = match word {
		Some(w) => w.decode()?,
		None => 0,
	};
	Ok(word & (1u128 << (nonce % 128)) != 0)
}

/// Whether `who` has attested deposit `nonce` (whatever version of it).
pub async fn attested(at: &AtBlock, nonce: u64, who: &AccountId) -> Result<bool> {
	Ok(at.storage().try_fetch(api::storage().bridge().attested(), (nonce, *who)).await?.is_some())
}

/// The next burn's nonce: burns so far are `0..next_burn`.
pub async fn next_burn(at: &AtBlock) -> Result<u64> {
	let n = at.storage().try_fetch(api::storage().bridge().next_burn_nonce(), ()).await?;
	Ok(match n {
		Some(n) => n.decode()?,
		None => 0,
	})
}

pub async fn withdrawal(at: &AtBlock, nonce: u64) -> Result<Option<WithdrawalView>> {
	let w = at.storage().try_fetch(api::storage().bridge().withdrawals(), (nonce,)).await?;
	let Some(w) = w else { return Ok(None) };
	let w = w.decode()?;
	Ok(Some(WithdrawalView {
		recipient: w.recipient,
		amount: w.amount,
		signers: w.signatures.0.into_iter().map(|(s, _)| s).collect(),
	}))
}

/// Withdrawal `nonce`'s recipient, amount and signatures in the contract's order, once it has
/// the threshold of current members'.
pub async fn ready(at: &AtBlock, nonce: u64) -> Result<Option<(EthAddress, u128, Vec<[u8; 65]>)>> {
	let call = api::runtime_apis().bridge_api().ready_withdrawal(nonce);
	at.runtime_apis()
		.call(call)
		.await
		.with_context(|| format!("reading whether withdrawal {nonce} is ready"))
}

pub async fn attest(sender: &mut Sender, at: &AtBlock, d: &Deposited) -> Result<()> {
	let deposit = DepositOnChain {
		nonce: d.nonce,
		from: d.from,
		recipient: AccountId::from(d.recipient),
		amount: d.amount,
	};
	sender.send(at, "attest_deposit", &api::tx().bridge().attest_deposit(deposit)).await?;
	Ok(())
}

pub async fn sign(
	sender: &mut Sender,
	at: &AtBlock,
	nonce: u64,
	signature: [u8; 65],
) -> Result<()> {
	sender
		.send(at, "sign_withdrawal", &api::tx().bridge().sign_withdrawal(nonce, signature))
		.await?;
	Ok(())
}
