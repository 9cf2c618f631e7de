//! What the runtime and the off-chain workers must compute identically.
//!
//! A Datanet version's Merkle root is recorded on chain by `pallet-datanets` and recomputed
//! off-chain by workers and by anyone who wants to check it, so the leaf encoding and the tree
//! live here, once, in `no_std` code that both sides link.
//!
//! - [`merkle`]: a binary blake2-256 Merkle tree with domain-separated leaves and nodes, proofs
//!   and their verification.
//! - [`datanet`]: the leaf of one accepted contribution and the order of leaves in a version.
//! - [`attribution`]: Proof of Attribution's integer definitions (distance, ranking, KNN-Shapley
//!   and similarity values), the result commitment and the single-entry checks.
//! - [`hex`]: hashes as the hex text off-chain tools read and write.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod attribution;
pub mod bridge;
pub mod datanet;
pub mod hex;
pub mod merkle;
