//! The invariants hold in every test (see `build_and_execute`); here they must catch corruption.

use crate::{
	mock::{Datanets, *},
	*,
};
use frame_support::{assert_ok, traits::fungible::MutateHold};

fn populated() -> DatanetId {
	let d = create(Permission::Open);
	let a = contribute(ALICE, d, 1);
	contribute(BOB, d, 2);
	assert_ok!(Datanets::curate(RuntimeOrigin::signed(OWNER), d, ids(&[a]), Verdict::Accept));
	assert_ok!(Datanets::publish_version(RuntimeOrigin::signed(OWNER), d));
	assert_eq!(Datanets::do_try_state(), Ok(()));
	d
}

#[test]
fn try_state_catches_a_bond_held_without_a_pending_contribution() {
	new_test_ext().execute_with(|| {
		populated();
		assert_ok!(Balances::hold(&HoldReason::ContributionBond.into(), &ALICE, 1));
		assert_eq!(Datanets::do_try_state(), Err("held bonds differ from pending bonds".into()));
	});
}

#[test]
fn try_state_catches_a_wrong_pending_count() {
	new_test_ext().execute_with(|| {
		let d = populated();
		crate::Datanets::<Test>::mutate(d, |i| i.as_mut().unwrap().pending = 0);
		assert_eq!(Datanets::do_try_state(), Err("pending count is wrong".into()));
	});
}

#[test]
fn try_state_catches_a_broken_version_chain() {
	new_test_ext().execute_with(|| {
		let d = populated();
		Versions::<Test>::mutate(d, 1, |v| v.as_mut().unwrap().prev_root = [7; 32]);
		assert_eq!(Datanets::do_try_state(), Err("version roots do not chain".into()));
	});
}

#[test]
fn try_state_catches_a_root_that_does_not_recompute() {
	new_test_ext().execute_with(|| {
		let d = populated();
		Versions::<Test>::mutate(d, 1, |v| v.as_mut().unwrap().root = [7; 32]);
		crate::Datanets::<Test>::mutate(d, |i| i.as_mut().unwrap().latest_root = [7; 32]);
		assert_eq!(
			Datanets::do_try_state(),
			Err("a version root or item count does not recompute".into())
		);
	});
}

#[test]
fn try_state_catches_a_file_changed_after_it_was_placed() {
	new_test_ext().execute_with(|| {
		let d = populated();
		let id = Placed::<Test>::get(d, 0).unwrap();
		Contributions::<Test>::mutate(id, |c| c.as_mut().unwrap().item_root = [7; 32]);
		assert_eq!(Datanets::do_try_state(), Err("the stored frontier is not the files'".into()));
	});
}

#[test]
fn try_state_catches_wrong_file_tree_totals() {
	new_test_ext().execute_with(|| {
		let d = populated();
		FileTrees::<Test>::mutate(d, |t| t.bytes += 1);
		assert_eq!(Datanets::do_try_state(), Err("file tree totals are wrong".into()));
	});
}

#[test]
fn try_state_catches_a_wrong_placement() {
	new_test_ext().execute_with(|| {
		let d = populated();
		let pending = NextContributionId::<Test>::get() - 1;
		Placed::<Test>::insert(d, 0, pending);
		assert_eq!(Datanets::do_try_state(), Err("Placed is wrong".into()));
	});
}

#[test]
fn try_state_catches_an_accepted_file_that_is_not_placed() {
	new_test_ext().execute_with(|| {
		let d = populated();
		let id = Placed::<Test>::get(d, 0).unwrap();
		Contributions::<Test>::mutate(id, |c| c.as_mut().unwrap().placement = None);
		assert_eq!(Datanets::do_try_state(), Err("an accepted file is not placed".into()));
	});
}

#[test]
fn try_state_catches_wrong_version_bytes() {
	new_test_ext().execute_with(|| {
		let d = populated();
		Versions::<Test>::mutate(d, 1, |v| v.as_mut().unwrap().bytes = 1);
		assert_eq!(Datanets::do_try_state(), Err("a version's bytes are wrong".into()));
	});
}

#[test]
fn try_state_catches_a_stale_content_index() {
	new_test_ext().execute_with(|| {
		let d = populated();
		ContentIndex::<Test>::insert(d, [42; 32], 0);
		assert_eq!(Datanets::do_try_state(), Err("content index holds dead entries".into()));
	});
}
