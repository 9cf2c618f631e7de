//! Versions: publishing, proofs, and the traits through which other pallets read versions and
//! their contributors.

use crate::{funds, pallet::*, types::*};
use alloc::vec::Vec;
use frame_support::{pallet_prelude::*, traits::Defensive};
use openledger_primitives::{
	datanet::{version_proof, version_root, ContributionLeaf, VersionInfo, VersionSource},
	merkle::MerkleProof,
};

impl<T: Config> Pallet<T> {
	/// The leaf a version commits to for contribution `id`.
	pub(crate) fn leaf_of(
		id: ContributionId,
		c: &Contribution<T>,
	) -> ContributionLeaf<T::AccountId> {
		ContributionLeaf {
			id,
			contributor: c.contributor.clone(),
			content_hash: c.content_hash,
			embedding_hash: c.embedding_hash,
			label: c.label,
		}
	}

	/// The leaves of the given contributions; `None` if one is missing.
	pub(crate) fn leaves_of(ids: &[ContributionId]) -> Option<Vec<ContributionLeaf<T::AccountId>>> {
		ids.iter().map(|id| Contributions::<T>::get(id).map(|c| Self::leaf_of(*id, &c))).collect()
	}

	/// Publishes the next version; returns how many items it holds.
	pub(crate) fn do_publish_version(
		who: &T::AccountId,
		datanet: DatanetId,
	) -> Result<u32, DispatchError> {
		let mut info = Self::open_datanet(datanet)?;
		ensure!(Self::is_curator(&info, datanet, who), Error::<T>::NotCurator);
		let mut ids = Unpublished::<T>::get(datanet).into_inner();
		ensure!(!ids.is_empty(), Error::<T>::NothingToPublish);
		let version = info.latest_version.checked_add(1).ok_or(Error::<T>::Overflow)?;

		ids.sort_unstable();
		// Read and check everything first; pay; then write.
		let mut bytes: u64 = 0;
		let mut items = Vec::with_capacity(ids.len());
		for id in ids.iter() {
			let item = Contributions::<T>::get(id)
				.ok_or(Error::<T>::UnknownContribution)
				.defensive_proof("accepted contributions are never removed")?;
			bytes = bytes.saturating_add(item.size);
			items.push(item);
		}
		let mut leaves: Vec<_> =
			ids.iter().zip(items.iter()).map(|(id, item)| Self::leaf_of(*id, item)).collect();
		let root = version_root(&mut leaves);
		let fee = Self::publish_fee(bytes);
		funds::pay_fee::<T>(who, fee)?;

		for (id, mut item) in ids.iter().zip(items) {
			item.version = Some(version);
			Contributions::<T>::insert(id, item);
		}
		let item_count = ids.len() as u32;
		let prev_root = info.latest_root;
		Versions::<T>::insert(
			datanet,
			version,
			Version {
				root,
				prev_root,
				item_count,
				bytes,
				published_at: frame_system::Pallet::<T>::block_number(),
				publisher: who.clone(),
				fee,
			},
		);
		// Cannot truncate: the ids came out of a vector with the same bound.
		VersionItems::<T>::insert(datanet, version, VersionItemsOf::<T>::truncate_from(ids));
		Unpublished::<T>::remove(datanet);
		info.latest_version = version;
		info.latest_root = root;
		Datanets::<T>::insert(datanet, info);
		Self::deposit_event(Event::VersionPublished {
			datanet,
			version,
			root,
			prev_root,
			item_count,
			bytes,
			fee,
		});
		Ok(item_count)
	}

	/// Runtime API: the Merkle proof of contribution `id` in `version` of `datanet`.
	pub fn proof(
		datanet: DatanetId,
		version: VersionNumber,
		id: ContributionId,
	) -> Option<MerkleProof> {
		let ids = VersionItems::<T>::get(datanet, version);
		if !ids.contains(&id) {
			return None;
		}
		let mut leaves = Self::leaves_of(&ids)?;
		version_proof(&mut leaves, id)
	}
}

/// Published versions as attribution jobs see them.
impl<T: Config> VersionSource for Pallet<T> {
	fn version_info(datanet: DatanetId, version: VersionNumber) -> Option<VersionInfo> {
		let info = Datanets::<T>::get(datanet)?;
		let v = Versions::<T>::get(datanet, version)?;
		Some(VersionInfo {
			root: v.root,
			item_count: v.item_count,
			dimension: info.embedding_dim as u32,
			num_labels: info.num_labels,
		})
	}
}

/// The contributors behind a version's items, for the rewards pallet: one read of the version's
/// item list, then one per item asked for.
impl<T: Config> openledger_primitives::datanet::ContributorSource<T::AccountId> for Pallet<T> {
	fn contributors(
		datanet: DatanetId,
		version: VersionNumber,
		indices: &[u32],
	) -> Vec<Option<T::AccountId>> {
		let items = VersionItems::<T>::get(datanet, version);
		indices
			.iter()
			.map(|&i| {
				let id = items.get(i as usize)?;
				Contributions::<T>::get(id).map(|c| c.contributor)
			})
			.collect()
	}
}

/// Writes a version with one accepted contribution per contributor, so that other pallets'
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
		use openledger_primitives::datanet::VersionPublisher;
		use sp_runtime::traits::Zero;
		let (datanet, version) =
			Self::publish([7; 32], contributors.len() as u32, dimension, num_labels);
		let now = frame_system::Pallet::<T>::block_number();
		let mut ids = Vec::with_capacity(contributors.len());
		for (i, who) in contributors.iter().enumerate() {
			let id = NextContributionId::<T>::get();
			NextContributionId::<T>::put(id.saturating_add(1));
			let mut content_hash = [0u8; 32];
			content_hash[..4].copy_from_slice(&datanet.to_le_bytes());
			content_hash[4..8].copy_from_slice(&(i as u32).to_le_bytes());
			let contribution = Contribution::<T> {
				datanet,
				contributor: who.clone(),
				content_hash,
				embedding_hash: [0; 32],
				label: 0,
				size: 1,
				uri: Default::default(),
				bond: Zero::zero(),
				status: ContributionStatus::Accepted,
				submitted_at: now,
				version: Some(version),
			};
			Contributions::<T>::insert(id, contribution);
			ids.push(id);
		}
		VersionItems::<T>::insert(datanet, version, VersionItemsOf::<T>::truncate_from(ids));
		(datanet, version)
	}
}

/// Writes a version without its items, so that other pallets' benchmarks can open jobs on it.
#[cfg(feature = "runtime-benchmarks")]
impl<T: Config> openledger_primitives::datanet::VersionPublisher for Pallet<T> {
	fn publish(
		root: Hash,
		item_count: u32,
		dimension: u32,
		num_labels: u32,
	) -> (DatanetId, VersionNumber) {
		use sp_runtime::traits::Zero;
		let owner: T::AccountId = frame_benchmarking::account("owner", 0, 0);
		let id = NextDatanetId::<T>::get();
		NextDatanetId::<T>::put(id.saturating_add(1));
		let now = frame_system::Pallet::<T>::block_number();
		let caps = DailyCaps {
			items_per_contributor: 1,
			bytes_per_contributor: 1,
			items_per_datanet: 1,
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
				latest_root: root,
			},
		);
		let version = Version::<T> {
			root,
			prev_root: openledger_primitives::merkle::EMPTY_ROOT,
			item_count,
			bytes: 0,
			published_at: now,
			publisher: owner,
			fee: Zero::zero(),
		};
		Versions::<T>::insert(id, 1, version);
		(id, 1)
	}
}
