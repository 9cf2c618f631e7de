//! Storage migrations of the attribution pallet.

use crate::{funds, pallet::*, traits::OnJobEnd, types::*, Config};
use frame_support::{
	migrations::VersionedMigration, pallet_prelude::*, storage_alias,
	traits::UncheckedOnRuntimeUpgrade,
};
use frame_system::pallet_prelude::BlockNumberFor;

/// Version 0's layout: at most one request per result.
pub mod v0 {
	use super::*;

	/// A request as version 0 kept it.
	#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
	pub struct OldOpening<AccountId, BlockNumber, Balance> {
		pub requester: AccountId,
		pub position: u32,
		pub due: BlockNumber,
		pub bond: Balance,
	}

	pub type OldOpeningOf<T> =
		OldOpening<<T as frame_system::Config>::AccountId, BlockNumberFor<T>, BalanceOf<T>>;

	/// Version 0's `Openings`: `(job, result) -> request`.
	#[storage_alias]
	pub type Openings<T: Config> = StorageDoubleMap<
		Pallet<T>,
		Twox64Concat,
		JobId,
		Identity,
		Hash,
		OldOpeningOf<T>,
		OptionQuery,
	>;
}

/// Versions 1 and 2's layout of a dispute: a request names one position of a single-query
/// result.
pub mod v2 {
	use super::*;

	/// A dispute as versions 1 and 2 kept it.
	#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
	pub struct OldOpening<BlockNumber, Balance> {
		pub position: u32,
		pub due: BlockNumber,
		pub bond: Balance,
		pub answered: bool,
		pub made: u32,
	}

	pub type OldOpeningOf<T> = OldOpening<BlockNumberFor<T>, BalanceOf<T>>;

	/// Versions 1 and 2's `Openings`: `(job, result, requester) -> dispute`.
	#[storage_alias]
	pub type Openings<T: Config> = StorageNMap<
		Pallet<T>,
		(
			NMapKey<Twox64Concat, JobId>,
			NMapKey<Identity, Hash>,
			NMapKey<Blake2_128Concat, <T as frame_system::Config>::AccountId>,
		),
		OldOpeningOf<T>,
		OptionQuery,
	>;

	/// The first field of a version 2 job, all a migration needs of it: who pays. (Decoding
	/// reads it and ignores the rest; it is never written back.)
	#[derive(Encode, Decode)]
	pub struct JobHead<AccountId> {
		pub payer: AccountId,
	}

	/// Version 2's `Jobs`, read only as far as the payer.
	#[storage_alias]
	pub type Jobs<T: Config> = StorageMap<
		Pallet<T>,
		Twox64Concat,
		JobId,
		JobHead<<T as frame_system::Config>::AccountId>,
		OptionQuery,
	>;
}

/// Version 0 to 1: each pending request becomes its requester's dispute of the result, one
/// request made, unanswered, with its due block and its bond (which stays held). Nothing is
/// dropped, so no requester loses a bond or a refutation it is owed.
pub struct InnerMigrateV0ToV1<T>(core::marker::PhantomData<T>);

impl<T: Config> UncheckedOnRuntimeUpgrade for InnerMigrateV0ToV1<T> {
	fn on_runtime_upgrade() -> Weight {
		// Drained in full before writing: the new keys share the old prefix.
		let old: alloc::vec::Vec<_> = v0::Openings::<T>::drain().collect();
		let mut moved = 0u64;
		for (job, result, old) in old {
			let opening = v2::OldOpening {
				position: old.position,
				due: old.due,
				bond: old.bond,
				answered: false,
				made: 1,
			};
			v2::Openings::<T>::insert((job, result, old.requester), opening);
			moved += 1;
		}
		T::DbWeight::get().reads_writes(moved, moved.saturating_mul(2))
	}

	#[cfg(feature = "try-runtime")]
	fn pre_upgrade() -> Result<alloc::vec::Vec<u8>, sp_runtime::TryRuntimeError> {
		Ok((v0::Openings::<T>::iter().count() as u32).encode())
	}

	#[cfg(feature = "try-runtime")]
	fn post_upgrade(state: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
		let before = u32::decode(&mut &state[..]).map_err(|_| "bad pre-upgrade state")?;
		ensure!(v2::Openings::<T>::iter().count() as u32 == before, "every request moved");
		Ok(())
	}
}

/// [`InnerMigrateV0ToV1`], run once, when the stored version is 0.
pub type MigrateV0ToV1<T> = VersionedMigration<
	0,
	1,
	InnerMigrateV0ToV1<T>,
	Pallet<T>,
	<T as frame_system::Config>::DbWeight,
>;

/// Version 2 to 3: results become batch results (query and credit roots, contributor totals),
/// which a single-query job's round cannot be turned into. Every open job ends as failed
/// ([`FailReason::Upgraded`]): [`Config::OnJobEnd`] refunds its payer, as for any failed job,
/// every bond a pending request holds is released, and the rounds, the agenda and the kept
/// final results (whose layout changed too) are cleared. Stakes and workers are untouched.
pub struct InnerMigrateV2ToV3<T>(core::marker::PhantomData<T>);

impl<T: Config> UncheckedOnRuntimeUpgrade for InnerMigrateV2ToV3<T> {
	fn on_runtime_upgrade() -> Weight {
		let (mut reads, mut writes) = (0u64, 0u64);
		for ((_, _, requester), opening) in v2::Openings::<T>::drain() {
			reads += 1;
			writes += 1;
			if !opening.answered {
				funds::release_bond::<T>(&requester, opening.bond);
				writes += 1;
			}
		}
		let jobs: alloc::vec::Vec<_> = v2::Jobs::<T>::drain().collect();
		let mut weight = Weight::zero();
		for (id, head) in jobs {
			reads += 1;
			writes += 1;
			T::OnJobEnd::failed(id, &head.payer);
			weight.saturating_accrue(T::OnJobEnd::failed_weight());
			Pallet::<T>::deposit_event(Event::JobFailed { job: id, reason: FailReason::Upgraded });
		}
		let cleared = [
			Commits::<T>::clear(u32::MAX, None).backend,
			RevealOf::<T>::clear(u32::MAX, None).backend,
			Results::<T>::clear(u32::MAX, None).backend,
			Totals::<T>::clear(u32::MAX, None).backend,
			Agenda::<T>::clear(u32::MAX, None).backend,
			Finalized::<T>::clear(u32::MAX, None).backend,
			FinalizedRing::<T>::clear(u32::MAX, None).backend,
		];
		writes += cleared.iter().map(|&n| n as u64).sum::<u64>() + 2;
		JobCount::<T>::kill();
		FinalizedCount::<T>::kill();
		weight.saturating_add(T::DbWeight::get().reads_writes(reads, writes))
	}

	#[cfg(feature = "try-runtime")]
	fn post_upgrade(_: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
		ensure!(Jobs::<T>::iter_keys().next().is_none(), "every job ended");
		ensure!(Openings::<T>::iter_keys().next().is_none(), "every dispute ended");
		Ok(())
	}
}

/// [`InnerMigrateV2ToV3`], run once, when the stored version is 2.
pub type MigrateV2ToV3<T> = VersionedMigration<
	2,
	3,
	InnerMigrateV2ToV3<T>,
	Pallet<T>,
	<T as frame_system::Config>::DbWeight,
>;

#[cfg(test)]
mod tests {
	use super::*;
	use crate::mock::*;
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};

	#[test]
	fn pending_requests_become_disputes() {
		new_test_ext().execute_with(|| {
			StorageVersion::new(0).put::<Attribution>();
			let old = v0::OldOpening { requester: 4u64, position: 3, due: 9u64, bond: BOND };
			v0::Openings::<Test>::insert(7, [1u8; 32], old);
			MigrateV0ToV1::<Test>::on_runtime_upgrade();
			assert_eq!(Attribution::on_chain_storage_version(), StorageVersion::new(1));
			assert_eq!(v0::Openings::<Test>::iter().count(), 0);
			let new = v2::Openings::<Test>::get((7, [1u8; 32], 4)).expect("moved");
			assert_eq!(
				(new.position, new.due, new.bond, new.answered, new.made),
				(3, 9, BOND, false, 1)
			);
			// Run again, nothing happens: the version is 1.
			v0::Openings::<Test>::insert(
				8,
				[2u8; 32],
				v0::OldOpening { requester: 5u64, position: 0, due: 1u64, bond: 1 },
			);
			MigrateV0ToV1::<Test>::on_runtime_upgrade();
			assert!(v2::Openings::<Test>::get((8, [2u8; 32], 5)).is_none());
		});
	}
}
