//! Benchmarks of every call, each in its most expensive case.

use super::*;
use crate::pallet::{
	AllowList, Contributions, Curators, Datanets, FileTrees, NextContributionId, Placed, Versions,
};
use alloc::{vec, vec::Vec};
use frame_benchmarking::v2::*;
use frame_support::traits::EnsureOrigin;
use frame_support::{
	traits::{
		fungible::{Inspect, Mutate},
		Get,
	},
	BoundedVec,
};
use frame_system::RawOrigin;
use openledger_traits::{Outcome, ReputationReporter, Role};
use sp_runtime::{
	traits::{Bounded, Saturating, Zero},
	Perbill,
};

fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	// A millionth of the largest balance: room for any deposit, bond or fee, and for many
	// accounts without overflowing total issuance.
	let amount = BalanceOf::<T>::max_value() / 1_000_000u32.into();
	T::Currency::set_balance(&who, amount);
	who
}

fn filled<S: Get<u32>>(byte: u8) -> BoundedVec<u8, S> {
	BoundedVec::truncate_from(vec![byte; S::get() as usize])
}

fn max_tags<T: Config>() -> TagsOf<T> {
	BoundedVec::truncate_from(vec![filled::<T::MaxTagLen>(b't'); T::MaxTags::get() as usize])
}

fn unlimited() -> DailyCaps {
	DailyCaps {
		files_per_contributor: u32::MAX,
		bytes_per_contributor: u64::MAX,
		files_per_datanet: u32::MAX,
		bytes_per_datanet: u64::MAX,
	}
}

/// An allow-list Datanet with the largest metadata, owned by a funded account.
fn datanet<T: Config>() -> (T::AccountId, DatanetId) {
	let owner = funded::<T>("owner", 0);
	T::Currency::set_balance(&T::TreasuryAccount::get(), T::Currency::minimum_balance());
	let id = NextDatanetId::<T>::get();
	Pallet::<T>::do_create_datanet(
		owner.clone(),
		filled::<T::MaxNameLen>(b'n'),
		filled::<T::MaxUriLen>(b'u'),
		max_tags::<T>(),
		MAX_EMBEDDING_DIM,
		1000,
		Permission::AllowList,
		T::Currency::minimum_balance().saturating_mul(10u32.into()),
		unlimited(),
	)
	.expect("a funded owner creates a Datanet");
	(owner, id)
}

/// A file of `items` items of the largest dimension, its content hash made from `tag`.
fn file(tag: u64, items: u32) -> NewFile {
	let mut content = [0u8; 32];
	content[..8].copy_from_slice(&tag.to_le_bytes());
	content[8] = 0xc0;
	NewFile {
		content_hash: content,
		item_root: [0xbb; 32],
		item_count: items,
		size: openledger_primitives::datanet::file::file_size(items, MAX_EMBEDDING_DIM.into()),
	}
}

/// `n` pending files of `items` items each to `d`, from one allowed contributor.
fn pending<T: Config>(
	owner: &T::AccountId,
	d: DatanetId,
	n: u32,
	items: u32,
) -> Vec<ContributionId> {
	let who = funded::<T>("contributor", 0);
	if !AllowList::<T>::contains_key(d, &who) {
		Pallet::<T>::do_allow(owner, d, who.clone()).expect("owner allows");
	}
	(0..n)
		.map(|i| {
			let id = NextContributionId::<T>::get();
			let _ = i;
			Pallet::<T>::do_contribute(
				who.clone(),
				d,
				file(id, items),
				filled::<T::MaxUriLen>(b'i'),
			)
			.expect("an allowed, funded contributor contributes");
			id
		})
		.collect()
}

/// Gives the contributor a long reputation history, so each report rotates it (its most
/// expensive path) whatever the runtime's history bound up to 64.
fn full_history<T: Config>() {
	let who: T::AccountId = account("contributor", 0, 0);
	for _ in 0..64 {
		T::Reputation::report(&who, Role::Contributor, Outcome::Positive);
	}
}

fn batch<T: Config>(ids: &[ContributionId]) -> CurateBatchOf<T> {
	BoundedVec::truncate_from(ids.to_vec())
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn create_datanet() {
		let owner = funded::<T>("owner", 0);
		let bond = T::Currency::minimum_balance();

		#[extrinsic_call]
		_(
			RawOrigin::Signed(owner),
			filled::<T::MaxNameLen>(b'n'),
			filled::<T::MaxUriLen>(b'u'),
			max_tags::<T>(),
			MAX_EMBEDDING_DIM,
			1000,
			Permission::AllowList,
			bond,
			unlimited(),
		);

		assert!(Datanets::<T>::contains_key(0));
	}

	#[benchmark]
	fn add_curator() {
		let (owner, d) = datanet::<T>();
		let curator: T::AccountId = account("curator", 0, 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), d, curator.clone());

		assert!(Curators::<T>::contains_key(d, curator));
	}

	#[benchmark]
	fn remove_curator() {
		let (owner, d) = datanet::<T>();
		let curator: T::AccountId = account("curator", 0, 0);
		Pallet::<T>::do_add_curator(&owner, d, curator.clone()).expect("owner adds");

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), d, curator.clone());

		assert!(!Curators::<T>::contains_key(d, curator));
	}

	#[benchmark]
	fn allow() {
		let (owner, d) = datanet::<T>();
		let who: T::AccountId = account("allowed", 0, 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), d, who.clone());

		assert!(AllowList::<T>::contains_key(d, who));
	}

	#[benchmark]
	fn disallow() {
		let (owner, d) = datanet::<T>();
		let who: T::AccountId = account("allowed", 0, 0);
		Pallet::<T>::do_allow(&owner, d, who.clone()).expect("owner allows");

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), d, who.clone());

		assert!(!AllowList::<T>::contains_key(d, who));
	}

	#[benchmark]
	fn set_metadata() {
		let (owner, d) = datanet::<T>();

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), d, filled::<T::MaxUriLen>(b'v'), max_tags::<T>());

		assert_eq!(Datanets::<T>::get(d).map(|i| i.description_uri[0]), Some(b'v'));
	}

	#[benchmark]
	fn close_datanet() {
		let (owner, d) = datanet::<T>();

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), d);

		assert_eq!(Datanets::<T>::get(d).map(|i| i.status), Some(DatanetStatus::Closed));
	}

	#[benchmark]
	fn contribute(i: Linear<1, { T::MaxFileItems::get() }>) {
		let (owner, d) = datanet::<T>();
		// One earlier contribution, so today's usage is read and updated, not created. The
		// file has `i` items, up to the largest files: the call never looks at them, and the
		// measured slope in `i` shows it.
		pending::<T>(&owner, d, 1, 1);
		let who = funded::<T>("contributor", 0);
		let f = file(u64::MAX, i);

		#[extrinsic_call]
		_(
			RawOrigin::Signed(who),
			d,
			f.content_hash,
			f.item_root,
			f.item_count,
			f.size,
			filled::<T::MaxUriLen>(b'i'),
		);

		assert_eq!(Datanets::<T>::get(d).map(|i| i.pending), Some(2));
	}

	#[benchmark]
	fn curate_accept(n: Linear<1, { T::MaxCurateBatch::get() }>) {
		let (owner, d) = datanet::<T>();
		let ids = pending::<T>(&owner, d, n, 1);
		full_history::<T>();
		// The file tree holds 2^20 - 1 files: the first append merges 20 peaks, the most a
		// Datanet of a million files ever sees (each further level costs one hash).
		let files = (1u32 << 20) - 1;
		let tree = FileTree {
			frontier: openledger_primitives::merkle::Frontier {
				leaf_count: files,
				peaks: vec![[1; 32]; 20],
			},
			// The items do not change the cost; room for the batch under any bound.
			item_count: 0,
			bytes: 0,
		};
		FileTrees::<T>::insert(d, tree);

		#[extrinsic_call]
		curate(RawOrigin::Signed(owner), d, batch::<T>(&ids), Verdict::Accept);

		assert_eq!(FileTrees::<T>::get(d).frontier.leaf_count, files + n);
		assert!(Placed::<T>::contains_key(d, files + n - 1));
	}

	#[benchmark]
	fn curate_reject(n: Linear<1, { T::MaxCurateBatch::get() }>) {
		let (owner, d) = datanet::<T>();
		let ids = pending::<T>(&owner, d, n, 1);
		full_history::<T>();
		CurrentParams::<T>::put(Params {
			reject_slash: Perbill::from_percent(50),
			..Pallet::<T>::params()
		});

		#[extrinsic_call]
		curate(RawOrigin::Signed(owner), d, batch::<T>(&ids), Verdict::Reject);

		assert_eq!(
			Contributions::<T>::get(ids[0]).map(|c| c.status),
			Some(ContributionStatus::Rejected)
		);
	}

	#[benchmark]
	fn publish_version() {
		let (owner, d) = datanet::<T>();
		let ids = pending::<T>(&owner, d, 1, 1);
		Pallet::<T>::do_curate(&owner, d, batch::<T>(&ids), Verdict::Accept)
			.expect("owner accepts");
		// A file tree with 31 peaks: its root costs the most hashes a root ever costs (30),
		// whatever the number of files or items behind it.
		let files = u32::MAX >> 1;
		FileTrees::<T>::mutate(d, |tree| {
			tree.frontier.leaf_count = files;
			tree.frontier.peaks = vec![[1; 32]; 31];
			tree.item_count = T::MaxVersionItems::get();
		});

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), d);

		assert_eq!(Versions::<T>::get(d, 1).map(|v| v.file_count), Some(files));
	}

	#[benchmark]
	fn withdraw_contribution() {
		let (owner, d) = datanet::<T>();
		let id = pending::<T>(&owner, d, 1, 1)[0];
		let who = funded::<T>("contributor", 0);
		let now = frame_system::Pallet::<T>::block_number();
		frame_system::Pallet::<T>::set_block_number(now.saturating_add(T::ReviewPeriod::get()));

		#[extrinsic_call]
		_(RawOrigin::Signed(who), id);

		assert_eq!(
			Contributions::<T>::get(id).map(|c| c.status),
			Some(ContributionStatus::Withdrawn)
		);
	}

	#[benchmark]
	fn set_params() -> Result<(), BenchmarkError> {
		let origin =
			T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let params = Params {
			creation_deposit: Zero::zero(),
			reject_slash: Perbill::from_percent(30),
			publish_base_fee: Zero::zero(),
			publish_fee_per_kib: Zero::zero(),
			bond_per_mib: Zero::zero(),
		};

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, params.clone());

		assert_eq!(CurrentParams::<T>::get(), Some(params));
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
