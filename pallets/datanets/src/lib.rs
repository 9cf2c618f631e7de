//! # Datanets
//!
//! Datanets collect training data with its provenance. A contribution is a **file** of many
//! items (each item an int8 embedding and a label), declared by its content hash, the Merkle
//! root of its items, its item count, its size and a URI, with one bond per file; curators
//! accept or reject whole files; accepted files are appended to the Datanet's file tree, and
//! each **version** commits to every file accepted up to it, so a model can name the exact data
//! it learned from and every contributor in it can be paid. The format and proofs are in
//! docs/datanets.md.
//!
//! ## Lifecycle
//!
//! 1. [`Pallet::create_datanet`]: name, description URI, tags, embedding dimension (a multiple of
//!    4, at most 1024), label space, permission, bond per file and daily caps (files and bytes).
//!    The creator pays the creation deposit, held until [`Pallet::close_datanet`].
//! 2. [`Pallet::contribute`]: one file; its bond (per file plus per MiB) is held and it gets
//!    the next id.
//! 3. [`Pallet::curate`]: a curator (or the owner) accepts or rejects up to
//!    [`Config::MaxCurateBatch`] files. **Accepting releases the bond at once** and appends the
//!    file to the file tree (`O(log files)`: the tree is kept as its frontier). Rejecting
//!    slashes `reject_slash` of the bond to the treasury through reputation's slashing service,
//!    releases the rest, and reports a negative outcome for the contributor.
//! 4. [`Pallet::publish_version`]: the next version, covering every file accepted so far, its
//!    root read from the frontier in `O(1)`. The publisher pays `publish_base_fee +
//!    publish_fee_per_kib` per started KiB added.
//!
//! Files never come on chain: only their hashes, counts, sizes and a URI. No call reads or
//! writes anything per item.
//!
//! Daily caps count files and bytes per contributor and per Datanet in days of
//! [`Config::BlocksPerDay`] blocks.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

mod funds;
mod impls;
pub mod runtime_api;
pub mod types;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use types::*;
pub use weights::WeightInfo;

// `create_datanet` takes a Datanet's whole description as arguments (seven, with the origin
// eight, and nine in the call constructor FRAME generates): the lint is allowed for the pallet
// module, as polkadot-sdk's own pallets do for their larger calls.
#[allow(clippy::too_many_arguments)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{pallet_prelude::*, traits::fungible};
	use frame_system::pallet_prelude::*;
	use openledger_traits::{ReputationReporter, SlashHeld};

	/// The storage layout version; bump it with a migration.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A contribution's bond, held until it is curated.
		ContributionBond,
		/// A Datanet's creation deposit, held until it is closed.
		CreationDeposit,
	}

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The native currency: bonds and deposits are holds on it, fees transfers.
		type Currency: fungible::Mutate<Self::AccountId>
			+ fungible::MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// The runtime's hold reasons.
		type RuntimeHoldReason: From<HoldReason>;

		/// Where contribution outcomes are reported.
		type Reputation: ReputationReporter<Self::AccountId>;

		/// Slashes rejected contributions' bonds.
		type Slasher: SlashHeld<
			Self::AccountId,
			Reason = Self::RuntimeHoldReason,
			Balance = BalanceOf<Self>,
		>;

		/// Receives publishing fees.
		type TreasuryAccount: Get<Self::AccountId>;

		/// Who may change [`Params`]; the runtime gives it the `parameters` governance track (and
		/// Root).
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The parameters in force until the first [`Pallet::set_params`].
		type DefaultParams: Get<Params<BalanceOf<Self>>>;

		/// Blocks per day for the daily caps: 14,400 at 6-second blocks.
		#[pallet::constant]
		type BlocksPerDay: Get<BlockNumberFor<Self>>;

		/// Longest Datanet name in bytes; a name is a label, the description lives behind a URI.
		#[pallet::constant]
		type MaxNameLen: Get<u32>;

		/// Longest URI in bytes; enough for an IPFS or Arweave address with a path.
		#[pallet::constant]
		type MaxUriLen: Get<u32>;

		/// Longest tag in bytes.
		#[pallet::constant]
		type MaxTagLen: Get<u32>;

		/// Most tags on one Datanet.
		#[pallet::constant]
		type MaxTags: Get<u32>;

		/// Most curators besides the owner: curation is a small trusted group.
		#[pallet::constant]
		type MaxCurators: Get<u32>;

		/// Most accounts on one allow-list; larger groups should use an open Datanet.
		#[pallet::constant]
		type MaxAllowList: Get<u32>;

		/// Most contributions one `curate` call decides; bounds its weight.
		#[pallet::constant]
		type MaxCurateBatch: Get<u32>;

		/// Most items in one file: 2^20 in the runtime. A file's item proof then has at most
		/// 20 levels, and a file of 2^20 items of the largest dimension (1,024) is about 1 GiB;
		/// the Datanet's daily byte caps keep real uploads far smaller.
		#[pallet::constant]
		type MaxFileItems: Get<u32>;

		/// Blocks a contribution waits for a verdict before its contributor may withdraw it
		/// and take the whole bond back, so an idle curator cannot lock bonds forever.
		#[pallet::constant]
		type ReviewPeriod: Get<BlockNumberFor<Self>>;

		/// Most items in one Datanet's versions, all files together; at most `u32::MAX`.
		/// Attribution jobs rank a whole version, so the runtime keeps it to what a job may rank.
		#[pallet::constant]
		type MaxVersionItems: Get<u32>;

		/// Weights of this pallet's calls, from its benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// The id the next Datanet gets.
	#[pallet::storage]
	pub type NextDatanetId<T> = StorageValue<_, DatanetId, ValueQuery>;

	/// Every Datanet ever created, closed ones included.
	#[pallet::storage]
	pub type Datanets<T: Config> = StorageMap<_, Twox64Concat, DatanetId, Datanet<T>, OptionQuery>;

	/// Curators per Datanet, at most [`Config::MaxCurators`] each.
	#[pallet::storage]
	pub type Curators<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		DatanetId,
		Blake2_128Concat,
		T::AccountId,
		(),
		OptionQuery,
	>;

	/// Allow-lists, at most [`Config::MaxAllowList`] accounts each.
	#[pallet::storage]
	pub type AllowList<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		DatanetId,
		Blake2_128Concat,
		T::AccountId,
		(),
		OptionQuery,
	>;

	/// The id the next contribution gets.
	#[pallet::storage]
	pub type NextContributionId<T> = StorageValue<_, ContributionId, ValueQuery>;

	/// Every contribution ever made.
	#[pallet::storage]
	pub type Contributions<T: Config> =
		StorageMap<_, Twox64Concat, ContributionId, Contribution<T>, OptionQuery>;

	/// Content hashes per Datanet that are pending or accepted, for refusing duplicates.
	/// A rejection frees its hash, so corrected content (say, a fixed label) can come back.
	#[pallet::storage]
	pub type ContentIndex<T: Config> =
		StorageDoubleMap<_, Twox64Concat, DatanetId, Identity, Hash, ContributionId, OptionQuery>;

	/// Today's uploads per contributor and Datanet.
	#[pallet::storage]
	pub type ContributorUsage<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		DatanetId,
		Blake2_128Concat,
		T::AccountId,
		DailyUsage,
		ValueQuery,
	>;

	/// Today's uploads per Datanet.
	#[pallet::storage]
	pub type DatanetUsage<T: Config> =
		StorageMap<_, Twox64Concat, DatanetId, DailyUsage, ValueQuery>;

	/// Each Datanet's accepted files as an append-only tree: the frontier and totals.
	#[pallet::storage]
	pub type FileTrees<T: Config> = StorageMap<_, Twox64Concat, DatanetId, FileTree, ValueQuery>;

	/// Each Datanet's accepted files by position in its file tree: version `v` holds positions
	/// `0..file_count` of it.
	#[pallet::storage]
	pub type Placed<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		DatanetId,
		Twox64Concat,
		u32,
		ContributionId,
		OptionQuery,
	>;

	/// Published versions.
	#[pallet::storage]
	pub type Versions<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		DatanetId,
		Twox64Concat,
		VersionNumber,
		Version<T>,
		OptionQuery,
	>;

	/// How many contributions each account has made.
	#[pallet::storage]
	pub type ContributorCount<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// Each account's contributions by its own sequence number, for paging.
	#[pallet::storage]
	pub type ContributorItems<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		u32,
		ContributionId,
		OptionQuery,
	>;

	/// The parameters in force; `None` until set, then [`Config::DefaultParams`] applies.
	#[pallet::storage]
	pub type CurrentParams<T: Config> = StorageValue<_, Params<BalanceOf<T>>, OptionQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A Datanet was created and its deposit held.
		DatanetCreated { datanet: DatanetId, owner: T::AccountId, deposit: BalanceOf<T> },
		/// A curator was added.
		CuratorAdded { datanet: DatanetId, curator: T::AccountId },
		/// A curator was removed.
		CuratorRemoved { datanet: DatanetId, curator: T::AccountId },
		/// An account was put on the allow-list.
		AllowListAdded { datanet: DatanetId, account: T::AccountId },
		/// An account was taken off the allow-list.
		AllowListRemoved { datanet: DatanetId, account: T::AccountId },
		/// The description URI and tags changed.
		MetadataUpdated { datanet: DatanetId },
		/// A Datanet was closed and its deposit released.
		DatanetClosed { datanet: DatanetId, deposit_released: BalanceOf<T> },
		/// A file was contributed and its bond held.
		Contributed {
			datanet: DatanetId,
			id: ContributionId,
			contributor: T::AccountId,
			content_hash: Hash,
			item_root: Hash,
			item_count: u32,
			size: u64,
			bond: BalanceOf<T>,
		},
		/// A file was accepted, its bond released, and it was appended to the file tree at
		/// `position`, its items at version indices `first..first + item_count`.
		ContributionAccepted {
			datanet: DatanetId,
			id: ContributionId,
			contributor: T::AccountId,
			position: u32,
			first: u32,
			bond_released: BalanceOf<T>,
		},
		/// A contribution nobody curated within the review period was withdrawn by its
		/// contributor; the whole bond was released.
		ContributionWithdrawn {
			datanet: DatanetId,
			id: ContributionId,
			contributor: T::AccountId,
			bond_released: BalanceOf<T>,
		},
		/// A contribution was rejected: `slashed` went to the treasury, the rest was released.
		ContributionRejected {
			datanet: DatanetId,
			id: ContributionId,
			contributor: T::AccountId,
			slashed: BalanceOf<T>,
			bond_released: BalanceOf<T>,
		},
		/// A version was published.
		VersionPublished {
			datanet: DatanetId,
			version: VersionNumber,
			root: Hash,
			prev_root: Hash,
			file_count: u32,
			item_count: u32,
			bytes: u64,
			fee: BalanceOf<T>,
		},
		/// New parameters are in force.
		ParamsSet { params: Params<BalanceOf<T>> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No Datanet has this id.
		UnknownDatanet,
		/// Only the Datanet's owner may do this.
		NotOwner,
		/// Only a curator or the owner may do this.
		NotCurator,
		/// The Datanet is closed.
		DatanetClosed,
		/// The name is empty.
		EmptyName,
		/// The embedding dimension is not a multiple of 4 between 4 and 1024.
		BadEmbeddingDimension,
		/// A daily cap is zero.
		ZeroCap,
		/// The creator cannot pay the creation deposit.
		InsufficientBalanceForDeposit,
		/// The account is already a curator.
		AlreadyCurator,
		/// The Datanet has `MaxCurators` curators.
		TooManyCurators,
		/// The account is already on the allow-list.
		AlreadyAllowed,
		/// The allow-list holds `MaxAllowList` accounts.
		AllowListFull,
		/// The account is not on the allow-list.
		NotOnAllowList,
		/// Contributions are still waiting for a verdict.
		PendingContributions,
		/// Accepted contributions have not been published yet.
		UnpublishedContributions,
		/// A file must hold at least one item and at most `MaxFileItems`.
		ItemCountOutOfBounds,
		/// The declared size is not the size of a file of that many items of the Datanet's
		/// dimension (docs/datanets.md, "The stored file").
		SizeMismatch,
		/// The content hash or the item root is zero.
		ZeroRoot,
		/// The same content is already pending or accepted in this Datanet.
		DuplicateContent,
		/// The contributor reached today's file cap for this Datanet.
		ContributorFileCapReached,
		/// The contributor reached today's byte cap for this Datanet.
		ContributorByteCapReached,
		/// The Datanet reached today's file cap.
		DatanetFileCapReached,
		/// The Datanet reached today's byte cap.
		DatanetByteCapReached,
		/// The contributor's free balance cannot cover the bond.
		InsufficientBalanceForBond,
		/// No contribution has this id.
		UnknownContribution,
		/// The contribution belongs to another Datanet.
		WrongDatanet,
		/// The contribution is not pending: it was accepted, rejected or withdrawn.
		NotPending,
		/// Only the contributor may withdraw a contribution.
		NotContributor,
		/// The contribution's review period has not ended yet.
		ReviewPeriodNotOver,
		/// `curate` was called without ids.
		NothingToCurate,
		/// Accepting the file would take the Datanet past `MaxVersionItems` items.
		VersionFull,
		/// Nothing was accepted since the last version.
		NothingToPublish,
		/// The publisher cannot pay the publishing fee.
		InsufficientBalanceForFee,
		/// A counter reached its maximum.
		Overflow,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(!T::BlocksPerDay::get().is_zero(), "BlocksPerDay must not be zero");
			assert!(T::MaxFileItems::get() > 0, "files need room for an item");
			assert!(T::MaxNameLen::get() > 0, "names need room");
			assert!(T::MaxCurateBatch::get() > 0, "curate needs room for one id");
			assert!(T::MaxVersionItems::get() > 0, "versions need room for one item");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Creates a Datanet owned by the caller.
		///
		/// - Origin: signed; the caller becomes the owner.
		/// - Checks: a non-empty name; an embedding dimension that is a multiple of 4 from 4 to
		///   1024; non-zero caps; free balance for the creation deposit, which is held.
		/// - Emits [`Event::DatanetCreated`].
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::create_datanet())]
		pub fn create_datanet(
			origin: OriginFor<T>,
			name: NameOf<T>,
			description_uri: UriOf<T>,
			tags: TagsOf<T>,
			embedding_dim: u16,
			num_labels: u32,
			permission: Permission,
			bond: BalanceOf<T>,
			caps: DailyCaps,
		) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			Self::do_create_datanet(
				owner,
				name,
				description_uri,
				tags,
				embedding_dim,
				num_labels,
				permission,
				bond,
				caps,
			)
		}

		/// Adds a curator.
		///
		/// - Origin: signed, the Datanet's owner.
		/// - Checks: the Datanet is open; the account is not a curator yet; fewer than
		///   `MaxCurators` curators.
		/// - Emits [`Event::CuratorAdded`].
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::add_curator())]
		pub fn add_curator(
			origin: OriginFor<T>,
			datanet: DatanetId,
			curator: T::AccountId,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_add_curator(&who, datanet, curator)
		}

		/// Removes a curator.
		///
		/// - Origin: signed, the Datanet's owner.
		/// - Checks: the Datanet is open; the account is a curator.
		/// - Emits [`Event::CuratorRemoved`].
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::remove_curator())]
		pub fn remove_curator(
			origin: OriginFor<T>,
			datanet: DatanetId,
			curator: T::AccountId,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_remove_curator(&who, datanet, curator)
		}

		/// Puts an account on the allow-list. The list only matters while the permission is
		/// `AllowList`.
		///
		/// - Origin: signed, the Datanet's owner.
		/// - Checks: the Datanet is open; the account is not listed; the list is not full.
		/// - Emits [`Event::AllowListAdded`].
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::allow())]
		pub fn allow(
			origin: OriginFor<T>,
			datanet: DatanetId,
			account: T::AccountId,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_allow(&who, datanet, account)
		}

		/// Takes an account off the allow-list. Its pending contributions stay pending.
		///
		/// - Origin: signed, the Datanet's owner.
		/// - Checks: the Datanet is open; the account is listed.
		/// - Emits [`Event::AllowListRemoved`].
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::disallow())]
		pub fn disallow(
			origin: OriginFor<T>,
			datanet: DatanetId,
			account: T::AccountId,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_disallow(&who, datanet, account)
		}

		/// Replaces the description URI and the tags. The embedding dimension and the label
		/// space never change: versions already published depend on them.
		///
		/// - Origin: signed, the Datanet's owner.
		/// - Checks: the Datanet is open.
		/// - Emits [`Event::MetadataUpdated`].
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::set_metadata())]
		pub fn set_metadata(
			origin: OriginFor<T>,
			datanet: DatanetId,
			description_uri: UriOf<T>,
			tags: TagsOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_metadata(&who, datanet, description_uri, tags)
		}

		/// Closes a Datanet: no more contributions, curation or versions; the published
		/// versions stay. The creation deposit is released.
		///
		/// - Origin: signed, the Datanet's owner.
		/// - Checks: the Datanet is open; no contribution is pending; nothing accepted is
		///   waiting to be published (curate and publish first, so no bond is stranded).
		/// - Emits [`Event::DatanetClosed`].
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::close_datanet())]
		pub fn close_datanet(origin: OriginFor<T>, datanet: DatanetId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_close_datanet(&who, datanet)
		}

		/// Contributes one file of items and holds its bond from the caller: the Datanet's bond
		/// per file plus `bond_per_mib` per started MiB. One call and one bond per file,
		/// whatever its item count.
		///
		/// - Origin: signed; the caller is the contributor.
		/// - Checks, each with its own error: the Datanet exists and is open; the caller is on
		///   the allow-list if the Datanet has one; the content hash and item root are not
		///   zero; the item count is from 1 to `MaxFileItems`; the size is that of a stored file
		///   of that many items; the content hash is not pending or accepted in this Datanet;
		///   today's file and byte caps, per contributor and per Datanet, are not exceeded; the
		///   free balance covers the bond.
		/// - Emits [`Event::Contributed`] with the contribution's id.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::contribute((*item_count).min(T::MaxFileItems::get())))]
		pub fn contribute(
			origin: OriginFor<T>,
			datanet: DatanetId,
			content_hash: Hash,
			item_root: Hash,
			item_count: u32,
			size: u64,
			uri: UriOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let file = NewFile { content_hash, item_root, item_count, size };
			Self::do_contribute(who, datanet, file, uri)
		}

		/// Accepts or rejects pending contributions, all or none.
		///
		/// - Origin: signed, a curator or the owner.
		/// - Checks: the Datanet exists; at least one id; every id is a pending contribution of
		///   this Datanet (an id twice fails as `NotPending`); on accept, room in the next
		///   version.
		/// - Accept releases the bond and reports a positive outcome; reject slashes
		///   `reject_slash` of the bond to the treasury, releases the rest, frees the content
		///   hash and reports a negative outcome.
		/// - Emits [`Event::ContributionAccepted`] or [`Event::ContributionRejected`] per id.
		#[pallet::call_index(8)]
		#[pallet::weight(match verdict {
			Verdict::Accept => T::WeightInfo::curate_accept(ids.len() as u32),
			Verdict::Reject => T::WeightInfo::curate_reject(ids.len() as u32),
		})]
		pub fn curate(
			origin: OriginFor<T>,
			datanet: DatanetId,
			ids: CurateBatchOf<T>,
			verdict: Verdict,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_curate(&who, datanet, ids, verdict)
		}

		/// Publishes the next version: every file accepted so far. Its root is the file tree's,
		/// read from the stored frontier, so the cost is `O(1)` reads and at most 31 hashes,
		/// whatever the number of files or items.
		///
		/// - Origin: signed, a curator or the owner; the caller pays the fee.
		/// - Checks: the Datanet is open; a file was accepted since the last version; the caller
		///   can pay `publish_base_fee + publish_fee_per_kib × started KiB` of the files added,
		///   which goes to the treasury.
		/// - Emits [`Event::VersionPublished`] with the root.
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::publish_version())]
		pub fn publish_version(origin: OriginFor<T>, datanet: DatanetId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_publish_version(&who, datanet)
		}

		/// Sets the creation deposit, the rejection slash and the publishing fees. Deposits
		/// and bonds already held keep their amounts.
		///
		/// - Origin: [`Config::AdminOrigin`].
		/// - Emits [`Event::ParamsSet`].
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::set_params())]
		pub fn set_params(origin: OriginFor<T>, params: Params<BalanceOf<T>>) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			CurrentParams::<T>::put(&params);
			Self::deposit_event(Event::ParamsSet { params });
			Ok(())
		}

		/// Withdraws a contribution that no curator decided within `ReviewPeriod` blocks and
		/// releases its whole bond; its content hash is freed. Nothing is slashed and
		/// reputation does not move: the delay was not the contributor's fault.
		///
		/// - Origin: signed, the contributor.
		/// - Checks: the contribution exists and is pending; `ReviewPeriod` blocks have passed
		///   since it was made.
		/// - Emits [`Event::ContributionWithdrawn`].
		#[pallet::call_index(11)]
		#[pallet::weight(T::WeightInfo::withdraw_contribution())]
		pub fn withdraw_contribution(origin: OriginFor<T>, id: ContributionId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_withdraw_contribution(&who, id)
		}
	}
}
