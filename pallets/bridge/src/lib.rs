//! # Bridge
//!
//! OPEN in and out of this chain through the L1 contract `contracts/src/OpenBridge.sol`
//! (docs/bridge.md). A committee of `N` members, each with an account here and an Ethereum
//! signing key, stands in for the proofs this chain cannot produce.
//!
//! - **In**: members attest each L1 `Deposited` event they see in a *finalized* L1 block
//!   ([`Pallet::attest_deposit`]). When `threshold` current members have attested the same
//!   deposit, its OPEN is minted to the recipient, once per L1 nonce. Mints are rate limited
//!   per period; a deposit over the limit waits ([`Pallet::mint_deferred`]).
//! - **Out**: [`Pallet::burn`] burns OPEN and assigns an outbound nonce. Members post their
//!   signatures over the withdrawal's EIP-712 digest ([`Pallet::sign_withdrawal`]); each is
//!   checked here as the contract checks it (recovery through [`Config::Recovery`], low `s`,
//!   the member's own signer). At `threshold` the withdrawal is ready: anyone reads the
//!   signatures, in the order the contract takes them, and submits them on L1.
//! - Governance ([`Config::GovernanceOrigin`]) sets the committee, the L1 contract and the
//!   limits, and resumes; [`Config::HaltOrigin`] (the emergency track) halts both directions.
//!
//! Invariant ([`Pallet::do_try_state`]): `minted − burned ≤ locked`, where `locked` is what the
//! committee has attested as deposited on L1; and nothing is minted for a nonce twice.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

pub mod runtime_api;
pub mod types;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use types::*;
pub use weights::WeightInfo;

use openledger_primitives::bridge::{address_of, EthAddress, SignatureRecovery};

/// Recovery through the runtime's host functions.
pub struct HostRecovery;
impl SignatureRecovery for HostRecovery {
	fn recover(signature: &[u8; 65], digest: &[u8; 32]) -> Option<EthAddress> {
		sp_io::crypto::secp256k1_ecdsa_recover(signature, digest).ok().map(|p| address_of(&p))
	}
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{
		pallet_prelude::*,
		traits::{
			fungible::{Inspect, Mutate},
			tokens::{Fortitude, Precision, Preservation},
		},
	};
	use frame_system::pallet_prelude::*;
	use openledger_primitives::bridge::{self as eth, Domain};
	use sp_runtime::{
		traits::{Hash as _, SaturatedConversion, Saturating, Zero},
		ArithmeticError,
	};

	pub type BalanceOf<T> =
		<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;
	pub type CommitteeOf<T> =
		Committee<<T as frame_system::Config>::AccountId, <T as Config>::MaxMembers>;
	pub type DepositOf<T> = Deposit<<T as frame_system::Config>::AccountId, BalanceOf<T>>;
	pub type WithdrawalOf<T> = Withdrawal<BalanceOf<T>, <T as Config>::MaxMembers>;
	pub type LimitsOf<T> = Limits<BalanceOf<T>, BlockNumberFor<T>>;

	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// OPEN: minted for deposits, burned for withdrawals.
		type Currency: Mutate<Self::AccountId>;

		/// Recovers Ethereum signers ([`HostRecovery`] in the runtime).
		type Recovery: SignatureRecovery;

		/// Sets the committee, the L1 contract and the limits, and resumes after a halt.
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Halts both directions at once (the emergency track).
		type HaltOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The most committee members: bounds every attestation and signature list. The
		/// contract allows 64.
		#[pallet::constant]
		type MaxMembers: Get<u32>;

		/// The smallest burn: below it a withdrawal costs L1 more gas than it moves.
		#[pallet::constant]
		type MinBurn: Get<BalanceOf<Self>>;

		type WeightInfo: WeightInfo;
	}

	/// The committee; `None` until governance sets one (no deposit is minted before).
	#[pallet::storage]
	pub type CommitteeInfo<T: Config> = StorageValue<_, CommitteeOf<T>, OptionQuery>;

	/// The L1 contract; `None` until set (no withdrawal can be signed before).
	#[pallet::storage]
	pub type Contract<T: Config> = StorageValue<_, L1, OptionQuery>;

	/// The inbound limit; `None` until set (no deposit is minted before).
	#[pallet::storage]
	pub type InboundLimits<T: Config> = StorageValue<_, LimitsOf<T>, OptionQuery>;

	/// The current inbound period: its first block and what was minted in it.
	#[pallet::storage]
	pub type Window<T: Config> = StorageValue<_, (BlockNumberFor<T>, BalanceOf<T>), ValueQuery>;

	/// Both directions stopped.
	#[pallet::storage]
	pub type Halted<T: Config> = StorageValue<_, bool, ValueQuery>;

	/// Who attested which version of a deposit: by L1 nonce, then the deposit's hash. A member
	/// attests a nonce once, so a nonce has at most `MaxMembers` versions.
	#[pallet::storage]
	pub type Attestations<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		u64,
		Identity,
		T::Hash,
		(DepositOf<T>, BoundedVec<T::AccountId, T::MaxMembers>),
		OptionQuery,
	>;

	/// The members who attested a nonce (whatever they attested).
	#[pallet::storage]
	pub type Attested<T: Config> =
		StorageDoubleMap<_, Twox64Concat, u64, Blake2_128Concat, T::AccountId, (), OptionQuery>;

	/// Minted L1 nonces, 128 to a word: a nonce is never minted twice.
	#[pallet::storage]
	pub type Processed<T: Config> = StorageMap<_, Twox64Concat, u64, u128, ValueQuery>;

	/// Deposits the committee agreed on that could not be minted yet (over the period's limit,
	/// or refused by the currency): by L1 nonce.
	#[pallet::storage]
	pub type Deferred<T: Config> = StorageMap<_, Twox64Concat, u64, DepositOf<T>, OptionQuery>;

	/// The next burn's outbound nonce.
	#[pallet::storage]
	pub type NextBurnNonce<T: Config> = StorageValue<_, u64, ValueQuery>;

	/// Every burn, with the signatures posted for it.
	#[pallet::storage]
	pub type Withdrawals<T: Config> =
		StorageMap<_, Twox64Concat, u64, WithdrawalOf<T>, OptionQuery>;

	/// What the committee attested as deposited on L1, what was minted and what was burned.
	#[pallet::storage]
	pub type Totals<T: Config> =
		StorageValue<_, (BalanceOf<T>, BalanceOf<T>, BalanceOf<T>), ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		CommitteeSet {
			epoch: u64,
			members: u32,
			threshold: u32,
		},
		ContractSet {
			l1: L1,
		},
		LimitsSet {
			limits: LimitsOf<T>,
		},
		Halted,
		Resumed,
		/// A member attested a deposit; `count` current members agree on it so far.
		DepositAttested {
			nonce: u64,
			member: T::AccountId,
			count: u32,
		},
		/// A deposit's OPEN was minted.
		DepositMinted {
			nonce: u64,
			recipient: T::AccountId,
			amount: BalanceOf<T>,
		},
		/// The committee agreed on a deposit that cannot be minted now; `mint_deferred` retries.
		DepositDeferred {
			nonce: u64,
			over_limit: bool,
		},
		/// OPEN was burned for a withdrawal to `recipient` on L1.
		Burned {
			nonce: u64,
			who: T::AccountId,
			recipient: EthAddress,
			amount: BalanceOf<T>,
		},
		/// A member's signature for a withdrawal was checked and kept.
		WithdrawalSigned {
			nonce: u64,
			signer: EthAddress,
			count: u32,
		},
		/// A withdrawal has `threshold` signatures: it can be released on L1.
		WithdrawalReady {
			nonce: u64,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// Members must be non-empty, ascending by signer with no zero signer, with distinct
		/// accounts, and 1 ≤ threshold ≤ members.
		BadCommittee,
		/// No committee, contract or limits set yet.
		NotConfigured,
		/// The bridge is halted.
		IsHalted,
		/// The bridge is not halted.
		NotHalted,
		/// The caller is not a current member.
		NotMember,
		/// This member already attested this nonce.
		AlreadyAttested,
		/// This nonce was already minted.
		AlreadyMinted,
		/// A zero amount.
		ZeroAmount,
		/// No deferred deposit has this nonce.
		NotDeferred,
		/// Still over the period's limit, or the currency refuses the mint.
		StillDeferred,
		/// Below `MinBurn`.
		BurnTooSmall,
		/// A zero Ethereum recipient.
		ZeroRecipient,
		/// No withdrawal has this nonce.
		UnknownWithdrawal,
		/// The signature is malformed, malleated, or not the member's own signer's.
		BadSignature,
		/// This member already signed this withdrawal.
		AlreadySigned,
		/// A zero limit period.
		ZeroPeriod,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(
				T::MaxMembers::get() > 0 && T::MaxMembers::get() <= 64,
				"the contract takes 1 to 64"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Sets the committee (governance). Starts a new epoch: attestations and signatures by
		/// members no longer in it stop counting.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::set_committee(T::MaxMembers::get()))]
		pub fn set_committee(
			origin: OriginFor<T>,
			members: BoundedVec<crate::types::Member<T::AccountId>, T::MaxMembers>,
			threshold: u32,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			let signers: alloc::vec::Vec<EthAddress> = members.iter().map(|m| m.signer).collect();
			ensure!(eth::valid_committee(&signers, threshold), Error::<T>::BadCommittee);
			let mut accounts: alloc::vec::Vec<&T::AccountId> =
				members.iter().map(|m| &m.account).collect();
			accounts.sort();
			ensure!(accounts.windows(2).all(|w| w[0] != w[1]), Error::<T>::BadCommittee);
			let epoch = CommitteeInfo::<T>::get().map_or(0, |c| c.epoch.saturating_add(1));
			let count = members.len() as u32;
			CommitteeInfo::<T>::put(Committee { members, threshold, epoch });
			Self::deposit_event(Event::CommitteeSet { epoch, members: count, threshold });
			Ok(())
		}

		/// Sets the L1 chain id and contract address (governance).
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::set_contract())]
		pub fn set_contract(origin: OriginFor<T>, l1: L1) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			ensure!(l1.contract != [0u8; 20] && l1.chain_id != 0, Error::<T>::NotConfigured);
			Contract::<T>::put(l1);
			Self::deposit_event(Event::ContractSet { l1 });
			Ok(())
		}

		/// Sets the inbound limit (governance).
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::set_limits())]
		pub fn set_limits(origin: OriginFor<T>, limits: LimitsOf<T>) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			ensure!(!limits.period.is_zero(), Error::<T>::ZeroPeriod);
			InboundLimits::<T>::put(limits);
			Self::deposit_event(Event::LimitsSet { limits });
			Ok(())
		}

		/// Stops minting, burning and signing.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::halt())]
		pub fn halt(origin: OriginFor<T>) -> DispatchResult {
			T::HaltOrigin::ensure_origin(origin)?;
			ensure!(!Halted::<T>::get(), Error::<T>::IsHalted);
			Halted::<T>::put(true);
			Self::deposit_event(Event::Halted);
			Ok(())
		}

		/// Resumes after a halt (governance only: the emergency track cannot undo what it did).
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::resume())]
		pub fn resume(origin: OriginFor<T>) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			ensure!(Halted::<T>::get(), Error::<T>::NotHalted);
			Halted::<T>::put(false);
			Self::deposit_event(Event::Resumed);
			Ok(())
		}

		/// A member attests an L1 deposit seen in a finalized block. At `threshold` current
		/// members attesting the same deposit (nonce, sender, recipient, amount), it is minted,
		/// or deferred if over the period's limit.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::attest_deposit(T::MaxMembers::get()))]
		pub fn attest_deposit(origin: OriginFor<T>, deposit: DepositOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(!Halted::<T>::get(), Error::<T>::IsHalted);
			let committee = CommitteeInfo::<T>::get().ok_or(Error::<T>::NotConfigured)?;
			ensure!(committee.members.iter().any(|m| m.account == who), Error::<T>::NotMember);
			ensure!(!deposit.amount.is_zero(), Error::<T>::ZeroAmount);
			let nonce = deposit.nonce;
			ensure!(!Self::is_processed(nonce), Error::<T>::AlreadyMinted);
			ensure!(!Attested::<T>::contains_key(nonce, &who), Error::<T>::AlreadyAttested);
			let key = T::Hashing::hash_of(&deposit);
			let (_, mut attesters) = Attestations::<T>::get(nonce, key)
				.unwrap_or_else(|| (deposit.clone(), BoundedVec::new()));
			// Attestations by members rotated out stop counting and are dropped, so the list
			// holds current members only, each once (`Attested`): it always has room.
			attesters.retain(|a| committee.members.iter().any(|m| &m.account == a));
			attesters.try_push(who.clone()).map_err(|_| Error::<T>::NotMember)?;
			let count = attesters.len() as u32;
			Attested::<T>::insert(nonce, &who, ());
			Self::deposit_event(Event::DepositAttested { nonce, member: who, count });
			if count >= committee.threshold {
				// Agreed: nothing about this nonce is kept but the mark and, if it waits, the
				// deposit.
				let _ = Attestations::<T>::clear_prefix(nonce, T::MaxMembers::get(), None);
				let _ = Attested::<T>::clear_prefix(nonce, T::MaxMembers::get(), None);
				Self::mark_processed(nonce);
				Totals::<T>::try_mutate(|(locked, _, _)| -> DispatchResult {
					*locked =
						locked.checked_add(&deposit.amount).ok_or(ArithmeticError::Overflow)?;
					Ok(())
				})?;
				if let Err(over_limit) = Self::try_mint(&deposit) {
					Deferred::<T>::insert(nonce, &deposit);
					Self::deposit_event(Event::DepositDeferred { nonce, over_limit });
				}
			} else {
				Attestations::<T>::insert(nonce, key, (deposit, attesters));
			}
			Ok(())
		}

		/// Mints a deferred deposit once the period's limit has room (anyone may call).
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::mint_deferred())]
		pub fn mint_deferred(origin: OriginFor<T>, nonce: u64) -> DispatchResult {
			ensure_signed(origin)?;
			ensure!(!Halted::<T>::get(), Error::<T>::IsHalted);
			let deposit = Deferred::<T>::get(nonce).ok_or(Error::<T>::NotDeferred)?;
			Self::try_mint(&deposit).map_err(|_| Error::<T>::StillDeferred)?;
			Deferred::<T>::remove(nonce);
			Ok(())
		}

		/// Burns `amount` of the caller's OPEN for `recipient` on L1 and assigns the next
		/// outbound nonce. The committee then signs it.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::burn())]
		pub fn burn(
			origin: OriginFor<T>,
			amount: BalanceOf<T>,
			recipient: EthAddress,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(!Halted::<T>::get(), Error::<T>::IsHalted);
			ensure!(amount >= T::MinBurn::get() && !amount.is_zero(), Error::<T>::BurnTooSmall);
			ensure!(recipient != [0u8; 20], Error::<T>::ZeroRecipient);
			let nonce = NextBurnNonce::<T>::get();
			let next = nonce.checked_add(1).ok_or(ArithmeticError::Overflow)?;
			let (locked, minted, burned) = Totals::<T>::get();
			let burned = burned.checked_add(&amount).ok_or(ArithmeticError::Overflow)?;
			T::Currency::burn_from(
				&who,
				amount,
				Preservation::Preserve,
				Precision::Exact,
				Fortitude::Polite,
			)?;
			Totals::<T>::put((locked, minted, burned));
			NextBurnNonce::<T>::put(next);
			Withdrawals::<T>::insert(
				nonce,
				Withdrawal { recipient, amount, signatures: BoundedVec::new() },
			);
			Self::deposit_event(Event::Burned { nonce, who, recipient, amount });
			Ok(())
		}

		/// A member posts its signature over withdrawal `nonce`'s digest. It is kept only if it
		/// would count on L1: well formed, low `s`, by the member's own signer.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::sign_withdrawal(T::MaxMembers::get()))]
		pub fn sign_withdrawal(
			origin: OriginFor<T>,
			nonce: u64,
			signature: [u8; 65],
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(!Halted::<T>::get(), Error::<T>::IsHalted);
			let committee = CommitteeInfo::<T>::get().ok_or(Error::<T>::NotConfigured)?;
			let member =
				committee.members.iter().find(|m| m.account == who).ok_or(Error::<T>::NotMember)?;
			let mut w = Withdrawals::<T>::get(nonce).ok_or(Error::<T>::UnknownWithdrawal)?;
			let digest = Self::withdrawal_digest(nonce, &w).ok_or(Error::<T>::NotConfigured)?;
			let signer = eth::signer_of::<T::Recovery>(&signature, &digest)
				.map_err(|_| Error::<T>::BadSignature)?;
			ensure!(signer == member.signer, Error::<T>::BadSignature);
			// Signatures of members no longer in the committee stop counting.
			w.signatures.retain(|(s, _)| committee.members.iter().any(|m| m.signer == *s));
			let at = match w.signatures.binary_search_by(|(s, _)| s.cmp(&signer)) {
				Ok(_) => return Err(Error::<T>::AlreadySigned.into()),
				Err(at) => at,
			};
			w.signatures
				.try_insert(at, (signer, signature))
				.map_err(|_| Error::<T>::AlreadySigned)?;
			let count = w.signatures.len() as u32;
			Withdrawals::<T>::insert(nonce, &w);
			Self::deposit_event(Event::WithdrawalSigned { nonce, signer, count });
			if count == committee.threshold {
				Self::deposit_event(Event::WithdrawalReady { nonce });
			}
			Ok(())
		}
	}

	impl<T: Config> Pallet<T> {
		fn is_processed(nonce: u64) -> bool {
			Processed::<T>::get(nonce / 128) & (1u128 << (nonce % 128)) != 0
		}

		fn mark_processed(nonce: u64) {
			Processed::<T>::mutate(nonce / 128, |w| *w |= 1u128 << (nonce % 128));
		}

		/// Mints `deposit` within the period's limit. `Err(true)`: over the limit (or no limit
		/// set); `Err(false)`: the currency refused it (e.g. below the existential deposit).
		fn try_mint(deposit: &DepositOf<T>) -> Result<(), bool> {
			let limits = InboundLimits::<T>::get().ok_or(true)?;
			let now = frame_system::Pallet::<T>::block_number();
			let (start, mut used) = Window::<T>::get();
			let start = if now.saturating_sub(start) >= limits.period {
				used = Zero::zero();
				now
			} else {
				start
			};
			let after = used.checked_add(&deposit.amount).ok_or(true)?;
			if after > limits.max {
				return Err(true);
			}
			T::Currency::mint_into(&deposit.recipient, deposit.amount).map_err(|_| false)?;
			Window::<T>::put((start, after));
			Totals::<T>::mutate(|(_, minted, _)| *minted = minted.saturating_add(deposit.amount));
			Self::deposit_event(Event::DepositMinted {
				nonce: deposit.nonce,
				recipient: deposit.recipient.clone(),
				amount: deposit.amount,
			});
			Ok(())
		}

		/// The domain of every digest: the contract and this chain's genesis.
		pub fn domain() -> Option<Domain> {
			let l1 = Contract::<T>::get()?;
			let genesis = frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero());
			let mut g = [0u8; 32];
			g.copy_from_slice(genesis.as_ref().get(..32)?);
			Some(Domain { chain_id: l1.chain_id, contract: l1.contract, genesis: g })
		}

		/// What the committee signs for withdrawal `nonce`.
		pub fn withdrawal_digest(nonce: u64, w: &WithdrawalOf<T>) -> Option<[u8; 32]> {
			let amount: u128 = w.amount.saturated_into();
			Some(eth::withdrawal_digest(
				&Self::domain()?,
				&eth::Withdrawal { nonce, recipient: w.recipient, amount },
			))
		}

		/// A withdrawal and, once it has `threshold` signatures by current members, the
		/// signatures in the contract's order (for the runtime API).
		pub fn ready_withdrawal(
			nonce: u64,
		) -> Option<(EthAddress, BalanceOf<T>, alloc::vec::Vec<[u8; 65]>)> {
			let committee = CommitteeInfo::<T>::get()?;
			let w = Withdrawals::<T>::get(nonce)?;
			let sigs: alloc::vec::Vec<[u8; 65]> = w
				.signatures
				.iter()
				.filter(|(s, _)| committee.members.iter().any(|m| m.signer == *s))
				.map(|(_, sig)| *sig)
				.collect();
			(sigs.len() as u32 >= committee.threshold).then_some((w.recipient, w.amount, sigs))
		}

		/// The invariants:
		/// - `minted ≤ locked`, and so `minted − burned ≤ locked`: nothing is minted that the
		///   committee did not attest as locked on L1;
		/// - the committee, if set, is valid (ascending non-zero signers, 1 ≤ threshold ≤ N);
		/// - every deferred deposit's nonce is marked processed, so it is minted at most once;
		/// - burn nonces below `NextBurnNonce` only.
		#[cfg(any(feature = "try-runtime", test))]
		pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
			let (locked, minted, _burned) = Totals::<T>::get();
			ensure!(minted <= locked, "minted more than the committee attested as locked");
			if let Some(c) = CommitteeInfo::<T>::get() {
				let signers: alloc::vec::Vec<EthAddress> =
					c.members.iter().map(|m| m.signer).collect();
				ensure!(eth::valid_committee(&signers, c.threshold), "an invalid committee");
			}
			for (nonce, _) in Deferred::<T>::iter() {
				ensure!(Self::is_processed(nonce), "a deferred deposit not marked processed");
			}
			let next = NextBurnNonce::<T>::get();
			for (nonce, _) in Withdrawals::<T>::iter() {
				ensure!(nonce < next, "a withdrawal past the burn nonce");
			}
			Ok(())
		}
	}
}
