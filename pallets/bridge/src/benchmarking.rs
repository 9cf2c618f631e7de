//! Benchmarks of the bridge's calls, each at its worst case: a committee of `m` members with
//! threshold `m`, and the call that reaches the threshold (clearing `m` attestations and
//! minting, or inserting the last of `m` signatures after a recovery).

use super::*;
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{
		fungible::{Inspect, Mutate},
		EnsureOrigin, Get,
	},
	BoundedVec,
};
use frame_system::RawOrigin;
use openledger_primitives::bridge::EthAddress;
use sp_runtime::traits::{Bounded, Saturating, Zero};

const KEY_TYPE: sp_runtime::KeyTypeId = sp_runtime::KeyTypeId(*b"brdg");

/// A signer address that sorts at position `i` below every recovered key's (all start with a
/// zero byte).
fn low_signer(i: u32) -> EthAddress {
	let mut a = [0u8; 20];
	a[16..].copy_from_slice(&(i + 1).to_be_bytes());
	a
}

/// A committee of `m` members, threshold `m`; the last member's signer is `last` if given.
fn committee<T: Config>(m: u32, last: Option<EthAddress>) -> alloc::vec::Vec<T::AccountId> {
	let accounts: alloc::vec::Vec<T::AccountId> = (0..m).map(|i| account("member", i, 0)).collect();
	let mut members: alloc::vec::Vec<Member<T::AccountId>> = accounts
		.iter()
		.enumerate()
		.map(|(i, a)| Member { account: a.clone(), signer: low_signer(i as u32) })
		.collect();
	if let (Some(signer), Some(l)) = (last, members.last_mut()) {
		l.signer = signer;
	}
	members.sort_by_key(|m| m.signer);
	let bounded: BoundedVec<_, T::MaxMembers> = members.try_into().expect("m ≤ MaxMembers");
	CommitteeInfo::<T>::put(Committee { members: bounded, threshold: m, epoch: 0 });
	Contract::<T>::put(L1 { chain_id: 1, contract: [0x11; 20] });
	InboundLimits::<T>::put(Limits { period: 100u32.into(), max: BalanceOf::<T>::max_value() });
	accounts
}

fn amount<T: Config>() -> BalanceOf<T> {
	T::MinBurn::get().max(T::Currency::minimum_balance()).saturating_mul(1_000u32.into())
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn set_committee(m: Linear<1, { T::MaxMembers::get() }>) -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		committee::<T>(m, None);
		let members: BoundedVec<_, T::MaxMembers> = (0..m)
			.map(|i| Member { account: account("next", i, 0), signer: low_signer(i + 100) })
			.collect::<alloc::vec::Vec<_>>()
			.try_into()
			.expect("m ≤ MaxMembers");
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, members, m);
		assert_eq!(CommitteeInfo::<T>::get().expect("set").epoch, 1);
		Ok(())
	}

	#[benchmark]
	fn set_contract() -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let l1 = L1 { chain_id: 11155111, contract: [0x22; 20] };
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, l1);
		assert_eq!(Contract::<T>::get(), Some(l1));
		Ok(())
	}

	#[benchmark]
	fn set_limits() -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let limits = Limits { period: 10u32.into(), max: amount::<T>() };
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, limits);
		assert_eq!(InboundLimits::<T>::get(), Some(limits));
		Ok(())
	}

	#[benchmark]
	fn halt() -> Result<(), BenchmarkError> {
		let origin =
			T::HaltOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin);
		assert!(Halted::<T>::get());
		Ok(())
	}

	#[benchmark]
	fn resume() -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		Halted::<T>::put(true);
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin);
		assert!(!Halted::<T>::get());
		Ok(())
	}

	/// The attestation that reaches a threshold of `m`: counts `m` attesters against `m`
	/// members, clears `m` entries of each map, mints.
	#[benchmark]
	fn attest_deposit(m: Linear<1, { T::MaxMembers::get() }>) {
		let accounts = committee::<T>(m, None);
		let recipient: T::AccountId = account("recipient", 0, 0);
		let d = Deposit {
			nonce: 7,
			from: [0xEE; 20],
			recipient: recipient.clone(),
			amount: amount::<T>(),
		};
		for a in &accounts[..(m - 1) as usize] {
			Pallet::<T>::attest_deposit(RawOrigin::Signed(a.clone()).into(), d.clone())
				.expect("a member attests");
		}
		let last = accounts[(m - 1) as usize].clone();
		#[extrinsic_call]
		_(RawOrigin::Signed(last), d);
		assert_eq!(T::Currency::balance(&recipient), amount::<T>());
	}

	#[benchmark]
	fn mint_deferred() {
		committee::<T>(1, None);
		let recipient: T::AccountId = account("recipient", 0, 0);
		let d = Deposit {
			nonce: 7,
			from: [0xEE; 20],
			recipient: recipient.clone(),
			amount: amount::<T>(),
		};
		Deferred::<T>::insert(7, &d);
		Processed::<T>::insert(0, 1u128 << 7);
		Totals::<T>::put((amount::<T>(), BalanceOf::<T>::zero(), BalanceOf::<T>::zero()));
		let caller: T::AccountId = whitelisted_caller();
		#[extrinsic_call]
		_(RawOrigin::Signed(caller), 7);
		assert_eq!(T::Currency::balance(&recipient), amount::<T>());
	}

	#[benchmark]
	fn burn() {
		let caller: T::AccountId = whitelisted_caller();
		T::Currency::set_balance(&caller, amount::<T>().saturating_mul(10u32.into()));
		#[extrinsic_call]
		_(RawOrigin::Signed(caller), amount::<T>(), [0x33; 20]);
		assert_eq!(NextBurnNonce::<T>::get(), 1);
	}

	/// The signature that reaches a threshold of `m`: a recovery, `m − 1` kept signatures
	/// filtered against `m` members, an insertion.
	#[benchmark]
	fn sign_withdrawal(m: Linear<1, { T::MaxMembers::get() }>) {
		let public = sp_io::crypto::ecdsa_generate(KEY_TYPE, None);
		// The key's address, from a signature of any digest.
		let probe = [1u8; 32];
		let sig = sp_io::crypto::ecdsa_sign_prehashed(KEY_TYPE, &public, &probe).expect("signs").0;
		let signer = HostRecovery::recover(&sig, &probe).expect("recovers");
		let accounts = committee::<T>(m, Some(signer));
		let members = CommitteeInfo::<T>::get().expect("set").members;
		let last = members.iter().find(|x| x.signer == signer).expect("in it").account.clone();
		let others: alloc::vec::Vec<(EthAddress, [u8; 65])> =
			members.iter().filter(|x| x.signer != signer).map(|x| (x.signer, [0u8; 65])).collect();
		let w = Withdrawal {
			recipient: [0x33; 20],
			amount: amount::<T>(),
			signatures: others.try_into().expect("m − 1 fit"),
		};
		Withdrawals::<T>::insert(0, &w);
		NextBurnNonce::<T>::put(1);
		let digest = Pallet::<T>::withdrawal_digest(0, &w).expect("configured");
		let mut signature =
			sp_io::crypto::ecdsa_sign_prehashed(KEY_TYPE, &public, &digest).expect("signs").0;
		signature[64] += 27;
		let _ = accounts;
		#[extrinsic_call]
		_(RawOrigin::Signed(last), 0, signature);
		assert_eq!(Withdrawals::<T>::get(0).expect("kept").signatures.len() as u32, m);
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_bench_ext(), crate::mock::Test);
}
