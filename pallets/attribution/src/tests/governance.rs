//! Governance of the worker set under `WorkersOrigin`: the minimum stake, removing (barring)
//! and admitting workers; and `set_params` under `AdminOrigin` leaving `min_stake` alone.

use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok, traits::fungible::InspectHold};
use openledger_primitives::attribution::Method;
use sp_runtime::DispatchError;

fn workers_admin() -> RuntimeOrigin {
	RuntimeOrigin::signed(WORKERS_ADMIN)
}

fn held(who: AccountId) -> Balance {
	Balances::balance_on_hold(&RuntimeHoldReason::Attribution(HoldReason::WorkerStake), &who)
}

fn active(who: AccountId) -> bool {
	ActiveWorkers::<Test>::get().iter().any(|(a, _)| *a == who)
}

#[test]
fn the_worker_calls_need_the_workers_origin() {
	build_and_execute(|| {
		register(2);
		assert_ok!(Attribution::remove_worker(workers_admin(), 5));
		// A signed account and AdminOrigin (Root here) are both refused, and change nothing.
		for origin in [RuntimeOrigin::signed(1), RuntimeOrigin::root()] {
			assert_noop!(
				Attribution::set_min_stake(origin.clone(), STAKE * 2),
				DispatchError::BadOrigin
			);
			assert_noop!(Attribution::remove_worker(origin.clone(), 1), DispatchError::BadOrigin);
			assert_noop!(Attribution::admit_worker(origin, 5), DispatchError::BadOrigin);
		}
		// And WorkersOrigin cannot set the other parameters.
		assert_noop!(
			Attribution::set_params(workers_admin(), default_params()),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn set_min_stake_applies_to_new_registrations_only() {
	build_and_execute(|| {
		register(1);
		assert_ok!(Attribution::set_min_stake(workers_admin(), STAKE * 2));
		let params = Params { min_stake: STAKE * 2, ..default_params() };
		assert_eq!(Attribution::params(), params);
		assert_eq!(events().last(), Some(&Event::ParamsSet { params }));

		assert_noop!(
			Attribution::register_worker(RuntimeOrigin::signed(2), STAKE),
			Error::<Test>::StakeTooLow
		);
		assert_ok!(Attribution::register_worker(RuntimeOrigin::signed(2), STAKE * 2));
		// The stake already held keeps its amount, and its worker stays active.
		assert_eq!(stake(1), STAKE);
		assert!(active(1));
	});
}

#[test]
fn set_min_stake_checks_the_resulting_parameters() {
	build_and_execute(|| {
		// Only reachable with inconsistent parameters in storage; the check still runs.
		CurrentParams::<Test>::put(Params { quorum: 0, ..default_params() });
		assert_noop!(
			Attribution::set_min_stake(workers_admin(), STAKE * 2),
			Error::<Test>::BadParams
		);
	});
}

#[test]
fn set_params_leaves_min_stake_to_the_workers_origin() {
	build_and_execute(|| {
		let good = default_params();
		assert_noop!(
			Attribution::set_params(
				RuntimeOrigin::root(),
				Params { min_stake: STAKE + 1, ..good.clone() }
			),
			Error::<Test>::MinStakeByWorkersOrigin
		);
		let other = Params { replication: 4, quorum: 3, ..good.clone() };
		assert_ok!(Attribution::set_params(RuntimeOrigin::root(), other.clone()));
		assert_eq!(Attribution::params(), other);

		// Once the minimum has moved, `set_params` must carry the new one.
		assert_ok!(Attribution::set_min_stake(workers_admin(), STAKE * 2));
		assert_noop!(
			Attribution::set_params(RuntimeOrigin::root(), good.clone()),
			Error::<Test>::MinStakeByWorkersOrigin
		);
		let both = Params { min_stake: STAKE * 2, ..good };
		assert_ok!(Attribution::set_params(RuntimeOrigin::root(), both.clone()));
		assert_eq!(Attribution::params(), both);
	});
}

#[test]
fn removing_an_active_worker_bars_it_and_starts_its_unbonding() {
	build_and_execute(|| {
		register(3);
		assert_ok!(Attribution::remove_worker(workers_admin(), 1));

		let until = 1 + default_params().unbonding_period;
		assert!(Barred::<Test>::contains_key(1));
		assert_eq!(Workers::<Test>::get(1).unwrap().status, WorkerStatus::Unbonding { until });
		assert!(!active(1));
		assert_eq!(ActiveWorkers::<Test>::get().len(), 2);
		assert_eq!(held(1), STAKE, "the stake stays held through unbonding");
		let ours: Vec<_> = events().into_iter().rev().take(2).collect();
		assert_eq!(
			ours,
			vec![Event::WorkerRemoved { who: 1 }, Event::WorkerUnbonding { worker: 1, until }]
		);

		assert_noop!(Attribution::remove_worker(workers_admin(), 1), Error::<Test>::AlreadyBarred);
		assert_noop!(
			Attribution::register_worker(RuntimeOrigin::signed(1), STAKE),
			Error::<Test>::Barred
		);
	});
}

#[test]
fn a_removed_worker_still_works_its_jobs_and_can_be_slashed() {
	build_and_execute(|| {
		register(4);
		let w = World::publish(1, 7, 12, 8, Method::KnnShapley { k: 3, t: 1_000 }, 3);
		let job = open(&w, 1);
		let [a, b, c] = assigned(job)[..] else { panic!("three workers") };
		assert_ok!(Attribution::remove_worker(workers_admin(), a));

		let mut bad = w.entries.clone();
		bad[5].rank += 1;
		commit(&w, job, a, &bad);
		commit(&w, job, b, &w.entries);
		commit(&w, job, c, &w.entries);
		run_to(7);
		let bad_result = reveal(&w, job, a, &bad);
		reveal(&w, job, b, &w.entries);

		let witness = w
			.witness(&Jobs::<Test>::get(job).unwrap(), &bad)
			.expect("a wrong result has a witness");
		assert_ok!(Attribution::challenge(
			RuntimeOrigin::signed(b),
			job,
			bad_result,
			Box::new(witness),
			w.query()
		));
		// Half of the stake, as for any supporter; it was not active, so nothing deactivates.
		assert!(events().contains(&Event::WorkerSlashed {
			job,
			worker: a,
			amount: STAKE / 2,
			deactivated: false
		}));
		assert_eq!(stake(a), STAKE / 2);
		assert_eq!(held(a), STAKE / 2);
		assert!(Barred::<Test>::contains_key(a));
	});
}

#[test]
fn an_account_that_is_not_a_worker_can_be_barred_ahead_of_time() {
	build_and_execute(|| {
		assert_ok!(Attribution::remove_worker(workers_admin(), 3));
		assert!(Barred::<Test>::contains_key(3));
		assert!(!Workers::<Test>::contains_key(3));
		assert_eq!(events(), vec![Event::WorkerRemoved { who: 3 }]);
		assert_noop!(
			Attribution::register_worker(RuntimeOrigin::signed(3), STAKE),
			Error::<Test>::Barred
		);

		assert_ok!(Attribution::admit_worker(workers_admin(), 3));
		assert!(!Barred::<Test>::contains_key(3));
		assert_eq!(events().last(), Some(&Event::WorkerAdmitted { who: 3 }));
		assert_ok!(Attribution::register_worker(RuntimeOrigin::signed(3), STAKE));
		assert!(active(3));
	});
}

#[test]
fn an_unbonding_worker_can_be_barred_and_keeps_its_unbonding() {
	build_and_execute(|| {
		register(2);
		assert_ok!(Attribution::unregister_worker(RuntimeOrigin::signed(1)));
		let before = Workers::<Test>::get(1);
		System::set_block_number(5);
		assert_ok!(Attribution::remove_worker(workers_admin(), 1));
		assert_eq!(Workers::<Test>::get(1), before, "the unbonding end does not move");
		assert_eq!(events().last(), Some(&Event::WorkerRemoved { who: 1 }));
	});
}

#[test]
fn admitting_lifts_the_bar_and_the_worker_registers_after_withdrawing() {
	build_and_execute(|| {
		register(2);
		assert_noop!(Attribution::admit_worker(workers_admin(), 1), Error::<Test>::NotBarred);
		assert_ok!(Attribution::remove_worker(workers_admin(), 1));
		assert_ok!(Attribution::admit_worker(workers_admin(), 1));
		assert!(!Barred::<Test>::contains_key(1));
		assert_eq!(events().last(), Some(&Event::WorkerAdmitted { who: 1 }));
		assert_noop!(Attribution::admit_worker(workers_admin(), 1), Error::<Test>::NotBarred);

		// Admission does not register: the worker is still unbonding until it withdraws.
		assert!(!active(1));
		assert_noop!(
			Attribution::register_worker(RuntimeOrigin::signed(1), STAKE),
			Error::<Test>::AlreadyRegistered
		);
		System::set_block_number(1 + default_params().unbonding_period);
		assert_ok!(Attribution::withdraw_unbonded(RuntimeOrigin::signed(1)));
		assert_ok!(Attribution::register_worker(RuntimeOrigin::signed(1), STAKE));
		assert!(active(1));
		assert_eq!(held(1), STAKE);
	});
}
