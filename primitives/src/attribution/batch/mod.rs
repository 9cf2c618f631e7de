//! Batches: many paid inferences recorded by one extrinsic, attributed by one job per
//! trained-on version, and settled with one total per contributor (docs/attribution.md,
//! "Batches").
//!
//! - **The batch.** A payer's file of up to [`MAX_BATCH`] inferences, each its tokens, its
//!   query embedding and label ([`BatchFile`]). The chain records a [`BatchCommitment`]: the
//!   root of a Merkle-sum tree over the [`Inference`] leaves, whose nodes also carry the token
//!   sums ([`BatchTree`]), the count and the token totals. A leaf proven against it is proven
//!   consistent with the totals the fee was charged on.
//! - **The result** of a batch job commits to each query's ranking (the `T`-entry commitment of
//!   one query, [`super::commitment`]) in a [`QueryRecord`] with the sum of its positive paid
//!   values, the records under one root; to every positive paid entry as a [`Credit`] in a
//!   tree of `M × P` slots sorted by contributor, each with its running total; and reveals one
//!   total per contributor, at most `max_totals` of them ([`BatchSettlement`]).
//! - **The checks** ([`BatchJob`]) prove any wrong number of a result from `O(1)` proven leaves:
//!   `O(d + log)` each, `O(P log T)` for a query's paid sum. [`find_batch_witness`] finds one
//!   from a result's full data.

use super::{
	check::{Fault, Invalid, Job, ProvenEntry, ProvenItem},
	embedding_hash,
	witness::{find_witness, VersionData, Witness},
	Entry, Method,
};
use crate::{
	datanet::file::{read_header, write_header, VersionCommitment},
	merkle::{self, Hash, MerkleProof},
};
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// The most inferences one batch holds: 1,024.
///
/// - On chain a batch costs its fixed weight (record, commits, reveals, hook) once, so at 1,024
///   that weight per inference is already a thousandth of a single inference's; a larger bound
///   would buy little there.
/// - Off chain a worker holds the `T` nearest of every query of a batch: `M × T` keys, 8 MiB at
///   the default `T` and 512 MiB at [`super::MAX_TOP`]; twice the batch would double that.
/// - A result's credit tree has `M × P <= 2^16` slots at `MaxPaid = 64` (depth 16), and the
///   batch tree adds 10 levels to every proof and 11 openings to a dispute.
pub const MAX_BATCH: u32 = 1 << 10;

/// The fixed-point one of a query's share of its batch: shares are in units of `2^-64`.
pub const SHARE_ONE: u128 = 1 << 64;

/// One inference of a batch: the leaf of the batch tree.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct Inference {
	/// Tokens in the prompt.
	pub input_tokens: u32,
	/// Tokens generated.
	pub output_tokens: u32,
	/// blake2-256 of the query embedding ([`embedding_hash`]).
	pub query_hash: Hash,
	/// The query's label (KNN-Shapley compares it with the items' labels).
	pub label: u32,
}

impl Inference {
	/// Its leaf hash: [`merkle::hash_leaf`] of the SCALE encoding (44 bytes).
	pub fn leaf_hash(&self) -> Hash {
		merkle::hash_leaf(&self.encode())
	}

	/// Its tokens, as a leaf's sums.
	pub fn tokens(&self) -> Tokens {
		Tokens { input: self.input_tokens as u64, output: self.output_tokens as u64 }
	}
}

/// Token sums: what a node of the batch tree carries besides its hash.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct Tokens {
	/// Input tokens.
	pub input: u64,
	/// Output tokens.
	pub output: u64,
}

impl Tokens {
	/// The sum, `None` on overflow (never below [`MAX_BATCH`] leaves of `u32` tokens).
	pub fn checked_add(self, other: Tokens) -> Option<Tokens> {
		Some(Tokens {
			input: self.input.checked_add(other.input)?,
			output: self.output.checked_add(other.output)?,
		})
	}
}

/// A node of the batch tree: its hash and the token sums of the leaves below it.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct SumNode {
	/// The node's hash.
	pub hash: Hash,
	/// Its token sums.
	pub tokens: Tokens,
}

impl SumNode {
	/// The leaf node of `inference`.
	pub fn leaf(inference: &Inference) -> SumNode {
		SumNode { hash: inference.leaf_hash(), tokens: inference.tokens() }
	}

	/// The parent of two nodes: `blake2_256(0x01 ‖ left.hash ‖ left.input ‖ left.output ‖
	/// right.hash ‖ right.input ‖ right.output)`, sums as `u64` little endian (97 bytes), and
	/// the sums added. `None` if a sum overflows.
	pub fn join(left: &SumNode, right: &SumNode) -> Option<SumNode> {
		let tokens = left.tokens.checked_add(right.tokens)?;
		let mut buf = [0u8; 97];
		buf[0] = merkle::NODE_PREFIX;
		for (at, node) in [(1usize, left), (49, right)] {
			buf[at..at + 32].copy_from_slice(&node.hash);
			buf[at + 32..at + 40].copy_from_slice(&node.tokens.input.to_le_bytes());
			buf[at + 40..at + 48].copy_from_slice(&node.tokens.output.to_le_bytes());
		}
		Some(SumNode { hash: sp_crypto_hashing::blake2_256(&buf), tokens })
	}
}

/// What the chain records of a batch: the batch tree's root hash, how many inferences it
/// holds, and its token totals, which the fee is charged on.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct BatchCommitment {
	/// Root hash of the batch tree.
	pub root: Hash,
	/// Inferences in the batch, `1..=MAX_BATCH`.
	pub count: u32,
	/// Their token totals: the root's sums.
	pub tokens: Tokens,
}

impl BatchCommitment {
	/// The commitment of a batch of one, which the chain computes itself for an ordinary paid
	/// inference: the leaf is the root.
	pub fn single(inference: &Inference) -> BatchCommitment {
		BatchCommitment { root: inference.leaf_hash(), count: 1, tokens: inference.tokens() }
	}
}

/// The batch tree: every level, leaves first. Its shape is [`merkle`]'s (an odd last node is
/// carried up unpaired); its nodes are [`SumNode`]s.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct BatchTree(Vec<Vec<SumNode>>);

impl BatchTree {
	/// The tree over `inferences` in order; `None` if there are none or a sum overflows.
	pub fn new(inferences: &[Inference]) -> Option<BatchTree> {
		if inferences.is_empty() {
			return None;
		}
		let mut levels = alloc::vec![inferences.iter().map(SumNode::leaf).collect::<Vec<_>>()];
		while let Some(last) = levels.last().filter(|l| l.len() > 1) {
			let next = last
				.chunks(2)
				.map(|pair| match pair {
					[left, right] => SumNode::join(left, right),
					[single] => Some(*single),
					_ => None,
				})
				.collect::<Option<Vec<_>>>()?;
			levels.push(next);
		}
		Some(BatchTree(levels))
	}

	/// What the chain records of it.
	pub fn commitment(&self) -> BatchCommitment {
		let root = self.0.last().and_then(|l| l.first()).copied().unwrap_or_default();
		BatchCommitment { root: root.hash, count: self.0[0].len() as u32, tokens: root.tokens }
	}

	/// The proof of leaf `index`.
	pub fn proof(&self, index: u32) -> Option<BatchProof> {
		let count = self.0[0].len();
		if index as usize >= count {
			return None;
		}
		let siblings = self.0[..self.0.len() - 1]
			.iter()
			.enumerate()
			.filter_map(|(depth, level)| level.get(((index as usize) >> depth) ^ 1).copied())
			.collect();
		Some(BatchProof { leaf_index: index, leaf_count: count as u32, siblings })
	}
}

/// A leaf's path in the batch tree, as [`MerkleProof`] but with sums.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct BatchProof {
	/// The leaf's position: the inference's index in the batch.
	pub leaf_index: u32,
	/// Leaves in the tree.
	pub leaf_count: u32,
	/// Sibling nodes, bottom up, skipping levels where the path is carried up unpaired.
	pub siblings: Vec<SumNode>,
}

impl BatchProof {
	/// The root node this leads to from `inference`, or `None` if the proof's shape does not fit
	/// its index and count or a sum overflows.
	pub fn root(&self, inference: &Inference) -> Option<SumNode> {
		if self.leaf_index >= self.leaf_count {
			return None;
		}
		let mut node = SumNode::leaf(inference);
		let (mut index, mut count) = (self.leaf_index, self.leaf_count);
		let mut siblings = self.siblings.iter();
		while count > 1 {
			let is_right = index % 2 == 1;
			if is_right || index + 1 < count {
				let sibling = siblings.next()?;
				node = if is_right {
					SumNode::join(sibling, &node)?
				} else {
					SumNode::join(&node, sibling)?
				};
			}
			index /= 2;
			count = count.div_ceil(2);
		}
		siblings.next().is_none().then_some(node)
	}

	/// Whether this shows `inference` at `leaf_index` of `batch`: the count is the batch's, and
	/// the root it leads to has the batch's hash and token totals. `O(log M)` hashes.
	pub fn verify(&self, batch: &BatchCommitment, inference: &Inference) -> bool {
		self.leaf_count == batch.count
			&& self
				.root(inference)
				.is_some_and(|r| r.hash == batch.root && r.tokens == batch.tokens)
	}
}

/// An inference with its proof against the job's batch.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct ProvenInference {
	/// The inference.
	pub inference: Inference,
	/// Its proof; `leaf_index` is its index in the batch.
	pub proof: BatchProof,
}

/// The stored batch format this code reads and writes.
pub const BATCH_FORMAT: u8 = 1;
/// The first bytes of a stored batch file.
pub const BATCH_MAGIC: [u8; 4] = *b"OLBF";
/// Bytes before the first inference: magic, format, dimension (`u16`), count (`u32`).
pub const BATCH_HEADER_BYTES: u64 = 11;

/// The size of a stored batch of `count` inferences of `dimension`: the header, then per
/// inference its input tokens, output tokens and label (`u32` little endian each) and its
/// `dimension` int8 query values.
pub fn batch_file_size(count: u32, dimension: u32) -> u64 {
	BATCH_HEADER_BYTES + count as u64 * (12 + dimension as u64)
}

/// A stored batch, decoded. The content store holds it under blake2-256 of its bytes, which
/// is the content hash `record_batch` names.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct BatchFile {
	/// The query embeddings' dimension.
	pub dimension: u32,
	/// Per inference: input tokens, output tokens, label.
	pub queries: Vec<(u32, u32, u32)>,
	/// One query embedding per inference, row-major.
	pub embeddings: Vec<i8>,
}

/// Why bytes are not a stored batch.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum BatchFileError {
	/// It does not start with the magic and format this code reads.
	NotABatch,
	/// Its length is not the header's count and dimension make.
	WrongLength {
		/// What the header implies.
		expected: u64,
		/// What there is.
		actual: u64,
	},
}

impl BatchFile {
	/// The stored bytes.
	pub fn encode(&self) -> Vec<u8> {
		let count = self.queries.len() as u32;
		let d = self.dimension as usize;
		let mut out = Vec::with_capacity(batch_file_size(count, self.dimension) as usize);
		write_header(&mut out, BATCH_MAGIC, BATCH_FORMAT, self.dimension, count);
		for (i, &(input, output, label)) in self.queries.iter().enumerate() {
			for word in [input, output, label] {
				out.extend_from_slice(&word.to_le_bytes());
			}
			out.extend(self.embeddings[i * d..(i + 1) * d].iter().map(|&v| v as u8));
		}
		out
	}

	/// Reads stored bytes.
	pub fn decode(bytes: &[u8]) -> Result<BatchFile, BatchFileError> {
		let (dimension, count) =
			read_header(bytes, BATCH_MAGIC, BATCH_FORMAT).ok_or(BatchFileError::NotABatch)?;
		let expected = batch_file_size(count, dimension);
		if bytes.len() as u64 != expected {
			return Err(BatchFileError::WrongLength { expected, actual: bytes.len() as u64 });
		}
		let d = dimension as usize;
		let word = |b: &[u8]| u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
		let mut queries = Vec::with_capacity(count as usize);
		let mut embeddings = Vec::with_capacity(count as usize * d);
		for row in bytes[BATCH_HEADER_BYTES as usize..].chunks_exact(12 + d) {
			queries.push((word(&row[0..4]), word(&row[4..8]), word(&row[8..12])));
			embeddings.extend(row[12..].iter().map(|&v| v as i8));
		}
		Ok(BatchFile { dimension, queries, embeddings })
	}

	/// The query embedding of inference `i`.
	pub fn query(&self, i: usize) -> &[i8] {
		let d = self.dimension as usize;
		&self.embeddings[i * d..(i + 1) * d]
	}

	/// The leaf of inference `i`; `None` past the end.
	pub fn inference(&self, i: usize) -> Option<Inference> {
		let &(input_tokens, output_tokens, label) = self.queries.get(i)?;
		Some(Inference {
			input_tokens,
			output_tokens,
			query_hash: embedding_hash(self.query(i)),
			label,
		})
	}

	/// The inference leaves, in order.
	pub fn inferences(&self) -> Vec<Inference> {
		(0..self.queries.len()).filter_map(|i| self.inference(i)).collect()
	}
}

/// A model's fee rates per 1,000 tokens, as the job copied them when the batch was recorded.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct Rates {
	/// Per 1,000 input tokens, in the smallest unit.
	pub input: u128,
	/// Per 1,000 output tokens.
	pub output: u128,
}

impl Rates {
	/// The un-rounded price of `tokens`, times 1,000: `input × in + output × out`. The fee
	/// is its ceiling over 1,000; a query's part of the batch is its price over the batch's.
	/// Saturates (the chain refuses a batch whose total overflows).
	pub fn price(&self, tokens: Tokens) -> u128 {
		self.input
			.saturating_mul(tokens.input as u128)
			.saturating_add(self.output.saturating_mul(tokens.output as u128))
	}
}

/// `floor(2^64 × min(part, whole) / whole)`, exactly, and 0 when `whole` is 0: a query's share
/// of its batch in units of `2^-64`, at most [`SHARE_ONE`].
pub fn share_of(part: u128, whole: u128) -> u128 {
	if whole == 0 {
		return 0;
	}
	let part = part.min(whole);
	// Long division of `part × 2^64` by `whole`: the high word, then 64 bits of remainder.
	let mut quotient = part / whole;
	let mut rest = part % whole;
	for _ in 0..64 {
		// `rest < whole < 2^128`, so `2 rest` may carry out of 128 bits; it is then above
		// `whole`, and the difference fits again.
		let carry = rest >> 127;
		rest <<= 1;
		quotient <<= 1;
		if carry == 1 || rest >= whole {
			rest = rest.wrapping_sub(whole);
			quotient |= 1;
		}
	}
	quotient
}

/// A credit's amount: `floor(share × value / paid_sum)`, 0 when the value is not positive or
/// the sum is 0. With `share <= 2^64` and `value < 2^63` the product is exact in `u128`.
pub fn credit_amount(share: u128, value: i64, paid_sum: u64) -> u128 {
	if value <= 0 || paid_sum == 0 {
		return 0;
	}
	share.saturating_mul(value as u128) / paid_sum as u128
}

/// The sum of a query's positive paid values (its first `P` committed entries).
pub fn paid_sum(paid: &[Entry]) -> u64 {
	paid.iter().map(|e| e.value.max(0) as u64).fold(0u64, u64::saturating_add)
}

/// What a result commits to for one query of the batch: the leaf of its queries tree.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct QueryRecord {
	/// The query's ranking commitment over its `T` nearest ([`super::commitment`]).
	pub root: Hash,
	/// The sum of its positive paid values ([`paid_sum`]).
	pub paid_sum: u64,
}

impl QueryRecord {
	/// Its leaf hash: [`merkle::hash_leaf`] of the SCALE encoding (40 bytes).
	pub fn leaf_hash(&self) -> Hash {
		merkle::hash_leaf(&self.encode())
	}
}

/// A query record with its proof against the result's queries root.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct ProvenQuery {
	/// The record.
	pub record: QueryRecord,
	/// Its proof; `leaf_index` is the query's index in the batch.
	pub proof: MerkleProof,
}

/// One positive paid entry of one query, credited to the contributor of its item.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
pub struct Credit<AccountId> {
	/// Who contributed the item.
	pub contributor: AccountId,
	/// The query's index in the batch.
	pub query: u32,
	/// The entry's rank in that query's ranking (below `P`).
	pub rank: u32,
	/// [`credit_amount`] of the entry's value.
	pub amount: u128,
	/// The contributor's amounts up to and including this credit, in slot order.
	pub cumulative: u128,
}

impl<AccountId: Ord> Credit<AccountId> {
	/// The order of the credit tree: contributor, then query, then rank.
	pub fn key(&self) -> (&AccountId, u32, u32) {
		(&self.contributor, self.query, self.rank)
	}
}

/// A slot of the credit tree: a credit, or `None` for the padding after the last one.
pub type Slot<AccountId> = Option<Credit<AccountId>>;

/// A slot's leaf hash: [`merkle::hash_leaf`] of the SCALE encoding of the `Option`.
pub fn slot_hash<AccountId: Encode>(slot: &Slot<AccountId>) -> Hash {
	merkle::hash_leaf(&slot.encode())
}

/// A slot with its proof against the result's credits root.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct ProvenSlot<AccountId> {
	/// The slot.
	pub slot: Slot<AccountId>,
	/// Its proof; `leaf_index` is its position.
	pub proof: MerkleProof,
}

/// Whether revealed totals have the shape every result's must: at most `max_totals`, accounts
/// strictly increasing, every total above 0, and their sum at most [`SHARE_ONE`]. `O(R)`;
/// checked when a result is revealed.
pub fn totals_well_formed<AccountId: Ord>(totals: &[(AccountId, u128)], max_totals: u32) -> bool {
	let mut sum = 0u128;
	totals.len() <= max_totals as usize
		&& totals.windows(2).all(|w| w[0].0 < w[1].0)
		&& totals.iter().all(|(_, t)| {
			sum = sum.saturating_add(*t);
			*t > 0
		}) && sum <= SHARE_ONE
}

/// The honest result's settlement part: records, slots and totals.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct BatchSettlement<AccountId> {
	/// One record per query.
	pub records: Vec<QueryRecord>,
	/// `M × P` slots: the credits sorted by [`Credit::key`], then `None`s.
	pub slots: Vec<Slot<AccountId>>,
	/// The revealed totals, by account.
	pub totals: Vec<(AccountId, u128)>,
}

impl<AccountId: Encode> BatchSettlement<AccountId> {
	/// The root of the queries tree.
	pub fn queries_root(&self) -> Hash {
		merkle::root(&self.records.iter().map(QueryRecord::leaf_hash).collect::<Vec<_>>())
	}

	/// The root of the credit tree.
	pub fn credits_root(&self) -> Hash {
		merkle::root(&self.slots.iter().map(slot_hash).collect::<Vec<_>>())
	}
}

/// The totals to reveal from every contributor's total: those above 0, and of those the
/// `max_totals` largest (the larger total first, then the smaller account), sorted by account.
pub fn select_totals<AccountId: Ord + Clone>(
	mut runs: Vec<(AccountId, u128)>,
	max_totals: u32,
) -> Vec<(AccountId, u128)> {
	runs.retain(|(_, t)| *t > 0);
	if runs.len() > max_totals as usize {
		runs.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
		runs.truncate(max_totals as usize);
	}
	runs.sort_by(|a, b| a.0.cmp(&b.0));
	runs
}

/// Whether a contributor with `total` that is not revealed should have been: there is room, or
/// it beats the smallest revealed total (larger total, or equal and smaller account).
fn beats_revealed<AccountId: Ord>(
	who: &AccountId,
	total: u128,
	totals: &[(AccountId, u128)],
	max_totals: u32,
) -> bool {
	if total == 0 {
		return false;
	}
	if totals.len() < max_totals as usize {
		return true;
	}
	// The weakest revealed: the smallest total, the larger account on a tie.
	totals
		.iter()
		.min_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
		.is_some_and(|(account, t)| total > *t || (total == *t && who < account))
}

/// The settlement of a batch job from each query's ranking commitment and paid entries (its
/// first `P` committed entries): every query's record, every credit in its slot, and the
/// totals. `contributor` gives the contributor of a version index. `O(M P log(M P))`.
pub fn settle<AccountId: Ord + Clone>(
	inferences: &[Inference],
	rankings: &[(Hash, &[Entry])],
	rates: Rates,
	batch_tokens: Tokens,
	paid: u32,
	max_totals: u32,
	contributor: impl Fn(u32) -> AccountId,
) -> BatchSettlement<AccountId> {
	let whole = rates.price(batch_tokens);
	let mut records = Vec::with_capacity(rankings.len());
	let mut credits = Vec::new();
	for (q, (inference, (root, entries))) in inferences.iter().zip(rankings).enumerate() {
		let entries = &entries[..entries.len().min(paid as usize)];
		let sum = paid_sum(entries);
		records.push(QueryRecord { root: *root, paid_sum: sum });
		let share = share_of(rates.price(inference.tokens()), whole);
		for e in entries.iter().filter(|e| e.value > 0) {
			credits.push(Credit {
				contributor: contributor(e.index),
				query: q as u32,
				rank: e.rank,
				amount: credit_amount(share, e.value, sum),
				cumulative: 0,
			});
		}
	}
	let (slots, runs) = arrange(credits, rankings.len() * paid as usize);
	BatchSettlement { records, slots, totals: select_totals(runs, max_totals) }
}

/// Credits sorted into `slot_count` slots (padding after them; more slots if they do not
/// fit), each given its running total, and each contributor's total in account order.
pub fn arrange<AccountId: Ord + Clone>(
	mut credits: Vec<Credit<AccountId>>,
	slot_count: usize,
) -> (Vec<Slot<AccountId>>, Vec<(AccountId, u128)>) {
	credits.sort_by(|a, b| a.key().cmp(&b.key()));
	let mut runs: Vec<(AccountId, u128)> = Vec::new();
	for c in credits.iter_mut() {
		match runs.last_mut() {
			Some((who, total)) if *who == c.contributor => *total = total.saturating_add(c.amount),
			_ => runs.push((c.contributor.clone(), c.amount)),
		}
		c.cumulative = runs.last().map_or(0, |r| r.1);
	}
	let mut slots: Vec<Slot<AccountId>> = credits.into_iter().map(Some).collect();
	slots.resize(slot_count.max(slots.len()), None);
	(slots, runs)
}

/// What a successful batch check proves wrong.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub enum BatchFault {
	/// A query's ranking is wrong: one of the single-query faults.
	Ranking(Fault),
	/// A query record's paid sum is not the sum of its positive paid values.
	WrongPaidSum,
	/// A credit names a query the batch does not have or a rank that is not paid.
	CreditOutOfRange,
	/// A credit does not match its query's committed entry: a value that is not positive,
	/// another contributor than the item's, or another amount than its value and its query's
	/// share make.
	CreditMismatch,
	/// Two adjacent slots are not in strictly increasing credit order, or padding comes before
	/// a credit.
	CreditOrder,
	/// A credit's running total is not the previous one's plus its amount (or its amount, at
	/// the start of its contributor's run).
	WrongCumulative,
	/// A positive paid entry has no credit: its key lies strictly between two adjacent slots.
	MissingCredit,
	/// A contributor's revealed total is not its last credit's running total, or it is left
	/// out although there is room or its total beats a revealed one.
	WrongTotal,
	/// A revealed contributor has no credit at all.
	TotalWithoutCredits,
}

/// Why a batch challenge's inputs prove nothing.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub enum BatchInvalid {
	/// A single-query check's inputs do not hold up.
	Check(Invalid),
	/// A query record's proof does not verify against the queries root with the batch's count.
	QueryProof,
	/// An inference's proof does not verify against the batch.
	InferenceProof,
	/// A slot's proof does not verify against the credits root with the slot count.
	SlotProof,
	/// The parts name different queries, ranks or positions.
	Mismatched,
	/// The slots are not adjacent, or the bracket is open at a side that is not the end.
	NotAdjacent,
	/// The slot holds no credit.
	EmptySlot,
	/// The entry is not a positive paid entry.
	NotPaid,
	/// The paid entries are not the query's first `P`, in order.
	PaidEntries,
	/// The credit is not the last of its contributor's run.
	NotLast,
	/// No revealed total at that position.
	NoSuchTotal,
}

impl From<Invalid> for BatchInvalid {
	fn from(invalid: Invalid) -> Self {
		BatchInvalid::Check(invalid)
	}
}

/// The outcome of a batch check.
pub type BatchVerdict = Result<Option<BatchFault>, BatchInvalid>;

fn fault_if(condition: bool, fault: BatchFault) -> BatchVerdict {
	Ok(condition.then_some(fault))
}

/// The credits on either side of a bracket of slots: `None` for the start, the end or padding.
type Bracket<'s, AccountId> = (Option<&'s Credit<AccountId>>, Option<&'s Credit<AccountId>>);

/// What a batch job fixes before any result is posted, plus the result under challenge.
#[derive(Clone, Debug)]
pub struct BatchJob<'a, AccountId> {
	/// The method.
	pub method: Method,
	/// The Datanet version the items come from.
	pub version: VersionCommitment,
	/// Its embedding dimension.
	pub dimension: u32,
	/// The batch as recorded.
	pub batch: BatchCommitment,
	/// The model's rates when the batch was recorded.
	pub rates: Rates,
	/// Paid ranks per query, `P` ([`super::check::paid_count`]).
	pub paid: u32,
	/// The most totals a result reveals.
	pub max_totals: u32,
	/// The result's queries root.
	pub queries: Hash,
	/// The result's credits root.
	pub credits: Hash,
	/// The result's revealed totals, by account.
	pub totals: &'a [(AccountId, u128)],
}

impl<AccountId: Encode + Ord + Clone> BatchJob<'_, AccountId> {
	/// Slots in the credit tree: `M × P`.
	pub fn slot_count(&self) -> u32 {
		self.batch.count.saturating_mul(self.paid)
	}

	/// The single-query job of one query: its ranking commitment from the proven record, its
	/// query hash and label from the proven inference, no paid entries revealed.
	pub fn query_job(&self, inference: &Inference, record: &QueryRecord) -> Job<'static> {
		Job {
			method: self.method,
			version_root: self.version.root,
			file_count: self.version.file_count,
			item_count: self.version.item_count,
			dimension: self.dimension,
			query_hash: inference.query_hash,
			query_label: inference.label,
			commitment: record.root,
			paid: &[],
		}
	}

	/// The job of a query's ranking for opening its entries, which reads only the record's
	/// commitment and the committed count, not the query's hash or label.
	pub fn ranking_of(&self, record: &QueryRecord) -> Job<'static> {
		let unread = Inference { input_tokens: 0, output_tokens: 0, query_hash: [0; 32], label: 0 };
		self.query_job(&unread, record)
	}

	/// Verifies a query record against the queries root; returns the query's index.
	pub fn open_query(&self, q: &ProvenQuery) -> Result<u32, BatchInvalid> {
		let ok = q.proof.leaf_count == self.batch.count
			&& merkle::verify(&self.queries, &q.record.leaf_hash(), &q.proof);
		ok.then_some(q.proof.leaf_index).ok_or(BatchInvalid::QueryProof)
	}

	/// Verifies an inference against the batch; returns its index.
	pub fn open_inference(&self, i: &ProvenInference) -> Result<u32, BatchInvalid> {
		let ok = i.proof.verify(&self.batch, &i.inference);
		ok.then_some(i.proof.leaf_index).ok_or(BatchInvalid::InferenceProof)
	}

	/// Verifies a slot against the credits root with the slot count; returns its position.
	pub fn open_slot(&self, s: &ProvenSlot<AccountId>) -> Result<u32, BatchInvalid> {
		let ok = s.proof.leaf_count == self.slot_count()
			&& merkle::verify(&self.credits, &slot_hash(&s.slot), &s.proof);
		ok.then_some(s.proof.leaf_index).ok_or(BatchInvalid::SlotProof)
	}

	/// A query's record and inference, both proven and naming the same query; returns its job.
	fn open_pair(
		&self,
		query: &ProvenQuery,
		inference: &ProvenInference,
	) -> Result<(u32, Job<'static>), BatchInvalid> {
		let q = self.open_query(query)?;
		if self.open_inference(inference)? != q {
			return Err(BatchInvalid::Mismatched);
		}
		Ok((q, self.query_job(&inference.inference, &query.record)))
	}

	/// `query`'s share of the batch, in units of `2^-64`.
	pub fn share(&self, inference: &Inference) -> u128 {
		share_of(self.rates.price(inference.tokens()), self.rates.price(self.batch.tokens))
	}

	/// A single-query check on query `q`'s ranking: `witness` run against the job of the query
	/// (its record's commitment, its inference's hash and label). `query` is its embedding.
	pub fn ranking(
		&self,
		record: &ProvenQuery,
		inference: &ProvenInference,
		witness: &Witness<AccountId>,
		query: &[i8],
	) -> BatchVerdict {
		let (_, job) = self.open_pair(record, inference)?;
		Ok(witness.check(&job, query)?.map(BatchFault::Ranking))
	}

	/// The record's paid sum is not the sum of the positive values of the query's first `P`
	/// committed entries, all given with their proofs. `O(P log T)` hashes.
	pub fn wrong_paid_sum(&self, record: &ProvenQuery, paid: &[ProvenEntry]) -> BatchVerdict {
		self.open_query(record)?;
		let job = self.ranking_of(&record.record);
		let expected = self.paid.min(job.committed_count());
		if paid.len() != expected as usize {
			return Err(BatchInvalid::PaidEntries);
		}
		for (position, e) in paid.iter().enumerate() {
			if job.open(e)? != position as u32 {
				return Err(BatchInvalid::PaidEntries);
			}
		}
		let entries: Vec<Entry> = paid.iter().map(|e| e.entry).collect();
		fault_if(paid_sum(&entries) != record.record.paid_sum, BatchFault::WrongPaidSum)
	}

	/// The credit in `slot` names a query past the batch or a rank past `P`.
	pub fn credit_out_of_range(&self, slot: &ProvenSlot<AccountId>) -> BatchVerdict {
		self.open_slot(slot)?;
		let c = slot.slot.as_ref().ok_or(BatchInvalid::EmptySlot)?;
		fault_if(c.query >= self.batch.count || c.rank >= self.paid, BatchFault::CreditOutOfRange)
	}

	/// The credit in `slot` does not match the committed entry at its query and rank: the
	/// value is not positive, the item's contributor is another, or the amount is not
	/// [`credit_amount`] of the value with the query's share and paid sum.
	pub fn credit_mismatch(
		&self,
		slot: &ProvenSlot<AccountId>,
		record: &ProvenQuery,
		inference: &ProvenInference,
		entry: &ProvenEntry,
		item: &ProvenItem<AccountId>,
	) -> BatchVerdict {
		self.open_slot(slot)?;
		let c = slot.slot.as_ref().ok_or(BatchInvalid::EmptySlot)?;
		let (q, job) = self.open_pair(record, inference)?;
		if q != c.query || job.open(entry)? != c.rank || item.index != entry.entry.index {
			return Err(BatchInvalid::Mismatched);
		}
		if !item.proof.verify(&job.version(), item.index, &item.item.hash()) {
			return Err(Invalid::ItemProof.into());
		}
		let value = entry.entry.value;
		let amount = credit_amount(self.share(&inference.inference), value, record.record.paid_sum);
		fault_if(
			value <= 0 || *item.proof.contributor() != c.contributor || amount != c.amount,
			BatchFault::CreditMismatch,
		)
	}

	/// Two slots at positions `p` and `p + 1`: padding before a credit, or two credits not in
	/// strictly increasing key order.
	pub fn credit_order(
		&self,
		first: &ProvenSlot<AccountId>,
		second: &ProvenSlot<AccountId>,
	) -> BatchVerdict {
		let (p, q) = (self.open_slot(first)?, self.open_slot(second)?);
		if p.checked_add(1) != Some(q) {
			return Err(BatchInvalid::NotAdjacent);
		}
		let wrong = match (&first.slot, &second.slot) {
			(None, Some(_)) => true,
			(Some(a), Some(b)) => a.key() >= b.key(),
			_ => false,
		};
		fault_if(wrong, BatchFault::CreditOrder)
	}

	/// The credit in `slot` has a running total other than `before`'s plus its amount when
	/// `before` (the slot just before it) holds a credit of the same contributor, or its amount
	/// otherwise. `before` is `None` only at position 0.
	pub fn wrong_cumulative(
		&self,
		before: Option<&ProvenSlot<AccountId>>,
		slot: &ProvenSlot<AccountId>,
	) -> BatchVerdict {
		let p = self.open_slot(slot)?;
		let c = slot.slot.as_ref().ok_or(BatchInvalid::EmptySlot)?;
		let carried = match before {
			Some(b) => {
				if self.open_slot(b)?.checked_add(1) != Some(p) {
					return Err(BatchInvalid::NotAdjacent);
				}
				match &b.slot {
					Some(prev) if prev.contributor == c.contributor => prev.cumulative,
					_ => 0,
				}
			},
			None if p == 0 => 0,
			None => return Err(BatchInvalid::NotAdjacent),
		};
		fault_if(c.cumulative != carried.saturating_add(c.amount), BatchFault::WrongCumulative)
	}

	/// Checks a bracket of adjacent slots: `before` at `p` and `after` at `p + 1`, or only
	/// `after` at 0, or only `before` at the last position. Returns the bracket's slots.
	fn bracket<'s>(
		&self,
		before: Option<&'s ProvenSlot<AccountId>>,
		after: Option<&'s ProvenSlot<AccountId>>,
	) -> Result<Bracket<'s, AccountId>, BatchInvalid> {
		let last = self.slot_count().checked_sub(1);
		match (before, after) {
			(Some(b), Some(a)) => {
				if self.open_slot(b)?.checked_add(1) != Some(self.open_slot(a)?) {
					return Err(BatchInvalid::NotAdjacent);
				}
			},
			(None, Some(a)) if self.open_slot(a)? == 0 => {},
			(Some(b), None) if Some(self.open_slot(b)?) == last => {},
			_ => return Err(BatchInvalid::NotAdjacent),
		}
		Ok((before.and_then(|b| b.slot.as_ref()), after.and_then(|a| a.slot.as_ref())))
	}

	/// A positive paid entry (query `q`, rank `r < P`, value above 0) whose credit key
	/// `(contributor of its item, q, r)` lies strictly between the slots of a bracket: above
	/// `before`'s credit (or at the start) and below `after`'s (padding, or the end, counts as
	/// above everything). The slots are sorted, so the credit is missing.
	#[allow(clippy::too_many_arguments)]
	pub fn missing_credit(
		&self,
		record: &ProvenQuery,
		inference: &ProvenInference,
		entry: &ProvenEntry,
		item: &ProvenItem<AccountId>,
		before: Option<&ProvenSlot<AccountId>>,
		after: Option<&ProvenSlot<AccountId>>,
	) -> BatchVerdict {
		let (q, job) = self.open_pair(record, inference)?;
		let rank = job.open(entry)?;
		if rank >= self.paid || entry.entry.value <= 0 {
			return Err(BatchInvalid::NotPaid);
		}
		if item.index != entry.entry.index
			|| !item.proof.verify(&job.version(), item.index, &item.item.hash())
		{
			return Err(Invalid::ItemProof.into());
		}
		let (low, high) = self.bracket(before, after)?;
		let key = (item.proof.contributor(), q, rank);
		let above_low =
			low.is_none_or(|c| c.key() < key) && before.is_none_or(|b| b.slot.is_some());
		let below_high = high.is_none_or(|c| key < c.key());
		fault_if(above_low && below_high, BatchFault::MissingCredit)
	}

	/// The credit in `last` ends its contributor's run (`next`, the slot after it, holds
	/// padding or another contributor's credit, or `last` is the last slot), and its running
	/// total disagrees with the revealed totals: the contributor is revealed with another
	/// total, or it is not revealed although its total is above 0 and there is room or it beats
	/// the weakest revealed total.
	pub fn wrong_total(
		&self,
		last: &ProvenSlot<AccountId>,
		next: Option<&ProvenSlot<AccountId>>,
	) -> BatchVerdict {
		let p = self.open_slot(last)?;
		let c = last.slot.as_ref().ok_or(BatchInvalid::EmptySlot)?;
		match next {
			Some(n) => {
				if self.open_slot(n)? != p + 1 {
					return Err(BatchInvalid::NotAdjacent);
				}
				if n.slot.as_ref().is_some_and(|n| n.contributor == c.contributor) {
					return Err(BatchInvalid::NotLast);
				}
			},
			None if p.checked_add(1) == Some(self.slot_count()) => {},
			None => return Err(BatchInvalid::NotAdjacent),
		}
		let wrong = match self.totals.binary_search_by(|(who, _)| who.cmp(&c.contributor)) {
			Ok(at) => self.totals[at].1 != c.cumulative,
			Err(_) => beats_revealed(&c.contributor, c.cumulative, self.totals, self.max_totals),
		};
		fault_if(wrong, BatchFault::WrongTotal)
	}

	/// The revealed total at `position` names a contributor that the slots of a bracket show
	/// has no credit: `before`'s contributor is below it (or `before` is the start) and
	/// `after`'s above it (padding, or the end, counts as above).
	pub fn total_without_credits(
		&self,
		position: u32,
		before: Option<&ProvenSlot<AccountId>>,
		after: Option<&ProvenSlot<AccountId>>,
	) -> BatchVerdict {
		let (who, total) = self.totals.get(position as usize).ok_or(BatchInvalid::NoSuchTotal)?;
		let (low, high) = self.bracket(before, after)?;
		let above_low =
			low.is_none_or(|c| c.contributor < *who) && before.is_none_or(|b| b.slot.is_some());
		let below_high = high.is_none_or(|c| *who < c.contributor);
		fault_if(above_low && below_high && *total > 0, BatchFault::TotalWithoutCredits)
	}
}

/// The inputs of one batch check, ready to submit. Its variants differ in size as a call's
/// arguments do (the call boxes it), hence the allowed lint.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub enum BatchWitness<AccountId> {
	/// For [`BatchJob::ranking`].
	Ranking {
		/// The query's record.
		record: ProvenQuery,
		/// The query's inference.
		inference: ProvenInference,
		/// The single-query check against the record's commitment.
		witness: Witness<AccountId>,
	},
	/// For [`BatchJob::wrong_paid_sum`].
	WrongPaidSum {
		/// The query's record.
		record: ProvenQuery,
		/// Its first `P` committed entries.
		paid: Vec<ProvenEntry>,
	},
	/// For [`BatchJob::credit_out_of_range`].
	CreditOutOfRange {
		/// The slot.
		slot: ProvenSlot<AccountId>,
	},
	/// For [`BatchJob::credit_mismatch`].
	CreditMismatch {
		/// The slot.
		slot: ProvenSlot<AccountId>,
		/// Its query's record.
		record: ProvenQuery,
		/// Its query's inference.
		inference: ProvenInference,
		/// The committed entry at its rank.
		entry: ProvenEntry,
		/// The item that entry names.
		item: ProvenItem<AccountId>,
	},
	/// For [`BatchJob::credit_order`].
	CreditOrder {
		/// The slot at `p`.
		first: ProvenSlot<AccountId>,
		/// The slot at `p + 1`.
		second: ProvenSlot<AccountId>,
	},
	/// For [`BatchJob::wrong_cumulative`].
	WrongCumulative {
		/// The slot before, none at position 0.
		before: Option<ProvenSlot<AccountId>>,
		/// The credit.
		slot: ProvenSlot<AccountId>,
	},
	/// For [`BatchJob::missing_credit`].
	MissingCredit {
		/// The entry's query record.
		record: ProvenQuery,
		/// Its inference.
		inference: ProvenInference,
		/// The paid entry left out.
		entry: ProvenEntry,
		/// The item it names.
		item: ProvenItem<AccountId>,
		/// The slot below its key; none at the start.
		before: Option<ProvenSlot<AccountId>>,
		/// The slot above it; none at the end.
		after: Option<ProvenSlot<AccountId>>,
	},
	/// For [`BatchJob::wrong_total`].
	WrongTotal {
		/// The last credit of the contributor's run.
		last: ProvenSlot<AccountId>,
		/// The slot after it; none at the end.
		next: Option<ProvenSlot<AccountId>>,
	},
	/// For [`BatchJob::total_without_credits`].
	TotalWithoutCredits {
		/// The revealed total's position.
		position: u32,
		/// The slot below its contributor; none at the start.
		before: Option<ProvenSlot<AccountId>>,
		/// The slot above it; none at the end.
		after: Option<ProvenSlot<AccountId>>,
	},
}

impl<AccountId: Encode + Ord + Clone> BatchWitness<AccountId> {
	/// Runs the check this witness is for, with the query embedding where a single-query check
	/// recomputes a distance.
	pub fn check(&self, job: &BatchJob<AccountId>, query: &[i8]) -> BatchVerdict {
		match self {
			BatchWitness::Ranking { record, inference, witness } => {
				job.ranking(record, inference, witness, query)
			},
			BatchWitness::WrongPaidSum { record, paid } => job.wrong_paid_sum(record, paid),
			BatchWitness::CreditOutOfRange { slot } => job.credit_out_of_range(slot),
			BatchWitness::CreditMismatch { slot, record, inference, entry, item } => {
				job.credit_mismatch(slot, record, inference, entry, item)
			},
			BatchWitness::CreditOrder { first, second } => job.credit_order(first, second),
			BatchWitness::WrongCumulative { before, slot } => {
				job.wrong_cumulative(before.as_ref(), slot)
			},
			BatchWitness::MissingCredit { record, inference, entry, item, before, after } => {
				job.missing_credit(record, inference, entry, item, before.as_ref(), after.as_ref())
			},
			BatchWitness::WrongTotal { last, next } => job.wrong_total(last, next.as_ref()),
			BatchWitness::TotalWithoutCredits { position, before, after } => {
				job.total_without_credits(*position, before.as_ref(), after.as_ref())
			},
		}
	}
}

/// Everything a worker committed to for a batch job: each query's committed entries, the
/// records and the slots. The totals are the job's.
#[derive(Debug)]
pub struct ClaimedBatch<'a, AccountId> {
	/// Each query's committed entries, in rank order.
	pub rankings: &'a [Vec<Entry>],
	/// The query records.
	pub records: &'a [QueryRecord],
	/// The credit tree's slots.
	pub slots: &'a [Slot<AccountId>],
}

impl<AccountId> Clone for ClaimedBatch<'_, AccountId> {
	fn clone(&self) -> Self {
		*self
	}
}
impl<AccountId> Copy for ClaimedBatch<'_, AccountId> {}

/// Proofs into a claimed batch result.
struct BatchProver<'a, AccountId> {
	tree: BatchTree,
	inferences: Vec<Inference>,
	records: merkle::Levels,
	slots: merkle::Levels,
	claimed: ClaimedBatch<'a, AccountId>,
	version: VersionData<'a, AccountId>,
}

impl<AccountId: Encode + Clone> BatchProver<'_, AccountId> {
	fn record(&self, q: usize) -> Option<ProvenQuery> {
		Some(ProvenQuery { record: *self.claimed.records.get(q)?, proof: self.records.proof(q)? })
	}

	fn inference(&self, q: usize) -> Option<ProvenInference> {
		Some(ProvenInference {
			inference: *self.inferences.get(q)?,
			proof: self.tree.proof(q as u32)?,
		})
	}

	fn slot(&self, position: usize) -> Option<ProvenSlot<AccountId>> {
		Some(ProvenSlot {
			slot: self.claimed.slots.get(position)?.clone(),
			proof: self.slots.proof(position)?,
		})
	}

	fn entry(&self, q: usize, rank: usize) -> Option<ProvenEntry> {
		let entries = self.claimed.rankings.get(q)?;
		let hashes: Vec<Hash> = entries.iter().map(Entry::leaf_hash).collect();
		Some(ProvenEntry { entry: *entries.get(rank)?, proof: merkle::proof(&hashes, rank)? })
	}

	fn item(&self, index: u32) -> Option<ProvenItem<AccountId>> {
		let items = self.version.items;
		Some(ProvenItem { index, item: *items.item(index)?, proof: items.proof(index)? })
	}

	/// The slots on either side of the first slot whose credit is not below `below`
	/// (padding counts as above): `(before, after)`.
	fn bracket(
		&self,
		below: impl Fn(&Credit<AccountId>) -> bool,
	) -> (Option<ProvenSlot<AccountId>>, Option<ProvenSlot<AccountId>>) {
		let at = self.claimed.slots.partition_point(|s| s.as_ref().is_some_and(&below));
		(at.checked_sub(1).and_then(|p| self.slot(p)), self.slot(at))
	}
}

/// A witness that a claimed batch result is wrong, or `None` if it is the honest one or
/// cannot be proven against (it does not hash to the job's roots, or the batch file or the
/// version data do not match the job). Walks the checks in the order of the completeness
/// argument (docs/attribution.md, "Batches"): each query's ranking, its paid sum, each credit
/// alone, the order, a missing credit, the running totals, the revealed totals. It costs the
/// reference result of every query.
pub fn find_batch_witness<AccountId: Encode + Ord + Clone>(
	job: &BatchJob<AccountId>,
	version: VersionData<AccountId>,
	batch: &BatchFile,
	claimed: ClaimedBatch<AccountId>,
) -> Option<BatchWitness<AccountId>> {
	let m = job.batch.count as usize;
	let inferences = batch.inferences();
	let tree = BatchTree::new(&inferences)?;
	let records = merkle::Levels::new(claimed.records.iter().map(QueryRecord::leaf_hash).collect());
	let slots = merkle::Levels::new(claimed.slots.iter().map(slot_hash).collect());
	if tree.commitment() != job.batch
		|| batch.dimension != job.dimension
		|| version.items.commitment() != job.version
		|| records.root() != job.queries
		|| records.leaf_count() != m
		|| slots.root() != job.credits
		|| slots.leaf_count() != job.slot_count() as usize
		|| claimed.rankings.len() != m
		|| claimed.rankings.iter().zip(claimed.records).any(|(r, c)| super::commitment(r) != c.root)
	{
		return None;
	}
	let p = BatchProver {
		tree,
		inferences,
		records,
		slots,
		claimed,
		version: VersionData { items: version.items, embeddings: version.embeddings },
	};
	// Each query's ranking, then its paid sum.
	for q in 0..m {
		let inner = job.query_job(&p.inferences[q], &claimed.records[q]);
		let data = VersionData { items: version.items, embeddings: version.embeddings };
		if let Some(witness) = find_witness(&inner, data, batch.query(q), &claimed.rankings[q]) {
			return Some(BatchWitness::Ranking {
				record: p.record(q)?,
				inference: p.inference(q)?,
				witness,
			});
		}
	}
	let paid_of = |q: usize| {
		let ranking = &claimed.rankings[q];
		&ranking[..ranking.len().min(job.paid as usize)]
	};
	for q in 0..m {
		if paid_sum(paid_of(q)) != claimed.records[q].paid_sum {
			let paid = (0..paid_of(q).len()).map(|r| p.entry(q, r)).collect::<Option<_>>()?;
			return Some(BatchWitness::WrongPaidSum { record: p.record(q)?, paid });
		}
	}
	// Each credit alone.
	let contributor = |index: u32| p.item(index).map(|i| i.proof.contributor().clone());
	for (position, slot) in claimed.slots.iter().enumerate() {
		let Some(c) = slot else { continue };
		if c.query as usize >= m || c.rank >= job.paid {
			return Some(BatchWitness::CreditOutOfRange { slot: p.slot(position)? });
		}
		let (q, rank) = (c.query as usize, c.rank as usize);
		let entry = *claimed.rankings[q].get(rank)?;
		let share = job.share(&p.inferences[q]);
		if entry.value <= 0
			|| contributor(entry.index)? != c.contributor
			|| credit_amount(share, entry.value, claimed.records[q].paid_sum) != c.amount
		{
			return Some(BatchWitness::CreditMismatch {
				slot: p.slot(position)?,
				record: p.record(q)?,
				inference: p.inference(q)?,
				entry: p.entry(q, rank)?,
				item: p.item(entry.index)?,
			});
		}
	}
	// The order.
	for position in 1..claimed.slots.len() {
		let wrong = match (&claimed.slots[position - 1], &claimed.slots[position]) {
			(None, Some(_)) => true,
			(Some(a), Some(b)) => a.key() >= b.key(),
			_ => false,
		};
		if wrong {
			return Some(BatchWitness::CreditOrder {
				first: p.slot(position - 1)?,
				second: p.slot(position)?,
			});
		}
	}
	// A positive paid entry without its credit.
	let present: alloc::collections::BTreeSet<(AccountId, u32, u32)> =
		claimed.slots.iter().flatten().map(|c| (c.contributor.clone(), c.query, c.rank)).collect();
	for q in 0..m {
		for e in paid_of(q).iter().filter(|e| e.value > 0) {
			let who = contributor(e.index)?;
			if present.contains(&(who.clone(), q as u32, e.rank)) {
				continue;
			}
			let key = (&who, q as u32, e.rank);
			let (before, after) = p.bracket(|c| c.key() < key);
			return Some(BatchWitness::MissingCredit {
				record: p.record(q)?,
				inference: p.inference(q)?,
				entry: p.entry(q, e.rank as usize)?,
				item: p.item(e.index)?,
				before,
				after,
			});
		}
	}
	// The running totals.
	for (position, slot) in claimed.slots.iter().enumerate() {
		let Some(c) = slot else { continue };
		let carried = match position.checked_sub(1).map(|b| &claimed.slots[b]) {
			Some(Some(prev)) if prev.contributor == c.contributor => prev.cumulative,
			_ => 0,
		};
		if c.cumulative != carried.saturating_add(c.amount) {
			return Some(BatchWitness::WrongCumulative {
				before: position.checked_sub(1).and_then(|b| p.slot(b)),
				slot: p.slot(position)?,
			});
		}
	}
	// The revealed totals: each run's end, then each revealed contributor without a run.
	let mut runs = alloc::collections::BTreeSet::new();
	for (position, slot) in claimed.slots.iter().enumerate() {
		let Some(c) = slot else { continue };
		runs.insert(c.contributor.clone());
		let next = claimed.slots.get(position + 1);
		if next.is_some_and(|n| n.as_ref().is_some_and(|n| n.contributor == c.contributor)) {
			continue;
		}
		let wrong = match job.totals.binary_search_by(|(who, _)| who.cmp(&c.contributor)) {
			Ok(at) => job.totals[at].1 != c.cumulative,
			Err(_) => beats_revealed(&c.contributor, c.cumulative, job.totals, job.max_totals),
		};
		if wrong {
			return Some(BatchWitness::WrongTotal {
				last: p.slot(position)?,
				next: p.slot(position + 1),
			});
		}
	}
	for (position, (who, _)) in job.totals.iter().enumerate() {
		if !runs.contains(who) {
			let (before, after) = p.bracket(|c| c.contributor <= *who);
			return Some(BatchWitness::TotalWithoutCredits {
				position: position as u32,
				before,
				after,
			});
		}
	}
	// Every check passed: the result must be the honest one (docs/attribution.md, "Batches").
	debug_assert!({
		let rankings: Vec<(Hash, &[Entry])> =
			claimed.records.iter().zip(claimed.rankings).map(|(r, e)| (r.root, &e[..])).collect();
		let honest = settle(
			&p.inferences,
			&rankings,
			job.rates,
			job.batch.tokens,
			job.paid,
			job.max_totals,
			|i| contributor(i).expect("every ranked index is an item"),
		);
		honest.records == claimed.records
			&& honest.slots == claimed.slots
			&& honest.totals == job.totals
	});
	None
}

pub mod search;

#[cfg(test)]
mod tests;
