//! What the relayer and wallets read: withdrawals ready for L1, and the digest to sign.

use alloc::vec::Vec;
use codec::Codec;
use openledger_primitives::bridge::EthAddress;

sp_api::decl_runtime_apis! {
	/// Reads of the bridge pallet.
	pub trait BridgeApi<Balance>
	where
		Balance: Codec,
	{
		/// Withdrawal `nonce`'s recipient, amount and signatures (ascending by signer, as the
		/// contract's `release` takes them), once it has the threshold of current members';
		/// `None` before.
		fn ready_withdrawal(nonce: u64) -> Option<(EthAddress, Balance, Vec<[u8; 65]>)>;
		/// The EIP-712 digest a member signs for withdrawal `nonce`; `None` if there is no such
		/// withdrawal or no contract is set.
		fn withdrawal_digest(nonce: u64) -> Option<[u8; 32]>;
	}
}
