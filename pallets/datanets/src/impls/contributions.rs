//! Contributions: bonds, fees, daily caps, withdrawing, and paging by contributor.

use crate::{funds, pallet::*, types::*};
use alloc::vec::Vec;
use frame_support::{pallet_prelude::*, traits::Defensive};
use sp_runtime::traits::Saturating;

impl<T: Config> Pallet<T> {
	/// Today's usage, counting an earlier day's as zero.
	pub(crate) fn current(usage: DailyUsage, today: u32) -> DailyUsage {
		if usage.day == today {
			usage
		} else {
			DailyUsage { day: today, items: 0, bytes: 0 }
		}
	}

	pub(crate) fn do_contribute(
		who: T::AccountId,
		datanet: DatanetId,
		content_hash: Hash,
		embedding_hash: Hash,
		label: u32,
		size: u64,
		uri: UriOf<T>,
	) -> DispatchResult {
		let mut info = Self::open_datanet(datanet)?;
		if info.permission == Permission::AllowList {
			ensure!(AllowList::<T>::contains_key(datanet, &who), Error::<T>::NotOnAllowList);
		}
		let label_ok = if info.num_labels == 0 { label == 0 } else { label < info.num_labels };
		ensure!(label_ok, Error::<T>::LabelOutOfRange);
		ensure!(size > 0, Error::<T>::EmptyContribution);
		ensure!(size <= T::MaxItemBytes::get(), Error::<T>::ItemTooLarge);
		ensure!(
			!ContentIndex::<T>::contains_key(datanet, content_hash),
			Error::<T>::DuplicateContent
		);

		let today = Self::today();
		let mut mine = Self::current(ContributorUsage::<T>::get(datanet, &who), today);
		let mut all = Self::current(DatanetUsage::<T>::get(datanet), today);
		ensure!(
			mine.items < info.caps.items_per_contributor,
			Error::<T>::ContributorItemCapReached
		);
		ensure!(
			mine.bytes.saturating_add(size) <= info.caps.bytes_per_contributor,
			Error::<T>::ContributorByteCapReached
		);
		ensure!(all.items < info.caps.items_per_datanet, Error::<T>::DatanetItemCapReached);
		ensure!(
			all.bytes.saturating_add(size) <= info.caps.bytes_per_datanet,
			Error::<T>::DatanetByteCapReached
		);

		let id = NextContributionId::<T>::get();
		let next_id = id.checked_add(1).ok_or(Error::<T>::Overflow)?;
		let sequence = ContributorCount::<T>::get(&who);
		let next_sequence = sequence.checked_add(1).ok_or(Error::<T>::Overflow)?;
		info.pending = info.pending.checked_add(1).ok_or(Error::<T>::Overflow)?;
		funds::hold_bond::<T>(&who, info.bond)?;

		mine.items += 1;
		mine.bytes = mine.bytes.saturating_add(size);
		all.items += 1;
		all.bytes = all.bytes.saturating_add(size);
		ContributorUsage::<T>::insert(datanet, &who, mine);
		DatanetUsage::<T>::insert(datanet, all);
		NextContributionId::<T>::put(next_id);
		ContributorCount::<T>::insert(&who, next_sequence);
		ContributorItems::<T>::insert(&who, sequence, id);
		ContentIndex::<T>::insert(datanet, content_hash, id);
		let bond = info.bond;
		Datanets::<T>::insert(datanet, info);
		Contributions::<T>::insert(
			id,
			Contribution {
				datanet,
				contributor: who.clone(),
				content_hash,
				embedding_hash,
				label,
				size,
				uri,
				bond,
				status: ContributionStatus::Pending,
				submitted_at: frame_system::Pallet::<T>::block_number(),
				version: None,
			},
		);
		Self::deposit_event(Event::Contributed {
			datanet,
			id,
			contributor: who,
			content_hash,
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
