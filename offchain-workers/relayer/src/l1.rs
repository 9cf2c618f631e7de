//! The Ethereum side, through alloy: `Deposited` logs up to the `finalized` block, the state of
//! a release, and the `release` and `execute` transactions.

use alloy::{
	eips::BlockNumberOrTag,
	network::EthereumWallet,
	primitives::{Address, Bytes, B256, U256},
	providers::{DynProvider, Provider, ProviderBuilder},
	rpc::types::Filter,
	signers::local::PrivateKeySigner,
	sol,
};
use anyhow::{bail, Context, Result};
use openledger_primitives::bridge::{self as eth, Deposited, EthAddress};
use std::time::Duration;

sol! {
	/// What the relayer calls of `contracts/src/OpenBridge.sol`.
	#[sol(rpc)]
	interface OpenBridge {
		struct Withdrawal {
			uint64 nonce;
			address recipient;
			uint256 amount;
		}

		function releases(uint64 nonce)
			external
			view
			returns (uint8 status, uint64 readyAt, address recipient, uint256 amount);
		function release(Withdrawal calldata w, bytes[] calldata signatures) external;
		function execute(uint64 nonce) external;
		function paused() external view returns (bool);
	}
}

/// A release's state on L1, as the contract's `Status`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Status {
	/// Not submitted yet.
	None,
	/// Queued: payable from `ready_at` (seconds).
	Queued {
		ready_at: u64,
	},
	Released,
	Cancelled,
}

/// The L1 node and the bridge contract on it.
pub struct L1 {
	provider: DynProvider,
	contract: Address,
	/// The account that pays for `release` and `execute`.
	pub sender: Address,
}

impl L1 {
	/// A client of the node at `url` (plain HTTP: the member's own node), sending with `sender`.
	pub fn new(url: &str, contract: EthAddress, sender: PrivateKeySigner) -> Result<L1> {
		let url = url.parse().with_context(|| format!("the L1 endpoint {url} is not a URL"))?;
		let address = sender.address();
		let provider =
			ProviderBuilder::new().wallet(EthereumWallet::from(sender)).connect_http(url).erased();
		Ok(L1 { provider, contract: Address::from(contract), sender: address })
	}

	fn bridge(&self) -> OpenBridge::OpenBridgeInstance<DynProvider> {
		OpenBridge::new(self.contract, self.provider.clone())
	}

	pub async fn chain_id(&self) -> Result<u64> {
		self.provider.get_chain_id().await.context("reading the L1 chain id")
	}

	/// The number of the newest block the L1 node calls finalized.
	pub async fn finalized(&self) -> Result<u64> {
		let block = self
			.provider
			.get_block_by_number(BlockNumberOrTag::Finalized)
			.await
			.context("reading the finalized L1 block")?
			.context("the L1 node has no finalized block")?;
		Ok(block.header.number)
	}

	/// The newest block's timestamp: what `execute` compares a release's `readyAt` with.
	pub async fn now(&self) -> Result<u64> {
		let block = self
			.provider
			.get_block_by_number(BlockNumberOrTag::Latest)
			.await
			.context("reading the latest L1 block")?
			.context("the L1 node has no latest block")?;
		Ok(block.header.timestamp)
	}

	/// The bridge's `Deposited` events in blocks `from..=to`, decoded by the primitives' rules.
	/// A log that does not decode is reported and skipped: the contract never emits one.
	pub async fn deposits(&self, from: u64, to: u64) -> Result<Vec<(u64, Deposited)>> {
		let filter = Filter::new()
			.address(self.contract)
			.event_signature(B256::from(eth::deposited_topic()))
			.from_block(from)
			.to_block(to);
		let logs = self
			.provider
			.get_logs(&filter)
			.await
			.with_context(|| format!("reading deposits in L1 blocks {from}..={to}"))?;
		let mut out = Vec::with_capacity(logs.len());
		for log in logs {
			let topics: Vec<[u8; 32]> = log.topics().iter().map(|t| t.0).collect();
			match eth::decode_deposited(&topics, &log.data().data) {
				Ok(d) => out.push((log.block_number.unwrap_or(from), d)),
				Err(e) => tracing::warn!(
					tx = ?log.transaction_hash,
					error = ?e,
					"a log with the Deposited signature does not decode; skipped"
				),
			}
		}
		Ok(out)
	}

	pub async fn status(&self, nonce: u64) -> Result<Status> {
		let r = self
			.bridge()
			.releases(nonce)
			.call()
			.await
			.with_context(|| format!("reading release {nonce} on L1"))?;
		Ok(match r.status {
			0 => Status::None,
			1 => Status::Queued { ready_at: r.readyAt },
			2 => Status::Released,
			3 => Status::Cancelled,
			other => bail!("release {nonce} has status {other}, which the contract does not have"),
		})
	}

	pub async fn paused(&self) -> Result<bool> {
		self.bridge().paused().call().await.context("reading whether the bridge is paused")
	}

	/// Submits `release` for a withdrawal with its signatures and waits for the receipt.
	pub async fn release(
		&self,
		nonce: u64,
		recipient: EthAddress,
		amount: u128,
		signatures: &[[u8; 65]],
	) -> Result<B256> {
		let w = OpenBridge::Withdrawal {
			nonce,
			recipient: Address::from(recipient),
			amount: U256::from(amount),
		};
		let sigs: Vec<Bytes> = signatures.iter().map(|s| Bytes::copy_from_slice(s)).collect();
		let bridge = self.bridge();
		let pending = bridge
			.release(w, sigs)
			.send()
			.await
			.with_context(|| format!("sending release {nonce}"))?;
		self.confirmed(pending, "release", nonce).await
	}

	/// Submits `execute` for a queued release and waits for the receipt.
	pub async fn execute(&self, nonce: u64) -> Result<B256> {
		let bridge = self.bridge();
		let pending = bridge
			.execute(nonce)
			.send()
			.await
			.with_context(|| format!("sending execute {nonce}"))?;
		self.confirmed(pending, "execute", nonce).await
	}

	async fn confirmed(
		&self,
		pending: alloy::providers::PendingTransactionBuilder<alloy::network::Ethereum>,
		what: &str,
		nonce: u64,
	) -> Result<B256> {
		let receipt = pending
			.with_timeout(Some(Duration::from_secs(60)))
			.get_receipt()
			.await
			.with_context(|| format!("waiting for the receipt of {what} {nonce}"))?;
		if !receipt.status() {
			bail!("{what} {nonce} reverted in transaction {}", receipt.transaction_hash);
		}
		Ok(receipt.transaction_hash)
	}
}

/// Recovers signers with alloy's secp256k1, for checking this relayer's own signatures by the
/// primitives' (and so the contract's) rules before they are posted.
pub struct AlloyRecovery;

impl eth::SignatureRecovery for AlloyRecovery {
	fn recover(signature: &[u8; 65], digest: &[u8; 32]) -> Option<EthAddress> {
		// `normalise` has turned v into a recovery id (0 or 1).
		let sig = alloy::primitives::Signature::from_bytes_and_parity(
			&signature[..64],
			signature[64] == 1,
		);
		sig.recover_address_from_prehash(&B256::from(*digest)).ok().map(|a| a.0 .0)
	}
}
