//! Contributions: bonds, fees, daily caps, withdrawing, and paging by contributor.

use crate::{funds, pallet::*, types::*};
use alloc::vec::Vec;
use frame_support::{pallet_prelude::*, traits::Defensive};
use openledger_primitives::datanet::file::file_size;
use sp_runtime::traits::{Saturating, UniqueSaturatedInto};

impl<T: Config> Pallet<T> {
	/// Today's usage, counting an earlier day's as zero.
	pub(crate) fn current(usage: DailyUsage, today: u32) -> DailyUsage {
		if usage.day == today {
			usage
		} else {
			DailyUsage { day: today, files: 0, bytes: 0 }
		}
	}

	/// The bond of a file of `size` bytes: the Datanet's bond per file plus `bond_per_mib` for
	/// every started MiB.
	pub fn file_bond(per_file: BalanceOf<T>, size: u64) -> BalanceOf<T> {
		let mib: BalanceOf<T> = size.div_ceil(1 << 20).unique_saturated_into();
		per_file.saturating_add(Self::params().bond_per_mib.saturating_mul(mib))
	}

	pub(crate) fn do_contribute(
		who: T::AccountId,
		datanet: DatanetId,
		file: NewFile,
		uri: UriOf<T>,
	) -> DispatchResult {
		let NewFile { content_hash, item_root, item_count, size } = file;
		let mut info = Self::open_datanet(datanet)?;
		if info.permission == Permission::AllowList {
			ensure!(AllowList::<T>::contains_key(datanet, &who), Error::<T>::NotOnAllowList);
		}
		ensure!(content_hash != [0; 32] && item_root != [0; 32], Error::<T>::ZeroRoot);
		ensure!(
			item_count > 0 && item_count <= T::MaxFileItems::get(),
			Error::<T>::ItemCountOutOfBounds
		);
		ensure!(size == file_size(item_count, info.embedding_dim.into()), Error::<T>::SizeMismatch);
		ensure!(
			!ContentIndex::<T>::contains_key(datanet, content_hash),
			Error::<T>::DuplicateContent
		);

		let today = Self::today();
		let mut mine = Self::current(ContributorUsage::<T>::get(datanet, &who), today);
		let mut all = Self::current(DatanetUsage::<T>::get(datanet), today);
		ensure!(
			mine.files < info.caps.files_per_contributor,
			Error::<T>::ContributorFileCapReached
		);
		ensure!(
			mine.bytes.saturating_add(size) <= info.caps.bytes_per_contributor,
			Error::<T>::ContributorByteCapReached
		);
		ensure!(all.files < info.caps.files_per_datanet, Error::<T>::DatanetFileCapReached);
		ensure!(
			all.bytes.saturating_add(size) <= info.caps.bytes_per_datanet,
			Error::<T>::DatanetByteCapReached
		);

		let id = NextContributionId::<T>::get();
		let next_id = id.checked_add(1).ok_or(Error::<T>::Overflow)?;
		let sequence = ContributorCount::<T>::get(&who);
		let next_sequence = sequence.checked_add(1).ok_or(Error::<T>::Overflow)?;
		info.pending = info.pending.checked_add(1).ok_or(Error::<T>::Overflow)?;
		let bond = Self::file_bond(info.bond, size);
		funds::hold_bond::<T>(&who, bond)?;

		mine.files += 1;
		mine.bytes = mine.bytes.saturating_add(size);
		all.files += 1;
		all.bytes = all.bytes.saturating_add(size);
		ContributorUsage::<T>::insert(datanet, &who, mine);
		DatanetUsage::<T>::insert(datanet, all);
		NextContributionId::<T>::put(next_id);
		ContributorCount::<T>::insert(&who, next_sequence);
		ContributorItems::<T>::insert(&who, sequence, id);
		ContentIndex::<T>::insert(datanet, content_hash, id);
		Datanets::<T>::insert(datanet, info);
		Contributions::<T>::insert(
			id,
			Contribution {
				datanet,
				contributor: who.clone(),
				content_hash,
				item_root,
				item_count,
				size,
				uri,
				bond,
				status: ContributionStatus::Pending,
				submitted_at: frame_system::Pallet::<T>::block_number(),
				placement: None,
			},
		);
		Self::deposit_event(Event::Contributed {
			datanet,
			id,
			contributor: who,
			content_hash,
			item_root,
			item_count,
			size,
			bond,
		});
		Ok(())
	}

	pub(crate) fn do_withdraw_contribution(
		who: &T::AccountId,
		id: ContributionId,
	) -> DispatchResult {
		let mut item = Contributions::<T>::get(id).ok_or(Error::<T>::UnknownContribution)?;
		ensure!(&item.contributor == who, Error::<T>::NotContributor);
		ensure!(item.status == ContributionStatus::Pending, Error::<T>::NotPending);
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(
			now >= item.submitted_at.saturating_add(T::ReviewPeriod::get()),
			Error::<T>::ReviewPeriodNotOver
		);
		let mut info = Datanets::<T>::get(item.datanet)
			.ok_or(Error::<T>::UnknownDatanet)
			.defensive_proof("a contribution's Datanet is never removed")?;
		let bond_released = funds::release_bond::<T>(who, item.bond);
		info.pending = info.pending.saturating_sub(1);
		item.status = ContributionStatus::Withdrawn;
		ContentIndex::<T>::remove(item.datanet, item.content_hash);
		let datanet = item.datanet;
		Datanets::<T>::insert(datanet, info);
		Contributions::<T>::insert(id, item);
		Self::deposit_event(Event::ContributionWithdrawn {
			datanet,
			id,
			contributor: who.clone(),
			bond_released,
		});
		Ok(())
	}

	/// Runtime API: the contributions of `who`, from its `start`-th, at most `limit` (capped
	/// at 100) of them.
	pub fn contributions_of(who: &T::AccountId, start: u32, limit: u32) -> Vec<ContributionId> {
		let end = start.saturating_add(limit.min(100)).min(ContributorCount::<T>::get(who));
		(start..end).filter_map(|n| ContributorItems::<T>::get(who, n)).collect()
	}
}
