//! Versions: appending accepted files to the file tree, publishing, proofs, and the traits
//! through which other pallets read versions and their contributors.

use crate::{funds, pallet::*, types::*};
use alloc::vec::Vec;
use frame_support::pallet_prelude::*;
use openledger_primitives::{
	datanet::{
		file::{FileLeaf, VersionFiles},
		VersionInfo, VersionSource,
	},
	merkle::MerkleProof,
};

impl<T: Config> Pallet<T> {
	/// The leaf a version's file tree holds for accepted file `id`.
	pub fn file_leaf(id: ContributionId, c: &Contribution<T>) -> Option<FileLeaf<T::AccountId>> {
		let placement = c.placement?;
		Some(FileLeaf {
			file: id,
			contributor: c.contributor.clone(),
			content_hash: c.content_hash,
			item_root: c.item_root,
			first: placement.first,
			item_count: c.item_count,
		})
	}

	/// Appends accepted file `id` to `datanet`'s file tree: `O(log files)` hashes, one write.
	/// Fails, before any write, if the Datanet would pass `MaxVersionItems` items.
	pub(crate) fn append_file(
		datanet: DatanetId,
		tree: &mut FileTree,
		id: ContributionId,
		file: &mut Contribution<T>,
	) -> DispatchResult {
		let first = tree.item_count;
		let items = first.checked_add(file.item_count).ok_or(Error::<T>::VersionFull)?;
		ensure!(items <= T::MaxVersionItems::get(), Error::<T>::VersionFull);
		let position = tree.frontier.leaf_count;
		file.placement = Some(Placement { position, first });
		let leaf = Self::file_leaf(id, file).ok_or(Error::<T>::Overflow)?;
		tree.frontier.push(leaf.hash()).ok_or(Error::<T>::Overflow)?;
		tree.item_count = items;
		tree.bytes = tree.bytes.saturating_add(file.size);
		Placed::<T>::insert(datanet, position, id);
		Ok(())
	}

	/// Publishes the next version: every file accepted so far, its root from the frontier.
	pub(crate) fn do_publish_version(who: &T::AccountId, datanet: DatanetId) -> DispatchResult {
		let mut info = Self::open_datanet(datanet)?;
		ensure!(Self::is_curator(&info, datanet, who), Error::<T>::NotCurator);
		let tree = FileTrees::<T>::get(datanet);
		let previous = Versions::<T>::get(datanet, info.latest_version);
		let (prev_files, prev_bytes) =
			previous.as_ref().map(|v| (v.file_count, v.bytes)).unwrap_or((0, 0));
		ensure!(tree.frontier.leaf_count > prev_files, Error::<T>::NothingToPublish);
		let version = info.latest_version.checked_add(1).ok_or(Error::<T>::Overflow)?;
		let root = tree.frontier.root();
		let added = tree.bytes.saturating_sub(prev_bytes);
		let fee = Self::publish_fee(added);
		funds::pay_fee::<T>(who, fee)?;

		let prev_root = info.latest_root;
		Versions::<T>::insert(
			datanet,
			version,
			Version {
				root,
				prev_root,
				file_count: tree.frontier.leaf_count,
				item_count: tree.item_count,
				bytes: tree.bytes,
				published_at: frame_system::Pallet::<T>::block_number(),
				publisher: who.clone(),
				fee,
			},
		);
		info.latest_version = version;
		info.latest_root = root;
		Datanets::<T>::insert(datanet, info);
		Self::deposit_event(Event::VersionPublished {
			datanet,
			version,
			root,
			prev_root,
			file_count: tree.frontier.leaf_count,
			item_count: tree.item_count,
			bytes: tree.bytes,
			fee,
		});
		Ok(())
	}

	/// The file leaves of `version`, from position `start`, at most `limit` (capped at 1,000).
	/// Runtime API; `O(limit)` reads.
	pub fn version_files(
		datanet: DatanetId,
		version: VersionNumber,
		start: u32,
		limit: u32,
	) -> Vec<FileLeaf<T::AccountId>> {
		let Some(v) = Versions::<T>::get(datanet, version) else { return Vec::new() };
		let end = start.saturating_add(limit.min(1_000)).min(v.file_count);
		(start..end)
			.filter_map(|position| {
				let id = Placed::<T>::get(datanet, position)?;
				Self::file_leaf(id, &Contributions::<T>::get(id)?)
			})
			.collect()
	}

	/// Runtime API: the leaf and proof of the file at `position` of `version`. Off-chain use
	/// only: it reads every file of the version (`O(files)`).
	pub fn file_proof(
		datanet: DatanetId,
		version: VersionNumber,
		position: u32,
	) -> Option<(FileLeaf<T::AccountId>, MerkleProof)> {
		let v = Versions::<T>::get(datanet, version)?;
		let mut leaves = Vec::with_capacity(v.file_count as usize);
		for p in 0..v.file_count {
			let id = Placed::<T>::get(datanet, p)?;
			leaves.push(Self::file_leaf(id, &Contributions::<T>::get(id)?)?);
		}
		let files = VersionFiles::new(leaves).ok()?;
		let leaf = files.files().get(position as usize)?.clone();
		Some((leaf, files.file_proof(position as usize)?))
	}

	/// The contributor of item `index` of a version of `file_count` files and `item_count`
	/// items: a binary search over the placed files' first indices, `O(log files)` reads.
	pub fn contributor_of(
		datanet: DatanetId,
		file_count: u32,
		item_count: u32,
		index: u32,
	) -> Option<T::AccountId> {
		if index >= item_count || file_count == 0 {
			return None;
		}
		let read = |position: u32| {
			let id = Placed::<T>::get(datanet, position)?;
			let c = Contributions::<T>::get(id)?;
			Some((c.placement?.first, c))
		};
		// The last file whose first index is at most `index`: positions [lo, hi).
		let (mut lo, mut hi) = (0u32, file_count);
		while hi - lo > 1 {
			let mid = lo + (hi - lo) / 2;
			let (first, _) = read(mid)?;
			if first <= index {
				lo = mid;
			} else {
				hi = mid;
			}
		}
		let (first, c) = read(lo)?;
		(index >= first && index - first < c.item_count).then_some(c.contributor)
	}
}

/// Published versions as attribution jobs see them.
impl<T: Config> VersionSource for Pallet<T> {
	fn version_info(datanet: DatanetId, version: VersionNumber) -> Option<VersionInfo> {
		let info = Datanets::<T>::get(datanet)?;
		let v = Versions::<T>::get(datanet, version)?;
		Some(VersionInfo {
			root: v.root,
			file_count: v.file_count,
			item_count: v.item_count,
			dimension: info.embedding_dim as u32,
			num_labels: info.num_labels,
		})
	}
}

/// The contributors behind a version's items, for the rewards pallet: one read of the version,
/// then a binary search over its files per item asked for (`O(log files)` reads each).
impl<T: Config> openledger_primitives::datanet::ContributorSource<T::AccountId> for Pallet<T> {
	fn contributors(
		datanet: DatanetId,
		version: VersionNumber,
		indices: &[u32],
	) -> Vec<Option<T::AccountId>> {
		let Some(v) = Versions::<T>::get(datanet, version) else {
			return indices.iter().map(|_| None).collect();
		};
		indices
			.iter()
			.map(|&i| Self::contributor_of(datanet, v.file_count, v.item_count, i))
			.collect()
	}
}

/// Writes a version with one accepted one-item file per contributor, so that other pallets'
/// benchmarks can pay them.
#[cfg(feature = "runtime-benchmarks")]
impl<T: Config> openledger_primitives::datanet::ContributedVersionPublisher<T::AccountId>
	for Pallet<T>
{
	fn publish_contributed(
		contributors: &[T::AccountId],
		dimension: u32,
		num_labels: u32,
	) -> (DatanetId, VersionNumber) {
		use openledger_primitives::datanet::{file::VersionCommitment, VersionPublisher};
		use sp_runtime::traits::Zero;
		let (datanet, version) = Self::publish(VersionCommitment::default(), dimension, num_labels);
		let now = frame_system::Pallet::<T>::block_number();
		let mut tree = FileTree::default();
		for (i, who) in contributors.iter().enumerate() {
			let id = NextContributionId::<T>::get();
			NextContributionId::<T>::put(id.saturating_add(1));
			let mut content_hash = [0u8; 32];
			content_hash[..4].copy_from_slice(&datanet.to_le_bytes());
			content_hash[4..8].copy_from_slice(&(i as u32).to_le_bytes());
			let mut contribution = Contribution::<T> {
				datanet,
				contributor: who.clone(),
				content_hash,
				item_root: content_hash,
				item_count: 1,
				size: openledger_primitives::datanet::file::file_size(1, dimension),
				uri: Default::default(),
				bond: Zero::zero(),
				status: ContributionStatus::Accepted,
				submitted_at: now,
				placement: None,
			};
			let _ = Self::append_file(datanet, &mut tree, id, &mut contribution);
			Contributions::<T>::insert(id, contribution);
		}
		let root = tree.frontier.root();
		Versions::<T>::mutate(datanet, version, |v| {
			if let Some(v) = v {
				v.root = root;
				v.file_count = tree.frontier.leaf_count;
				v.item_count = tree.item_count;
				v.bytes = tree.bytes;
			}
		});
		Datanets::<T>::mutate(datanet, |d| {
			if let Some(d) = d {
				d.latest_root = root;
			}
		});
		FileTrees::<T>::insert(datanet, tree);
		(datanet, version)
	}
}

/// Writes a version without its files, so that other pallets' benchmarks can open jobs on it.
#[cfg(feature = "runtime-benchmarks")]
impl<T: Config> openledger_primitives::datanet::VersionPublisher for Pallet<T> {
	fn publish(
		commitment: openledger_primitives::datanet::file::VersionCommitment,
		dimension: u32,
		num_labels: u32,
	) -> (DatanetId, VersionNumber) {
		use sp_runtime::traits::Zero;
		let owner: T::AccountId = frame_benchmarking::account("owner", 0, 0);
		let id = NextDatanetId::<T>::get();
		NextDatanetId::<T>::put(id.saturating_add(1));
		let now = frame_system::Pallet::<T>::block_number();
		let caps = DailyCaps {
			files_per_contributor: 1,
			bytes_per_contributor: 1,
			files_per_datanet: 1,
			bytes_per_datanet: 1,
		};
		Datanets::<T>::insert(
			id,
			Datanet::<T> {
				owner: owner.clone(),
				name: Default::default(),
				description_uri: Default::default(),
				tags: Default::default(),
				embedding_dim: dimension as u16,
				num_labels,
				permission: Permission::Open,
				bond: Zero::zero(),
				caps,
				deposit: Zero::zero(),
				status: DatanetStatus::Open,
				created_at: now,
				curator_count: 0,
				allow_list_count: 0,
				pending: 0,
				latest_version: 1,
				latest_root: commitment.root,
			},
		);
		let version = Version::<T> {
			root: commitment.root,
			prev_root: openledger_primitives::merkle::EMPTY_ROOT,
			file_count: commitment.file_count,
			item_count: commitment.item_count,
			bytes: 0,
			published_at: now,
			publisher: owner,
			fee: Zero::zero(),
		};
		Versions::<T>::insert(id, 1, version);
		(id, 1)
	}
}
