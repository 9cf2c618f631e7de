//! The traits the OpenLedger pallets meet at, and the types they pass.
//!
//! Each pallet implements the traits of its own domain and reads the others through these, so
//! a pallet depends on this crate, never on the pallet behind a trait (as `sp-staking` serves
//! staking). The runtime wires the implementations together.
//!
//! - [`reputation`]: report outcomes, read reward factors, slash held bonds
//!   (`pallet-reputation` implements them).
//! - [`attribution`]: open jobs, hear how they end (`pallet-attribution` opens them; the
//!   paid-inference pallet hears the ends).
//! - [`models`]: the registered models (`pallet-models`).
//! - [`datanet`]: published Datanet versions and their contributors (`pallet-datanets`); the
//!   traits live in `openledger-primitives` with the version format and are re-exported here.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod attribution;
pub mod models;
pub mod reputation;

/// Published Datanet versions and their contributors.
pub mod datanet {
	pub use openledger_primitives::datanet::{
		ContributedVersionPublisher, ContributorSource, VersionInfo, VersionPublisher,
		VersionSource,
	};
}

pub use attribution::{JobId, JobOpener, JobSpec, OnJobEnd, Queries};
pub use datanet::{ContributorSource, VersionInfo, VersionSource};
pub use models::{FeeRates, ModelId, ModelRegistry, ModelView};
pub use reputation::{Outcome, ReputationReporter, Role, SlashHeld};
