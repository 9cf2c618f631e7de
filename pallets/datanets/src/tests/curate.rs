//! Curation: accepting releases bonds, rejecting slashes them; every refusal.

use crate::{
	mock::{Datanets, *},
	*,
};
use frame_support::{
	assert_noop, assert_ok,
	traits::fungible::{Inspect, InspectHold},
};
use pallet_reputation::{Role, NEUTRAL_SCORE};

fn bond_held(who: AccountId) -> Balance {
	Balances::balance_on_hold(&HoldReason::ContributionBond.into(), &who)
}

#[test]
fn accept_releases_the_bond_and_raises_reputation() {
	build_and_execute(|| {
		let d = create(Permission::Open);
		let a = contribute(ALICE, d, 1);
		let b = contribute(ALICE, d, 2);
		let free = Balances::balance(&ALICE);
		assert_ok!(Datanets::curate(
			RuntimeOrigin::signed(OWNER),
			d,
			ids(&[b, a]),
			Verdict::Accept
		));
		assert_eq!(bond_held(ALICE), 0);
		assert_eq!(Balances::balance(&ALICE), free + 2 * BOND);
		assert_eq!(
			events()[events().len() - 2..],
			[
				Event::ContributionAccepted {
					datanet: d,
					id: b,
					contributor: ALICE,
					bond_released: BOND
				},
				Event::ContributionAccepted {
					datanet: d,
					id: a,
					contributor: ALICE,
					bond_released: BOND
				},
			]
		);
		assert_eq!(Contributions::<Test>::get(a).unwrap().status, ContributionStatus::Accepted);
		assert_eq!(Unpublished::<Test>::get(d).to_vec(), vec![b, a]);
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
		assert!(Unpublished::<Test>::get(d).is_empty());
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
fn accepting_beyond_a_full_version_is_refused_until_published() {
	build_and_execute(|| {
		let d = create(Permission::Open);
		let mut all = vec![];
		for (who, n) in [(ALICE, 1), (ALICE, 2), (ALICE, 3), (BOB, 4), (BOB, 5)] {
			all.push(contribute(who, d, n));
		}
		System::set_block_number(BLOCKS_PER_DAY + 1);
		let sixth = contribute(BOB, d, 6);
		assert_ok!(Datanets::curate(
			RuntimeOrigin::signed(OWNER),
			d,
			ids(&all[..4]),
			Verdict::Accept
		));
		assert_ok!(Datanets::curate(
			RuntimeOrigin::signed(OWNER),
			d,
			ids(&all[4..]),
			Verdict::Accept
		));
		assert_noop!(
			Datanets::curate(RuntimeOrigin::signed(OWNER), d, ids(&[sixth]), Verdict::Accept),
			Error::<Test>::VersionFull
		);
		assert_ok!(Datanets::publish_version(RuntimeOrigin::signed(OWNER), d));
		assert_ok!(Datanets::curate(
			RuntimeOrigin::signed(OWNER),
			d,
			ids(&[sixth]),
			Verdict::Accept
		));
	});
}
