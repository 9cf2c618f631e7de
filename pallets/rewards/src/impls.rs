//! Pricing, escrow, settlement and refunds, and the invariants.

use crate::{funds, pallet::*, types::*, weights::WeightInfo};
use alloc::vec::Vec;
use frame_support::{pallet_prelude::*, traits::Get};
use frame_system::pallet_prelude::BlockNumberFor;
use openledger_primitives::{
	attribution::{Entry, Method},
	datanet::ContributorSource,
	merkle::Hash,
};
use openledger_traits::{FeeRates, ModelRegistry};
use openledger_traits::{JobOpener, JobSpec, OnJobEnd};
use openledger_traits::{ReputationReporter, Role};
use sp_runtime::{
	helpers_128bit::multiply_by_rational_with_rounding,
	traits::{CheckedAdd, Saturating, UniqueSaturatedFrom, UniqueSaturatedInto, Zero},
	Rounding,
};

/// The fee for `input` and `output` tokens at `rates` per 1,000 tokens, rounded up; `None` if
/// it overflows.
pub fn token_fee<Balance>(rates: &FeeRates<Balance>, input: u32, output: u32) -> Option<Balance>
where
	Balance: sp_runtime::traits::AtLeast32BitUnsigned + Copy,
{
	let per_1k = rates
		.input_per_1k
		.checked_mul(&Balance::from(input))?
		.checked_add(&rates.output_per_1k.checked_mul(&Balance::from(output))?)?;
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

/// The contributors' part of one job: each paid entry with a positive value weighs
/// `value × factor` (the contributor's reputation factor in billionths, [`FixedU64`]'s inner
/// value), and a contributor gets `floor(part × its weights / all weights)`. Entries whose
/// contributor is unknown, and entries beyond `max`, are not paid. Returns the payees in the
/// order of their first entry; what is not handed out is the caller's remainder.
///
/// [`FixedU64`]: sp_runtime::FixedU64
pub fn contributor_split<AccountId: PartialEq + Clone>(
	part: u128,
	entries: &[(AccountId, i64)],
	factor: impl Fn(&AccountId) -> u64,
) -> Vec<(AccountId, u128)> {
	let mut weights: Vec<(AccountId, u128)> = Vec::new();
	for (who, value) in entries {
		if *value <= 0 {
			continue;
		}
		let w = (*value as u128).saturating_mul(factor(who) as u128);
		match weights.iter_mut().find(|(a, _)| a == who) {
			Some((_, sum)) => *sum = sum.saturating_add(w),
			None => weights.push((who.clone(), w)),
		}
	}
	let total: u128 = weights.iter().fold(0u128, |acc, (_, w)| acc.saturating_add(*w));
	if total == 0 {
		return Vec::new();
	}
	weights
		.into_iter()
		.map(|(who, w)| {
			// w ≤ total, so the result is at most `part` and the call cannot fail.
			let amount =
				multiply_by_rational_with_rounding(part, w, total, Rounding::Down).unwrap_or(0);
			(who, amount)
		})
		.collect()
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
		let fee = token_fee(&view.fees, input, output)?;
		let platform = Self::params().platform_fee;
		fee.checked_add(&platform)?;
		Some((fee, platform))
	}

	/// Records an inference; returns how many jobs it opened.
	pub(crate) fn do_record_inference(
		payer: &T::AccountId,
		model: ModelId,
		input: u32,
		output: u32,
		query_hash: Hash,
		query_label: u32,
	) -> Result<u32, DispatchError> {
		let view = T::Models::active_model(model).ok_or(Error::<T>::UnknownModel)?;
		ensure!(input > 0 || output > 0, Error::<T>::NoTokens);
		let n = view.trained_on.len() as u32;
		ensure!(n > 0 && n <= T::MaxTrainedOn::get(), Error::<T>::BadTrainingData);
		let p = Self::params();
		let fee = token_fee(&view.fees, input, output).ok_or(Error::<T>::FeeOverflow)?;
		let total = fee.checked_add(&p.platform_fee).ok_or(Error::<T>::FeeOverflow)?;
		let escrowed = Escrowed::<T>::get().checked_add(&total).ok_or(Error::<T>::Overflow)?;
		funds::escrow::<T>(payer, total)?;

		let inference = NextInference::<T>::get();
		NextInference::<T>::put(inference.checked_add(1).ok_or(Error::<T>::Overflow)?);
		let top = match view.method {
			Method::KnnShapley { .. } => p.knn_paid,
			Method::Similarity { k } => k,
		};
		let deadline = frame_system::Pallet::<T>::block_number().saturating_add(p.job_window);
		let mut jobs = InferenceJobsOf::<T>::new();
		let parts = split_evenly(fee, n).zip(split_evenly(p.platform_fee, n));
		for (&(datanet, version), (fee, platform)) in view.trained_on.iter().zip(parts) {
			let spec = JobSpec {
				datanet,
				version,
				method: view.method,
				top,
				query_hash,
				query_label,
				deadline,
			};
			let job = T::Jobs::open_job(payer, spec)?;
			let escrow = Escrow::<T> {
				payer: payer.clone(),
				inference,
				model,
				owner: view.owner.clone(),
				datanet,
				version,
				fee,
				platform,
			};
			Escrows::<T>::insert(job, escrow);
			jobs.try_push(job).map_err(|_| Error::<T>::BadTrainingData)?;
		}
		Escrowed::<T>::put(escrowed);
		FeesOfModel::<T>::mutate(model, |m| {
			m.inferences = m.inferences.saturating_add(1);
			m.charged = m.charged.saturating_add(total);
		});
		Self::deposit_event(Event::InferenceRecorded {
			inference,
			model,
			payer: payer.clone(),
			input_tokens: input,
			output_tokens: output,
			fee,
			platform_fee: p.platform_fee,
			jobs,
		});
		Ok(n)
	}

	/// Takes a job's escrow out of the books.
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

	/// Splits a final job's escrow (see the crate docs).
	pub(crate) fn settle(job: JobId, paid: &[Entry], supporters: &[T::AccountId]) {
		let Some(escrow) = Self::take_escrow(job) else {
			// Not a paid inference's job (a data-valuation job opened directly).
			return;
		};
		let shares = Self::params().shares;
		let fee = escrow.fee;
		let to_contributors = shares.contributors.mul_floor(fee);
		let to_owner = shares.owner.mul_floor(fee);
		let to_workers = shares.workers.mul_floor(fee);

		// Contributors, by positive value times reputation factor.
		let entries: Vec<&Entry> =
			paid.iter().filter(|e| e.value > 0).take(T::MaxPaid::get() as usize).collect();
		let indices: Vec<u32> = entries.iter().map(|e| e.index).collect();
		let who = T::Contributors::contributors(escrow.datanet, escrow.version, &indices);
		let valued: Vec<(T::AccountId, i64)> =
			entries.iter().zip(who).filter_map(|(e, who)| Some((who?, e.value))).collect();
		let split = contributor_split(to_contributors.unique_saturated_into(), &valued, |who| {
			T::Reputation::reward_factor(who, Role::Contributor).into_inner()
		});
		let mut contributors = ContributorPayoutsOf::<T>::new();
		let mut paid_out = BalanceOf::<T>::zero();
		for (who, amount) in split {
			let amount = BalanceOf::<T>::unique_saturated_from(amount);
			if amount.is_zero() {
				continue;
			}
			// At most one payee per paid entry, and entries are capped at `MaxPaid` above.
			if contributors.try_push((who.clone(), amount)).is_ok() {
				paid_out.saturating_accrue(amount);
				Self::credit(job, &who, Payee::Contributor { datanet: escrow.datanet }, amount);
			}
		}

		// The owner.
		Self::credit(job, &escrow.owner, Payee::Owner, to_owner);

		// The workers behind the result, equally.
		let mut workers = WorkerPayoutsOf::<T>::new();
		let mut to_each = BalanceOf::<T>::zero();
		let backers = supporters.len().min(T::MaxSupporters::get() as usize);
		if backers > 0 {
			to_each = to_workers / BalanceOf::<T>::unique_saturated_from(backers as u128);
		}
		let mut workers_paid = BalanceOf::<T>::zero();
		if !to_each.is_zero() {
			for who in supporters.iter().take(backers) {
				if workers.try_push((who.clone(), to_each)).is_ok() {
					workers_paid.saturating_accrue(to_each);
					Self::credit(job, who, Payee::Worker, to_each);
				}
			}
		}

		// The treasury: the rest.
		let total = escrow.total();
		let treasury =
			total.saturating_sub(paid_out).saturating_sub(to_owner).saturating_sub(workers_paid);
		Self::credit(job, &T::TreasuryAccount::get(), Payee::Treasury, treasury);

		FeesOfModel::<T>::mutate(escrow.model, |m| {
			m.settled = m.settled.saturating_add(total);
			m.to_owner = m.to_owner.saturating_add(to_owner);
		});
		let now = frame_system::Pallet::<T>::block_number();
		Self::keep_payout(
			job,
			Payout::<T> {
				inference: escrow.inference,
				model: escrow.model,
				datanet: escrow.datanet,
				version: escrow.version,
				contributors,
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
			contributors: paid_out,
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
	/// - the escrows sum to `Escrowed`, and the claimable balances (none of them zero) to
	///   `TotalClaimable`;
	/// - the pallet's account holds at least its existential deposit plus both (exactly that,
	///   unless someone sent it OPEN);
	/// - the payout ring holds the newest `min(PayoutCount, MaxPayouts)` payouts, each once;
	/// - the parameters are valid.
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use frame_support::traits::fungible::Inspect;
		let escrows = Escrows::<T>::iter_values()
			.fold(BalanceOf::<T>::zero(), |acc, e| acc.saturating_add(e.total()));
		ensure!(escrows == Escrowed::<T>::get(), "the escrows do not sum to Escrowed");
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
	fn finalized_weight(paid: u32, supporters: u32) -> Weight {
		T::WeightInfo::settle(paid.min(T::MaxPaid::get()), supporters.min(T::MaxSupporters::get()))
	}

	fn failed_weight() -> Weight {
		T::WeightInfo::refund()
	}

	fn finalized(job: JobId, _payer: &T::AccountId, paid: &[Entry], supporters: &[T::AccountId]) {
		Self::settle(job, paid, supporters);
	}

	fn failed(job: JobId, _payer: &T::AccountId) {
		Self::refund(job);
	}
}
