//! Pricing, escrow, settlement and refunds, and the invariants.

use crate::{funds, pallet::*, types::*, weights::WeightInfo};
use alloc::vec::Vec;
use frame_support::{pallet_prelude::*, traits::Get};
use frame_system::pallet_prelude::BlockNumberFor;
use openledger_primitives::{
	attribution::{
		batch::{BatchCommitment, Inference, Rates, Tokens, MAX_BATCH, SHARE_ONE},
		Method,
	},
	merkle::Hash,
};
use openledger_traits::{FeeRates, JobOpener, JobSpec, ModelRegistry, OnJobEnd, Queries};
use openledger_traits::{ReputationReporter, Role};
use sp_runtime::{
	helpers_128bit::multiply_by_rational_with_rounding,
	traits::{CheckedAdd, CheckedMul, Saturating, UniqueSaturatedFrom, UniqueSaturatedInto, Zero},
	Rounding,
};

/// The fee for `input` and `output` tokens at `rates` per 1,000 tokens, rounded up once; `None`
/// if it overflows. A batch is charged on its totals, so its fee is at most one unit above the
/// exact price.
pub fn token_fee<Balance>(rates: &FeeRates<Balance>, input: u64, output: u64) -> Option<Balance>
where
	Balance: sp_runtime::traits::AtLeast32BitUnsigned + Copy,
{
	let input = Balance::try_from(input).ok()?;
	let output = Balance::try_from(output).ok()?;
	let per_1k = rates
		.input_per_1k
		.checked_mul(&input)?
		.checked_add(&rates.output_per_1k.checked_mul(&output)?)?;
	let thousand = Balance::from(1_000u32);
	let whole = per_1k / thousand;
	Some(if (per_1k % thousand).is_zero() {
		whole
	} else {
		whole.checked_add(&Balance::from(1u32))?
	})
}

/// `total` split into `n` parts as evenly as integers allow; the first takes the remainder.
fn split_evenly<Balance>(total: Balance, n: u32) -> impl Iterator<Item = Balance>
where
	Balance: sp_runtime::traits::AtLeast32BitUnsigned + Copy,
{
	let n_b = Balance::from(n.max(1));
	let base = total / n_b;
	let first = base.saturating_add(total % n_b);
	(0..n).map(move |i| if i == 0 { first } else { base })
}

/// What the contributors share of their part `c` when the revealed totals sum to `amounts` (in
/// units of `2^-64` of the batch): `floor(c × min(amounts, 2^64) / 2^64)`. The rest (queries
/// with no positive paid value, contributors past the bound, rounding) is the treasury's.
pub fn allotted(c: u128, amounts: u128) -> u128 {
	multiply_by_rational_with_rounding(c, amounts.min(SHARE_ONE), SHARE_ONE, Rounding::Down)
		.unwrap_or(0)
}

/// A contributor's credit: `floor(allotted × weight / weights)`, its total times its reputation
/// factor over the sum of them. At most `allotted` when `weight <= weights`.
pub fn contributor_credit(allotted: u128, weight: u128, weights: u128) -> u128 {
	if weights == 0 {
		return 0;
	}
	multiply_by_rational_with_rounding(allotted, weight.min(weights), weights, Rounding::Down)
		.unwrap_or(0)
}

impl<T: Config> Pallet<T> {
	/// The parameters in force.
	pub fn params() -> Params<BalanceOf<T>, BlockNumberFor<T>> {
		CurrentParams::<T>::get().unwrap_or_else(T::DefaultParams::get)
	}

	/// The account that holds escrows and claimable balances.
	pub fn account_id() -> T::AccountId {
		funds::account::<T>()
	}

	pub(crate) fn check_params(p: &Params<BalanceOf<T>, BlockNumberFor<T>>) -> DispatchResult {
		ensure!(p.shares.is_whole(), Error::<T>::SharesNotWhole);
		ensure!(p.knn_paid > 0 && p.knn_paid <= T::MaxPaid::get(), Error::<T>::BadParams);
		ensure!(!p.job_window.is_zero(), Error::<T>::BadParams);
		Ok(())
	}

	/// What an inference costs now: `(token fee, platform fee)`.
	pub fn quote(model: ModelId, input: u32, output: u32) -> Option<(BalanceOf<T>, BalanceOf<T>)> {
		let view = T::Models::active_model(model)?;
		let fee = token_fee(&view.fees, input as u64, output as u64)?;
		let platform = Self::params().platform_fee;
		fee.checked_add(&platform)?;
		Some((fee, platform))
	}

	/// Records one inference, a batch of one; returns how many jobs it opened.
	pub(crate) fn do_record_inference(
		payer: &T::AccountId,
		model: ModelId,
		input: u32,
		output: u32,
		query_hash: Hash,
		query_label: u32,
	) -> Result<u32, DispatchError> {
		ensure!(input > 0 || output > 0, Error::<T>::NoTokens);
		let inference = Inference {
			input_tokens: input,
			output_tokens: output,
			query_hash,
			label: query_label,
		};
		let recorded =
			Self::do_record(payer, model, 1, inference.tokens(), Queries::One(inference))?;
		let jobs = recorded.jobs.len() as u32;
		Self::deposit_event(Event::InferenceRecorded {
			inference: recorded.first,
			model,
			payer: payer.clone(),
			input_tokens: input,
			output_tokens: output,
			fee: recorded.fee,
			platform_fee: recorded.platform,
			jobs: recorded.jobs,
		});
		Ok(jobs)
	}

	/// Records a batch; returns how many jobs it opened.
	pub(crate) fn do_record_batch(
		payer: &T::AccountId,
		model: ModelId,
		file: Hash,
		root: Hash,
		count: u32,
		tokens: Tokens,
	) -> Result<u32, DispatchError> {
		ensure!((1..=MAX_BATCH).contains(&count), Error::<T>::BadBatch);
		ensure!(tokens.input.saturating_add(tokens.output) >= count as u64, Error::<T>::NoTokens);
		let commitment = BatchCommitment { root, count, tokens };
		let recorded =
			Self::do_record(payer, model, count, tokens, Queries::Batch { file, commitment })?;
		let jobs = recorded.jobs.len() as u32;
		Self::deposit_event(Event::BatchRecorded {
			file,
			root,
			first: recorded.first,
			count,
			model,
			payer: payer.clone(),
			input_tokens: tokens.input,
			output_tokens: tokens.output,
			fee: recorded.fee,
			platform_fee: recorded.platform,
			jobs: recorded.jobs,
		});
		Ok(jobs)
	}

	/// Prices `count` inferences of `tokens` in total, escrows the fee and opens the jobs.
	fn do_record(
		payer: &T::AccountId,
		model: ModelId,
		count: u32,
		tokens: Tokens,
		queries: Queries,
	) -> Result<Recorded<T>, DispatchError> {
		let view = T::Models::active_model(model).ok_or(Error::<T>::UnknownModel)?;
		let n = view.trained_on.len() as u32;
		ensure!(n > 0 && n <= T::MaxTrainedOn::get(), Error::<T>::BadTrainingData);
		let p = Self::params();
		let fee =
			token_fee(&view.fees, tokens.input, tokens.output).ok_or(Error::<T>::FeeOverflow)?;
		let platform = p
			.platform_fee
			.checked_mul(&BalanceOf::<T>::from(count))
			.ok_or(Error::<T>::FeeOverflow)?;
		let total = fee.checked_add(&platform).ok_or(Error::<T>::FeeOverflow)?;
		let escrowed = Escrowed::<T>::get().checked_add(&total).ok_or(Error::<T>::Overflow)?;
		funds::escrow::<T>(payer, total)?;

		let first = NextInference::<T>::get();
		NextInference::<T>::put(first.checked_add(count as u64).ok_or(Error::<T>::Overflow)?);
		let top = match view.method {
			Method::KnnShapley { .. } => p.knn_paid,
			Method::Similarity { k } => k,
		};
		let rates = Rates {
			input: view.fees.input_per_1k.unique_saturated_into(),
			output: view.fees.output_per_1k.unique_saturated_into(),
		};
		let deadline = frame_system::Pallet::<T>::block_number().saturating_add(p.job_window);
		let mut jobs = InferenceJobsOf::<T>::new();
		let parts = split_evenly(fee, n).zip(split_evenly(platform, n));
		for (&(datanet, version), (fee, platform)) in view.trained_on.iter().zip(parts) {
			let spec = JobSpec {
				datanet,
				version,
				method: view.method,
				top,
				queries: queries.clone(),
				rates,
				deadline,
			};
			let job = T::Jobs::open_job(payer, spec)?;
			let escrow = Escrow::<T> {
				payer: payer.clone(),
				inference: first,
				model,
				owner: view.owner.clone(),
				datanet,
				version,
				fee,
				platform,
				inferences: count,
			};
			Escrows::<T>::insert(job, escrow);
			jobs.try_push(job).map_err(|_| Error::<T>::BadTrainingData)?;
		}
		Escrowed::<T>::put(escrowed);
		FeesOfModel::<T>::mutate(model, |m| {
			m.inferences = m.inferences.saturating_add(count as u64);
			m.charged = m.charged.saturating_add(total);
		});
		Ok(Recorded { first, fee, platform, jobs })
	}

	/// Takes a failed job's escrow out of the books.
	fn take_escrow(job: JobId) -> Option<Escrow<T>> {
		let escrow = Escrows::<T>::take(job)?;
		Escrowed::<T>::mutate(|e| *e = e.saturating_sub(escrow.total()));
		Some(escrow)
	}

	/// Adds `amount` to what `who` may claim.
	fn credit(job: JobId, who: &T::AccountId, payee: Payee, amount: BalanceOf<T>) {
		if amount.is_zero() {
			return;
		}
		Claimable::<T>::mutate(who, |c| *c = c.saturating_add(amount));
		TotalClaimable::<T>::mutate(|c| *c = c.saturating_add(amount));
		if let Payee::Contributor { datanet } = payee {
			Earnings::<T>::mutate(who, datanet, |e| *e = e.saturating_add(amount));
		}
		Self::deposit_event(Event::Credited { job, who: who.clone(), payee, amount });
	}

	/// Queues a final job's settlement (see the crate docs): its escrow moves into the
	/// settlement, still counted in `Escrowed` until it is credited.
	pub(crate) fn open_settlement(
		job: JobId,
		totals: &[(T::AccountId, u128)],
		supporters: &[T::AccountId],
	) {
		let Some(escrow) = Escrows::<T>::take(job) else {
			// Not a paid inference's job (a data-valuation job opened directly).
			return;
		};
		let shares = Self::params().shares;
		let fee = escrow.fee;
		let keep = |n: u32| n as usize;
		let totals: TotalsOf<T> = BoundedVec::truncate_from(
			totals.iter().take(keep(T::MaxTotals::get())).cloned().collect(),
		);
		let supporters: SupportersOf<T> = BoundedVec::truncate_from(
			supporters.iter().take(keep(T::MaxSupporters::get())).cloned().collect(),
		);
		let settlement = Settlement::<T> {
			remaining: escrow.total(),
			to_contributors: shares.contributors.mul_floor(fee),
			to_owner: shares.owner.mul_floor(fee),
			to_workers: shares.workers.mul_floor(fee),
			escrow,
			totals,
			supporters,
			step: Step::Weigh { next: 0, amounts: 0, weights: 0 },
		};
		Settlements::<T>::insert(job, settlement);
		let (head, tail) = SettleQueueBounds::<T>::get();
		SettleQueue::<T>::insert(tail, job);
		SettleQueueBounds::<T>::put((head, tail.saturating_add(1)));
	}

	/// The least the hook must be able to spend to make progress: one total weighed or
	/// credited, and a settlement closed.
	pub fn step_bound() -> Weight {
		T::WeightInfo::settle_weigh(1)
			.max(T::WeightInfo::settle_credit(1))
			.saturating_add(T::WeightInfo::settle_close(T::MaxSupporters::get()))
			.saturating_add(T::WeightInfo::settle_idle())
	}

	/// The most entries of a step that fit `left` of weight, by its benchmarked weight
	/// `weight(n)`, up to `max`; `None` if not even the step without entries fits.
	fn fitting(left: Weight, max: u32, weight: impl Fn(u32) -> Weight) -> Option<u32> {
		if !weight(0).all_lte(left) {
			return None;
		}
		let (mut lo, mut hi) = (0u32, max);
		while lo < hi {
			let mid = lo + (hi - lo).div_ceil(2);
			if weight(mid).all_lte(left) {
				lo = mid;
			} else {
				hi = mid - 1;
			}
		}
		Some(lo)
	}

	/// Settles queued jobs, oldest first, within `budget`: each step reads the job's
	/// settlement once, weighs or credits as many totals as fit, and writes it back, so a job
	/// left unfinished goes on from its cursor in the next block. Returns the weight used.
	pub(crate) fn process_settlements(budget: Weight) -> Weight {
		let mut used = T::WeightInfo::settle_idle();
		let (mut head, tail) = SettleQueueBounds::<T>::get();
		while head < tail {
			let Some(job) = SettleQueue::<T>::get(head) else {
				head = head.saturating_add(1);
				continue;
			};
			let Some(mut s) = Settlements::<T>::get(job) else {
				// Defensive: a queued job without its settlement is dropped from the queue.
				SettleQueue::<T>::remove(head);
				head = head.saturating_add(1);
				continue;
			};
			let len = s.totals.len() as u32;
			let left = budget.saturating_sub(used);
			match s.step {
				Step::Weigh { next, .. } => {
					let rest = len - next.min(len);
					let Some(n) = Self::fitting(left, rest, T::WeightInfo::settle_weigh) else {
						break;
					};
					if n == 0 && rest > 0 {
						break;
					}
					Self::weigh(&mut s, n);
					used.saturating_accrue(T::WeightInfo::settle_weigh(n));
					let weighed = matches!(s.step, Step::Credit { .. });
					Settlements::<T>::insert(job, s);
					if !weighed {
						break;
					}
				},
				Step::Credit { next, paid, .. } => {
					let rest = len - next.min(len);
					let Some(n) = Self::fitting(left, rest, T::WeightInfo::settle_credit) else {
						break;
					};
					if n == 0 && rest > 0 {
						break;
					}
					let paid = paid.saturating_add(Self::credit_contributors(job, &mut s, n));
					used.saturating_accrue(T::WeightInfo::settle_credit(n));
					let close = T::WeightInfo::settle_close(s.supporters.len() as u32);
					if n == rest && used.saturating_add(close).all_lte(budget) {
						used.saturating_accrue(close);
						Self::close_settlement(job, s, paid, len);
						SettleQueue::<T>::remove(head);
						head = head.saturating_add(1);
						continue;
					}
					Settlements::<T>::insert(job, s);
					break;
				},
			}
		}
		SettleQueueBounds::<T>::put((head, tail));
		used
	}

	/// Weighs the next `n` totals of a settlement in its weighing step (total times reputation
	/// factor); once all are weighed, moves it to crediting.
	pub(crate) fn weigh(s: &mut Settlement<T>, n: u32) {
		let Step::Weigh { next, mut amounts, mut weights } = s.step else { return };
		let end = next.saturating_add(n).min(s.totals.len() as u32);
		for i in next..end {
			let (who, total) = s.totals[i as usize].clone();
			let factor = T::Reputation::reward_factor(&who, Role::Contributor);
			let weight = total.saturating_mul(factor.into_inner() as u128);
			amounts = amounts.saturating_add(total);
			weights = weights.saturating_add(weight);
			s.totals[i as usize].1 = weight;
		}
		s.step = if end == s.totals.len() as u32 {
			let c: u128 = s.to_contributors.unique_saturated_into();
			Step::Credit { next: 0, allotted: allotted(c, amounts), weights, paid: 0 }
		} else {
			Step::Weigh { next: end, amounts, weights }
		};
	}

	/// Credits the next `n` contributors of a settlement in its crediting step; returns what
	/// they were credited.
	pub(crate) fn credit_contributors(job: JobId, s: &mut Settlement<T>, n: u32) -> u128 {
		let Step::Credit { next, allotted, weights, paid } = s.step else { return 0 };
		let end = next.saturating_add(n).min(s.totals.len() as u32);
		let datanet = s.escrow.datanet;
		let mut now = 0u128;
		for i in next..end {
			let (who, weight) = s.totals[i as usize].clone();
			let amount = contributor_credit(allotted, weight, weights);
			let amount = BalanceOf::<T>::unique_saturated_from(amount).min(s.remaining);
			Self::credit(job, &who, Payee::Contributor { datanet }, amount);
			s.remaining = s.remaining.saturating_sub(amount);
			Escrowed::<T>::mutate(|e| *e = e.saturating_sub(amount));
			now = now.saturating_add(amount.unique_saturated_into());
		}
		s.step = Step::Credit { next: end, allotted, weights, paid: paid.saturating_add(now) };
		now
	}

	/// The last step of a settlement: the owner, the workers equally, the treasury the rest.
	pub(crate) fn close_settlement(job: JobId, s: Settlement<T>, paid: u128, contributors: u32) {
		Settlements::<T>::remove(job);
		let escrow = &s.escrow;
		let mut remaining = s.remaining;
		let to_owner = s.to_owner.min(remaining);
		Self::credit(job, &escrow.owner, Payee::Owner, to_owner);
		remaining.saturating_reduce(to_owner);

		let mut workers = WorkerPayoutsOf::<T>::new();
		let mut workers_paid = BalanceOf::<T>::zero();
		let backers = s.supporters.len() as u128;
		if backers > 0 {
			let to_each = s.to_workers / BalanceOf::<T>::unique_saturated_from(backers);
			if !to_each.is_zero() {
				for who in s.supporters.iter() {
					let amount = to_each.min(remaining);
					if workers.try_push((who.clone(), amount)).is_ok() {
						Self::credit(job, who, Payee::Worker, amount);
						remaining.saturating_reduce(amount);
						workers_paid.saturating_accrue(amount);
					}
				}
			}
		}

		// The treasury: the rest.
		let treasury = remaining;
		Self::credit(job, &T::TreasuryAccount::get(), Payee::Treasury, treasury);
		Escrowed::<T>::mutate(|e| *e = e.saturating_sub(s.remaining));

		let total = escrow.total();
		let to_contributors = BalanceOf::<T>::unique_saturated_from(paid);
		FeesOfModel::<T>::mutate(escrow.model, |m| {
			m.settled = m.settled.saturating_add(total);
			m.to_owner = m.to_owner.saturating_add(to_owner);
		});
		let now = frame_system::Pallet::<T>::block_number();
		Self::keep_payout(
			job,
			Payout::<T> {
				inference: escrow.inference,
				inferences: escrow.inferences,
				model: escrow.model,
				datanet: escrow.datanet,
				version: escrow.version,
				contributors,
				to_contributors,
				owner: (escrow.owner.clone(), to_owner),
				workers,
				treasury,
				settled_at: now,
			},
		);
		Self::deposit_event(Event::Settled {
			job,
			inference: escrow.inference,
			total,
			contributors: to_contributors,
			owner: to_owner,
			workers: workers_paid,
			treasury,
		});
	}

	/// Credits a failed job's escrow back to its payer.
	pub(crate) fn refund(job: JobId) {
		let Some(escrow) = Self::take_escrow(job) else { return };
		let amount = escrow.total();
		Self::credit(job, &escrow.payer, Payee::Refund, amount);
		FeesOfModel::<T>::mutate(escrow.model, |m| m.refunded = m.refunded.saturating_add(amount));
		Self::deposit_event(Event::Refunded {
			job,
			inference: escrow.inference,
			payer: escrow.payer,
			amount,
		});
	}

	/// Keeps a payout, dropping the oldest beyond `MaxPayouts`.
	fn keep_payout(job: JobId, payout: Payout<T>) {
		let count = PayoutCount::<T>::get();
		let slot = (count % T::MaxPayouts::get() as u64) as u32;
		if let Some(old) = PayoutRing::<T>::get(slot) {
			Payouts::<T>::remove(old);
		}
		PayoutRing::<T>::insert(slot, job);
		Payouts::<T>::insert(job, payout);
		PayoutCount::<T>::put(count.saturating_add(1));
	}

	pub(crate) fn do_claim(who: &T::AccountId) -> DispatchResult {
		let amount = Claimable::<T>::get(who);
		ensure!(!amount.is_zero(), Error::<T>::NothingToClaim);
		funds::pay::<T>(who, amount)?;
		Claimable::<T>::remove(who);
		TotalClaimable::<T>::mutate(|c| *c = c.saturating_sub(amount));
		Self::deposit_event(Event::Claimed { who: who.clone(), amount });
		Ok(())
	}

	/// What `who` has earned as a contributor, per Datanet.
	pub fn earnings(who: &T::AccountId) -> Vec<(u32, BalanceOf<T>)> {
		Earnings::<T>::iter_prefix(who).collect()
	}

	/// The invariants:
	/// - the escrows and what settlements have left to credit sum to `Escrowed`, and the
	///   claimable balances (none of them zero) to `TotalClaimable`;
	/// - the settlement queue holds exactly the settlements in progress;
	/// - the pallet's account holds at least its existential deposit plus both (exactly that,
	///   unless someone sent it OPEN);
	/// - the payout ring holds the newest `min(PayoutCount, MaxPayouts)` payouts, each once;
	/// - the parameters are valid.
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use frame_support::traits::fungible::Inspect;
		let escrows = Escrows::<T>::iter_values()
			.fold(BalanceOf::<T>::zero(), |acc, e| acc.saturating_add(e.total()));
		let settling = Settlements::<T>::iter_values()
			.fold(BalanceOf::<T>::zero(), |acc, s| acc.saturating_add(s.remaining));
		let escrows = escrows.saturating_add(settling);
		ensure!(
			escrows == Escrowed::<T>::get(),
			"the escrows and what settlements have left do not sum to Escrowed"
		);
		let (head, tail) = SettleQueueBounds::<T>::get();
		ensure!(head <= tail, "the settlement queue ends before it starts");
		let queued: Vec<JobId> = (head..tail).filter_map(SettleQueue::<T>::get).collect();
		ensure!(
			SettleQueue::<T>::iter().count() == queued.len(),
			"a settlement is queued outside the queue's bounds"
		);
		ensure!(
			Settlements::<T>::iter_keys().all(|job| queued.contains(&job))
				&& queued.iter().all(Settlements::<T>::contains_key),
			"settlements and the queue differ"
		);
		let mut claimable = BalanceOf::<T>::zero();
		for (_, amount) in Claimable::<T>::iter() {
			ensure!(!amount.is_zero(), "a zero claimable balance is stored");
			claimable.saturating_accrue(amount);
		}
		ensure!(
			claimable == TotalClaimable::<T>::get(),
			"the claimable balances do not sum to TotalClaimable"
		);
		let owed = T::Currency::minimum_balance().saturating_add(escrows).saturating_add(claimable);
		ensure!(funds::held::<T>() >= owed, "the pallet's account holds less than it owes");

		let kept = PayoutCount::<T>::get().min(T::MaxPayouts::get() as u64);
		ensure!(
			PayoutRing::<T>::iter().count() as u64 == kept,
			"the payout ring has the wrong size"
		);
		ensure!(Payouts::<T>::iter().count() as u64 == kept, "payouts outside the ring are kept");
		for (slot, job) in PayoutRing::<T>::iter() {
			ensure!(slot < T::MaxPayouts::get(), "a payout slot is out of range");
			ensure!(Payouts::<T>::contains_key(job), "a ring slot names a missing payout");
		}
		Self::check_params(&Self::params()).map_err(|_| "the parameters in force are invalid")?;
		Ok(())
	}
}

/// Settlement: the attribution pallet reports how each job ended.
impl<T: Config> OnJobEnd<T::AccountId> for Pallet<T> {
	fn finalized_weight(totals: u32, _supporters: u32) -> Weight {
		T::WeightInfo::settle_open(totals.min(T::MaxTotals::get()))
	}

	fn failed_weight() -> Weight {
		T::WeightInfo::refund()
	}

	fn finalized(
		job: JobId,
		_payer: &T::AccountId,
		totals: &[(T::AccountId, u128)],
		supporters: &[T::AccountId],
	) {
		Self::open_settlement(job, totals, supporters);
	}

	fn failed(job: JobId, _payer: &T::AccountId) {
		Self::refund(job);
	}
}

/// What recording a batch produced.
pub(crate) struct Recorded<T: Config> {
	pub first: InferenceId,
	pub fee: BalanceOf<T>,
	pub platform: BalanceOf<T>,
	pub jobs: InferenceJobsOf<T>,
}
