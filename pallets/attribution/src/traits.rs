//! How other pallets use attribution: open jobs, and hear how they end. The traits are defined in
//! `openledger-traits`, where the pallets meet; this pallet implements [`JobOpener`] and calls
//! [`OnJobEnd`].

pub use openledger_traits::{JobOpener, OnJobEnd};
