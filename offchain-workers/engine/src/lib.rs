//! The Proof of Attribution engine, used by `openledger-worker`. It computes and checks; it does
//! not talk to the chain (that is `openledger-chain`), and it needs no async runtime.
//!
//! `docs/attribution.md` defines every number this crate produces, and
//! `openledger_primitives::attribution` is that definition in code. The engine computes the same
//! bits faster, two ways:
//!
//! - [`cpu`]: multi-threaded, with the distance kernel picked at run time (AVX-512 VNNI, AVX2,
//!   portable);
//! - [`gpu`]: wgpu compute shaders (`src/gpu/*.wgsl`) on any adapter, lavapipe included.
//!
//! Both produce a [`Ranking`] per query; [`attribute`] turns rankings into entries, commitment
//! roots and per-item values summed over the queries, the same way for both.

pub mod attribute;
pub mod audit;
pub mod check;
pub mod commit;
pub mod cpu;
pub mod data;
pub mod error;
pub mod export;
pub mod files;
pub mod gpu;
pub mod npy;
pub mod ranking;
pub mod stream;

pub use data::{Embeddings, Inputs};
pub use error::{Error, Result};
pub use ranking::Ranking;
