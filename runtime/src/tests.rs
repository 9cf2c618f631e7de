//! Runtime tests: the genesis presets build the state the node would build, a signed transfer
//! pays its fee in OPEN, the collator set comes from genesis, the pallets' own integrity
//! checks hold for this configuration, and each governance origin is accepted exactly where its
//! track decides.

use crate::{
	currency::{EXISTENTIAL_DEPOSIT, MILLIOPEN, OPEN},
	genesis_config_presets::{self, DEV_ENDOWMENT, PARACHAIN_ID},
	AccountId, Address, AllPalletsWithSystem, Balance, Balances, CollatorSelection, Executive,
	Header, ParachainInfo, Runtime, RuntimeCall, RuntimeEvent, RuntimeGenesisConfig, Session,
	Signature, System, TxExtension, UncheckedExtrinsic, WeightToFee,
};
use codec::Encode;
use frame_support::{
	genesis_builder_helper::build_state,
	traits::{fungible::Inspect, IntegrityTest},
	weights::WeightToFee as _,
};
use sp_genesis_builder::{PresetId, DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET};
use sp_keyring::Sr25519Keyring;
use sp_runtime::{
	generic::{Era, SignedPayload},
	traits::Header as _,
};

/// Builds the state of preset `name` the way the node does: the runtime's default genesis
/// config, the preset's JSON patch merged into it, then the runtime's `build_state`.
fn state_of(name: &str) -> sp_io::TestExternalities {
	let patch: serde_json::Value = serde_json::from_slice(
		&genesis_config_presets::get_preset(&PresetId::from(name))
			.unwrap_or_else(|| panic!("preset {name} is missing")),
	)
	.expect("presets are JSON");
	let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).expect("serializes");
	merge(&mut config, patch);
	let mut ext = sp_io::TestExternalities::default();
	ext.execute_with(|| {
		build_state::<RuntimeGenesisConfig>(serde_json::to_vec(&config).expect("serializes"))
			.expect("the preset builds");
	});
	ext
}

/// Object keys of `patch` replace or recurse into those of `base`, as the node merges presets.
fn merge(base: &mut serde_json::Value, patch: serde_json::Value) {
	match (base, patch) {
		(serde_json::Value::Object(base), serde_json::Value::Object(patch)) => {
			for (key, value) in patch {
				merge(base.entry(key).or_insert(serde_json::Value::Null), value);
			}
		},
		(base, patch) => *base = patch,
	}
}

fn account(k: Sr25519Keyring) -> AccountId {
	k.to_account_id()
}

#[test]
fn every_preset_builds_and_unknown_presets_are_refused() {
	let names = genesis_config_presets::preset_names();
	assert_eq!(
		names,
		vec![PresetId::from(DEV_RUNTIME_PRESET), PresetId::from(LOCAL_TESTNET_RUNTIME_PRESET)]
	);
	for name in names {
		let name = core::str::from_utf8(name.as_ref()).unwrap().to_owned();
		state_of(&name).execute_with(|| {
			assert_eq!(u32::from(ParachainInfo::parachain_id()), PARACHAIN_ID, "{name}");
			let council: Vec<AccountId> =
				[Sr25519Keyring::Alice, Sr25519Keyring::Bob, Sr25519Keyring::Charlie]
					.map(account)
					.into();
			let mut sorted = council.clone();
			sorted.sort();
			assert_eq!(
				pallet_collective::Members::<Runtime, pallet_collective::Instance1>::get(),
				sorted,
				"{name}"
			);
			let divisor = if name == DEV_RUNTIME_PRESET { crate::DAYS } else { 1 };
			assert_eq!(
				crate::governance::origins::PeriodDivisor::<Runtime>::get(),
				divisor,
				"{name}"
			);
			for k in Sr25519Keyring::well_known() {
				assert_eq!(Balances::balance(&k.to_account_id()), DEV_ENDOWMENT, "{name}");
			}
		});
	}
	assert!(genesis_config_presets::get_preset(&PresetId::from("mainnet")).is_none());
}

#[test]
fn collator_set_comes_from_genesis() {
	let cases = [
		(DEV_RUNTIME_PRESET, vec![Sr25519Keyring::Alice]),
		(LOCAL_TESTNET_RUNTIME_PRESET, vec![Sr25519Keyring::Alice, Sr25519Keyring::Bob]),
	];
	for (preset, keys) in cases {
		state_of(preset).execute_with(|| {
			// The pallets keep collators sorted by account id; compare as sorted lists.
			let mut keys = keys.clone();
			keys.sort_by_key(|k| k.to_account_id());
			let accounts: Vec<AccountId> = keys.iter().map(|k| k.to_account_id()).collect();
			let aura: Vec<crate::AuraId> = keys.iter().map(|k| k.public().into()).collect();
			let invulnerables = pallet_collator_selection::Invulnerables::<Runtime>::get();
			assert_eq!(invulnerables.into_inner(), accounts, "{preset}");
			assert_eq!(Session::validators(), accounts, "{preset}");
			assert_eq!(pallet_aura::Authorities::<Runtime>::get().into_inner(), aura, "{preset}");
			// Each collator's session keys are registered under its own account.
			for (acc, key) in accounts.iter().zip(&aura) {
				let keys = pallet_session::NextKeys::<Runtime>::get(acc).expect("keys set");
				assert_eq!(&keys.aura, key, "{preset}");
			}
			// No candidates yet: the set is exactly the invulnerables.
			assert!(pallet_session::QueuedKeys::<Runtime>::get().len() == accounts.len());
		});
	}
}

/// Signs `call` as `signer` with nonce `nonce` the way polkadot.js does (immortal era, no tip,
/// metadata hash check disabled).
fn signed(signer: Sr25519Keyring, nonce: u32, call: RuntimeCall) -> UncheckedExtrinsic {
	let inner = (
		frame_system::AuthorizeCall::<Runtime>::new(),
		frame_system::CheckNonZeroSender::<Runtime>::new(),
		frame_system::CheckSpecVersion::<Runtime>::new(),
		frame_system::CheckTxVersion::<Runtime>::new(),
		frame_system::CheckGenesis::<Runtime>::new(),
		frame_system::CheckEra::<Runtime>::from(Era::Immortal),
		frame_system::CheckNonce::<Runtime>::from(nonce),
		frame_system::CheckWeight::<Runtime>::new(),
		pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(0),
		frame_metadata_hash_extension::CheckMetadataHash::<Runtime>::new(false),
	);
	let tx_ext: TxExtension = cumulus_pallet_weight_reclaim::StorageWeightReclaim::new(inner);
	let payload = SignedPayload::new(call.clone(), tx_ext.clone()).expect("implicit data");
	let signature = payload.using_encoded(|bytes| signer.sign(bytes));
	UncheckedExtrinsic::new_signed(
		call,
		Address::Id(signer.to_account_id()),
		Signature::Sr25519(signature),
		tx_ext,
	)
}

fn start_block_1() {
	let header = Header::new(
		1,
		Default::default(),
		Default::default(),
		System::parent_hash(),
		Default::default(),
	);
	Executive::initialize_block(&header);
}

#[test]
fn a_transfer_pays_its_fee_in_open_to_the_collator_pot() {
	state_of(DEV_RUNTIME_PRESET).execute_with(|| {
		start_block_1();
		let (alice, bob) = (account(Sr25519Keyring::Alice), account(Sr25519Keyring::Bob));
		let pot = CollatorSelection::account_id();
		let issuance = Balances::total_issuance();
		let pot_before = Balances::balance(&pot);
		let amount: Balance = 12 * OPEN;

		let xt = signed(
			Sr25519Keyring::Alice,
			0,
			RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
				dest: Address::Id(bob.clone()),
				value: amount,
			}),
		);
		let len = xt.encoded_size() as u32;
		Executive::apply_extrinsic(xt).expect("valid").expect("dispatched");

		let fee = System::events()
			.into_iter()
			.find_map(|r| match r.event {
				RuntimeEvent::TransactionPayment(
					pallet_transaction_payment::Event::TransactionFeePaid { who, actual_fee, tip },
				) => {
					assert_eq!(who, alice);
					assert_eq!(tip, 0);
					Some(actual_fee)
				},
				_ => None,
			})
			.expect("TransactionFeePaid emitted");

		// The fee is the length fee plus the weight fee, both non-zero, in OPEN units.
		let length_fee = pallet_transaction_payment::Pallet::<Runtime>::length_to_fee(len);
		assert!(length_fee > 0 && fee > length_fee, "fee {fee}, length part {length_fee}");
		assert!(fee < MILLIOPEN, "a transfer should cost well under a milli-OPEN, got {fee}");
		assert_eq!(Balances::balance(&alice), DEV_ENDOWMENT - amount - fee);
		assert_eq!(Balances::balance(&bob), DEV_ENDOWMENT + amount);
		// The fee is not burned: it lands in the collator pot, and issuance is unchanged.
		assert_eq!(Balances::balance(&pot), pot_before + fee);
		assert_eq!(Balances::total_issuance(), issuance);
		assert_eq!(System::account_nonce(&alice), 1);
	});
}

#[test]
fn a_transfer_with_a_bad_signature_is_refused_and_changes_nothing() {
	state_of(DEV_RUNTIME_PRESET).execute_with(|| {
		start_block_1();
		let bob = account(Sr25519Keyring::Bob);
		let call = RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
			dest: Address::Id(bob.clone()),
			value: OPEN,
		});
		// Signed by Bob's key but claiming to be Alice.
		let good = signed(Sr25519Keyring::Bob, 0, call);
		let forged = UncheckedExtrinsic {
			preamble: match good.preamble {
				sp_runtime::generic::Preamble::Signed(_, sig, ext) => {
					sp_runtime::generic::Preamble::Signed(
						Address::Id(account(Sr25519Keyring::Alice)),
						sig,
						ext,
					)
				},
				other => other,
			},
			..good
		};
		assert!(Executive::apply_extrinsic(forged).is_err());
		assert_eq!(Balances::balance(&account(Sr25519Keyring::Alice)), DEV_ENDOWMENT);
		assert_eq!(Balances::balance(&bob), DEV_ENDOWMENT);
	});
}

#[test]
fn fee_schedule_matches_its_documentation() {
	// The base weight of one extrinsic costs 0.1 milli-OPEN.
	let base = crate::configs::ExtrinsicBaseWeight::get();
	let fee = WeightToFee::weight_to_fee(&base);
	let target = MILLIOPEN / 10;
	assert!(fee.abs_diff(target) <= target / 1_000_000, "{fee} vs {target}");
	assert_eq!(EXISTENTIAL_DEPOSIT, OPEN / 100);
}

#[test]
fn runtime_integrity_tests_pass() {
	sp_io::TestExternalities::default().execute_with(|| {
		<AllPalletsWithSystem as IntegrityTest>::integrity_test();
	});
	// `frame_system` checks the block weights itself; check ours are sane on top.
	let weights = crate::configs::RuntimeBlockWeights::get();
	weights.validate().expect("block weights are consistent");
}

#[test]
fn the_rewards_account_holds_its_existential_deposit_from_genesis() {
	state_of(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		let account = crate::Rewards::account_id();
		assert_eq!(Balances::balance(&account), EXISTENTIAL_DEPOSIT);
	});
}

/// The metadata the worker daemon's typed client is generated from
/// (`offchain-workers/chain/metadata/openledger.scale`) must be this runtime's. After a change
/// to the runtime's calls, storage, events or APIs, regenerate it with
/// `UPDATE_METADATA=1 cargo test -p openledger-runtime checked_in_metadata`.
#[test]
fn checked_in_metadata_is_this_runtimes() {
	let metadata = sp_io::TestExternalities::default()
		.execute_with(|| Runtime::metadata_at_version(16))
		.expect("the runtime serves metadata V16");
	let bytes: &[u8] = &metadata;
	let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
		.join("../offchain-workers/chain/metadata/openledger.scale");
	if std::env::var_os("UPDATE_METADATA").is_some() {
		std::fs::create_dir_all(path.parent().expect("a parent"))
			.expect("the directory is writable");
		std::fs::write(&path, bytes).expect("the metadata file is writable");
	}
	let checked_in = std::fs::read(&path).unwrap_or_default();
	assert!(
		checked_in == bytes,
		"{} is not this runtime's metadata: regenerate it with `UPDATE_METADATA=1 cargo test -p openledger-runtime checked_in_metadata`",
		path.display()
	);
}

mod datanets {
	//! Datanets and reputation as this runtime configures them: 32-byte accounts, OPEN bonds, the
	//! treasury from genesis, and version roots the shared crate reproduces.

	use super::*;
	use crate::{configs::TreasuryAccount, Datanets, Reputation, RuntimeOrigin};
	use frame_support::{
		assert_ok,
		traits::{fungible::InspectHold, Get},
		BoundedVec,
	};
	use openledger_primitives::datanet::file::{file_size, lay_out, VersionFiles};
	use pallet_datanets::{DailyCaps, Permission, Verdict};
	use sp_runtime::traits::Dispatchable;

	fn dispatch(who: &AccountId, call: pallet_datanets::Call<Runtime>) {
		assert_ok!(RuntimeCall::Datanets(call).dispatch(RuntimeOrigin::signed(who.clone())));
	}

	fn bytes<S: Get<u32>>(b: &[u8]) -> BoundedVec<u8, S> {
		b.to_vec().try_into().unwrap()
	}

	#[test]
	fn treasury_exists_from_genesis() {
		state_of(DEV_RUNTIME_PRESET).execute_with(|| {
			assert_eq!(Balances::balance(&TreasuryAccount::get()), EXISTENTIAL_DEPOSIT);
		});
	}

	#[test]
	fn contribute_curate_publish_with_runtime_types() {
		state_of(DEV_RUNTIME_PRESET).execute_with(|| {
			System::set_block_number(1);
			let alice = account(Sr25519Keyring::Alice);
			let bob = account(Sr25519Keyring::Bob);
			let bond = OPEN;
			dispatch(
				&alice,
				pallet_datanets::Call::create_datanet {
					name: bytes(b"faces"),
					description_uri: bytes(b"ipfs://faces"),
					tags: Default::default(),
					embedding_dim: 512,
					num_labels: 10,
					permission: Permission::Open,
					bond,
					caps: DailyCaps {
						files_per_contributor: 20,
						bytes_per_contributor: 10 << 20,
						files_per_datanet: 1000,
						bytes_per_datanet: 10 << 20,
					},
				},
			);
			for n in 0..3u8 {
				dispatch(
					&bob,
					pallet_datanets::Call::contribute {
						datanet: 0,
						content_hash: [n + 1; 32],
						item_root: [n + 10; 32],
						item_count: n as u32 + 1,
						size: file_size(n as u32 + 1, 512),
						uri: bytes(b"ipfs://file"),
					},
				);
			}
			let reason: crate::RuntimeHoldReason =
				pallet_datanets::HoldReason::ContributionBond.into();
			// Each file's bond: 1 OPEN per file and 0.01 OPEN for its one started MiB.
			let bond = bond + 10 * MILLIOPEN;
			assert_eq!(Balances::balance_on_hold(&reason, &bob), 3 * bond);

			let treasury = Balances::balance(&TreasuryAccount::get());
			dispatch(
				&alice,
				pallet_datanets::Call::curate {
					datanet: 0,
					ids: vec![1].try_into().unwrap(),
					verdict: Verdict::Reject,
				},
			);
			// 10% of a 1 OPEN bond, and Bob's contributor score drops by the penalty.
			assert_eq!(Balances::balance(&TreasuryAccount::get()), treasury + bond / 10);
			assert_eq!(
				Reputation::score(&bob, pallet_reputation::Role::Contributor),
				pallet_reputation::NEUTRAL_SCORE - 25_000
			);
			dispatch(
				&alice,
				pallet_datanets::Call::curate {
					datanet: 0,
					ids: vec![2, 0].try_into().unwrap(),
					verdict: Verdict::Accept,
				},
			);
			assert_eq!(Balances::balance_on_hold(&reason, &bob), 0);
			dispatch(&alice, pallet_datanets::Call::publish_version { datanet: 0 });

			// Accepted in the order the curator named them: file 2 (3 items), then file 0 (1).
			let file = |id: u64, n: u8| (id, bob.clone(), [n + 1; 32], [n + 10; 32], n as u32 + 1);
			let files = lay_out([file(2, 2), file(0, 0)]).unwrap();
			let expected = VersionFiles::new(files).unwrap().commitment();
			let version = pallet_datanets::Versions::<Runtime>::get(0, 1).unwrap();
			assert_eq!(
				(version.root, version.file_count, version.item_count),
				(expected.root, 2, 4)
			);
			// 1 OPEN + 0.001 OPEN per started KiB: 1,559 + 527 bytes, 3 KiB.
			assert_eq!(version.bytes, file_size(3, 512) + file_size(1, 512));
			assert_eq!(version.fee, OPEN + 3 * MILLIOPEN);
			// File 0 sits second, its one item at version index 3.
			let (leaf, proof) = Datanets::file_proof(0, 1, 1).unwrap();
			assert_eq!((leaf.file, leaf.first, proof.leaf_index, proof.leaf_count), (0, 3, 1, 2));
			assert!(openledger_primitives::merkle::verify(&version.root, &leaf.hash(), &proof));
		});
	}
}

mod governance {
	//! Each governance origin is accepted exactly where its track decides, and a referendum on
	//! the `parameters` track runs its course (with the development preset's short periods).

	use super::*;
	use crate::{
		governance::{
			origins::{Origin, PeriodDivisor},
			tracks::{self, TracksInfo, TRACKS},
			CouncilCollective,
		},
		ConvictionVoting, OriginCaller, Preimage, Referenda, Rewards, RuntimeOrigin, Scheduler,
		DAYS,
	};
	use frame_support::{
		assert_noop, assert_ok,
		traits::{schedule::DispatchTime, Bounded, Hooks, OriginTrait},
	};
	use pallet_conviction_voting::{AccountVote, Conviction, Vote};
	use pallet_referenda::TracksInfo as _;
	use sp_runtime::{
		traits::{Dispatchable, Hash as _},
		DispatchError,
	};

	type Call = RuntimeCall;

	/// Every origin a call can arrive with, by name.
	fn origins() -> Vec<(&'static str, RuntimeOrigin)> {
		let council = |n, d| {
			pallet_collective::RawOrigin::<AccountId, CouncilCollective>::Members(n, d).into()
		};
		vec![
			("root", RuntimeOrigin::root()),
			("parameters", Origin::Parameters.into()),
			("workers", Origin::Workers.into()),
			("treasurer", Origin::Treasurer.into()),
			("emergency", Origin::EmergencyHalt.into()),
			("council 2/3", council(2, 3)),
			("council 1/3", council(1, 3)),
			("signed", RuntimeOrigin::signed(account(Sr25519Keyring::Alice))),
		]
	}

	fn call_name(pallet: &str, call: &str) -> pallet_tx_pause::RuntimeCallNameOf<Runtime> {
		(
			pallet.as_bytes().to_vec().try_into().unwrap(),
			call.as_bytes().to_vec().try_into().unwrap(),
		)
	}

	/// The privileged calls, each with the origins that may make it.
	fn privileged_calls() -> Vec<(&'static str, Call, &'static [&'static str])> {
		let parameters: &[&str] = &["root", "parameters"];
		let workers: &[&str] = &["root", "workers"];
		let dave = account(Sr25519Keyring::Dave);
		vec![
			(
				"datanets.set_params",
				Call::Datanets(pallet_datanets::Call::set_params {
					params: crate::Datanets::params(),
				}),
				parameters,
			),
			(
				"reputation.set_params",
				Call::Reputation(pallet_reputation::Call::set_params {
					params: crate::Reputation::params(),
				}),
				parameters,
			),
			(
				"attribution.set_params",
				Call::Attribution(pallet_attribution::Call::set_params {
					params: crate::Attribution::params(),
				}),
				parameters,
			),
			(
				"models.set_params",
				Call::Models(pallet_models::Call::set_params { params: crate::Models::params() }),
				parameters,
			),
			(
				"rewards.set_params",
				Call::Rewards(pallet_rewards::Call::set_params { params: Rewards::params() }),
				parameters,
			),
			(
				"attribution.set_min_stake",
				Call::Attribution(pallet_attribution::Call::set_min_stake {
					min_stake: 200 * OPEN,
				}),
				workers,
			),
			(
				"attribution.remove_worker",
				Call::Attribution(pallet_attribution::Call::remove_worker { who: dave.clone() }),
				workers,
			),
			// Eve is barred in every state these calls are tried in.
			(
				"attribution.admit_worker",
				Call::Attribution(pallet_attribution::Call::admit_worker {
					who: account(Sr25519Keyring::Eve),
				}),
				workers,
			),
			(
				"treasury.spend",
				Call::Treasury(pallet_treasury::Call::spend {
					asset_kind: Box::new(()),
					amount: 10 * OPEN,
					beneficiary: Box::new(dave.clone()),
					valid_from: None,
				}),
				&["root", "treasurer"],
			),
			(
				"tx_pause.pause",
				Call::TxPause(pallet_tx_pause::Call::pause {
					full_name: call_name("Datanets", "create_datanet"),
				}),
				&["root", "emergency", "council 2/3"],
			),
			// Whoever names the bridge committee can mint: root only.
			(
				"bridge.set_committee",
				Call::Bridge(pallet_bridge::Call::set_committee {
					members: vec![pallet_bridge::Member {
						account: dave.clone(),
						signer: [7u8; 20],
					}]
					.try_into()
					.unwrap(),
					threshold: 1,
				}),
				&["root"],
			),
			(
				"bridge.set_contract",
				Call::Bridge(pallet_bridge::Call::set_contract {
					l1: pallet_bridge::L1 { chain_id: 1, contract: [9u8; 20] },
				}),
				&["root"],
			),
			(
				"bridge.set_limits",
				Call::Bridge(pallet_bridge::Call::set_limits {
					limits: pallet_bridge::Limits { period: 100, max: 1_000 * OPEN },
				}),
				&["root"],
			),
			(
				"bridge.halt",
				Call::Bridge(pallet_bridge::Call::halt {}),
				&["root", "emergency", "council 2/3"],
			),
			(
				"system.authorize_upgrade",
				Call::System(frame_system::Call::authorize_upgrade {
					code_hash: Default::default(),
				}),
				&["root"],
			),
			(
				"council_membership.add_member",
				Call::CouncilMembership(pallet_membership::Call::add_member { who: dave.into() }),
				&["root"],
			),
			(
				"collator_selection.set_desired_candidates",
				Call::CollatorSelection(pallet_collator_selection::Call::set_desired_candidates {
					max: 5,
				}),
				&["root"],
			),
		]
	}

	#[test]
	fn each_origin_is_accepted_only_where_its_track_decides() {
		// The calls carry the parameters in force, so they are built in the chain's state.
		for (name, call, allowed) in state_of(DEV_RUNTIME_PRESET).execute_with(privileged_calls) {
			for (origin_name, origin) in origins() {
				state_of(DEV_RUNTIME_PRESET).execute_with(|| {
					System::set_block_number(1);
					pallet_attribution::Barred::<Runtime>::insert(account(Sr25519Keyring::Eve), ());
					let result = call.clone().dispatch(origin).map_err(|e| e.error);
					if allowed.contains(&origin_name) {
						assert!(result.is_ok(), "{name} from {origin_name}: {result:?}");
					} else {
						assert_eq!(
							result,
							Err(DispatchError::BadOrigin),
							"{name} from {origin_name}"
						);
					}
				});
			}
		}
	}

	#[test]
	fn treasury_track_spends_are_capped() {
		state_of(DEV_RUNTIME_PRESET).execute_with(|| {
			let spend = |amount| {
				Call::Treasury(pallet_treasury::Call::spend {
					asset_kind: Box::new(()),
					amount,
					beneficiary: Box::new(account(Sr25519Keyring::Dave)),
					valid_from: None,
				})
			};
			let cap = crate::governance::MaxTreasurerSpend::get();
			assert_ok!(spend(cap).dispatch(Origin::Treasurer.into()));
			assert_eq!(
				spend(cap + 1).dispatch(Origin::Treasurer.into()).map_err(|e| e.error),
				Err(pallet_treasury::Error::<Runtime>::InsufficientPermission.into())
			);
			assert_ok!(spend(cap + 1).dispatch(RuntimeOrigin::root()));
		});
	}

	#[test]
	fn a_paused_call_is_refused_and_governance_cannot_be_paused() {
		state_of(DEV_RUNTIME_PRESET).execute_with(|| {
			System::set_block_number(1);
			let name = call_name("Datanets", "create_datanet");
			let alice = RuntimeOrigin::signed(account(Sr25519Keyring::Alice));
			let create = Call::Datanets(pallet_datanets::Call::create_datanet {
				name: b"pets".to_vec().try_into().unwrap(),
				description_uri: Default::default(),
				tags: Default::default(),
				embedding_dim: 8,
				num_labels: 2,
				permission: pallet_datanets::Permission::Open,
				bond: OPEN,
				caps: pallet_datanets::DailyCaps {
					files_per_contributor: 20,
					bytes_per_contributor: 1 << 20,
					files_per_datanet: 100,
					bytes_per_datanet: 1 << 20,
				},
			});
			assert_ok!(Call::TxPause(pallet_tx_pause::Call::pause { full_name: name.clone() })
				.dispatch(Origin::EmergencyHalt.into()));
			assert_eq!(
				create.clone().dispatch(alice.clone()).map_err(|e| e.error),
				Err(frame_system::Error::<Runtime>::CallFiltered.into())
			);
			// Governance, consensus and the pause itself stay callable.
			for (pallet, call) in [
				("Referenda", "submit"),
				("ConvictionVoting", "vote"),
				("System", "remark"),
				("ParachainSystem", "set_validation_data"),
				("TxPause", "unpause"),
			] {
				assert_noop!(
					crate::TxPause::pause(Origin::EmergencyHalt.into(), call_name(pallet, call)),
					pallet_tx_pause::Error::<Runtime>::Unpausable
				);
			}
			assert_ok!(Call::TxPause(pallet_tx_pause::Call::unpause { ident: name }).dispatch(
				pallet_collective::RawOrigin::<AccountId, CouncilCollective>::Members(2, 3).into()
			));
			assert_ok!(create.dispatch(alice));
		});
	}

	#[test]
	fn each_origin_has_its_track_and_the_dev_preset_shortens_them() {
		let track_of = |origin: RuntimeOrigin| TracksInfo::track_for(origin.caller());
		assert_eq!(track_of(RuntimeOrigin::root()), Ok(tracks::id::ROOT));
		assert_eq!(track_of(Origin::Parameters.into()), Ok(tracks::id::PARAMETERS));
		assert_eq!(track_of(Origin::Workers.into()), Ok(tracks::id::WORKERS));
		assert_eq!(track_of(Origin::Treasurer.into()), Ok(tracks::id::TREASURY));
		assert_eq!(track_of(Origin::EmergencyHalt.into()), Ok(tracks::id::EMERGENCY));
		assert_eq!(track_of(RuntimeOrigin::signed(account(Sr25519Keyring::Alice))), Err(()));
		assert_eq!(
			track_of(
				pallet_collective::RawOrigin::<AccountId, CouncilCollective>::Members(3, 3).into()
			),
			Err(()),
			"the council decides no referendum"
		);

		state_of(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
			assert_ok!(TracksInfo::check_integrity());
			let real: Vec<_> = TracksInfo::tracks().map(|t| t.into_owned()).collect();
			assert_eq!(real, TRACKS.to_vec());
		});
		state_of(DEV_RUNTIME_PRESET).execute_with(|| {
			assert_eq!(PeriodDivisor::<Runtime>::get(), DAYS);
			assert_ok!(TracksInfo::check_integrity());
			let params = TracksInfo::info(tracks::id::PARAMETERS).unwrap();
			assert_eq!(
				(
					params.prepare_period,
					params.decision_period,
					params.confirm_period,
					params.min_enactment_period
				),
				(1, 14, 1, 1)
			);
			// Periods shorter than the divisor become one block, never zero.
			let emergency = TracksInfo::info(tracks::id::EMERGENCY).unwrap();
			assert_eq!((emergency.prepare_period, emergency.min_enactment_period), (1, 1));
			assert_eq!(emergency.decision_deposit, TRACKS[4].info.decision_deposit);
		});
	}

	fn run_to(n: u32) {
		while System::block_number() < n {
			let next = System::block_number() + 1;
			System::set_block_number(next);
			Scheduler::on_initialize(next);
		}
	}

	fn stash_voters() -> [AccountId; 4] {
		[
			Sr25519Keyring::AliceStash,
			Sr25519Keyring::BobStash,
			Sr25519Keyring::CharlieStash,
			Sr25519Keyring::DaveStash,
		]
		.map(account)
	}

	/// Notes `call` as a preimage, submits it on the `parameters` track, places the decision
	/// deposit and has the stash accounts vote on it, `aye` or not, with 900,000 OPEN each.
	fn referendum(call: Call, aye: bool) -> u32 {
		let alice = RuntimeOrigin::signed(account(Sr25519Keyring::Alice));
		let bytes = call.encode();
		let hash = <Runtime as frame_system::Config>::Hashing::hash(&bytes);
		assert_ok!(Preimage::note_preimage(alice.clone(), bytes.clone()));
		let index = pallet_referenda::ReferendumCount::<Runtime>::get();
		assert_ok!(Referenda::submit(
			alice.clone(),
			Box::new(OriginCaller::Origins(Origin::Parameters)),
			Bounded::Lookup { hash, len: bytes.len() as u32 },
			DispatchTime::After(0),
		));
		assert_ok!(Referenda::place_decision_deposit(alice, index));
		for (voter, conviction) in stash_voters().into_iter().zip([
			Conviction::Locked1x,
			Conviction::Locked2x,
			Conviction::None,
			Conviction::Locked6x,
		]) {
			assert_ok!(ConvictionVoting::vote(
				RuntimeOrigin::signed(voter),
				index,
				AccountVote::Standard { vote: Vote { aye, conviction }, balance: 900_000 * OPEN },
			));
		}
		index
	}

	#[test]
	fn a_parameters_referendum_passes_and_enacts_and_a_rejected_one_changes_nothing() {
		state_of(DEV_RUNTIME_PRESET).execute_with(|| {
			run_to(1);
			let mut params = Rewards::params();
			params.shares.contributors = sp_runtime::Perbill::from_percent(50);
			params.shares.owner = sp_runtime::Perbill::from_percent(25);
			let set = |params| Call::Rewards(pallet_rewards::Call::set_params { params });
			let passing = referendum(set(params.clone()), true);
			// Prepare, confirm and enactment are one block each in the development preset.
			run_to(8);
			assert!(matches!(
				pallet_referenda::ReferendumInfoFor::<Runtime>::get(passing),
				Some(pallet_referenda::ReferendumInfo::Approved(..))
			));
			assert_eq!(Rewards::params(), params);

			let mut other = params.clone();
			other.shares.contributors = sp_runtime::Perbill::from_percent(60);
			other.shares.owner = sp_runtime::Perbill::from_percent(15);
			let failing = referendum(set(other), false);
			run_to(System::block_number() + 20);
			assert!(matches!(
				pallet_referenda::ReferendumInfoFor::<Runtime>::get(failing),
				Some(pallet_referenda::ReferendumInfo::Rejected(..))
			));
			assert_eq!(Rewards::params(), params, "a rejected referendum changes nothing");
		});
	}
}
