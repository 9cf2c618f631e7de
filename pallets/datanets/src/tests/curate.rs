//! Curation: accepting releases bonds, rejecting slashes them; every refusal.

use crate::{
	mock::{Datanets, *},
	*,
};
use frame_support::{
	assert_noop, assert_ok,
	traits::fungible::{Inspect, InspectHold},
};
use openledger_primitives::datanet::file::VersionFiles;
use pallet_reputation::{Role, NEUTRAL_SCORE};

fn bond_held(who: AccountId) -> Balance {
	Balances::balance_on_hold(&HoldReason::ContributionBond.into(), &who)
}

#[test]
fn accept_releases_the_bond_and_raises_reputation() {
	build_and_execute(|| {
		let d = create(Permission::Open);
		let a = contribute(ALICE, d, 1); // 2 items
		let b = contribute(ALICE, d, 2); // 3 items
		let free = Balances::balance(&ALICE);
		assert_ok!(Datanets::curate(
			RuntimeOrigin::signed(OWNER),
			d,
			ids(&[b, a]),
			Verdict::Accept
		));
		assert_eq!(bond_held(ALICE), 0);
		assert_eq!(Balances::balance(&ALICE), free + 2 * BOND);
		// Files are placed in the order they were accepted, each after the items before it.
		assert_eq!(
			events()[events().len() - 2..],
			[
				Event::ContributionAccepted {
					datanet: d,
					id: b,
					contributor: ALICE,
					position: 0,
					first: 0,
					bond_released: BOND
				},
				Event::ContributionAccepted {
					datanet: d,
					id: a,
					contributor: ALICE,
					position: 1,
					first: 3,
					bond_released: BOND
				},
			]
		);
		let accepted = Contributions::<Test>::get(a).unwrap();
		assert_eq!(accepted.status, ContributionStatus::Accepted);
		assert_eq!(accepted.placement, Some(Placement { position: 1, first: 3 }));
		assert_eq!(
			Contributions::<Test>::get(b).unwrap().placement,
			Some(Placement { position: 0, first: 0 })
		);
		assert_eq!(Placed::<Test>::get(d, 0), Some(b));
		assert_eq!(Placed::<Test>::get(d, 1), Some(a));
		assert_eq!(Placed::<Test>::get(d, 2), None);
		let tree = FileTrees::<Test>::get(d);
		assert_eq!((tree.frontier.leaf_count, tree.item_count), (2, 5));
		assert_eq!(tree.bytes, size_of(3) + size_of(2));
		let leaves = vec![
			Datanets::file_leaf(b, &Contributions::<Test>::get(b).unwrap()).unwrap(),
			Datanets::file_leaf(a, &accepted).unwrap(),
		];
		assert_eq!(
			tree.frontier.root(),
			VersionFiles::new(leaves).unwrap().commitment().root,
			"the frontier holds the files in acceptance order"
		);
		assert_eq!(crate::Datanets::<Test>::get(d).unwrap().pending, 0);
		assert_eq!(Reputation::score(&ALICE, Role::Contributor), NEUTRAL_SCORE + 20_000);
	});
}

#[test]
fn reject_slashes_to_the_treasury_and_lowers_reputation() {
	build_and_execute(|| {
		let d = create(Permission::Open);
		let a = contribute(ALICE, d, 1);
		let free = Balances::balance(&ALICE);
		let treasury = Balances::balance(&TREASURY);
		assert_ok!(Datanets::curate(RuntimeOrigin::signed(OWNER), d, ids(&[a]), Verdict::Reject));
		// 20% of the bond of 100 is slashed.
		assert_eq!(
			last_event(),
			Event::ContributionRejected {
				datanet: d,
				id: a,
				contributor: ALICE,
				slashed: 20,
				bond_released: 80
			}
		);
		assert_eq!(Balances::balance(&TREASURY), treasury + 20);
		assert_eq!(Balances::balance(&ALICE), free + 80);
		assert_eq!(bond_held(ALICE), 0);
		assert_eq!(Contributions::<Test>::get(a).unwrap().status, ContributionStatus::Rejected);
		assert_eq!(Contributions::<Test>::get(a).unwrap().placement, None);
		assert_eq!(FileTrees::<Test>::get(d), FileTree::default(), "nothing is placed");
		assert_eq!(Placed::<Test>::get(d, 0), None);
		assert_eq!(Reputation::score(&ALICE, Role::Contributor), NEUTRAL_SCORE - 50_000);
		assert!(System::events().iter().any(|r| matches!(
			r.event,
			RuntimeEvent::Reputation(pallet_reputation::Event::Slashed {
				who: ALICE,
				amount: 20,
				..
			})
		)));
	});
}

#[test]
fn rejection_frees_the_content_hash_for_a_corrected_resubmission() {
	build_and_execute(|| {
		let d = create(Permission::Open);
		let a = contribute(ALICE, d, 1);
		assert_ok!(Datanets::curate(RuntimeOrigin::signed(OWNER), d, ids(&[a]), Verdict::Reject));
		assert_eq!(ContentIndex::<Test>::get(d, content(1)), None);
		let again = contribute(ALICE, d, 1);
		assert_eq!(ContentIndex::<Test>::get(d, content(1)), Some(again));
	});
}

#[test]
fn curators_may_curate_and_others_may_not() {
	build_and_execute(|| {
		let d = create(Permission::Open);
		let a = contribute(ALICE, d, 1);
		assert_noop!(
			Datanets::curate(RuntimeOrigin::signed(CURATOR), d, ids(&[a]), Verdict::Accept),
			Error::<Test>::NotCurator
		);
		assert_noop!(
			Datanets::curate(RuntimeOrigin::signed(ALICE), d, ids(&[a]), Verdict::Accept),
			Error::<Test>::NotCurator
		);
		assert_ok!(Datanets::add_curator(RuntimeOrigin::signed(OWNER), d, CURATOR));
		assert_ok!(Datanets::curate(RuntimeOrigin::signed(CURATOR), d, ids(&[a]), Verdict::Accept));
		let b = contribute(ALICE, d, 2);
		assert_ok!(Datanets::remove_curator(RuntimeOrigin::signed(OWNER), d, CURATOR));
		assert_noop!(
			Datanets::curate(RuntimeOrigin::signed(CURATOR), d, ids(&[b]), Verdict::Reject),
			Error::<Test>::NotCurator
		);
	});
}

#[test]
fn curate_refuses_bad_ids_and_changes_nothing() {
	build_and_execute(|| {
		let d = create(Permission::Open);
		let e = create(Permission::Open);
		let a = contribute(ALICE, d, 1);
		let other = contribute(ALICE, e, 1);
		assert_noop!(
			Datanets::curate(RuntimeOrigin::signed(OWNER), 9, ids(&[a]), Verdict::Accept),
			Error::<Test>::UnknownDatanet
		);
		assert_noop!(
			Datanets::curate(RuntimeOrigin::signed(OWNER), d, ids(&[]), Verdict::Accept),
			Error::<Test>::NothingToCurate
		);
		assert_noop!(
			Datanets::curate(RuntimeOrigin::signed(OWNER), d, ids(&[a, 77]), Verdict::Accept),
			Error::<Test>::UnknownContribution
		);
		assert_noop!(
			Datanets::curate(RuntimeOrigin::signed(OWNER), d, ids(&[a, other]), Verdict::Reject),
			Error::<Test>::WrongDatanet
		);
		assert_noop!(
			Datanets::curate(RuntimeOrigin::signed(OWNER), d, ids(&[a, a]), Verdict::Accept),
			Error::<Test>::NotPending
		);
		assert_ok!(Datanets::curate(RuntimeOrigin::signed(OWNER), d, ids(&[a]), Verdict::Accept));
		assert_noop!(
			Datanets::curate(RuntimeOrigin::signed(OWNER), d, ids(&[a]), Verdict::Reject),
			Error::<Test>::NotPending
		);
	});
}

#[test]
fn accepting_past_max_version_items_is_refused_for_good() {
	build_and_execute(|| {
		let d = create(Permission::Open); // MaxVersionItems: 20 items in all versions together
									// Day 0: files of 4, 4, 4, 4 and 3 items.
		let mut day0 = vec![];
		for (who, n) in [(ALICE, 3), (ALICE, 7), (ALICE, 11), (BOB, 15), (BOB, 2)] {
			day0.push(contribute(who, d, n));
		}
		System::set_block_number(BLOCKS_PER_DAY + 1);
		let four = contribute(BOB, d, 19); // 4 items
		let one = contribute(CURATOR, d, 4); // 1 item
		assert_ok!(Datanets::curate(
			RuntimeOrigin::signed(OWNER),
			d,
			ids(&day0[..4]),
			Verdict::Accept
		));
		assert_ok!(Datanets::curate(
			RuntimeOrigin::signed(OWNER),
			d,
			ids(&day0[4..]),
			Verdict::Accept
		));
		assert_eq!(FileTrees::<Test>::get(d).item_count, 19);
		assert_noop!(
			Datanets::curate(RuntimeOrigin::signed(OWNER), d, ids(&[four]), Verdict::Accept),
			Error::<Test>::VersionFull
		);
		// A batch is all or nothing: the file that fits is not accepted either.
		assert_noop!(
			Datanets::curate(RuntimeOrigin::signed(OWNER), d, ids(&[one, four]), Verdict::Accept),
			Error::<Test>::VersionFull
		);
		// Versions are cumulative: publishing makes no room.
		assert_ok!(Datanets::publish_version(RuntimeOrigin::signed(OWNER), d));
		assert_noop!(
			Datanets::curate(RuntimeOrigin::signed(OWNER), d, ids(&[four]), Verdict::Accept),
			Error::<Test>::VersionFull
		);
		// Exactly MaxVersionItems fit.
		assert_ok!(Datanets::curate(RuntimeOrigin::signed(OWNER), d, ids(&[one]), Verdict::Accept));
		assert_eq!(
			Contributions::<Test>::get(one).unwrap().placement,
			Some(Placement { position: 5, first: 19 })
		);
		assert_eq!(FileTrees::<Test>::get(d).item_count, 20);
		assert_noop!(
			Datanets::curate(RuntimeOrigin::signed(OWNER), d, ids(&[four]), Verdict::Accept),
			Error::<Test>::VersionFull
		);
		// Rejecting is still possible, and the Datanet can be wound up.
		assert_ok!(Datanets::curate(
			RuntimeOrigin::signed(OWNER),
			d,
			ids(&[four]),
			Verdict::Reject
		));
		assert_ok!(Datanets::publish_version(RuntimeOrigin::signed(OWNER), d));
		assert_ok!(Datanets::close_datanet(RuntimeOrigin::signed(OWNER), d));
	});
}
