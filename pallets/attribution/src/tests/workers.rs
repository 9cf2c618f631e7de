//! Registration, the active set, unbonding and withdrawal.

use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok, traits::fungible::InspectHold};

fn held(who: AccountId) -> Balance {
	Balances::balance_on_hold(&RuntimeHoldReason::Attribution(HoldReason::WorkerStake), &who)
}

#[test]
fn registering_holds_the_stake_and_joins_the_active_set() {
	build_and_execute(|| {
		assert_ok!(Attribution::register_worker(RuntimeOrigin::signed(2), STAKE + 5));
		assert_ok!(Attribution::register_worker(RuntimeOrigin::signed(1), STAKE));
		assert_eq!(held(2), STAKE + 5);
		assert_eq!(free(2), START - STAKE - 5);
		let set: Vec<AccountId> = ActiveWorkers::<Test>::get().iter().map(|(a, _)| *a).collect();
		assert_eq!(set, vec![1, 2], "sorted by account");
		// A neutral reputation weighs 1.0, in millionths.
		assert!(ActiveWorkers::<Test>::get().iter().all(|(_, w)| *w == 1_000_000));
		assert!(events().contains(&Event::WorkerRegistered { worker: 2, stake: STAKE + 5 }));
	});
}

#[test]
fn registration_is_refused_with_a_reason() {
	build_and_execute(|| {
		assert_noop!(
			Attribution::register_worker(RuntimeOrigin::signed(1), STAKE - 1),
			Error::<Test>::StakeTooLow
		);
		assert_noop!(
			Attribution::register_worker(RuntimeOrigin::signed(POOR), STAKE + 100),
			Error::<Test>::InsufficientBalanceForStake
		);
		register(8);
		assert_noop!(
			Attribution::register_worker(RuntimeOrigin::signed(1), STAKE),
			Error::<Test>::AlreadyRegistered
		);
		assert_noop!(
			Attribution::register_worker(RuntimeOrigin::signed(PAYER), STAKE),
			Error::<Test>::TooManyWorkers
		);
	});
}

#[test]
fn unbonding_keeps_the_stake_until_the_period_ends() {
	build_and_execute(|| {
		register(2);
		assert_noop!(
			Attribution::withdraw_unbonded(RuntimeOrigin::signed(1)),
			Error::<Test>::NotUnbonding
		);
		assert_ok!(Attribution::unregister_worker(RuntimeOrigin::signed(1)));
		let until = 1 + default_params().unbonding_period;
		assert_eq!(Workers::<Test>::get(1).unwrap().status, WorkerStatus::Unbonding { until });
		assert!(events().contains(&Event::WorkerUnbonding { worker: 1, until }));
		assert_eq!(ActiveWorkers::<Test>::get().len(), 1);
		assert_noop!(
			Attribution::unregister_worker(RuntimeOrigin::signed(1)),
			Error::<Test>::NotActive
		);
		// Still registered, so it cannot register again until it has withdrawn.
		assert_noop!(
			Attribution::register_worker(RuntimeOrigin::signed(1), STAKE),
			Error::<Test>::AlreadyRegistered
		);

		System::set_block_number(until - 1);
		assert_noop!(
			Attribution::withdraw_unbonded(RuntimeOrigin::signed(1)),
			Error::<Test>::StillUnbonding
		);
		assert_eq!(held(1), STAKE);

		System::set_block_number(until);
		assert_ok!(Attribution::withdraw_unbonded(RuntimeOrigin::signed(1)));
		assert_eq!(held(1), 0);
		assert_eq!(free(1), START);
		assert!(!Workers::<Test>::contains_key(1));
		assert!(events().contains(&Event::WorkerWithdrawn { worker: 1, released: STAKE }));
		assert_noop!(
			Attribution::withdraw_unbonded(RuntimeOrigin::signed(1)),
			Error::<Test>::NotWorker
		);
		assert_noop!(
			Attribution::unregister_worker(RuntimeOrigin::signed(9)),
			Error::<Test>::NotWorker
		);
	});
}

#[test]
fn parameters_are_checked_and_need_the_admin() {
	build_and_execute(|| {
		let good = default_params();
		assert_noop!(
			Attribution::set_params(RuntimeOrigin::signed(1), good.clone()),
			sp_runtime::DispatchError::BadOrigin
		);
		let bad = [
			Params { quorum: 0, ..good.clone() },
			Params { quorum: 4, ..good.clone() },
			Params { replication: 5, quorum: 2, ..good.clone() },
			Params { commit_window: 0, ..good.clone() },
			Params { reveal_window: 0, ..good.clone() },
			Params { optimistic_challenge_window: 0, ..good.clone() },
			Params { unbonding_period: 21, ..good.clone() },
		];
		for params in bad {
			assert_noop!(
				Attribution::set_params(RuntimeOrigin::root(), params),
				Error::<Test>::BadParams
			);
		}
		let new = Params { replication: 4, quorum: 3, ..good };
		assert_ok!(Attribution::set_params(RuntimeOrigin::root(), new.clone()));
		assert_eq!(Attribution::params(), new);
	});
}
