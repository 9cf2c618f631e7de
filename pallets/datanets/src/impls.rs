//! The logic behind the calls, the runtime API's reads, and the invariants.

use crate::{funds, pallet::*, types::*};
use alloc::vec::Vec;
use frame_support::{pallet_prelude::*, traits::Defensive};
use openledger_primitives::{
	datanet::{version_proof, version_root, ContributionLeaf, VersionInfo, VersionSource},
	merkle::{MerkleProof, EMPTY_ROOT},
};
use pallet_reputation::{Outcome, ReputationReporter, Role};
use sp_runtime::traits::{Saturating, UniqueSaturatedInto};

impl<T: Config> Pallet<T> {
	/// The parameters in force.
	pub fn params() -> Params<BalanceOf<T>> {
		CurrentParams::<T>::get().unwrap_or_else(T::DefaultParams::get)
	}

	/// Today's number, counting days of `BlocksPerDay` blocks from genesis.
	pub fn today() -> u32 {
		let now = frame_system::Pallet::<T>::block_number();
		let day = now / T::BlocksPerDay::get();
		day.unique_saturated_into()
	}

	/// The fee for publishing `bytes` of declared content.
	pub fn publish_fee(bytes: u64) -> BalanceOf<T> {
		let params = Self::params();
		let kib: BalanceOf<T> = bytes.div_ceil(1024).unique_saturated_into();
		params.publish_base_fee.saturating_add(params.publish_fee_per_kib.saturating_mul(kib))
	}

	fn open_datanet(datanet: DatanetId) -> Result<Datanet<T>, DispatchError> {
		let info = Datanets::<T>::get(datanet).ok_or(Error::<T>::UnknownDatanet)?;
		ensure!(info.status == DatanetStatus::Open, Error::<T>::DatanetClosed);
		Ok(info)
	}

	fn owned_open_datanet(
		who: &T::AccountId,
		datanet: DatanetId,
	) -> Result<Datanet<T>, DispatchError> {
		let info = Datanets::<T>::get(datanet).ok_or(Error::<T>::UnknownDatanet)?;
		ensure!(&info.owner == who, Error::<T>::NotOwner);
		ensure!(info.status == DatanetStatus::Open, Error::<T>::DatanetClosed);
		Ok(info)
	}

	/// Whether `who` may curate and publish: the owner or a curator.
	pub fn is_curator(info: &Datanet<T>, datanet: DatanetId, who: &T::AccountId) -> bool {
		&info.owner == who || Curators::<T>::contains_key(datanet, who)
	}

	#[allow(clippy::too_many_arguments)]
	pub(crate) fn do_create_datanet(
		owner: T::AccountId,
		name: NameOf<T>,
		description_uri: UriOf<T>,
		tags: TagsOf<T>,
		embedding_dim: u16,
		num_labels: u32,
		permission: Permission,
		bond: BalanceOf<T>,
		caps: DailyCaps,
	) -> DispatchResult {
		ensure!(!name.is_empty(), Error::<T>::EmptyName);
		ensure!(
			embedding_dim >= 4 && embedding_dim <= MAX_EMBEDDING_DIM && embedding_dim % 4 == 0,
			Error::<T>::BadEmbeddingDimension
		);
		ensure!(
			caps.items_per_contributor > 0
				&& caps.bytes_per_contributor > 0
				&& caps.items_per_datanet > 0
				&& caps.bytes_per_datanet > 0,
			Error::<T>::ZeroCap
		);
		let id = NextDatanetId::<T>::get();
		let next = id.checked_add(1).ok_or(Error::<T>::Overflow)?;
		let deposit = Self::params().creation_deposit;
		funds::hold_deposit::<T>(&owner, deposit)?;
		NextDatanetId::<T>::put(next);
		Datanets::<T>::insert(
			id,
			Datanet {
				owner: owner.clone(),
				name,
				description_uri,
				tags,
				embedding_dim,
				num_labels,
				permission,
				bond,
				caps,
				deposit,
				status: DatanetStatus::Open,
				created_at: frame_system::Pallet::<T>::block_number(),
				curator_count: 0,
				allow_list_count: 0,
				pending: 0,
				latest_version: 0,
				latest_root: EMPTY_ROOT,
			},
		);
		Self::deposit_event(Event::DatanetCreated { datanet: id, owner, deposit });
		Ok(())
	}

	pub(crate) fn do_add_curator(
		who: &T::AccountId,
		datanet: DatanetId,
		curator: T::AccountId,
	) -> DispatchResult {
		let mut info = Self::owned_open_datanet(who, datanet)?;
		ensure!(!Curators::<T>::contains_key(datanet, &curator), Error::<T>::AlreadyCurator);
		ensure!(info.curator_count < T::MaxCurators::get(), Error::<T>::TooManyCurators);
		info.curator_count += 1;
		Curators::<T>::insert(datanet, &curator, ());
		Datanets::<T>::insert(datanet, info);
		Self::deposit_event(Event::CuratorAdded { datanet, curator });
		Ok(())
	}

	pub(crate) fn do_remove_curator(
		who: &T::AccountId,
		datanet: DatanetId,
		curator: T::AccountId,
	) -> DispatchResult {
		let mut info = Self::owned_open_datanet(who, datanet)?;
		ensure!(Curators::<T>::contains_key(datanet, &curator), Error::<T>::NotCurator);
		info.curator_count = info.curator_count.saturating_sub(1);
		Curators::<T>::remove(datanet, &curator);
		Datanets::<T>::insert(datanet, info);
		Self::deposit_event(Event::CuratorRemoved { datanet, curator });
		Ok(())
	}

	pub(crate) fn do_allow(
		who: &T::AccountId,
		datanet: DatanetId,
		account: T::AccountId,
	) -> DispatchResult {
		let mut info = Self::owned_open_datanet(who, datanet)?;
		ensure!(!AllowList::<T>::contains_key(datanet, &account), Error::<T>::AlreadyAllowed);
		ensure!(info.allow_list_count < T::MaxAllowList::get(), Error::<T>::AllowListFull);
		info.allow_list_count += 1;
		AllowList::<T>::insert(datanet, &account, ());
		Datanets::<T>::insert(datanet, info);
		Self::deposit_event(Event::AllowListAdded { datanet, account });
		Ok(())
	}

	pub(crate) fn do_disallow(
		who: &T::AccountId,
		datanet: DatanetId,
		account: T::AccountId,
	) -> DispatchResult {
		let mut info = Self::owned_open_datanet(who, datanet)?;
		ensure!(AllowList::<T>::contains_key(datanet, &account), Error::<T>::NotOnAllowList);
		info.allow_list_count = info.allow_list_count.saturating_sub(1);
		AllowList::<T>::remove(datanet, &account);
		Datanets::<T>::insert(datanet, info);
		Self::deposit_event(Event::AllowListRemoved { datanet, account });
		Ok(())
	}

	pub(crate) fn do_set_metadata(
		who: &T::AccountId,
		datanet: DatanetId,
		description_uri: UriOf<T>,
		tags: TagsOf<T>,
	) -> DispatchResult {
		let mut info = Self::owned_open_datanet(who, datanet)?;
		info.description_uri = description_uri;
		info.tags = tags;
		Datanets::<T>::insert(datanet, info);
		Self::deposit_event(Event::MetadataUpdated { datanet });
		Ok(())
	}

	pub(crate) fn do_close_datanet(who: &T::AccountId, datanet: DatanetId) -> DispatchResult {
		let mut info = Self::owned_open_datanet(who, datanet)?;
		ensure!(info.pending == 0, Error::<T>::PendingContributions);
		ensure!(
			Unpublished::<T>::decode_len(datanet).unwrap_or(0) == 0,
			Error::<T>::UnpublishedContributions
		);
		let deposit_released = funds::release_deposit::<T>(who, info.deposit);
		info.status = DatanetStatus::Closed;
		Datanets::<T>::insert(datanet, info);
		Self::deposit_event(Event::DatanetClosed { datanet, deposit_released });
		Ok(())
	}

	/// Today's usage, counting an earlier day's as zero.
	fn current(usage: DailyUsage, today: u32) -> DailyUsage {
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

	pub(crate) fn do_curate(
		who: &T::AccountId,
		datanet: DatanetId,
		ids: CurateBatchOf<T>,
		verdict: Verdict,
	) -> DispatchResult {
		let mut info = Datanets::<T>::get(datanet).ok_or(Error::<T>::UnknownDatanet)?;
		ensure!(Self::is_curator(&info, datanet, who), Error::<T>::NotCurator);
		ensure!(!ids.is_empty(), Error::<T>::NothingToCurate);
		let mut unpublished = Unpublished::<T>::get(datanet);
		let reject_slash = Self::params().reject_slash;
		// The call is transactional: an error on any id undoes the ids before it.
		for id in ids {
			let mut item = Contributions::<T>::get(id).ok_or(Error::<T>::UnknownContribution)?;
			ensure!(item.datanet == datanet, Error::<T>::WrongDatanet);
			ensure!(item.status == ContributionStatus::Pending, Error::<T>::NotPending);
			info.pending = info.pending.saturating_sub(1);
			match verdict {
				Verdict::Accept => {
					unpublished.try_push(id).map_err(|_| Error::<T>::VersionFull)?;
					let bond_released = funds::release_bond::<T>(&item.contributor, item.bond);
					item.status = ContributionStatus::Accepted;
					T::Reputation::report(&item.contributor, Role::Contributor, Outcome::Positive);
					Self::deposit_event(Event::ContributionAccepted {
						datanet,
						id,
						contributor: item.contributor.clone(),
						bond_released,
					});
				},
				Verdict::Reject => {
					let slashed =
						funds::slash_bond::<T>(&item.contributor, reject_slash, item.bond);
					let bond_released = funds::release_bond::<T>(
						&item.contributor,
						item.bond.saturating_sub(slashed),
					);
					item.status = ContributionStatus::Rejected;
					ContentIndex::<T>::remove(datanet, item.content_hash);
					T::Reputation::report(&item.contributor, Role::Contributor, Outcome::Negative);
					Self::deposit_event(Event::ContributionRejected {
						datanet,
						id,
						contributor: item.contributor.clone(),
						slashed,
						bond_released,
					});
				},
			}
			Contributions::<T>::insert(id, item);
		}
		Unpublished::<T>::insert(datanet, unpublished);
		Datanets::<T>::insert(datanet, info);
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

	/// The leaf a version commits to for contribution `id`.
	fn leaf_of(id: ContributionId, c: &Contribution<T>) -> ContributionLeaf<T::AccountId> {
		ContributionLeaf {
			id,
			contributor: c.contributor.clone(),
			content_hash: c.content_hash,
			embedding_hash: c.embedding_hash,
			label: c.label,
		}
	}

	/// The leaves of the given contributions; `None` if one is missing.
	fn leaves_of(ids: &[ContributionId]) -> Option<Vec<ContributionLeaf<T::AccountId>>> {
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

	/// Runtime API: the contributions of `who`, from its `start`-th, at most `limit` (capped
	/// at 100) of them.
	pub fn contributions_of(who: &T::AccountId, start: u32, limit: u32) -> Vec<ContributionId> {
		let end = start.saturating_add(limit.min(100)).min(ContributorCount::<T>::get(who));
		(start..end).filter_map(|n| ContributorItems::<T>::get(who, n)).collect()
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

	/// Checks the invariants:
	/// - each account's held contribution bonds equal the bonds of its pending contributions;
	/// - each account's held creation deposits equal the deposits of its open Datanets;
	/// - each Datanet's `pending`, `curator_count` and `allow_list_count` match storage;
	/// - unpublished ids are accepted, unversioned contributions of that Datanet;
	/// - versions run 1..=latest, each `prev_root` is the previous root (zero for the first),
	///   `latest_root` is the newest root, and each root recomputes from its items;
	/// - the content index holds exactly the pending and accepted contributions;
	/// - ids are below the next id; contributor paging matches the contributor counts.
	#[cfg(any(feature = "try-runtime", test))]
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
			prev_root: EMPTY_ROOT,
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
