//! Storage migrations of the rewards pallet.

use crate::{pallet::*, types::*, Config};
use frame_support::{
	migrations::VersionedMigration, pallet_prelude::*, storage_alias,
	traits::UncheckedOnRuntimeUpgrade,
};
use frame_system::pallet_prelude::BlockNumberFor;

/// Version 0's layouts: an escrow paid for one inference, a payout listed its contributors.
pub mod v0 {
	use super::*;

	/// An escrow as version 0 kept it.
	#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
	pub struct OldEscrow<AccountId, Balance> {
		pub payer: AccountId,
		pub inference: InferenceId,
		pub model: ModelId,
		pub owner: AccountId,
		pub datanet: u32,
		pub version: u32,
		pub fee: Balance,
		pub platform: Balance,
	}

	pub type OldEscrowOf<T> = OldEscrow<<T as frame_system::Config>::AccountId, BalanceOf<T>>;

	/// A payout as version 0 kept it (at most `MaxPaid` contributors).
	#[derive(Encode, Decode, TypeInfo, Clone, PartialEq, Eq, Debug)]
	pub struct OldPayout<AccountId, Balance, BlockNumber> {
		pub inference: InferenceId,
		pub model: ModelId,
		pub datanet: u32,
		pub version: u32,
		pub contributors: alloc::vec::Vec<(AccountId, Balance)>,
		pub owner: (AccountId, Balance),
		pub workers: alloc::vec::Vec<(AccountId, Balance)>,
		pub treasury: Balance,
		pub settled_at: BlockNumber,
	}

	pub type OldPayoutOf<T> =
		OldPayout<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;

	#[storage_alias]
	pub type Escrows<T: Config> = StorageMap<Pallet<T>, Twox64Concat, JobId, OldEscrowOf<T>>;

	#[storage_alias]
	pub type Payouts<T: Config> = StorageMap<Pallet<T>, Twox64Concat, JobId, OldPayoutOf<T>>;
}

/// Version 0 to 1: each escrow pays for a batch of one inference, and each payout keeps its
/// contributors' count and sum instead of the list (a batch job credits up to `MaxTotals`
/// contributors, each in its own `Credited` event). Nothing is dropped.
pub struct InnerMigrateV0ToV1<T>(core::marker::PhantomData<T>);

impl<T: Config> UncheckedOnRuntimeUpgrade for InnerMigrateV0ToV1<T> {
	fn on_runtime_upgrade() -> Weight {
		let mut moved = 0u64;
		Escrows::<T>::translate::<v0::OldEscrowOf<T>, _>(|_, old| {
			moved += 1;
			Some(Escrow::<T> {
				payer: old.payer,
				inference: old.inference,
				model: old.model,
				owner: old.owner,
				datanet: old.datanet,
				version: old.version,
				fee: old.fee,
				platform: old.platform,
				inferences: 1,
			})
		});
		Payouts::<T>::translate::<v0::OldPayoutOf<T>, _>(|_, old| {
			moved += 1;
			let to_contributors =
				old.contributors.iter().fold(BalanceOf::<T>::default(), |sum, (_, a)| {
					sp_runtime::Saturating::saturating_add(sum, *a)
				});
			Some(Payout::<T> {
				inference: old.inference,
				inferences: 1,
				model: old.model,
				datanet: old.datanet,
				version: old.version,
				contributors: old.contributors.len() as u32,
				to_contributors,
				owner: old.owner,
				workers: BoundedVec::truncate_from(old.workers),
				treasury: old.treasury,
				settled_at: old.settled_at,
			})
		});
		T::DbWeight::get().reads_writes(moved, moved)
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

#[cfg(test)]
mod tests {
	use super::*;
	use crate::mock::*;
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};

	#[test]
	fn escrows_and_payouts_take_the_batch_layout() {
		new_test_ext().execute_with(|| {
			StorageVersion::new(0).put::<Rewards>();
			let old = v0::OldEscrow {
				payer: PAYER,
				inference: 4,
				model: KNN_MODEL,
				owner: OWNER,
				datanet: 1,
				version: 1,
				fee: 590,
				platform: 5,
			};
			v0::Escrows::<Test>::insert(9, old);
			let payout = v0::OldPayout {
				inference: 3,
				model: KNN_MODEL,
				datanet: 1,
				version: 1,
				contributors: vec![(ALICE, 230), (BOB, 64)],
				owner: (OWNER, 118),
				workers: vec![(31, 39)],
				treasury: 66,
				settled_at: 7u64,
			};
			v0::Payouts::<Test>::insert(8, payout);
			MigrateV0ToV1::<Test>::on_runtime_upgrade();
			assert_eq!(Rewards::on_chain_storage_version(), StorageVersion::new(1));
			let escrow = Escrows::<Test>::get(9).expect("moved");
			assert_eq!((escrow.inference, escrow.inferences, escrow.total()), (4, 1, 595));
			let payout = Payouts::<Test>::get(8).expect("moved");
			assert_eq!((payout.contributors, payout.to_contributors), (2, 294));
			assert_eq!(payout.workers.into_inner(), vec![(31, 39)]);
		});
	}
}
