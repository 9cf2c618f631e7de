//! Registration, training records, fees, pause, resume and retire.

use crate::{
	mock::{Models, *},
	*,
};
use frame_support::{assert_noop, assert_ok, traits::fungible::InspectHold};
use openledger_primitives::attribution::Method;

fn held(who: AccountId) -> Balance {
	Balances::balance_on_hold(&RuntimeHoldReason::Models(HoldReason::RegistrationDeposit), &who)
}

#[test]
fn registering_holds_the_deposit_and_records_everything() {
	build_and_execute(|| {
		System::set_block_number(7);
		let id = register();
		let model = crate::Models::<Test>::get(id);
		let model = model.expect("stored");
		assert_eq!(model.owner, OWNER);
		assert_eq!(model.method, KNN);
		assert_eq!(model.trained_on.to_vec(), vec![LABELLED]);
		assert_eq!(model.fees, fees());
		assert_eq!(model.status, ModelStatus::Active);
		assert_eq!(model.registered_at, 7);
		assert_eq!(held(OWNER), DEPOSIT);
		// The chain stamps the checkpoint, whatever the caller sent.
		assert_eq!(
			TrainingRecord::<Test>::get(id).to_vec(),
			vec![Checkpoint { recorded_at: 7, ..checkpoint(1, 800_000) }]
		);
		assert_eq!(
			events(),
			vec![Event::ModelRegistered { model: id, owner: OWNER, deposit: DEPOSIT }]
		);
		let view = <Models as ModelRegistry<_, _>>::active_model(id).expect("active");
		assert_eq!(
			(view.owner, view.method, view.trained_on, view.fees),
			(OWNER, KNN, vec![LABELLED], fees())
		);
	});
}

#[test]
fn registration_is_refused_with_a_reason() {
	build_and_execute(|| {
		let reg = |who, n: &[u8], method, on: &[(u32, u32)]| {
			Models::register_model(
				RuntimeOrigin::signed(who),
				name(n),
				[0; 32],
				[0; 32],
				AdapterKind::Qlora,
				method,
				versions(on),
				fees(),
				checkpoints(&[]),
			)
		};
		assert_noop!(reg(OWNER, b"", KNN, &[LABELLED]), Error::<Test>::EmptyName);
		assert_noop!(reg(OWNER, b"m", KNN, &[]), Error::<Test>::NoTrainingData);
		assert_noop!(reg(OWNER, b"m", KNN, &[(1, 2)]), Error::<Test>::UnknownVersion);
		assert_noop!(reg(OWNER, b"m", KNN, &[LABELLED, LABELLED]), Error::<Test>::DuplicateVersion);
		assert_noop!(
			reg(OWNER, b"m", Method::KnnShapley { k: 0, t: 5 }, &[LABELLED]),
			Error::<Test>::ZeroK
		);
		assert_noop!(
			reg(OWNER, b"m", Method::KnnShapley { k: 5, t: 4 }, &[LABELLED]),
			Error::<Test>::BadTop
		);
		assert_noop!(
			reg(OWNER, b"m", Method::KnnShapley { k: 5, t: (1 << 16) + 1 }, &[LABELLED]),
			Error::<Test>::BadTop
		);
		assert_noop!(
			reg(OWNER, b"m", KNN, &[LABELLED, UNLABELLED]),
			Error::<Test>::UnlabelledDatanet
		);
		assert_noop!(
			reg(POOR, b"m", KNN, &[LABELLED]),
			Error::<Test>::InsufficientBalanceForDeposit
		);
		// Similarity needs no labels.
		assert_ok!(reg(OWNER, b"m", Method::Similarity { k: 4 }, &[LABELLED, UNLABELLED]));
	});
}

#[test]
fn the_training_record_grows_to_its_bound() {
	build_and_execute(|| {
		let id = register();
		System::set_block_number(9);
		assert_noop!(
			Models::append_checkpoints(
				RuntimeOrigin::signed(OTHER),
				id,
				checkpoints(&[checkpoint(2, 1)])
			),
			Error::<Test>::NotOwner
		);
		assert_noop!(
			Models::append_checkpoints(RuntimeOrigin::signed(OWNER), id, checkpoints(&[])),
			Error::<Test>::NoCheckpoints
		);
		assert_ok!(Models::append_checkpoints(
			RuntimeOrigin::signed(OWNER),
			id,
			checkpoints(&[checkpoint(2, 850_000), checkpoint(3, 870_000)])
		));
		assert_eq!(
			events().last(),
			Some(&Event::CheckpointsAppended { model: id, added: 2, total: 3 })
		);
		let record = TrainingRecord::<Test>::get(id);
		assert_eq!(
			record.iter().map(|c| (c.hash[0], c.recorded_at)).collect::<Vec<_>>(),
			vec![(1, 1), (2, 9), (3, 9)]
		);
		assert_noop!(
			Models::append_checkpoints(
				RuntimeOrigin::signed(OWNER),
				id,
				checkpoints(&[checkpoint(4, 1), checkpoint(5, 1)])
			),
			Error::<Test>::TooManyCheckpoints
		);
		assert_ok!(Models::append_checkpoints(
			RuntimeOrigin::signed(OWNER),
			id,
			checkpoints(&[checkpoint(4, 1)])
		));
		assert_noop!(
			Models::append_checkpoints(
				RuntimeOrigin::signed(OWNER),
				9,
				checkpoints(&[checkpoint(4, 1)])
			),
			Error::<Test>::UnknownModel
		);
	});
}

#[test]
fn fees_pause_resume_and_retire() {
	build_and_execute(|| {
		let id = register();
		let new = FeeRates { input_per_1k: 10, output_per_1k: 20 };
		assert_noop!(
			Models::set_fees(RuntimeOrigin::signed(OTHER), id, new),
			Error::<Test>::NotOwner
		);
		assert_ok!(Models::set_fees(RuntimeOrigin::signed(OWNER), id, new));
		assert_eq!(crate::Models::<Test>::get(id).unwrap().fees, new);

		assert_noop!(Models::resume(RuntimeOrigin::signed(OWNER), id), Error::<Test>::NotPaused);
		assert_ok!(Models::pause(RuntimeOrigin::signed(OWNER), id));
		assert!(
			<Models as ModelRegistry<_, _>>::active_model(id).is_none(),
			"paused models take no inferences"
		);
		assert_noop!(Models::pause(RuntimeOrigin::signed(OWNER), id), Error::<Test>::AlreadyPaused);
		assert_ok!(Models::resume(RuntimeOrigin::signed(OWNER), id));
		assert!(<Models as ModelRegistry<_, _>>::active_model(id).is_some());

		assert_ok!(Models::retire(RuntimeOrigin::signed(OWNER), id));
		assert_eq!(held(OWNER), 0);
		assert_eq!(
			events().last(),
			Some(&Event::ModelRetired { model: id, deposit_released: DEPOSIT })
		);
		assert!(<Models as ModelRegistry<_, _>>::active_model(id).is_none());
		for call in [
			Models::retire(RuntimeOrigin::signed(OWNER), id),
			Models::pause(RuntimeOrigin::signed(OWNER), id),
			Models::set_fees(RuntimeOrigin::signed(OWNER), id, new),
			Models::append_checkpoints(
				RuntimeOrigin::signed(OWNER),
				id,
				checkpoints(&[checkpoint(4, 1)]),
			),
		] {
			assert_eq!(call, Err(Error::<Test>::Retired.into()));
		}
		// The record stays readable.
		assert_eq!(TrainingRecord::<Test>::get(id).len(), 1);
	});
}

#[test]
fn the_deposit_follows_the_parameters_and_try_state_checks_it() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			Models::set_params(RuntimeOrigin::signed(OWNER), Params { registration_deposit: 1 }),
			sp_runtime::DispatchError::BadOrigin
		);
		assert_ok!(Models::set_params(RuntimeOrigin::root(), Params { registration_deposit: 50 }));
		let id = register();
		assert_eq!(held(OWNER), 50);
		assert!(Models::do_try_state().is_ok());
		crate::Models::<Test>::mutate(id, |m| m.as_mut().unwrap().deposit = 51);
		assert!(Models::do_try_state().is_err());
	});
}
