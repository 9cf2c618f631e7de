//! Random sequences of create / contribute / curate / publish / withdraw / close, under changing
//! bonds, keep every invariant; every refused call leaves the state exactly as it was; and every
//! published version's root, proofs and contributors agree with the off-chain layout of its
//! files.

use crate::{
	mock::{Datanets, *},
	*,
};
use frame_support::traits::UnfilteredDispatchable;
use openledger_primitives::{
	datanet::{
		file::{lay_out, VersionFiles},
		ContributorSource,
	},
	merkle,
};
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Op {
	Create {
		who: AccountId,
		allow_list: bool,
	},
	Allow {
		datanet: u8,
		who: AccountId,
	},
	AddCurator {
		datanet: u8,
		who: AccountId,
	},
	/// File `content` with `items` items (0 and 9 are out of bounds), its size off by
	/// `size_off` bytes, its item root zeroed if `zero_root` (content 0 is a zero hash too).
	Contribute {
		who: AccountId,
		datanet: u8,
		content: u8,
		items: u32,
		size_off: i64,
		zero_root: bool,
	},
	Curate {
		who: AccountId,
		datanet: u8,
		first: u8,
		count: u8,
		accept: bool,
	},
	Publish {
		who: AccountId,
		datanet: u8,
	},
	Close {
		who: AccountId,
		datanet: u8,
	},
	Withdraw {
		who: AccountId,
		id: u8,
	},
	BondPerMib(Balance),
	NextDay,
}

fn account() -> impl Strategy<Value = AccountId> {
	prop_oneof![Just(OWNER), Just(ALICE), Just(BOB), Just(CURATOR), Just(POOR)]
}

/// Mostly the owner of the first Datanets, so that curation and publishing often go through.
fn curator() -> impl Strategy<Value = AccountId> {
	prop_oneof![3 => Just(OWNER), 1 => account()]
}

/// Mostly the Datanet every sequence starts with, so that its files get curated and published;
/// sometimes one a sequence may have created, or none.
fn datanet() -> impl Strategy<Value = u8> {
	prop_oneof![3 => Just(0u8), 1 => 0u8..3]
}

/// Mostly within `1..=MaxFileItems`; sometimes 0 or one too many.
fn item_count() -> impl Strategy<Value = u32> {
	prop_oneof![8 => 1u32..9, 1 => Just(0u32), 1 => Just(9u32)]
}

fn op() -> impl Strategy<Value = Op> {
	prop_oneof![
		1 => (account(), any::<bool>()).prop_map(|(who, allow_list)| Op::Create { who, allow_list }),
		1 => (datanet(), account()).prop_map(|(datanet, who)| Op::Allow { datanet, who }),
		1 => (datanet(), account()).prop_map(|(datanet, who)| Op::AddCurator { datanet, who }),
		6 => (
			account(),
			datanet(),
			0u8..12,
			item_count(),
			prop_oneof![8 => Just(0i64), 1 => -12i64..13],
			prop::bool::weighted(0.05),
		)
			.prop_map(|(who, datanet, content, items, size_off, zero_root)| Op::Contribute {
				who,
				datanet,
				content,
				items,
				size_off,
				zero_root
			}),
		4 => (curator(), datanet(), 0u8..10, 1u8..3, prop::bool::weighted(0.7)).prop_map(
			|(who, datanet, first, count, accept)| Op::Curate { who, datanet, first, count, accept }
		),
		2 => (curator(), datanet()).prop_map(|(who, datanet)| Op::Publish { who, datanet }),
		// Uniform, so that the first Datanet is not often closed before it has files.
		1 => (curator(), 0u8..3).prop_map(|(who, datanet)| Op::Close { who, datanet }),
		1 => (account(), 0u8..16).prop_map(|(who, id)| Op::Withdraw { who, id }),
		1 => prop_oneof![Just(0u128), Just(7), Just(60)].prop_map(Op::BondPerMib),
		1 => Just(Op::NextDay),
	]
}

/// The call an op makes and its origin; `None` for the passing of a day.
fn call_of(op: &Op) -> Option<(RuntimeOrigin, RuntimeCall)> {
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
		Op::Contribute { who, datanet, content: c, items, size_off, zero_root } => (
			who,
			Call::contribute {
				datanet: datanet.into(),
				content_hash: content(c),
				item_root: if zero_root { [0; 32] } else { item_root_of(c) },
				item_count: items,
				size: size_of(items).saturating_add_signed(size_off),
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
		Op::Withdraw { who, id } => (who, Call::withdraw_contribution { id: id.into() }),
		Op::BondPerMib(bond_per_mib) => {
			let params = Params { bond_per_mib, ..Datanets::params() };
			return Some((
				RuntimeOrigin::root(),
				RuntimeCall::Datanets(Call::set_params { params }),
			));
		},
		Op::NextDay => return None,
	};
	Some((RuntimeOrigin::signed(call.0), RuntimeCall::Datanets(call.1)))
}

/// Every published version against the off-chain layout of its files: the root, the file leaves
/// and their proofs, and the contributor of each item (and nobody past the last).
fn versions_agree_with_the_off_chain_layout() -> Result<(), TestCaseError> {
	for (datanet, info) in crate::Datanets::<Test>::iter() {
		for version in 1..=info.latest_version {
			let v = Versions::<Test>::get(datanet, version).unwrap();
			let files = lay_out((0..v.file_count).map(|position| {
				let id = Placed::<Test>::get(datanet, position).unwrap();
				let c = Contributions::<Test>::get(id).unwrap();
				(id, c.contributor, c.content_hash, c.item_root, c.item_count)
			}))
			.unwrap();
			let off_chain = VersionFiles::new(files.clone()).unwrap();
			prop_assert_eq!(off_chain.commitment().root, v.root);
			prop_assert_eq!(off_chain.commitment().item_count, v.item_count);
			prop_assert!(v.item_count <= 20, "MaxVersionItems");
			for (position, leaf) in files.iter().enumerate() {
				let (on_chain, proof) = Datanets::file_proof(datanet, version, position as u32)
					.expect("a proof for every file");
				prop_assert_eq!(&on_chain, leaf);
				prop_assert!(merkle::verify(&v.root, &leaf.hash(), &proof));
			}
			let indices: Vec<u32> = (0..=v.item_count).collect();
			let mut expected: Vec<Option<AccountId>> =
				files.iter().flat_map(|f| (0..f.item_count).map(|_| Some(f.contributor))).collect();
			expected.push(None);
			prop_assert_eq!(
				<Datanets as ContributorSource<AccountId>>::contributors(
					datanet, version, &indices
				),
				expected
			);
		}
	}
	Ok(())
}

proptest! {
	#![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

	#[test]
	fn random_sequences_keep_the_invariants(ops in prop::collection::vec(op(), 1..80)) {
		new_test_ext().execute_with(|| {
			// Start from one open Datanet so that most sequences get past creation.
			create(Permission::Open);
			for op in &ops {
				let Some((origin, call)) = call_of(op) else {
					let now = System::block_number();
					System::set_block_number(now + BLOCKS_PER_DAY);
					continue;
				};
				let before = sp_io::storage::root(sp_runtime::StateVersion::V1);
				match call.dispatch_bypass_filter(origin) {
					Ok(_) => {},
					Err(_) => prop_assert_eq!(
						before,
						sp_io::storage::root(sp_runtime::StateVersion::V1),
						"a refused {:?} changed state", op
					),
				}
				prop_assert_eq!(Datanets::do_try_state(), Ok(()), "after {:?}", op);
			}
			versions_agree_with_the_off_chain_layout()
		})?;
	}
}
