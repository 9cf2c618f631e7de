//! Publishing versions: roots reproducible off-chain, chained, paid for by size.

use crate::{
	mock::{Datanets, *},
	*,
};
use frame_support::{assert_noop, assert_ok, traits::fungible::Inspect};
use openledger_primitives::{
	datanet::{version_root, ContributionLeaf},
	merkle::{self, EMPTY_ROOT},
};
use sp_runtime::Perbill;

fn leaf(id: ContributionId) -> ContributionLeaf<AccountId> {
	let c = Contributions::<Test>::get(id).unwrap();
	ContributionLeaf {
		id,
		contributor: c.contributor,
		content_hash: c.content_hash,
		embedding_hash: c.embedding_hash,
		label: c.label,
	}
}

fn accept(d: DatanetId, list: &[ContributionId]) {
	assert_ok!(Datanets::curate(RuntimeOrigin::signed(OWNER), d, ids(list), Verdict::Accept));
}

#[test]
fn publish_records_the_root_the_shared_crate_computes() {
	build_and_execute(|| {
		let d = create(Permission::Open);
		let a = contribute(ALICE, d, 1);
		let b = contribute(BOB, d, 2);
		let c = contribute(ALICE, d, 3);
		accept(d, &[c, a]);
		assert_ok!(Datanets::curate(RuntimeOrigin::signed(OWNER), d, ids(&[b]), Verdict::Reject));
		let treasury = Balances::balance(&TREASURY);
		assert_ok!(Datanets::publish_version(RuntimeOrigin::signed(OWNER), d));

		let expected = version_root(&mut vec![leaf(a), leaf(c)]);
		let v = Versions::<Test>::get(d, 1).unwrap();
		assert_eq!(v.root, expected);
		assert_eq!(v.prev_root, EMPTY_ROOT);
		assert_eq!((v.item_count, v.bytes, v.publisher), (2, 2_000, OWNER));
		// 50 + 2 per started KiB: 2,000 bytes is 2 KiB.
		assert_eq!(v.fee, 54);
		assert_eq!(Balances::balance(&TREASURY), treasury + 54);
		assert_eq!(
			last_event(),
			Event::VersionPublished {
				datanet: d,
				version: 1,
				root: expected,
				prev_root: EMPTY_ROOT,
				item_count: 2,
				bytes: 2_000,
				fee: 54
			}
		);
		assert_eq!(VersionItems::<Test>::get(d, 1).to_vec(), vec![a, c], "leaf order is by id");
		assert_eq!(Contributions::<Test>::get(a).unwrap().version, Some(1));
		assert_eq!(Contributions::<Test>::get(b).unwrap().version, None);
		assert!(Unpublished::<Test>::get(d).is_empty());
		let info = crate::Datanets::<Test>::get(d).unwrap();
		assert_eq!((info.latest_version, info.latest_root), (1, expected));
	});
}

#[test]
fn versions_chain_their_roots() {
	build_and_execute(|| {
		let d = create(Permission::Open);
		let a = contribute(ALICE, d, 1);
		accept(d, &[a]);
		assert_ok!(Datanets::publish_version(RuntimeOrigin::signed(OWNER), d));
		let b = contribute(BOB, d, 2);
		accept(d, &[b]);
		assert_ok!(Datanets::publish_version(RuntimeOrigin::signed(OWNER), d));
		let v1 = Versions::<Test>::get(d, 1).unwrap();
		let v2 = Versions::<Test>::get(d, 2).unwrap();
		assert_eq!(v2.prev_root, v1.root);
		assert_eq!(v2.root, leaf(b).hash(), "a one-item version's root is its leaf");
		assert_eq!(v2.fee, 52);
	});
}

#[test]
fn proofs_from_the_pallet_verify_against_the_recorded_root() {
	build_and_execute(|| {
		let d = create(Permission::Open);
		let items: Vec<_> = (1..=3).map(|n| contribute(ALICE, d, n)).collect();
		accept(d, &items);
		assert_ok!(Datanets::publish_version(RuntimeOrigin::signed(OWNER), d));
		let root = Versions::<Test>::get(d, 1).unwrap().root;
		for id in &items {
			let proof = Datanets::proof(d, 1, *id).unwrap();
			assert!(merkle::verify(&root, &leaf(*id).hash(), &proof));
		}
		assert!(Datanets::proof(d, 1, 99).is_none());
		assert!(Datanets::proof(d, 2, items[0]).is_none());
	});
}

#[test]
fn curators_publish_and_pay() {
	build_and_execute(|| {
		let d = create(Permission::Open);
		assert_ok!(Datanets::add_curator(RuntimeOrigin::signed(OWNER), d, CURATOR));
		let a = contribute(ALICE, d, 1);
		accept(d, &[a]);
		let before = Balances::balance(&CURATOR);
		assert_ok!(Datanets::publish_version(RuntimeOrigin::signed(CURATOR), d));
		// 50 + 2 for the one started KiB of a 1,000-byte item.
		assert_eq!(Balances::balance(&CURATOR), before - 52);
		assert_eq!(Versions::<Test>::get(d, 1).unwrap().publisher, CURATOR);
	});
}

#[test]
fn publish_refusals_change_nothing() {
	build_and_execute(|| {
		let d = create(Permission::Open);
		assert_noop!(
			Datanets::publish_version(RuntimeOrigin::signed(OWNER), 8),
			Error::<Test>::UnknownDatanet
		);
		assert_noop!(
			Datanets::publish_version(RuntimeOrigin::signed(OWNER), d),
			Error::<Test>::NothingToPublish
		);
		let a = contribute(ALICE, d, 1);
		assert_noop!(
			Datanets::publish_version(RuntimeOrigin::signed(OWNER), d),
			Error::<Test>::NothingToPublish
		);
		accept(d, &[a]);
		assert_noop!(
			Datanets::publish_version(RuntimeOrigin::signed(ALICE), d),
			Error::<Test>::NotCurator
		);
		assert_ok!(Datanets::add_curator(RuntimeOrigin::signed(OWNER), d, POOR));
		assert_ok!(Datanets::set_params(
			RuntimeOrigin::root(),
			Params {
				creation_deposit: DEPOSIT,
				reject_slash: Perbill::from_percent(20),
				publish_base_fee: 1_000,
				publish_fee_per_kib: 0,
			}
		));
		assert_noop!(
			Datanets::publish_version(RuntimeOrigin::signed(POOR), d),
			Error::<Test>::InsufficientBalanceForFee
		);
	});
}

#[test]
fn publish_fee_counts_started_kib() {
	build_and_execute(|| {
		assert_eq!(Datanets::publish_fee(0), 50);
		assert_eq!(Datanets::publish_fee(1), 52);
		assert_eq!(Datanets::publish_fee(1024), 52);
		assert_eq!(Datanets::publish_fee(1025), 54);
		assert_eq!(Datanets::publish_fee(u64::MAX), 50 + 2 * (u64::MAX / 1024 + 1) as u128);
	});
}
