//! Creating Datanets and the owner's operations: curators, allow-list, metadata, closing,
//! parameters.

use crate::{
	mock::{Datanets, *},
	*,
};
use frame_support::dispatch::DispatchResult;
use frame_support::{
	assert_noop, assert_ok,
	traits::fungible::{Inspect, InspectHold},
};
use sp_runtime::{DispatchError, Perbill};

fn create_with(dim: u16, caps: DailyCaps, name: &[u8], who: AccountId) -> DispatchResult {
	Datanets::create_datanet(
		RuntimeOrigin::signed(who),
		bounded(name),
		bounded(b"ipfs://desc"),
		Default::default(),
		dim,
		0,
		Permission::Open,
		BOND,
		caps,
	)
}

#[test]
fn create_holds_the_deposit_and_stores_the_datanet() {
	build_and_execute(|| {
		let id = create(Permission::Open);
		assert_eq!(id, 0);
		let info = crate::Datanets::<Test>::get(0).unwrap();
		assert_eq!(info.owner, OWNER);
		assert_eq!(info.embedding_dim, 8);
		assert_eq!(info.num_labels, 3);
		assert_eq!(info.bond, BOND);
		assert_eq!(info.deposit, DEPOSIT);
		assert_eq!(info.status, DatanetStatus::Open);
		assert_eq!(info.latest_version, 0);
		assert_eq!(Balances::balance_on_hold(&HoldReason::CreationDeposit.into(), &OWNER), DEPOSIT);
		assert_eq!(
			last_event(),
			Event::DatanetCreated { datanet: 0, owner: OWNER, deposit: DEPOSIT }
		);
		assert_eq!(create(Permission::AllowList), 1);
		assert_eq!(NextDatanetId::<Test>::get(), 2);
	});
}

#[test]
fn create_checks_its_arguments() {
	build_and_execute(|| {
		assert_noop!(create_with(8, caps(), b"", OWNER), Error::<Test>::EmptyName);
		for dim in [0u16, 2, 6, 1025, 1028] {
			assert_noop!(
				create_with(dim, caps(), b"x", OWNER),
				Error::<Test>::BadEmbeddingDimension
			);
		}
		assert_ok!(create_with(1024, caps(), b"x", OWNER));
		assert_ok!(create_with(4, caps(), b"x", OWNER));
		let zeroed = [
			DailyCaps { files_per_contributor: 0, ..caps() },
			DailyCaps { bytes_per_contributor: 0, ..caps() },
			DailyCaps { files_per_datanet: 0, ..caps() },
			DailyCaps { bytes_per_datanet: 0, ..caps() },
		];
		for c in zeroed {
			assert_noop!(create_with(8, c, b"x", OWNER), Error::<Test>::ZeroCap);
		}
	});
}

#[test]
fn create_needs_the_deposit() {
	build_and_execute(|| {
		assert_noop!(
			create_with(8, caps(), b"x", POOR),
			Error::<Test>::InsufficientBalanceForDeposit
		);
	});
}

#[test]
fn datanet_id_overflow_is_refused() {
	build_and_execute(|| {
		NextDatanetId::<Test>::put(u32::MAX);
		assert_noop!(create_with(8, caps(), b"x", OWNER), Error::<Test>::Overflow);
		NextDatanetId::<Test>::put(0);
	});
}

#[test]
fn owner_calls_refuse_unsigned_origins() {
	build_and_execute(|| {
		let d = create(Permission::Open);
		let none = RuntimeOrigin::none;
		assert_noop!(Datanets::add_curator(none(), d, CURATOR), DispatchError::BadOrigin);
		assert_noop!(Datanets::remove_curator(none(), d, CURATOR), DispatchError::BadOrigin);
		assert_noop!(Datanets::allow(none(), d, ALICE), DispatchError::BadOrigin);
		assert_noop!(Datanets::disallow(none(), d, ALICE), DispatchError::BadOrigin);
		assert_noop!(
			Datanets::set_metadata(none(), d, bounded(b""), Default::default()),
			DispatchError::BadOrigin
		);
		assert_noop!(Datanets::close_datanet(none(), d), DispatchError::BadOrigin);
		assert_noop!(
			Datanets::curate(none(), d, ids(&[0]), Verdict::Accept),
			DispatchError::BadOrigin
		);
		assert_noop!(Datanets::publish_version(none(), d), DispatchError::BadOrigin);
	});
}

#[test]
fn owner_calls_refuse_unknown_datanets() {
	build_and_execute(|| {
		assert_noop!(
			Datanets::remove_curator(RuntimeOrigin::signed(OWNER), 3, CURATOR),
			Error::<Test>::UnknownDatanet
		);
		assert_noop!(
			Datanets::disallow(RuntimeOrigin::signed(OWNER), 3, ALICE),
			Error::<Test>::UnknownDatanet
		);
	});
}

#[test]
fn create_refuses_unsigned() {
	build_and_execute(|| {
		assert_noop!(
			Datanets::create_datanet(
				RuntimeOrigin::none(),
				bounded(b"x"),
				bounded(b""),
				Default::default(),
				8,
				0,
				Permission::Open,
				BOND,
				caps()
			),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn curators_are_added_and_removed_by_the_owner_only() {
	build_and_execute(|| {
		let d = create(Permission::Open);
		assert_noop!(
			Datanets::add_curator(RuntimeOrigin::signed(ALICE), d, CURATOR),
			Error::<Test>::NotOwner
		);
		assert_noop!(
			Datanets::add_curator(RuntimeOrigin::signed(OWNER), 9, CURATOR),
			Error::<Test>::UnknownDatanet
		);
		assert_ok!(Datanets::add_curator(RuntimeOrigin::signed(OWNER), d, CURATOR));
		assert_eq!(last_event(), Event::CuratorAdded { datanet: d, curator: CURATOR });
		assert!(Curators::<Test>::contains_key(d, CURATOR));
		assert_noop!(
			Datanets::add_curator(RuntimeOrigin::signed(OWNER), d, CURATOR),
			Error::<Test>::AlreadyCurator
		);
		assert_ok!(Datanets::add_curator(RuntimeOrigin::signed(OWNER), d, ALICE));
		assert_noop!(
			Datanets::add_curator(RuntimeOrigin::signed(OWNER), d, BOB),
			Error::<Test>::TooManyCurators
		);
		assert_noop!(
			Datanets::remove_curator(RuntimeOrigin::signed(ALICE), d, CURATOR),
			Error::<Test>::NotOwner
		);
		assert_ok!(Datanets::remove_curator(RuntimeOrigin::signed(OWNER), d, CURATOR));
		assert_eq!(last_event(), Event::CuratorRemoved { datanet: d, curator: CURATOR });
		assert_noop!(
			Datanets::remove_curator(RuntimeOrigin::signed(OWNER), d, CURATOR),
			Error::<Test>::NotCurator
		);
		assert_eq!(crate::Datanets::<Test>::get(d).unwrap().curator_count, 1);
	});
}

#[test]
fn allow_list_is_managed_by_the_owner_only() {
	build_and_execute(|| {
		let d = create(Permission::AllowList);
		assert_noop!(
			Datanets::allow(RuntimeOrigin::signed(ALICE), d, ALICE),
			Error::<Test>::NotOwner
		);
		assert_ok!(Datanets::allow(RuntimeOrigin::signed(OWNER), d, ALICE));
		assert_eq!(last_event(), Event::AllowListAdded { datanet: d, account: ALICE });
		assert_noop!(
			Datanets::allow(RuntimeOrigin::signed(OWNER), d, ALICE),
			Error::<Test>::AlreadyAllowed
		);
		assert_ok!(Datanets::allow(RuntimeOrigin::signed(OWNER), d, BOB));
		assert_noop!(
			Datanets::allow(RuntimeOrigin::signed(OWNER), d, CURATOR),
			Error::<Test>::AllowListFull
		);
		assert_noop!(
			Datanets::disallow(RuntimeOrigin::signed(BOB), d, ALICE),
			Error::<Test>::NotOwner
		);
		assert_ok!(Datanets::disallow(RuntimeOrigin::signed(OWNER), d, ALICE));
		assert_eq!(last_event(), Event::AllowListRemoved { datanet: d, account: ALICE });
		assert_noop!(
			Datanets::disallow(RuntimeOrigin::signed(OWNER), d, ALICE),
			Error::<Test>::NotOnAllowList
		);
		assert_noop!(
			Datanets::allow(RuntimeOrigin::signed(OWNER), 7, ALICE),
			Error::<Test>::UnknownDatanet
		);
	});
}

#[test]
fn metadata_changes_but_dimension_and_labels_do_not() {
	build_and_execute(|| {
		let d = create(Permission::Open);
		let tags: TagsOf<Test> = vec![bounded(b"a"), bounded(b"b")].try_into().unwrap();
		assert_noop!(
			Datanets::set_metadata(RuntimeOrigin::signed(ALICE), d, bounded(b"x"), tags.clone()),
			Error::<Test>::NotOwner
		);
		assert_ok!(Datanets::set_metadata(
			RuntimeOrigin::signed(OWNER),
			d,
			bounded(b"ar://new"),
			tags.clone()
		));
		assert_eq!(last_event(), Event::MetadataUpdated { datanet: d });
		let info = crate::Datanets::<Test>::get(d).unwrap();
		assert_eq!(info.description_uri.to_vec(), b"ar://new".to_vec());
		assert_eq!(info.tags, tags);
		assert_eq!((info.embedding_dim, info.num_labels), (8, 3));
		assert_noop!(
			Datanets::set_metadata(RuntimeOrigin::signed(OWNER), 5, bounded(b"x"), tags),
			Error::<Test>::UnknownDatanet
		);
	});
}

#[test]
fn close_releases_the_deposit_and_freezes_the_datanet() {
	build_and_execute(|| {
		let d = create(Permission::Open);
		assert_noop!(
			Datanets::close_datanet(RuntimeOrigin::signed(ALICE), d),
			Error::<Test>::NotOwner
		);
		let before = Balances::balance(&OWNER);
		assert_ok!(Datanets::close_datanet(RuntimeOrigin::signed(OWNER), d));
		assert_eq!(last_event(), Event::DatanetClosed { datanet: d, deposit_released: DEPOSIT });
		assert_eq!(Balances::balance(&OWNER), before + DEPOSIT);
		assert_eq!(Balances::total_balance_on_hold(&OWNER), 0);
		assert_noop!(
			Datanets::close_datanet(RuntimeOrigin::signed(OWNER), d),
			Error::<Test>::DatanetClosed
		);
		assert_noop!(
			Datanets::add_curator(RuntimeOrigin::signed(OWNER), d, CURATOR),
			Error::<Test>::DatanetClosed
		);
		assert_noop!(
			Datanets::remove_curator(RuntimeOrigin::signed(OWNER), d, CURATOR),
			Error::<Test>::DatanetClosed
		);
		assert_noop!(
			Datanets::allow(RuntimeOrigin::signed(OWNER), d, ALICE),
			Error::<Test>::DatanetClosed
		);
		assert_noop!(
			Datanets::disallow(RuntimeOrigin::signed(OWNER), d, ALICE),
			Error::<Test>::DatanetClosed
		);
		assert_noop!(
			Datanets::set_metadata(
				RuntimeOrigin::signed(OWNER),
				d,
				bounded(b""),
				Default::default()
			),
			Error::<Test>::DatanetClosed
		);
		assert_noop!(
			Datanets::contribute(
				RuntimeOrigin::signed(ALICE),
				d,
				content(1),
				item_root_of(1),
				items_of(1),
				size_of(items_of(1)),
				bounded(b"")
			),
			Error::<Test>::DatanetClosed
		);
		assert_noop!(
			Datanets::publish_version(RuntimeOrigin::signed(OWNER), d),
			Error::<Test>::DatanetClosed
		);
		assert_noop!(
			Datanets::close_datanet(RuntimeOrigin::signed(OWNER), 3),
			Error::<Test>::UnknownDatanet
		);
	});
}

#[test]
fn close_waits_for_pending_and_unpublished_files() {
	build_and_execute(|| {
		let d = create(Permission::Open);
		let a = contribute(ALICE, d, 1);
		assert_noop!(
			Datanets::close_datanet(RuntimeOrigin::signed(OWNER), d),
			Error::<Test>::PendingContributions
		);
		assert_ok!(Datanets::curate(RuntimeOrigin::signed(OWNER), d, ids(&[a]), Verdict::Accept));
		assert_noop!(
			Datanets::close_datanet(RuntimeOrigin::signed(OWNER), d),
			Error::<Test>::UnpublishedContributions
		);
		assert_ok!(Datanets::publish_version(RuntimeOrigin::signed(OWNER), d));
		// A file accepted after the latest version must be published too.
		let b = contribute(BOB, d, 2);
		assert_ok!(Datanets::curate(RuntimeOrigin::signed(OWNER), d, ids(&[b]), Verdict::Accept));
		assert_noop!(
			Datanets::close_datanet(RuntimeOrigin::signed(OWNER), d),
			Error::<Test>::UnpublishedContributions
		);
		assert_ok!(Datanets::publish_version(RuntimeOrigin::signed(OWNER), d));
		// A rejected file leaves nothing to publish.
		let c = contribute(BOB, d, 3);
		assert_ok!(Datanets::curate(RuntimeOrigin::signed(OWNER), d, ids(&[c]), Verdict::Reject));
		assert_ok!(Datanets::close_datanet(RuntimeOrigin::signed(OWNER), d));
		assert!(Versions::<Test>::get(d, 1).is_some(), "versions outlive the Datanet");
		assert_eq!(Versions::<Test>::get(d, 2).unwrap().file_count, 2);
	});
}

#[test]
fn root_sets_params_and_new_datanets_use_them() {
	build_and_execute(|| {
		let params = Params {
			creation_deposit: 42,
			reject_slash: Perbill::from_percent(50),
			bond_per_mib: 10,
			publish_base_fee: 1,
			publish_fee_per_kib: 1,
		};
		assert_noop!(
			Datanets::set_params(RuntimeOrigin::signed(OWNER), params.clone()),
			DispatchError::BadOrigin
		);
		assert_ok!(Datanets::set_params(RuntimeOrigin::root(), params.clone()));
		assert_eq!(last_event(), Event::ParamsSet { params: params.clone() });
		assert_eq!(Datanets::params(), params);
		let d = create(Permission::Open);
		assert_eq!(crate::Datanets::<Test>::get(d).unwrap().deposit, 42);
		// The next file holds the bond plus 10 for its started MiB, and the new slash applies
		// to its rejection: 50% of 110.
		let a = contribute(ALICE, d, 1);
		assert_eq!(Contributions::<Test>::get(a).unwrap().bond, BOND + 10);
		assert_ok!(Datanets::curate(RuntimeOrigin::signed(OWNER), d, ids(&[a]), Verdict::Reject));
		assert_eq!(
			last_event(),
			Event::ContributionRejected {
				datanet: d,
				id: a,
				contributor: ALICE,
				slashed: 55,
				bond_released: 55
			}
		);
	});
}

#[test]
fn a_zero_deposit_datanet_closes() {
	build_and_execute(|| {
		assert_ok!(Datanets::set_params(
			RuntimeOrigin::root(),
			Params { creation_deposit: 0, ..Datanets::params() }
		));
		let d = create(Permission::Open);
		assert_ok!(Datanets::close_datanet(RuntimeOrigin::signed(OWNER), d));
		assert_eq!(last_event(), Event::DatanetClosed { datanet: d, deposit_released: 0 });
	});
}
