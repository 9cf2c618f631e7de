//! Contributing files: the bond, the ids, the daily caps, and every refusal with its own error.

use crate::{
	mock::{Datanets, *},
	*,
};
use frame_support::dispatch::DispatchResult;
use frame_support::{
	assert_noop, assert_ok,
	traits::{
		fungible::{Inspect, InspectHold},
		Get,
	},
};

/// Contributes a file as declared, without checking it.
fn try_file(
	who: AccountId,
	d: DatanetId,
	c: Hash,
	root: Hash,
	items: u32,
	size: u64,
) -> DispatchResult {
	Datanets::contribute(RuntimeOrigin::signed(who), d, c, root, items, size, bounded(b"ipfs://x"))
}

/// Contributes a well-formed file of `items` items with content `c` to a dimension-8 Datanet.
fn try_contribute(who: AccountId, d: DatanetId, c: Hash, items: u32) -> DispatchResult {
	try_file(who, d, c, [9; 32], items, size_of(items))
}

/// Creates an open Datanet of dimension 8 with `caps`; returns its id.
fn create_with_caps(caps: DailyCaps) -> DatanetId {
	let id = NextDatanetId::<Test>::get();
	assert_ok!(Datanets::create_datanet(
		RuntimeOrigin::signed(OWNER),
		bounded(b"capped"),
		bounded(b""),
		Default::default(),
		8,
		3,
		Permission::Open,
		BOND,
		caps,
	));
	id
}

fn bond_held(who: AccountId) -> Balance {
	Balances::balance_on_hold(&HoldReason::ContributionBond.into(), &who)
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
				item_root: item_root_of(1),
				item_count: 2,
				size: size_of(2),
				bond: BOND
			}
		);
		assert_eq!(contribute(BOB, d, 2), 1);
		assert_eq!(contribute(ALICE, d, 3), 2);
		assert_eq!(Balances::balance(&ALICE), free - 2 * BOND);
		assert_eq!(bond_held(ALICE), 2 * BOND);
		assert_eq!(bond_held(BOB), BOND);
		let c = Contributions::<Test>::get(0).unwrap();
		assert_eq!((c.datanet, c.contributor, c.content_hash), (d, ALICE, content(1)));
		assert_eq!((c.item_root, c.item_count, c.size), (item_root_of(1), 2, 35));
		assert_eq!((c.bond, c.submitted_at), (BOND, 1));
		assert_eq!(c.uri.to_vec(), b"ipfs://file".to_vec());
		assert_eq!(c.status, ContributionStatus::Pending);
		assert_eq!(c.placement, None, "a pending file is not in the file tree");
		assert_eq!(crate::Datanets::<Test>::get(d).unwrap().pending, 3);
		assert_eq!(ContentIndex::<Test>::get(d, content(3)), Some(2));
		// Today's usage counts files and declared bytes.
		assert_eq!(
			ContributorUsage::<Test>::get(d, ALICE),
			DailyUsage { day: 0, files: 2, bytes: size_of(2) + size_of(4) }
		);
		assert_eq!(
			DatanetUsage::<Test>::get(d),
			DailyUsage { day: 0, files: 3, bytes: size_of(2) + size_of(3) + size_of(4) }
		);
		assert_eq!(FileTrees::<Test>::get(d), FileTree::default(), "nothing is placed yet");
	});
}

#[test]
fn contributions_of_pages_an_accounts_items() {
	build_and_execute(|| {
		let d = create(Permission::Open);
		let e = create(Permission::Open);
		let mut mine = vec![];
		for n in 1..4 {
			mine.push(contribute(ALICE, d, n));
			if n < 3 {
				contribute(BOB, d, 50 + n);
			}
		}
		mine.push(contribute(ALICE, e, 1));
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
		assert_noop!(try_contribute(ALICE, 4, content(1), 1), Error::<Test>::UnknownDatanet);
	});
}

#[test]
fn allow_list_is_enforced() {
	build_and_execute(|| {
		let d = create(Permission::AllowList);
		assert_noop!(try_contribute(ALICE, d, content(1), 1), Error::<Test>::NotOnAllowList);
		assert_ok!(Datanets::allow(RuntimeOrigin::signed(OWNER), d, ALICE));
		assert_ok!(try_contribute(ALICE, d, content(1), 1));
		assert_ok!(Datanets::disallow(RuntimeOrigin::signed(OWNER), d, ALICE));
		assert_noop!(try_contribute(ALICE, d, content(2), 1), Error::<Test>::NotOnAllowList);
		assert_eq!(
			crate::Datanets::<Test>::get(d).unwrap().pending,
			1,
			"the earlier file stays pending"
		);
	});
}

#[test]
fn zero_roots_are_refused() {
	build_and_execute(|| {
		let d = create(Permission::Open);
		let size = size_of(1);
		assert_noop!(try_file(ALICE, d, [0; 32], [9; 32], 1, size), Error::<Test>::ZeroRoot);
		assert_noop!(try_file(ALICE, d, content(1), [0; 32], 1, size), Error::<Test>::ZeroRoot);
		assert_noop!(try_file(ALICE, d, [0; 32], [0; 32], 1, size), Error::<Test>::ZeroRoot);
		// One non-zero byte is enough.
		let mut almost = [0u8; 32];
		almost[31] = 1;
		assert_ok!(try_file(ALICE, d, almost, almost, 1, size));
	});
}

#[test]
fn empty_files_are_refused() {
	build_and_execute(|| {
		let d = create(Permission::Open);
		// The size of a header alone, and nothing at all: both are empty files.
		assert_noop!(try_contribute(ALICE, d, content(1), 0), Error::<Test>::ItemCountOutOfBounds);
		assert_noop!(
			try_file(ALICE, d, content(1), [9; 32], 0, 0),
			Error::<Test>::ItemCountOutOfBounds
		);
		assert_ok!(try_contribute(ALICE, d, content(1), 1));
	});
}

#[test]
fn oversized_files_are_refused() {
	build_and_execute(|| {
		let d = create(Permission::Open);
		let max: u32 = <Test as Config>::MaxFileItems::get();
		assert_eq!(max, 8);
		assert_noop!(
			try_contribute(ALICE, d, content(1), max + 1),
			Error::<Test>::ItemCountOutOfBounds
		);
		assert_noop!(
			try_file(ALICE, d, content(1), [9; 32], u32::MAX, u64::MAX),
			Error::<Test>::ItemCountOutOfBounds
		);
		assert_ok!(try_contribute(ALICE, d, content(1), max));
		assert_eq!(Contributions::<Test>::get(0).unwrap().size, 11 + 8 * (4 + 8));
	});
}

#[test]
fn the_size_must_be_that_of_the_file() {
	build_and_execute(|| {
		let d = create(Permission::Open); // dimension 8: 11 + items * 12 bytes
		assert_eq!(size_of(2), 35);
		for size in [0, 34, 36, size_of(1), size_of(3), 1_000, u64::MAX] {
			assert_noop!(
				try_file(ALICE, d, content(1), [9; 32], 2, size),
				Error::<Test>::SizeMismatch
			);
		}
		// The size follows the Datanet's dimension.
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
		let wide = openledger_primitives::datanet::file::file_size(2, 16);
		assert_eq!(wide, 11 + 2 * 20);
		assert_noop!(try_file(ALICE, 1, content(1), [9; 32], 2, 35), Error::<Test>::SizeMismatch);
		assert_ok!(try_file(ALICE, 1, content(1), [9; 32], 2, wide));
		assert_noop!(try_file(ALICE, d, content(1), [9; 32], 2, wide), Error::<Test>::SizeMismatch);
		assert_ok!(try_file(ALICE, d, content(1), [9; 32], 2, 35));
	});
}

#[test]
fn checks_run_in_the_documented_order() {
	build_and_execute(|| {
		let d = create(Permission::Open);
		let listed = create(Permission::AllowList);
		// Allow-list before the file's own checks.
		assert_noop!(
			try_file(ALICE, listed, [0; 32], [0; 32], 0, 0),
			Error::<Test>::NotOnAllowList
		);
		// Zero roots before the item count, the item count before the size.
		assert_noop!(try_file(ALICE, d, [0; 32], [9; 32], 0, 0), Error::<Test>::ZeroRoot);
		assert_noop!(
			try_file(ALICE, d, content(1), [9; 32], 9, 0),
			Error::<Test>::ItemCountOutOfBounds
		);
		// The size before duplicates, duplicates before the caps.
		contribute(ALICE, d, 1);
		contribute(ALICE, d, 2);
		contribute(ALICE, d, 3);
		assert_noop!(
			try_file(ALICE, d, content(1), [9; 32], 1, size_of(2)),
			Error::<Test>::SizeMismatch
		);
		assert_noop!(try_contribute(ALICE, d, content(1), 1), Error::<Test>::DuplicateContent);
		assert_noop!(
			try_contribute(ALICE, d, content(4), 1),
			Error::<Test>::ContributorFileCapReached
		);
	});
}

#[test]
fn id_overflow_is_refused() {
	build_and_execute(|| {
		let d = create(Permission::Open);
		NextContributionId::<Test>::put(u64::MAX);
		assert_noop!(try_contribute(ALICE, d, content(1), 1), Error::<Test>::Overflow);
		NextContributionId::<Test>::put(0);
	});
}

#[test]
fn duplicate_content_is_refused_in_the_same_datanet_only() {
	build_and_execute(|| {
		let d = create(Permission::Open);
		let e = create(Permission::Open);
		contribute(ALICE, d, 1);
		assert_noop!(try_contribute(BOB, d, content(1), 1), Error::<Test>::DuplicateContent);
		// Another item root or item count does not make the same content hash new.
		assert_noop!(
			try_file(ALICE, d, content(1), [77; 32], 5, size_of(5)),
			Error::<Test>::DuplicateContent
		);
		assert_ok!(try_contribute(BOB, e, content(1), 1));
	});
}

#[test]
fn contributor_file_cap_resets_the_next_day() {
	build_and_execute(|| {
		let d = create(Permission::Open); // 3 files per contributor per day
		for n in 1..4 {
			contribute(ALICE, d, n);
		}
		assert_noop!(
			try_contribute(ALICE, d, content(9), 1),
			Error::<Test>::ContributorFileCapReached
		);
		// However few its items: the cap counts files.
		assert_noop!(
			try_contribute(ALICE, d, content(9), 8),
			Error::<Test>::ContributorFileCapReached
		);
		assert_ok!(try_contribute(BOB, d, content(9), 1));
		System::set_block_number(BLOCKS_PER_DAY);
		assert_ok!(try_contribute(ALICE, d, content(10), 1));
		assert_eq!(
			ContributorUsage::<Test>::get(d, ALICE),
			DailyUsage { day: 1, files: 1, bytes: size_of(1) }
		);
	});
}

#[test]
fn contributor_byte_cap_is_enforced() {
	build_and_execute(|| {
		// 94 bytes per contributor per day: a 4-item file (59) and a 2-item file (35) exactly.
		let d = create_with_caps(DailyCaps { bytes_per_contributor: 94, ..caps() });
		assert_ok!(try_contribute(ALICE, d, content(1), 4));
		assert_noop!(
			try_contribute(ALICE, d, content(2), 3),
			Error::<Test>::ContributorByteCapReached
		);
		assert_ok!(try_contribute(ALICE, d, content(2), 2));
		assert_noop!(
			try_contribute(ALICE, d, content(3), 1),
			Error::<Test>::ContributorByteCapReached
		);
		// A file within MaxFileItems but beyond a fresh contributor's cap.
		assert_eq!(size_of(8), 107);
		assert_noop!(
			try_contribute(BOB, d, content(3), 8),
			Error::<Test>::ContributorByteCapReached
		);
		assert_ok!(try_contribute(BOB, d, content(3), 1));
		System::set_block_number(BLOCKS_PER_DAY);
		assert_ok!(try_contribute(ALICE, d, content(4), 4));
	});
}

#[test]
fn datanet_file_cap_is_enforced() {
	build_and_execute(|| {
		let d = create(Permission::Open); // 5 files per Datanet per day
		for n in 1..4 {
			contribute(ALICE, d, n);
		}
		contribute(BOB, d, 10);
		contribute(BOB, d, 11);
		assert_noop!(
			try_contribute(CURATOR, d, content(20), 1),
			Error::<Test>::DatanetFileCapReached
		);
		System::set_block_number(2 * BLOCKS_PER_DAY + 5);
		assert_ok!(try_contribute(CURATOR, d, content(20), 1));
		assert_eq!(
			DatanetUsage::<Test>::get(d),
			DailyUsage { day: 2, files: 1, bytes: size_of(1) }
		);
	});
}

#[test]
fn datanet_byte_cap_is_enforced() {
	build_and_execute(|| {
		// 100 bytes per Datanet per day, from anyone.
		let d = create_with_caps(DailyCaps { bytes_per_datanet: 100, ..caps() });
		assert_ok!(try_contribute(ALICE, d, content(1), 4)); // 59
		assert_ok!(try_contribute(BOB, d, content(2), 2)); // 35: 94 in all
		assert_noop!(
			try_contribute(CURATOR, d, content(3), 1), // 23: 117
			Error::<Test>::DatanetByteCapReached
		);
		System::set_block_number(BLOCKS_PER_DAY);
		assert_ok!(try_contribute(CURATOR, d, content(3), 1));
	});
}

#[test]
fn the_bond_needs_free_balance() {
	build_and_execute(|| {
		let d = create(Permission::Open);
		assert_ok!(try_contribute(POOR, d, content(1), 1)); // 150 free: one bond of 100
		assert_noop!(
			try_contribute(POOR, d, content(2), 1),
			Error::<Test>::InsufficientBalanceForBond
		);
		assert_eq!(bond_held(POOR), BOND);
	});
}

#[test]
fn the_bond_grows_with_every_started_mib() {
	build_and_execute(|| {
		const MIB: u64 = 1 << 20;
		assert_eq!(Datanets::file_bond(BOND, 5 * MIB), BOND, "the mock's bond_per_mib is 0");
		CurrentParams::<Test>::put(Params { bond_per_mib: 7, ..Datanets::params() });
		assert_eq!(Datanets::file_bond(BOND, 0), BOND);
		assert_eq!(Datanets::file_bond(BOND, 1), BOND + 7);
		assert_eq!(Datanets::file_bond(BOND, MIB), BOND + 7);
		assert_eq!(Datanets::file_bond(BOND, MIB + 1), BOND + 14);
		assert_eq!(Datanets::file_bond(BOND, 5 * MIB), BOND + 35);
		assert_eq!(Datanets::file_bond(0, 3 * MIB - 1), 21);

		// A file of the mock (far below a MiB) holds one MiB's worth on top of the bond.
		let d = create(Permission::Open);
		let free = Balances::balance(&ALICE);
		let a = contribute(ALICE, d, 1);
		assert_eq!(Contributions::<Test>::get(a).unwrap().bond, BOND + 7);
		assert!(matches!(last_event(), Event::Contributed { bond, .. } if bond == BOND + 7));
		assert_eq!(bond_held(ALICE), BOND + 7);
		assert_eq!(Balances::balance(&ALICE), free - BOND - 7);
		// Accepting gives the whole of it back.
		assert_ok!(Datanets::curate(RuntimeOrigin::signed(OWNER), d, ids(&[a]), Verdict::Accept));
		assert!(matches!(
			last_event(),
			Event::ContributionAccepted { bond_released, .. } if bond_released == BOND + 7
		));
		assert_eq!(Balances::balance(&ALICE), free);

		// The per-MiB part counts against the free balance: POOR's 150 no longer covers it.
		assert_ok!(Datanets::set_params(
			RuntimeOrigin::root(),
			Params { bond_per_mib: 60, ..Datanets::params() }
		));
		assert_noop!(
			try_contribute(POOR, d, content(2), 1),
			Error::<Test>::InsufficientBalanceForBond
		);
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
				item_root_of(1),
				1,
				size_of(1),
				bounded(b"")
			),
			sp_runtime::DispatchError::BadOrigin
		);
	});
}
