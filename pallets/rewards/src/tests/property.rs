//! Property test: whatever inferences are recorded, however their jobs end and whoever
//! claims, every OPEN charged is escrowed, claimable or claimed, and the pallet's account holds
//! exactly its existential deposit plus what it owes. Nothing is created or lost.

use crate::{mock::*, *};
use frame_support::traits::fungible::Inspect;
use proptest::prelude::*;
use sp_runtime::Perbill;

#[derive(Clone, Debug)]
enum Op {
	Infer {
		model: ModelId,
		payer: AccountId,
		input: u32,
		output: u32,
	},
	Batch {
		model: ModelId,
		payer: AccountId,
		count: u32,
		input: u64,
		output: u64,
	},
	/// Totals of contributors `0..3` in parts of 3,000 of the batch (so they sum to at most the
	/// whole).
	Finalize {
		pick: usize,
		totals: Vec<(u8, u16)>,
		supporters: usize,
	},
	/// The settlement hook with a budget of so many totals a block.
	Hook {
		totals: u32,
	},
	Fail {
		pick: usize,
	},
	Claim {
		who: AccountId,
	},
	Shares {
		parts: [u32; 3],
	},
}

fn op() -> impl Strategy<Value = Op> {
	prop_oneof![
		(0..3u32, prop_oneof![Just(PAYER), Just(POOR)], 0..5_000u32, 0..5_000u32).prop_map(
			|(m, payer, input, output)| { Op::Infer { model: m as ModelId, payer, input, output } }
		),
		(0..3u32, prop_oneof![Just(PAYER), Just(POOR)], 1..1_025u32, 0..50_000u64, 0..50_000u64)
			.prop_map(|(m, payer, count, input, output)| {
				Op::Batch { model: m as ModelId, payer, count, input, output }
			}),
		(any::<usize>(), prop::collection::vec((0..3u8, 0..1_000u16), 0..6), 0..5usize)
			.prop_map(|(pick, totals, supporters)| Op::Finalize { pick, totals, supporters }),
		(0..4u32).prop_map(|totals| Op::Hook { totals }),
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
					Op::Batch { model, payer, count, input, output } => {
						let _ = Rewards::record_batch(RuntimeOrigin::signed(payer), model, [1; 32], [2; 32], count, input, output);
					},
					Op::Finalize { pick, totals, supporters } => {
						let open: Vec<JobId> = Escrows::<Test>::iter_keys().collect();
						if !open.is_empty() {
							let job = open[pick % open.len()];
							let mut merged = std::collections::BTreeMap::new();
							for (who, part) in totals {
								*merged.entry([ALICE, BOB, CAROL][who as usize]).or_insert(0u128) += part as u128;
							}
							let totals: Vec<(AccountId, u128)> = merged
								.into_iter()
								.filter(|(_, part)| *part > 0)
								.map(|(who, part)| (who, share(part, 3_000)))
								.collect();
							// Reported now; the hook settles it when an `Op::Hook` runs.
							<Rewards as openledger_traits::OnJobEnd<AccountId>>::finalized(
								job, &PAYER, &totals, &WORKERS[..supporters.min(WORKERS.len())],
							);
						}
					},
					Op::Hook { totals } => {
						let budget = <() as WeightInfo>::settle_idle()
							.saturating_add(<() as WeightInfo>::settle_credit(totals).max(<() as WeightInfo>::settle_weigh(totals)))
							.saturating_add(<() as WeightInfo>::settle_close(3));
						let next = System::block_number() + 1;
						System::set_block_number(next);
						let used = Rewards::process_settlements(budget);
						prop_assert!(used.all_lte(budget));
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
						Event::BatchRecorded { fee, platform_fee, .. } => charged += fee + platform_fee,
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
			settle();
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
