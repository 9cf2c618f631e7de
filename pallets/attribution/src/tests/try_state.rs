//! The invariants catch corrupted state.

use crate::{mock::*, *};
use frame_support::assert_ok;

#[test]
fn try_state_catches_a_stake_that_is_not_held() {
	new_test_ext().execute_with(|| {
		register(3);
		assert!(Attribution::do_try_state().is_ok());
		Workers::<Test>::mutate(1, |w| w.as_mut().unwrap().stake += 1);
		assert!(Attribution::do_try_state().is_err());
	});
}

#[test]
fn try_state_catches_a_job_without_workers_or_agenda() {
	new_test_ext().execute_with(|| {
		register(3);
		let w = World::publish(
			1,
			1,
			6,
			4,
			openledger_primitives::attribution::Method::KnnShapley { k: 2, t: 100 },
			2,
		);
		let job = open(&w, 1);
		assert!(Attribution::do_try_state().is_ok());
		let saved = Jobs::<Test>::get(job).unwrap();
		Jobs::<Test>::mutate(job, |j| j.as_mut().unwrap().assigned = Default::default());
		assert!(Attribution::do_try_state().is_err());
		Jobs::<Test>::insert(job, saved.clone());
		Agenda::<Test>::remove(saved.next_transition, job);
		assert!(Attribution::do_try_state().is_err());
	});
}

#[test]
fn try_state_catches_an_active_set_out_of_sync() {
	new_test_ext().execute_with(|| {
		register(3);
		ActiveWorkers::<Test>::mutate(|set| set.retain(|(a, _)| *a != 2));
		assert!(Attribution::do_try_state().is_err());
	});
}

#[test]
fn try_state_catches_a_barred_account_in_the_active_set() {
	new_test_ext().execute_with(|| {
		register(3);
		assert_ok!(Attribution::remove_worker(RuntimeOrigin::signed(WORKERS_ADMIN), 9));
		assert!(Attribution::do_try_state().is_ok());
		Barred::<Test>::insert(2, ());
		assert!(Attribution::do_try_state().is_err());
	});
}
