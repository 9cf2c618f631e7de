//! Root sets the parameters; bad ones and other origins are refused.

use crate::{mock::*, CurrentParams, Error, Event, Outcome, Params, ReputationReporter, Role};
use frame_support::{assert_noop, assert_ok};
use sp_runtime::{DispatchError, Perbill};

fn params(gain: u32, penalty: u32, period: u64) -> Params<u64> {
	Params {
		positive_gain: gain,
		negative_penalty: penalty,
		decay: Perbill::from_percent(50),
		decay_period: period,
	}
}

#[test]
fn root_sets_params_and_they_apply() {
	build_and_execute(|| {
		assert_ok!(Reputation::set_params(RuntimeOrigin::root(), params(1, 2, 10)));
		assert_eq!(CurrentParams::<Test>::get(), Some(params(1, 2, 10)));
		assert_eq!(events(), vec![Event::ParamsSet { params: params(1, 2, 10) }]);
		Reputation::report(&ALICE, Role::Contributor, Outcome::Negative);
		assert_eq!(Reputation::score(&ALICE, Role::Contributor), 499_998);
		System::set_block_number(11);
		assert_eq!(Reputation::score(&ALICE, Role::Contributor), 499_999);
	});
}

#[test]
fn set_params_refuses_signed_origins() {
	build_and_execute(|| {
		assert_noop!(
			Reputation::set_params(RuntimeOrigin::signed(ALICE), params(1, 2, 10)),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn set_params_refuses_zero_period() {
	build_and_execute(|| {
		assert_noop!(
			Reputation::set_params(RuntimeOrigin::root(), params(1, 2, 0)),
			Error::<Test>::ZeroDecayPeriod
		);
	});
}

#[test]
fn set_params_refuses_steps_beyond_the_range() {
	build_and_execute(|| {
		assert_noop!(
			Reputation::set_params(RuntimeOrigin::root(), params(1_000_001, 2, 10)),
			Error::<Test>::StepTooLarge
		);
		assert_noop!(
			Reputation::set_params(RuntimeOrigin::root(), params(1, 1_000_001, 10)),
			Error::<Test>::StepTooLarge
		);
	});
}
