//! Property test: whatever inferences are recorded, however their jobs end and whoever
//! claims, every OPEN charged is escrowed, claimable or claimed, and the pallet's account holds
//! exactly its existential deposit plus what it owes. Nothing is created or lost.

use crate::{mock::*, *};
use frame_support::traits::fungible::Inspect;
use openledger_primitives::attribution::Entry;
use proptest::prelude::*;
use sp_runtime::Perbill;

#[derive(Clone, Debug)]
enum Op {
	Infer { model: ModelId, payer: AccountId, input: u32, output: u32 },
	Finalize { pick: usize, entries: Vec<(u32, i64)>, supporters: usize },
	Fail { pick: usize },
	Claim { who: AccountId },
	Shares { parts: [u32; 3] },
}

fn op() -> impl Strategy<Value = Op> {
	prop_oneof![
		(0..3u32, prop_oneof![Just(PAYER), Just(POOR)], 0..5_000u32, 0..5_000u32).prop_map(
			|(m, payer, input, output)| { Op::Infer { model: m as ModelId, payer, input, output } }
		),
		(any::<usize>(), prop::collection::vec((0..6u32, -500..2_000i64), 0..6), 0..5usize)
			.prop_map(|(pick, entries, supporters)| Op::Finalize { pick, entries, supporters }),
		any::<usize>().prop_map(|pick| Op::Fail { pick }),
		prop_oneof![
			Just(ALICE),
			Just(BOB),
			Just(CAROL),
			Just(OWNER),
			Just(TREASURY),
			Just(PAYER),
			Just(WORKERS[0]),
			Just(WORKERS[2])
		]
		.prop_map(|who| Op::Claim { who }),
		[0..400_000_000u32, 0..300_000_000u32, 0..300_000_000u32]
			.prop_map(|parts| Op::Shares { parts }),
	]
}

fn accounts() -> Vec<AccountId> {
	let mut all = vec![PAYER, POOR, ALICE, BOB, CAROL, OWNER, TREASURY, Rewards::account_id()];
	all.extend(WORKERS);
	all
}

fn total_held() -> Balance {
	accounts().iter().map(Balances::total_balance).sum()
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(64))]

	#[test]
	fn nothing_is_created_or_lost(ops in prop::collection::vec(op(), 1..40)) {
		new_test_ext().execute_with(|| -> Result<(), TestCaseError> {
			let issuance = Balances::total_issuance();
			let held = total_held();
			let (mut charged, mut claimed) = (0u128, 0u128);
			for op in ops {
				System::reset_events();
				match op {
					Op::Infer { model, payer, input, output } => {
						let _ = Rewards::record_inference(RuntimeOrigin::signed(payer), model, input, output, [1; 32], 0);
					},
					Op::Finalize { pick, entries, supporters } => {
						let open: Vec<JobId> = Escrows::<Test>::iter_keys().collect();
						if !open.is_empty() {
							let job = open[pick % open.len()];
							let paid: Vec<Entry> = entries
								.iter()
								.enumerate()
								.map(|(rank, (index, value))| entry(rank as u32, *index, *value))
								.collect();
							finalize(job, &paid, &WORKERS[..supporters.min(WORKERS.len())]);
						}
					},
					Op::Fail { pick } => {
						let open: Vec<JobId> = Escrows::<Test>::iter_keys().collect();
						if !open.is_empty() {
							fail(open[pick % open.len()]);
						}
					},
					Op::Claim { who } => {
						let _ = Rewards::claim(RuntimeOrigin::signed(who));
					},
					Op::Shares { parts } => {
						let mut p = default_params();
						let rest = 1_000_000_000 - parts.iter().sum::<u32>();
						p.shares = Shares {
							contributors: Perbill::from_parts(parts[0]),
							owner: Perbill::from_parts(parts[1]),
							workers: Perbill::from_parts(parts[2]),
							treasury: Perbill::from_parts(rest),
						};
						prop_assert!(Rewards::set_params(RuntimeOrigin::root(), p).is_ok());
					},
				}
				for e in events() {
					match e {
						Event::InferenceRecorded { fee, platform_fee, .. } => charged += fee + platform_fee,
						Event::Claimed { amount, .. } => claimed += amount,
						_ => {},
					}
				}
				prop_assert!(Rewards::do_try_state().is_ok());
				let escrowed = Escrowed::<Test>::get();
				let claimable = TotalClaimable::<Test>::get();
				prop_assert_eq!(pot(), ED + escrowed + claimable);
				prop_assert_eq!(charged, escrowed + claimable + claimed);
				prop_assert_eq!(Balances::total_issuance(), issuance);
				prop_assert_eq!(total_held(), held);
			}
			// Every job ends and everyone claims: only claims below the existential deposit wait.
			let open: Vec<JobId> = Escrows::<Test>::iter_keys().collect();
			for job in open {
				fail(job);
			}
			for who in accounts() {
				let _ = Rewards::claim(RuntimeOrigin::signed(who));
			}
			prop_assert_eq!(Escrowed::<Test>::get(), 0);
			prop_assert!(Claimable::<Test>::iter().all(|(who, amount)| amount < ED && Balances::total_balance(&who) == 0));
			prop_assert_eq!(pot(), ED + TotalClaimable::<Test>::get());
			Ok(())
		})?;
	}
}
