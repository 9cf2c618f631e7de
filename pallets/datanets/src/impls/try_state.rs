//! The invariants, checked by `try-runtime` and after every test.

#![cfg(any(feature = "try-runtime", test))]

use crate::{funds, pallet::*, types::*};
use alloc::vec::Vec;
use frame_support::pallet_prelude::*;
use openledger_primitives::{
	datanet::file::VersionFiles,
	merkle::{Frontier, EMPTY_ROOT},
};
use sp_runtime::traits::Saturating;

impl<T: Config> Pallet<T> {
	/// Checks the invariants:
	/// - each account's held contribution bonds equal the bonds of its pending contributions;
	/// - each account's held creation deposits equal the deposits of its open Datanets;
	/// - each Datanet's `pending`, `curator_count` and `allow_list_count` match storage;
	/// - exactly the accepted files are placed, at positions `0..files` of their Datanet's file
	///   tree, laid end to end; the stored frontier and totals are those of these files;
	/// - versions run 1..=latest, each `prev_root` is the previous root (zero for the first),
	///   `latest_root` is the newest root, and each version's root, counts and bytes recompute
	///   from the first `file_count` placed files;
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
		// Accepted files per Datanet, by position.
		let mut placed: BTreeMap<DatanetId, BTreeMap<u32, ContributionId>> = BTreeMap::new();
		for (id, c) in Contributions::<T>::iter() {
			ensure!(id < next_id, "contribution id at or above NextContributionId");
			*per_contributor.entry(c.contributor.clone()).or_default() += 1;
			match (c.status, c.placement) {
				(ContributionStatus::Accepted, Some(p)) => {
					let earlier = placed.entry(c.datanet).or_default().insert(p.position, id);
					ensure!(earlier.is_none(), "two files share a position");
				},
				(ContributionStatus::Accepted, None) => {
					return Err("an accepted file is not placed".into())
				},
				(_, Some(_)) => return Err("only accepted files are placed".into()),
				_ => {},
			}
			if c.status == ContributionStatus::Pending {
				let b = bonds.entry(c.contributor.clone()).or_insert_with(Zero::zero);
				*b = b.saturating_add(c.bond);
				*pending.entry(c.datanet).or_default() += 1;
			}
			if matches!(c.status, ContributionStatus::Rejected | ContributionStatus::Withdrawn) {
				ensure!(c.placement.is_none(), "a rejected or withdrawn contribution is placed");
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
			let files = placed.remove(&datanet).unwrap_or_default();
			let mut leaves = Vec::with_capacity(files.len());
			for (n, (position, id)) in files.iter().enumerate() {
				ensure!(*position == n as u32, "placed positions have a gap");
				ensure!(Placed::<T>::get(datanet, position) == Some(*id), "Placed is wrong");
				let c = Contributions::<T>::get(id).ok_or("a placed file is unknown")?;
				leaves.push(Self::file_leaf(*id, &c).ok_or("a placed file has no placement")?);
			}
			ensure!(
				Placed::<T>::iter_prefix(datanet).count() == files.len(),
				"Placed names files that are not accepted"
			);
			let tree = FileTrees::<T>::get(datanet);
			let mut frontier = Frontier::default();
			let mut bytes = 0u64;
			for (leaf, id) in leaves.iter().zip(files.values()) {
				frontier.push(leaf.hash()).ok_or("too many files")?;
				bytes += Contributions::<T>::get(id).map_or(0, |c| c.size);
			}
			ensure!(tree.frontier == frontier, "the stored frontier is not the files'");
			let all = VersionFiles::new(leaves.clone()).map_err(|_| "files are not end to end")?;
			ensure!(
				tree.item_count == all.commitment().item_count && tree.bytes == bytes,
				"file tree totals are wrong"
			);
			let mut prev_root = EMPTY_ROOT;
			let mut prev_files = 0;
			for v in 1..=info.latest_version {
				let version = Versions::<T>::get(datanet, v).ok_or("a version is missing")?;
				ensure!(version.prev_root == prev_root, "version roots do not chain");
				ensure!(
					version.file_count > prev_files && version.file_count as usize <= leaves.len(),
					"version file counts do not grow within the file tree"
				);
				let covered = &leaves[..version.file_count as usize];
				let c = VersionFiles::new(covered.to_vec())
					.map_err(|_| "a version's files are not end to end")?
					.commitment();
				ensure!(
					c.root == version.root && c.item_count == version.item_count,
					"a version root or item count does not recompute"
				);
				let version_bytes: u64 = files
					.values()
					.take(version.file_count as usize)
					.filter_map(Contributions::<T>::get)
					.map(|c| c.size)
					.sum();
				ensure!(version_bytes == version.bytes, "a version's bytes are wrong");
				prev_root = version.root;
				prev_files = version.file_count;
			}
			ensure!(info.latest_root == prev_root, "latest_root is not the newest root");
			ensure!(
				Versions::<T>::get(datanet, info.latest_version.saturating_add(1)).is_none(),
				"a version beyond latest_version exists"
			);
		}
		ensure!(placed.is_empty(), "accepted files of an unknown Datanet");
		for (who, deposit) in deposits.iter() {
			ensure!(
				funds::deposits_held::<T>(who) == *deposit,
				"held deposits differ from open Datanets"
			);
		}
		Ok(())
	}
}
