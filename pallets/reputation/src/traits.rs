//! How other pallets use reputation: report outcomes, read reward factors, slash held bonds.
//! The traits are defined in `openledger-traits`, where the pallets meet; this pallet implements
//! them, and other pallets never write its storage.

pub use openledger_traits::{ReputationReporter, SlashHeld};
