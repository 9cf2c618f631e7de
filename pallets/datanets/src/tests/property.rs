//! Random sequences of create / contribute / curate / publish / close keep every invariant, and
//! every refused call leaves the state exactly as it was.

use crate::{
	mock::{Datanets, *},
	*,
};
use frame_support::traits::UnfilteredDispatchable;
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Op {
	Create { who: AccountId, allow_list: bool },
	Allow { datanet: u8, who: AccountId },
	AddCurator { datanet: u8, who: AccountId },
	Contribute { who: AccountId, datanet: u8, content: u8, label: u32, size: u64 },
	Curate { who: AccountId, datanet: u8, first: u8, count: u8, accept: bool },
	Publish { who: AccountId, datanet: u8 },
	Close { who: AccountId, datanet: u8 },
	NextDay,
}

fn account() -> impl Strategy<Value = AccountId> {
	prop_oneof![Just(OWNER), Just(ALICE), Just(BOB), Just(CURATOR), Just(POOR)]
}

/// Mostly the owner of the first Datanets, so that curation and publishing often go through.
fn curator() -> impl Strategy<Value = AccountId> {
	prop_oneof![3 => Just(OWNER), 1 => account()]
}

fn op() -> impl Strategy<Value = Op> {
	prop_oneof![
		1 => (account(), any::<bool>()).prop_map(|(who, allow_list)| Op::Create { who, allow_list }),
		1 => (0u8..3, account()).prop_map(|(datanet, who)| Op::Allow { datanet, who }),
		1 => (0u8..3, account()).prop_map(|(datanet, who)| Op::AddCurator { datanet, who }),
		6 => (account(), 0u8..2, 0u8..12, 0u32..4, 0u64..6_000).prop_map(
			|(who, datanet, content, label, size)| Op::Contribute { who, datanet, content, label, size }
		),
		4 => (curator(), 0u8..3, 0u8..10, 1u8..3, any::<bool>()).prop_map(
			|(who, datanet, first, count, accept)| Op::Curate { who, datanet, first, count, accept }
		),
		2 => (curator(), 0u8..3).prop_map(|(who, datanet)| Op::Publish { who, datanet }),
		1 => (curator(), 0u8..3).prop_map(|(who, datanet)| Op::Close { who, datanet }),
		1 => Just(Op::NextDay),
	]
}

fn call_of(op: &Op) -> Option<(AccountId, RuntimeCall)> {
	let call = match op.clone() {
		Op::Create { who, allow_list } => (
			who,
			Call::create_datanet {
				name: bounded(b"d"),
				description_uri: bounded(b""),
				tags: Default::default(),
				embedding_dim: 8,
				num_labels: 3,
				permission: if allow_list { Permission::AllowList } else { Permission::Open },
				bond: BOND,
				caps: caps(),
			},
		),
		Op::Allow { datanet, who } => {
			(OWNER, Call::allow { datanet: datanet.into(), account: who })
		},
		Op::AddCurator { datanet, who } => {
			(OWNER, Call::add_curator { datanet: datanet.into(), curator: who })
		},
		Op::Contribute { who, datanet, content: c, label, size } => (
			who,
			Call::contribute {
				datanet: datanet.into(),
				content_hash: content(c),
				embedding_hash: content(c),
				label,
				size,
				uri: bounded(b""),
			},
		),
		Op::Curate { who, datanet, first, count, accept } => {
			// Pending ids of this Datanet from `first` on, so that batches often apply; with
			// none pending, raw ids, which exercise the refusals.
			let mut pending: Vec<ContributionId> = Contributions::<Test>::iter()
				.filter(|(_, c)| {
					c.datanet == datanet as u32 && c.status == ContributionStatus::Pending
				})
				.map(|(id, _)| id)
				.collect();
			pending.sort();
			let chosen: Vec<ContributionId> = if pending.is_empty() {
				(first as u64..(first + count) as u64).collect()
			} else {
				pending.iter().cycle().skip(first as usize).take(count as usize).copied().collect()
			};
			(
				who,
				Call::curate {
					datanet: datanet.into(),
					ids: ids(&chosen),
					verdict: if accept { Verdict::Accept } else { Verdict::Reject },
				},
			)
		},
		Op::Publish { who, datanet } => (who, Call::publish_version { datanet: datanet.into() }),
		Op::Close { who, datanet } => (who, Call::close_datanet { datanet: datanet.into() }),
		Op::NextDay => return None,
	};
	Some((call.0, RuntimeCall::Datanets(call.1)))
}

proptest! {
	#![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

	#[test]
	fn random_sequences_keep_the_invariants(ops in prop::collection::vec(op(), 1..60)) {
		new_test_ext().execute_with(|| {
			// Start from one open Datanet so that most sequences get past creation.
			create(Permission::Open);
			for op in &ops {
				let Some((who, call)) = call_of(op) else {
					let now = System::block_number();
					System::set_block_number(now + BLOCKS_PER_DAY);
					continue;
				};
				let before = sp_io::storage::root(sp_runtime::StateVersion::V1);
				match call.dispatch_bypass_filter(RuntimeOrigin::signed(who)) {
					Ok(_) => {},
					Err(_) => prop_assert_eq!(
						before,
						sp_io::storage::root(sp_runtime::StateVersion::V1),
						"a refused {:?} changed state", op
					),
				}
				prop_assert_eq!(Datanets::do_try_state(), Ok(()), "after {:?}", op);
			}
			Ok(())
		})?;
	}
}
