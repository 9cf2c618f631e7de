//! A contribution nobody curated in time can be withdrawn by its contributor, bond and all.

use crate::{
	mock::{Datanets, *},
	*,
};
use frame_support::{
	assert_noop, assert_ok,
	traits::fungible::{Inspect, InspectHold},
};
use pallet_reputation::{Role, NEUTRAL_SCORE};

#[test]
fn withdraw_after_the_review_period_releases_the_whole_bond() {
	build_and_execute(|| {
		let d = create(Permission::Open);
		let a = contribute(ALICE, d, 1);
		let free = Balances::balance(&ALICE);
		System::set_block_number(1 + REVIEW_PERIOD);
		assert_ok!(Datanets::withdraw_contribution(RuntimeOrigin::signed(ALICE), a));
		assert_eq!(
			last_event(),
			Event::ContributionWithdrawn {
				datanet: d,
				id: a,
				contributor: ALICE,
				bond_released: BOND
			}
		);
		assert_eq!(Balances::balance(&ALICE), free + BOND);
		assert_eq!(Balances::balance_on_hold(&HoldReason::ContributionBond.into(), &ALICE), 0);
		assert_eq!(Contributions::<Test>::get(a).unwrap().status, ContributionStatus::Withdrawn);
		assert_eq!(crate::Datanets::<Test>::get(d).unwrap().pending, 0);
		assert_eq!(ContentIndex::<Test>::get(d, content(1)), None, "the content may come back");
		assert_eq!(Reputation::score(&ALICE, Role::Contributor), NEUTRAL_SCORE);
		// With nothing pending the owner can close.
		assert_ok!(Datanets::close_datanet(RuntimeOrigin::signed(OWNER), d));
	});
}

#[test]
fn withdraw_refusals_change_nothing() {
	build_and_execute(|| {
		let d = create(Permission::Open);
		let a = contribute(ALICE, d, 1);
		let b = contribute(ALICE, d, 2);
		assert_noop!(
			Datanets::withdraw_contribution(RuntimeOrigin::signed(ALICE), a),
			Error::<Test>::ReviewPeriodNotOver
		);
		System::set_block_number(REVIEW_PERIOD);
		assert_noop!(
			Datanets::withdraw_contribution(RuntimeOrigin::signed(ALICE), a),
			Error::<Test>::ReviewPeriodNotOver
		);
		System::set_block_number(1 + REVIEW_PERIOD);
		assert_noop!(
			Datanets::withdraw_contribution(RuntimeOrigin::signed(BOB), a),
			Error::<Test>::NotContributor
		);
		assert_noop!(
			Datanets::withdraw_contribution(RuntimeOrigin::signed(ALICE), 42),
			Error::<Test>::UnknownContribution
		);
		assert_noop!(
			Datanets::withdraw_contribution(RuntimeOrigin::none(), a),
			sp_runtime::DispatchError::BadOrigin
		);
		assert_ok!(Datanets::curate(RuntimeOrigin::signed(OWNER), d, ids(&[b]), Verdict::Accept));
		assert_noop!(
			Datanets::withdraw_contribution(RuntimeOrigin::signed(ALICE), b),
			Error::<Test>::NotPending
		);
	});
}
