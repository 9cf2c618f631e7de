//! Contributing: the bond, the ids, and every refusal with its own error.

use crate::{
	mock::{Datanets, *},
	*,
};
use frame_support::dispatch::DispatchResult;
use frame_support::{
	assert_noop, assert_ok,
	traits::fungible::{Inspect, InspectHold},
};

fn try_contribute(who: AccountId, d: DatanetId, c: Hash, label: u32, size: u64) -> DispatchResult {
	Datanets::contribute(
		RuntimeOrigin::signed(who),
		d,
		c,
		[9; 32],
		label,
		size,
		bounded(b"ipfs://x"),
	)
}

#[test]
fn contribute_holds_the_bond_and_assigns_sequential_ids() {
	build_and_execute(|| {
		let d = create(Permission::Open);
		let free = Balances::balance(&ALICE);
		assert_eq!(contribute(ALICE, d, 1), 0);
		assert_eq!(
			last_event(),
			Event::Contributed {
				datanet: d,
				id: 0,
				contributor: ALICE,
				content_hash: content(1),
				size: 1_000,
				bond: BOND
			}
		);
		assert_eq!(contribute(BOB, d, 2), 1);
		assert_eq!(contribute(ALICE, d, 3), 2);
		assert_eq!(Balances::balance(&ALICE), free - 2 * BOND);
		assert_eq!(
			Balances::balance_on_hold(&HoldReason::ContributionBond.into(), &ALICE),
			2 * BOND
		);
		let c = Contributions::<Test>::get(0).unwrap();
		assert_eq!((c.datanet, c.contributor, c.label, c.size), (d, ALICE, 1, 1_000));
		assert_eq!(c.embedding_hash, [101; 32]);
		assert_eq!(c.status, ContributionStatus::Pending);
		assert_eq!(c.version, None);
		assert_eq!(crate::Datanets::<Test>::get(d).unwrap().pending, 3);
		assert_eq!(ContentIndex::<Test>::get(d, content(3)), Some(2));
	});
}

#[test]
fn contributions_of_pages_an_accounts_items() {
	build_and_execute(|| {
		let d = create(Permission::Open);
		let e = create(Permission::Open);
		let mut mine = vec![];
		for n in 0..3 {
			mine.push(contribute(ALICE, d, n));
			if n < 2 {
				contribute(BOB, d, 50 + n);
			}
		}
		mine.push(contribute(ALICE, e, 0));
		assert_eq!(Datanets::contributions_of(&ALICE, 0, 10), mine);
		assert_eq!(Datanets::contributions_of(&ALICE, 1, 2), mine[1..3].to_vec());
		assert_eq!(Datanets::contributions_of(&ALICE, 4, 2), Vec::<ContributionId>::new());
		assert_eq!(Datanets::contributions_of(&CURATOR, 0, 2), Vec::<ContributionId>::new());
		assert_eq!(
			Datanets::contributions_of(&ALICE, u32::MAX, u32::MAX),
			Vec::<ContributionId>::new()
		);
	});
}

#[test]
fn unknown_datanet_is_refused() {
	build_and_execute(|| {
		assert_noop!(try_contribute(ALICE, 4, content(1), 0, 1), Error::<Test>::UnknownDatanet);
	});
}

#[test]
fn allow_list_is_enforced() {
	build_and_execute(|| {
		let d = create(Permission::AllowList);
		assert_noop!(try_contribute(ALICE, d, content(1), 0, 1), Error::<Test>::NotOnAllowList);
		assert_ok!(Datanets::allow(RuntimeOrigin::signed(OWNER), d, ALICE));
		assert_ok!(try_contribute(ALICE, d, content(1), 0, 1));
		assert_ok!(Datanets::disallow(RuntimeOrigin::signed(OWNER), d, ALICE));
		assert_noop!(try_contribute(ALICE, d, content(2), 0, 1), Error::<Test>::NotOnAllowList);
		assert_eq!(
			crate::Datanets::<Test>::get(d).unwrap().pending,
			1,
			"the earlier item stays pending"
		);
	});
}

#[test]
fn labels_must_be_in_range() {
	build_and_execute(|| {
		let d = create(Permission::Open); // labels 0..3
		assert_noop!(try_contribute(ALICE, d, content(1), 3, 1), Error::<Test>::LabelOutOfRange);
		assert_ok!(try_contribute(ALICE, d, content(1), 2, 1));
		assert_ok!(Datanets::create_datanet(
			RuntimeOrigin::signed(OWNER),
			bounded(b"text"),
			bounded(b""),
			Default::default(),
			16,
			0,
			Permission::Open,
			BOND,
			caps(),
		));
		assert_noop!(try_contribute(ALICE, 1, content(2), 1, 1), Error::<Test>::LabelOutOfRange);
		assert_ok!(try_contribute(ALICE, 1, content(2), 0, 1));
	});
}

#[test]
fn empty_contributions_are_refused() {
	build_and_execute(|| {
		let d = create(Permission::Open);
		assert_noop!(try_contribute(ALICE, d, content(1), 0, 0), Error::<Test>::EmptyContribution);
	});
}

#[test]
fn oversized_contributions_are_refused() {
	build_and_execute(|| {
		let d = create(Permission::Open);
		assert_noop!(
			try_contribute(ALICE, d, content(1), 0, (1 << 20) + 1),
			Error::<Test>::ItemTooLarge
		);
	});
}

#[test]
fn id_overflow_is_refused() {
	build_and_execute(|| {
		let d = create(Permission::Open);
		NextContributionId::<Test>::put(u64::MAX);
		assert_noop!(try_contribute(ALICE, d, content(1), 0, 1), Error::<Test>::Overflow);
		NextContributionId::<Test>::put(0);
	});
}

#[test]
fn duplicate_content_is_refused_in_the_same_datanet_only() {
	build_and_execute(|| {
		let d = create(Permission::Open);
		let e = create(Permission::Open);
		contribute(ALICE, d, 1);
		assert_noop!(try_contribute(BOB, d, content(1), 0, 1), Error::<Test>::DuplicateContent);
		assert_noop!(try_contribute(ALICE, d, content(1), 1, 5), Error::<Test>::DuplicateContent);
		assert_ok!(try_contribute(BOB, e, content(1), 0, 1));
	});
}

#[test]
fn contributor_item_cap_resets_the_next_day() {
	build_and_execute(|| {
		let d = create(Permission::Open); // 3 items per contributor per day
		for n in 0..3 {
			contribute(ALICE, d, n);
		}
		assert_noop!(
			try_contribute(ALICE, d, content(9), 0, 1),
			Error::<Test>::ContributorItemCapReached
		);
		assert_ok!(try_contribute(BOB, d, content(9), 0, 1));
		System::set_block_number(BLOCKS_PER_DAY);
		assert_ok!(try_contribute(ALICE, d, content(10), 0, 1));
	});
}

#[test]
fn contributor_byte_cap_is_enforced() {
	build_and_execute(|| {
		let d = create(Permission::Open); // 10,000 bytes per contributor per day
		assert_ok!(try_contribute(ALICE, d, content(1), 0, 9_000));
		assert_noop!(
			try_contribute(ALICE, d, content(2), 0, 1_001),
			Error::<Test>::ContributorByteCapReached
		);
		assert_ok!(try_contribute(ALICE, d, content(2), 0, 1_000));
		// A size within MaxItemBytes but beyond a fresh contributor's cap.
		assert_noop!(
			try_contribute(BOB, d, content(3), 0, 10_001),
			Error::<Test>::ContributorByteCapReached
		);
	});
}

#[test]
fn datanet_item_cap_is_enforced() {
	build_and_execute(|| {
		let d = create(Permission::Open); // 5 items per Datanet per day
		for n in 0..3 {
			contribute(ALICE, d, n);
		}
		contribute(BOB, d, 10);
		contribute(BOB, d, 11);
		assert_noop!(
			try_contribute(CURATOR, d, content(20), 0, 1),
			Error::<Test>::DatanetItemCapReached
		);
		System::set_block_number(2 * BLOCKS_PER_DAY + 5);
		assert_ok!(try_contribute(CURATOR, d, content(20), 0, 1));
	});
}

#[test]
fn datanet_byte_cap_is_enforced() {
	build_and_execute(|| {
		let d = create(Permission::Open); // 20,000 bytes per Datanet per day
		assert_ok!(try_contribute(ALICE, d, content(1), 0, 10_000));
		assert_ok!(try_contribute(BOB, d, content(2), 0, 9_000));
		assert_noop!(
			try_contribute(CURATOR, d, content(3), 0, 1_001),
			Error::<Test>::DatanetByteCapReached
		);
	});
}

#[test]
fn the_bond_needs_free_balance() {
	build_and_execute(|| {
		let d = create(Permission::Open);
		assert_ok!(try_contribute(POOR, d, content(1), 0, 1)); // 150 free: one bond of 100
		assert_noop!(
			try_contribute(POOR, d, content(2), 0, 1),
			Error::<Test>::InsufficientBalanceForBond
		);
		assert_eq!(Balances::balance_on_hold(&HoldReason::ContributionBond.into(), &POOR), BOND);
	});
}

#[test]
fn unsigned_contributions_are_refused() {
	build_and_execute(|| {
		let d = create(Permission::Open);
		assert_noop!(
			Datanets::contribute(
				RuntimeOrigin::none(),
				d,
				content(1),
				content(1),
				0,
				1,
				bounded(b"")
			),
			sp_runtime::DispatchError::BadOrigin
		);
	});
}
