//! The invariants, checked by `try-runtime` and after every test.

#![cfg(any(feature = "try-runtime", test))]

use crate::{funds, pallet::*, types::*};
use alloc::vec::Vec;
use frame_support::pallet_prelude::*;
use openledger_primitives::{datanet::version_root, merkle::EMPTY_ROOT};
use sp_runtime::traits::Saturating;

impl<T: Config> Pallet<T> {
	/// Checks the invariants:
	/// - each account's held contribution bonds equal the bonds of its pending contributions;
	/// - each account's held creation deposits equal the deposits of its open Datanets;
	/// - each Datanet's `pending`, `curator_count` and `allow_list_count` match storage;
	/// - unpublished ids are accepted, unversioned contributions of that Datanet;
	/// - versions run 1..=latest, each `prev_root` is the previous root (zero for the first),
	///   `latest_root` is the newest root, and each root recomputes from its items;
	/// - the content index holds exactly the pending and accepted contributions;
	/// - ids are below the next id; contributor paging matches the contributor counts.
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use alloc::collections::btree_map::BTreeMap;
		use sp_runtime::traits::Zero;

		let next_id = NextContributionId::<T>::get();
		let mut bonds: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		let mut pending: BTreeMap<DatanetId, u32> = BTreeMap::new();
		let mut indexed = 0usize;
		let mut per_contributor: BTreeMap<T::AccountId, u32> = BTreeMap::new();
		// Accepted contributions not yet in a version, and those in each version.
		let mut waiting: BTreeMap<DatanetId, Vec<ContributionId>> = BTreeMap::new();
		let mut versioned: BTreeMap<(DatanetId, VersionNumber), Vec<ContributionId>> =
			BTreeMap::new();
		for (id, c) in Contributions::<T>::iter() {
			ensure!(id < next_id, "contribution id at or above NextContributionId");
			*per_contributor.entry(c.contributor.clone()).or_default() += 1;
			match (c.status, c.version) {
				(ContributionStatus::Accepted, None) => {
					waiting.entry(c.datanet).or_default().push(id)
				},
				(ContributionStatus::Accepted, Some(v)) => {
					versioned.entry((c.datanet, v)).or_default().push(id)
				},
				(_, Some(_)) => return Err("only accepted contributions are in versions".into()),
				_ => {},
			}
			if c.status == ContributionStatus::Pending {
				let b = bonds.entry(c.contributor.clone()).or_insert_with(Zero::zero);
				*b = b.saturating_add(c.bond);
				*pending.entry(c.datanet).or_default() += 1;
			}
			if matches!(c.status, ContributionStatus::Rejected | ContributionStatus::Withdrawn) {
				ensure!(
					c.version.is_none(),
					"a rejected or withdrawn contribution is in a version"
				);
			} else {
				indexed += 1;
				ensure!(
					ContentIndex::<T>::get(c.datanet, c.content_hash) == Some(id),
					"a live contribution is missing from the content index"
				);
			}
		}
		ensure!(ContentIndex::<T>::iter().count() == indexed, "content index holds dead entries");
		for (who, count) in per_contributor.iter() {
			let bond = bonds.get(who).copied().unwrap_or_else(Zero::zero);
			ensure!(funds::bonds_held::<T>(who) == bond, "held bonds differ from pending bonds");
			ensure!(ContributorCount::<T>::get(who) == *count, "contributor count is wrong");
			for n in 0..*count {
				let id =
					ContributorItems::<T>::get(who, n).ok_or("contributor paging has a gap")?;
				let c =
					Contributions::<T>::get(id).ok_or("contributor paging names an unknown id")?;
				ensure!(&c.contributor == who, "contributor paging names another account's item");
			}
		}

		let mut deposits: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		let next_datanet = NextDatanetId::<T>::get();
		for (datanet, info) in Datanets::<T>::iter() {
			ensure!(datanet < next_datanet, "datanet id at or above NextDatanetId");
			let d = deposits.entry(info.owner.clone()).or_insert_with(Zero::zero);
			if info.status == DatanetStatus::Open {
				*d = d.saturating_add(info.deposit);
			}
			ensure!(
				info.pending == pending.get(&datanet).copied().unwrap_or(0),
				"pending count is wrong"
			);
			ensure!(
				info.curator_count as usize == Curators::<T>::iter_prefix(datanet).count(),
				"curator count is wrong"
			);
			ensure!(
				info.allow_list_count as usize == AllowList::<T>::iter_prefix(datanet).count(),
				"allow-list count is wrong"
			);
			let mut unpublished = Unpublished::<T>::get(datanet).into_inner();
			unpublished.sort_unstable();
			let mut accepted = waiting.remove(&datanet).unwrap_or_default();
			accepted.sort_unstable();
			ensure!(
				unpublished == accepted,
				"Unpublished is not exactly the accepted, unversioned contributions"
			);
			let mut prev_root = EMPTY_ROOT;
			for v in 1..=info.latest_version {
				let version = Versions::<T>::get(datanet, v).ok_or("a version is missing")?;
				ensure!(version.prev_root == prev_root, "version roots do not chain");
				let ids = VersionItems::<T>::get(datanet, v);
				ensure!(ids.len() as u32 == version.item_count, "version item count is wrong");
				let mut marked = versioned.remove(&(datanet, v)).unwrap_or_default();
				marked.sort_unstable();
				ensure!(
					ids.to_vec() == marked,
					"VersionItems is not exactly the contributions marked with that version"
				);
				let mut leaves = Self::leaves_of(&ids).ok_or("a version item is unknown")?;
				ensure!(
					version_root(&mut leaves) == version.root,
					"a version root does not recompute"
				);
				prev_root = version.root;
			}
			ensure!(info.latest_root == prev_root, "latest_root is not the newest root");
			ensure!(
				Versions::<T>::get(datanet, info.latest_version.saturating_add(1)).is_none(),
				"a version beyond latest_version exists"
			);
		}
		ensure!(waiting.is_empty(), "accepted contributions of an unknown Datanet");
		ensure!(versioned.is_empty(), "contributions marked with a version that does not exist");
		for (who, deposit) in deposits.iter() {
			ensure!(
				funds::deposits_held::<T>(who) == *deposit,
				"held deposits differ from open Datanets"
			);
		}
		Ok(())
	}
}
