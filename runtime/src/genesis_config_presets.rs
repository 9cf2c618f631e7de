//! Genesis presets, turned into chain specs by the node (`--dev`, `--chain local`) or by
//! `chain-spec-builder`:
//!
//! - `development`: one collator (Alice); the well-known dev accounts funded; Alice, Bob and
//!   Charlie on the council; every referendum period divided by [`DEV_PERIOD_DIVISOR`], so that
//!   a day of a track becomes one block.
//! - `local_testnet`: two collators (Alice and Bob) for a relay-chain network (zombienet); the
//!   same council; the tracks' real periods.
//!
//! There is no sudo: everything privileged goes through governance (`crate::governance`).

use crate::{
	currency::{EXISTENTIAL_DEPOSIT, OPEN},
	AccountId, AuraId, Balance, BalancesConfig, CollatorSelectionConfig, CouncilMembershipConfig,
	OriginsConfig, ParachainInfoConfig, PolkadotXcmConfig, RuntimeGenesisConfig, SessionConfig,
	SessionKeys, DAYS,
};
use alloc::{vec, vec::Vec};
use cumulus_primitives_core::ParaId;
use frame_support::build_struct_json_patch;
use serde_json::Value;
use sp_genesis_builder::PresetId;
pub use sp_genesis_builder::{DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET};
use sp_keyring::Sr25519Keyring;

/// The para id this chain registers under on a local relay chain. Not a system parachain id
/// (those are below 2000).
pub const PARACHAIN_ID: u32 = 2000;

/// What each dev account starts with: a million OPEN, enough for any local experiment.
pub const DEV_ENDOWMENT: Balance = 1_000_000 * OPEN;

/// What a collator candidate (beyond the invulnerables set at genesis) bonds to join.
pub const CANDIDACY_BOND: Balance = 1_000 * OPEN;

/// What the development preset divides referendum periods by: a day of a track is one block.
pub const DEV_PERIOD_DIVISOR: u32 = DAYS;

/// XCM version offered to chains whose version is not known yet.
const SAFE_XCM_VERSION: u32 = xcm::prelude::XCM_VERSION;

fn session_keys(aura: AuraId) -> SessionKeys {
	SessionKeys { aura }
}

fn genesis(
	collators: Vec<(AccountId, AuraId)>,
	endowed: Vec<AccountId>,
	council: Vec<AccountId>,
	period_divisor: u32,
	id: ParaId,
) -> Value {
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig {
			balances: endowed
				.iter()
				.cloned()
				.map(|a| (a, DEV_ENDOWMENT))
				// The collator pot and the treasury must exist before the first fee arrives: a fee below the
				// existential deposit paid into a missing account would be burned instead.
				.chain([(collator_pot(), EXISTENTIAL_DEPOSIT), (treasury(), EXISTENTIAL_DEPOSIT)])
				.collect::<Vec<_>>(),
		},
		parachain_info: ParachainInfoConfig { parachain_id: id },
		collator_selection: CollatorSelectionConfig {
			invulnerables: collators.iter().cloned().map(|(acc, _)| acc).collect::<Vec<_>>(),
			candidacy_bond: CANDIDACY_BOND,
		},
		session: SessionConfig {
			keys: collators
				.into_iter()
				.map(|(acc, aura)| (acc.clone(), acc, session_keys(aura)))
				.collect::<Vec<_>>(),
		},
		polkadot_xcm: PolkadotXcmConfig { safe_xcm_version: Some(SAFE_XCM_VERSION) },
		council_membership: CouncilMembershipConfig {
			members: frame_support::BoundedVec::truncate_from(council),
		},
		origins: OriginsConfig { period_divisor },
	})
}

/// The account of the collator-selection pot, which receives fees and pays collators.
pub fn collator_pot() -> AccountId {
	use sp_runtime::traits::AccountIdConversion;
	crate::configs::PotId::get().into_account_truncating()
}

/// The treasury account, which receives slashes and publishing fees. It exists from genesis so
/// that a first payment below the existential deposit is kept rather than burned.
pub fn treasury() -> AccountId {
	crate::configs::TreasuryAccount::get()
}

fn collator(key: Sr25519Keyring) -> (AccountId, AuraId) {
	(key.to_account_id(), key.public().into())
}

fn dev_accounts() -> Vec<AccountId> {
	Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect()
}

/// The council of both presets: Alice, Bob and Charlie.
fn dev_council() -> Vec<AccountId> {
	[Sr25519Keyring::Alice, Sr25519Keyring::Bob, Sr25519Keyring::Charlie]
		.map(|k| k.to_account_id())
		.into()
}

/// The `development` preset: Alice collates alone; referenda take blocks.
pub fn development_config_genesis() -> Value {
	genesis(
		vec![collator(Sr25519Keyring::Alice)],
		dev_accounts(),
		dev_council(),
		DEV_PERIOD_DIVISOR,
		PARACHAIN_ID.into(),
	)
}

/// The `local_testnet` preset: Alice and Bob collate; referenda take their real periods.
pub fn local_testnet_genesis() -> Value {
	genesis(
		vec![collator(Sr25519Keyring::Alice), collator(Sr25519Keyring::Bob)],
		dev_accounts(),
		dev_council(),
		1,
		PARACHAIN_ID.into(),
	)
}

/// The JSON patch of the preset `id`, if there is one.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		DEV_RUNTIME_PRESET => development_config_genesis(),
		LOCAL_TESTNET_RUNTIME_PRESET => local_testnet_genesis(),
		_ => return None,
	};
	serde_json::to_vec(&patch).ok()
}

/// Names of the presets, for `chain-spec-builder list-presets` and the node.
pub fn preset_names() -> Vec<PresetId> {
	vec![PresetId::from(DEV_RUNTIME_PRESET), PresetId::from(LOCAL_TESTNET_RUNTIME_PRESET)]
}
