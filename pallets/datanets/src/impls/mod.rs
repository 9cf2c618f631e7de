//! The logic behind the calls, the runtime API's reads, and the invariants, by domain:
//!
//! - this module: parameters, fees, days and the Datanets themselves (creation, curators,
//!   allow lists, metadata, closing);
//! - [`contributions`]: contributing, daily caps and withdrawing;
//! - [`curation`]: accepting and rejecting;
//! - [`versions`]: publishing versions, proofs, and the traits other pallets read versions
//!   through;
//! - [`try_state`]: the invariants.

mod contributions;
mod curation;
mod try_state;
mod versions;

use crate::{funds, pallet::*, types::*};
use frame_support::pallet_prelude::*;
use openledger_primitives::merkle::EMPTY_ROOT;
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

	pub(crate) fn open_datanet(datanet: DatanetId) -> Result<Datanet<T>, DispatchError> {
		let info = Datanets::<T>::get(datanet).ok_or(Error::<T>::UnknownDatanet)?;
		ensure!(info.status == DatanetStatus::Open, Error::<T>::DatanetClosed);
		Ok(info)
	}

	pub(crate) fn owned_open_datanet(
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
			(4..=MAX_EMBEDDING_DIM).contains(&embedding_dim) && embedding_dim.is_multiple_of(4),
			Error::<T>::BadEmbeddingDimension
		);
		ensure!(
			caps.files_per_contributor > 0
				&& caps.bytes_per_contributor > 0
				&& caps.files_per_datanet > 0
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
		let published =
			Versions::<T>::get(datanet, info.latest_version).map_or(0, |v| v.file_count);
		ensure!(
			FileTrees::<T>::get(datanet).frontier.leaf_count == published,
			Error::<T>::UnpublishedContributions
		);
		let deposit_released = funds::release_deposit::<T>(who, info.deposit);
		info.status = DatanetStatus::Closed;
		Datanets::<T>::insert(datanet, info);
		Self::deposit_event(Event::DatanetClosed { datanet, deposit_released });
		Ok(())
	}
}
