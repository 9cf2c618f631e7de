//! Pricing, escrow and the jobs an inference opens, and every refusal.

use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok};
use openledger_primitives::attribution::{
	batch::{BatchCommitment, Inference, Rates, Tokens},
	Method,
};
use openledger_traits::{FeeRates, Queries};
use sp_runtime::DispatchError;

#[test]
fn an_inference_escrows_its_fee_and_opens_a_job() {
	build_and_execute(|| {
		let pot_before = pot();
		// 1,500 input tokens at 300 per 1,000 and 200 output at 700: 450 + 140 = 590.
		let opened = infer(KNN_MODEL, 1_500, 200);
		assert_eq!(opened, vec![0]);
		assert_eq!(balance(PAYER), START - 595);
		assert_eq!(pot(), pot_before + 595);
		assert_eq!(Escrowed::<Test>::get(), 595);
		let escrow = Escrows::<Test>::get(0).expect("escrowed");
		assert_eq!(
			(escrow.fee, escrow.platform, escrow.owner, escrow.datanet, escrow.version),
			(590, 5, OWNER, 1, 1)
		);
		let (payer, spec) = jobs()[0].clone();
		assert_eq!(payer, PAYER);
		assert_eq!(spec.method, Method::KnnShapley { k: 3, t: 1_000 });
		assert_eq!((spec.datanet, spec.version, spec.top), (1, 1, 4));
		let inference =
			Inference { input_tokens: 1_500, output_tokens: 200, query_hash: [7; 32], label: 1 };
		assert_eq!(spec.queries, Queries::One(inference));
		assert_eq!(spec.rates, Rates { input: 300, output: 700 });
		assert_eq!(spec.deadline, 1 + WINDOW);
		let fees = FeesOfModel::<Test>::get(KNN_MODEL);
		assert_eq!((fees.inferences, fees.charged, fees.settled), (1, 595, 0));
		assert_eq!(NextInference::<Test>::get(), 1);
		assert!(events().contains(&Event::InferenceRecorded {
			inference: 0,
			model: KNN_MODEL,
			payer: PAYER,
			input_tokens: 1_500,
			output_tokens: 200,
			fee: 590,
			platform_fee: 5,
			jobs: vec![0].try_into().unwrap(),
		}));
	});
}

#[test]
fn the_token_fee_rounds_up() {
	build_and_execute(|| {
		// One input token at 300 per 1,000 is 0.3: charged 1.
		infer(KNN_MODEL, 1, 0);
		assert_eq!(Escrows::<Test>::get(0).unwrap().fee, 1);
		// 1,000 exactly is not rounded.
		infer(KNN_MODEL, 1_000, 0);
		assert_eq!(Escrows::<Test>::get(1).unwrap().fee, 300);
		assert_eq!(Rewards::quote(KNN_MODEL, 1_001, 0), Some((301, PLATFORM_FEE)));
	});
}

#[test]
fn a_model_on_two_versions_opens_two_jobs_and_splits_the_fee() {
	build_and_execute(|| {
		// 3 input tokens at 1,000 per 1,000: 3, split 2 + 1; the platform fee 5 splits 3 + 2.
		let opened = infer(TWO_VERSION_MODEL, 3, 0);
		assert_eq!(opened, vec![0, 1]);
		let a = Escrows::<Test>::get(0).unwrap();
		let b = Escrows::<Test>::get(1).unwrap();
		assert_eq!((a.datanet, a.fee, a.platform), (1, 2, 3));
		assert_eq!((b.datanet, b.fee, b.platform), (2, 1, 2));
		assert_eq!(Escrowed::<Test>::get(), 8);
		// Similarity pays its own k, not the KNN-Shapley parameter.
		assert!(jobs()
			.iter()
			.all(|(_, spec)| spec.top == 2 && spec.method == Method::Similarity { k: 2 }));
		assert_eq!(a.inference, b.inference);
	});
}

#[test]
fn refused_inferences_change_nothing() {
	build_and_execute(|| {
		assert_noop!(
			Rewards::record_inference(RuntimeOrigin::signed(PAYER), 42, 10, 10, [0; 32], 0),
			Error::<Test>::UnknownModel
		);
		assert_noop!(
			Rewards::record_inference(RuntimeOrigin::signed(PAYER), KNN_MODEL, 0, 0, [0; 32], 0),
			Error::<Test>::NoTokens
		);
		// 100 cannot pay 300 + 5 and keep its account.
		assert_noop!(
			Rewards::record_inference(RuntimeOrigin::signed(POOR), KNN_MODEL, 1_000, 0, [0; 32], 0),
			Error::<Test>::InsufficientBalance
		);
		set_model_fees(KNN_MODEL, FeeRates { input_per_1k: Balance::MAX, output_per_1k: 0 });
		assert_noop!(
			Rewards::record_inference(RuntimeOrigin::signed(PAYER), KNN_MODEL, 2, 0, [0; 32], 0),
			Error::<Test>::FeeOverflow
		);
		// The second job of a two-version model fails to open: the first is undone too.
		refuse_jobs(true);
		assert_noop!(
			Rewards::record_inference(
				RuntimeOrigin::signed(PAYER),
				TWO_VERSION_MODEL,
				10,
				0,
				[0; 32],
				0
			),
			DispatchError::Other("NoWorkers")
		);
		refuse_jobs(false);
		pause_model(KNN_MODEL);
		assert_noop!(
			Rewards::record_inference(RuntimeOrigin::signed(PAYER), KNN_MODEL, 10, 10, [0; 32], 0),
			Error::<Test>::UnknownModel
		);
		assert_eq!(balance(PAYER), START);
	});
}

#[test]
fn the_weight_is_refunded_to_the_jobs_opened() {
	build_and_execute(|| {
		let info =
			Rewards::record_inference(RuntimeOrigin::signed(PAYER), KNN_MODEL, 10, 0, [0; 32], 0)
				.unwrap();
		assert_eq!(info.actual_weight, Some(<() as WeightInfo>::record_inference(1)));
	});
}

#[test]
fn parameters_are_checked() {
	build_and_execute(|| {
		let mut p = default_params();
		p.shares.treasury = sp_runtime::Perbill::from_percent(11);
		assert_noop!(Rewards::set_params(RuntimeOrigin::root(), p), Error::<Test>::SharesNotWhole);
		let mut p = default_params();
		p.knn_paid = 9;
		assert_noop!(
			Rewards::set_params(RuntimeOrigin::root(), p.clone()),
			Error::<Test>::BadParams
		);
		p.knn_paid = 0;
		assert_noop!(Rewards::set_params(RuntimeOrigin::root(), p), Error::<Test>::BadParams);
		let mut p = default_params();
		p.job_window = 0;
		assert_noop!(Rewards::set_params(RuntimeOrigin::root(), p), Error::<Test>::BadParams);
		let mut p = default_params();
		p.platform_fee = 0;
		assert_noop!(
			Rewards::set_params(RuntimeOrigin::signed(PAYER), p.clone()),
			DispatchError::BadOrigin
		);
		assert_ok!(Rewards::set_params(RuntimeOrigin::root(), p.clone()));
		assert_eq!(Rewards::params(), p);
		infer(KNN_MODEL, 1_000, 0);
		assert_eq!(Escrowed::<Test>::get(), 300);
	});
}

#[test]
fn a_batch_pays_on_its_totals_and_a_platform_fee_per_inference() {
	build_and_execute(|| {
		// 1,024 inferences, 1,500,001 input tokens at 300 and 200,000 output at 700:
		// ⌈450,000.3 + 140,000⌉ = 590,001, rounded up once; 1,024 platform fees of 5.
		let before = jobs().len();
		assert_ok!(Rewards::record_batch(
			RuntimeOrigin::signed(PAYER),
			KNN_MODEL,
			[4; 32],
			[5; 32],
			1_024,
			1_500_001,
			200_000
		));
		assert_eq!(jobs().len(), before + 1);
		let escrow = Escrows::<Test>::get(0).expect("escrowed");
		assert_eq!((escrow.fee, escrow.platform, escrow.inferences), (590_001, 5_120, 1_024));
		assert_eq!(balance(PAYER), START - 595_121);
		let (_, spec) = jobs()[0].clone();
		let tokens = Tokens { input: 1_500_001, output: 200_000 };
		let commitment = BatchCommitment { root: [5; 32], count: 1_024, tokens };
		assert_eq!(spec.queries, Queries::Batch { file: [4; 32], commitment });
		assert_eq!(NextInference::<Test>::get(), 1_024);
		assert_eq!(FeesOfModel::<Test>::get(KNN_MODEL).inferences, 1_024);
		assert!(events().contains(&Event::BatchRecorded {
			file: [4; 32],
			root: [5; 32],
			first: 0,
			count: 1_024,
			model: KNN_MODEL,
			payer: PAYER,
			input_tokens: 1_500_001,
			output_tokens: 200_000,
			fee: 590_001,
			platform_fee: 5_120,
			jobs: vec![0].try_into().unwrap(),
		}));
		// The next batch's inferences are numbered on.
		assert_ok!(Rewards::record_batch(
			RuntimeOrigin::signed(PAYER),
			KNN_MODEL,
			[4; 32],
			[6; 32],
			2,
			3,
			0
		));
		assert_eq!(Escrows::<Test>::get(1).unwrap().inference, 1_024);
	});
}

#[test]
fn a_batch_of_one_costs_what_one_inference_does() {
	build_and_execute(|| {
		infer(KNN_MODEL, 1_501, 200);
		assert_ok!(Rewards::record_batch(
			RuntimeOrigin::signed(PAYER),
			KNN_MODEL,
			[4; 32],
			[5; 32],
			1,
			1_501,
			200
		));
		assert_eq!(
			Escrows::<Test>::get(0).unwrap().total(),
			Escrows::<Test>::get(1).unwrap().total()
		);
	});
}

#[test]
fn refused_batches_change_nothing() {
	build_and_execute(|| {
		let batch = |count, input, output| {
			Rewards::record_batch(
				RuntimeOrigin::signed(PAYER),
				KNN_MODEL,
				[4; 32],
				[5; 32],
				count,
				input,
				output,
			)
		};
		assert_noop!(batch(0, 10, 10), Error::<Test>::BadBatch);
		assert_noop!(batch(1_025, 10_000, 0), Error::<Test>::BadBatch);
		// Fewer tokens than inferences.
		assert_noop!(batch(10, 5, 4), Error::<Test>::NoTokens);
		set_model_fees(KNN_MODEL, FeeRates { input_per_1k: Balance::MAX / 2, output_per_1k: 0 });
		assert_noop!(batch(1, 3, 0), Error::<Test>::FeeOverflow);
		assert_eq!(balance(PAYER), START);
	});
}
