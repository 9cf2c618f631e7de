use crate::{mock::*, *};
use frame_support::{
	assert_noop, assert_ok,
	traits::{fungible::Inspect, ConstU32},
	BoundedVec,
};
use openledger_primitives::bridge as eth;
use proptest::prelude::*;

fn attest(k: &Key, d: &DepositOf<Test>) -> sp_runtime::DispatchResult {
	Bridge::attest_deposit(RuntimeOrigin::signed(k.account), d.clone())
}

fn issuance() -> Balance {
	<Balances as Inspect<AccountId>>::total_issuance()
}

#[test]
fn a_deposit_is_minted_at_the_threshold_once() {
	build_and_execute(|| {
		let k = committee();
		let d = deposit(0, 7, 5_000);
		assert_ok!(attest(&k[0], &d));
		assert_ok!(attest(&k[1], &d));
		assert_eq!(Balances::free_balance(7), 0, "two of three: nothing yet");
		assert_ok!(attest(&k[2], &d));
		assert_eq!(Balances::free_balance(7), 5_000);
		assert!(events().contains(&Event::DepositMinted { nonce: 0, recipient: 7, amount: 5_000 }));
		// Nothing is kept of the attestations but the processed mark.
		assert_eq!(Attestations::<Test>::iter_prefix(0).count(), 0);
		assert_eq!(Attested::<Test>::iter_prefix(0).count(), 0);
		// A fourth member, or a replay of the same deposit, mints nothing.
		assert_noop!(attest(&k[3], &d), Error::<Test>::AlreadyMinted);
		assert_eq!(Totals::<Test>::get(), (5_000, 5_000, 0));
	});
}

#[test]
fn a_member_attests_a_nonce_once_and_outsiders_not_at_all() {
	build_and_execute(|| {
		let k = committee();
		let d = deposit(3, 7, 5_000);
		assert_ok!(attest(&k[0], &d));
		assert_noop!(attest(&k[0], &d), Error::<Test>::AlreadyAttested);
		// Nor a different version of the same nonce.
		assert_noop!(attest(&k[0], &deposit(3, 7, 9_000)), Error::<Test>::AlreadyAttested);
		let outsider = Key::new(42);
		assert_noop!(attest(&outsider, &d), Error::<Test>::NotMember);
		assert_noop!(attest(&k[1], &deposit(4, 7, 0)), Error::<Test>::ZeroAmount);
	});
}

/// Wormhole: no mint without the threshold of agreeing attestations. Two colluding members
/// attest an inflated deposit; the three honest ones the real one. Only the real one is minted.
#[test]
fn a_colluding_minority_mints_nothing() {
	build_and_execute(|| {
		let k = committee();
		let lie = deposit(0, 66, 1_000_000);
		let truth = deposit(0, 7, 5_000);
		assert_ok!(attest(&k[0], &lie));
		assert_ok!(attest(&k[1], &lie));
		assert_eq!(Balances::free_balance(66), 0);
		assert_ok!(attest(&k[2], &truth));
		assert_ok!(attest(&k[3], &truth));
		assert_ok!(attest(&k[4], &truth));
		assert_eq!(Balances::free_balance(66), 0);
		assert_eq!(Balances::free_balance(7), 5_000);
		assert_eq!(Attestations::<Test>::iter_prefix(0).count(), 0, "the lie is forgotten too");
	});
}

/// Ronin: a member rotated out no longer counts, even for attestations it made before.
#[test]
fn rotated_out_members_do_not_count() {
	build_and_execute(|| {
		let k = committee();
		let d = deposit(0, 7, 5_000);
		assert_ok!(attest(&k[0], &d));
		assert_ok!(attest(&k[1], &d));
		// The committee becomes k[2..5] and three new keys.
		let mut next: Vec<Key> = k[2..].to_vec();
		next.extend(keys(11..=13));
		next.sort_by_key(|k| k.signer);
		assert_ok!(Bridge::set_committee(RuntimeOrigin::root(), members(&next), 3));
		assert_noop!(attest(&k[0], &deposit(1, 7, 1)), Error::<Test>::NotMember);
		// k[0] and k[1]'s attestations of nonce 0 are no longer counted: one more is not
		// enough.
		assert_ok!(attest(&k[2], &d));
		assert_eq!(Balances::free_balance(7), 0);
		assert_ok!(attest(&k[3], &d));
		assert_ok!(attest(&k[4], &d));
		assert_eq!(Balances::free_balance(7), 5_000);
	});
}

/// Rotations do not fill a deposit's attester list: more than `MaxMembers` accounts in all may
/// attest one deposit over several committees, and the current one still reaches its threshold.
#[test]
fn attestations_across_rotations_never_fill_the_list() {
	build_and_execute(|| {
		let d = deposit(0, 7, 5_000);
		let first = keys(100..116);
		assert_ok!(Bridge::set_committee(RuntimeOrigin::root(), members(&first), 16));
		for k in &first[..15] {
			assert_ok!(attest(k, &d));
		}
		let second = keys(200..216);
		assert_ok!(Bridge::set_committee(RuntimeOrigin::root(), members(&second), 16));
		for k in &second {
			assert_ok!(attest(k, &d));
		}
		assert_eq!(Balances::free_balance(7), 5_000);
	});
}

/// Nomad: no committee that would accept anything is ever installed.
#[test]
fn no_degenerate_committee() {
	build_and_execute(|| {
		let k = committee();
		let none: BoundedVec<Member<AccountId>, ConstU32<16>> = BoundedVec::new();
		assert_noop!(
			Bridge::set_committee(RuntimeOrigin::root(), none, 0),
			Error::<Test>::BadCommittee
		);
		assert_noop!(
			Bridge::set_committee(RuntimeOrigin::root(), members(&k), 0),
			Error::<Test>::BadCommittee
		);
		assert_noop!(
			Bridge::set_committee(RuntimeOrigin::root(), members(&k), 6),
			Error::<Test>::BadCommittee
		);
		let mut backwards = k.clone();
		backwards.reverse();
		let reversed = members(&backwards);
		assert_noop!(
			Bridge::set_committee(RuntimeOrigin::root(), reversed, 3),
			Error::<Test>::BadCommittee
		);
		let mut zero = members(&k);
		zero[0].signer = [0; 20];
		assert_noop!(
			Bridge::set_committee(RuntimeOrigin::root(), zero, 3),
			Error::<Test>::BadCommittee
		);
		let mut same_account = members(&k);
		same_account[1].account = same_account[0].account;
		assert_noop!(
			Bridge::set_committee(RuntimeOrigin::root(), same_account, 3),
			Error::<Test>::BadCommittee
		);
		assert_noop!(
			Bridge::set_committee(RuntimeOrigin::signed(USER), members(&k), 3),
			sp_runtime::DispatchError::BadOrigin
		);
		assert_eq!(CommitteeInfo::<Test>::get().unwrap().epoch, 0);
	});
}

#[test]
fn mints_over_the_limit_wait_for_the_next_period() {
	build_and_execute(|| {
		let k = committee();
		let big = deposit(0, 7, LIMIT - 10);
		let more = deposit(1, 8, 20);
		for m in &k[..3] {
			assert_ok!(attest(m, &big));
		}
		for m in &k[..3] {
			assert_ok!(attest(m, &more));
		}
		assert_eq!(Balances::free_balance(8), 0);
		assert!(events().contains(&Event::DepositDeferred { nonce: 1, over_limit: true }));
		assert_noop!(
			Bridge::mint_deferred(RuntimeOrigin::signed(USER), 1),
			Error::<Test>::StillDeferred
		);
		run_to(1 + PERIOD);
		assert_ok!(Bridge::mint_deferred(RuntimeOrigin::signed(USER), 1));
		assert_eq!(Balances::free_balance(8), 20);
		assert_noop!(
			Bridge::mint_deferred(RuntimeOrigin::signed(USER), 1),
			Error::<Test>::NotDeferred
		);
		// Never twice: the nonce is processed.
		assert_noop!(attest(&k[4], &more), Error::<Test>::AlreadyMinted);
	});
}

#[test]
fn a_deposit_the_currency_refuses_is_kept() {
	build_and_execute(|| {
		let k = committee();
		// Below the existential deposit, to an account that does not exist.
		let dust = deposit(0, 9, ED - 1);
		for m in &k[..3] {
			assert_ok!(attest(m, &dust));
		}
		assert!(events().contains(&Event::DepositDeferred { nonce: 0, over_limit: false }));
		assert_eq!(Deferred::<Test>::get(0), Some(dust));
		// Once the account exists it can be minted.
		assert_ok!(Balances::transfer_allow_death(RuntimeOrigin::signed(USER), 9, ED));
		assert_ok!(Bridge::mint_deferred(RuntimeOrigin::signed(USER), 0));
		assert_eq!(Balances::free_balance(9), 2 * ED - 1);
	});
}

#[test]
fn halt_stops_both_directions_and_only_governance_resumes() {
	build_and_execute(|| {
		let k = committee();
		assert_noop!(
			Bridge::halt(RuntimeOrigin::signed(USER)),
			sp_runtime::DispatchError::BadOrigin
		);
		assert_ok!(Bridge::halt(RuntimeOrigin::signed(EMERGENCY)));
		assert_noop!(attest(&k[0], &deposit(0, 7, 5)), Error::<Test>::IsHalted);
		assert_noop!(
			Bridge::burn(RuntimeOrigin::signed(USER), 1_000, [3; 20]),
			Error::<Test>::IsHalted
		);
		assert_noop!(
			Bridge::resume(RuntimeOrigin::signed(EMERGENCY)),
			sp_runtime::DispatchError::BadOrigin
		);
		assert_ok!(Bridge::resume(RuntimeOrigin::root()));
		assert_ok!(attest(&k[0], &deposit(0, 7, 5)));
	});
}

#[test]
fn burns_number_withdrawals() {
	build_and_execute(|| {
		let before = issuance();
		assert_ok!(Bridge::burn(RuntimeOrigin::signed(USER), 1_000, [3; 20]));
		assert_ok!(Bridge::burn(RuntimeOrigin::signed(USER), 2_000, [4; 20]));
		assert_eq!(issuance(), before - 3_000);
		assert_eq!(Balances::free_balance(USER), START - 3_000);
		assert_eq!(NextBurnNonce::<Test>::get(), 2);
		assert_eq!(Withdrawals::<Test>::get(1).unwrap().amount, 2_000);
		assert_eq!(Totals::<Test>::get().2, 3_000);
		assert_noop!(
			Bridge::burn(RuntimeOrigin::signed(USER), MIN_BURN - 1, [3; 20]),
			Error::<Test>::BurnTooSmall
		);
		assert_noop!(
			Bridge::burn(RuntimeOrigin::signed(USER), 1_000, [0; 20]),
			Error::<Test>::ZeroRecipient
		);
		// More than the caller can burn and stay alive: refused, nothing changes.
		assert!(Bridge::burn(RuntimeOrigin::signed(USER), START, [3; 20]).is_err());
		assert_eq!(NextBurnNonce::<Test>::get(), 2);
	});
}

#[test]
fn withdrawal_signatures_are_checked_as_the_contract_checks_them() {
	build_and_execute(|| {
		let k = committee();
		assert_ok!(Bridge::burn(RuntimeOrigin::signed(USER), 1_000, [3; 20]));
		let w = Withdrawals::<Test>::get(0).unwrap();
		let digest = Bridge::withdrawal_digest(0, &w).unwrap();
		// The digest is the primitives' (and so the contract's) for this chain's genesis.
		let genesis: [u8; 32] = System::block_hash(0).into();
		let domain =
			eth::Domain { chain_id: CONTRACT.chain_id, contract: CONTRACT.contract, genesis };
		assert_eq!(
			digest,
			eth::withdrawal_digest(
				&domain,
				&eth::Withdrawal { nonce: 0, recipient: [3; 20], amount: 1_000 }
			)
		);
		let sign = |i: usize| {
			Bridge::sign_withdrawal(RuntimeOrigin::signed(k[i].account), 0, k[i].sign(&digest))
		};
		// Out of order on purpose: the chain keeps them ascending by signer.
		assert_ok!(sign(4));
		assert_ok!(sign(1));
		assert_eq!(Bridge::ready_withdrawal(0), None, "two of three");
		assert_noop!(sign(1), Error::<Test>::AlreadySigned);
		// Someone else's signature, posted by a member: refused.
		assert_noop!(
			Bridge::sign_withdrawal(RuntimeOrigin::signed(k[2].account), 0, k[3].sign(&digest)),
			Error::<Test>::BadSignature
		);
		// A signature of another digest: refused.
		assert_noop!(
			Bridge::sign_withdrawal(RuntimeOrigin::signed(k[2].account), 0, k[2].sign(&[9; 32])),
			Error::<Test>::BadSignature
		);
		// The malleated twin of a valid signature: refused.
		let mut twin = k[2].sign(&digest);
		let n = secp256k1_order();
		let mut borrow = 0i16;
		for i in (0..32).rev() {
			let d = n[i] as i16 - twin[32 + i] as i16 - borrow;
			twin[32 + i] = d.rem_euclid(256) as u8;
			borrow = (d < 0) as i16;
		}
		twin[64] = if twin[64] == 27 { 28 } else { 27 };
		assert_noop!(
			Bridge::sign_withdrawal(RuntimeOrigin::signed(k[2].account), 0, twin),
			Error::<Test>::BadSignature
		);
		let outsider = Key::new(42);
		assert_noop!(
			Bridge::sign_withdrawal(RuntimeOrigin::signed(42), 0, outsider.sign(&digest)),
			Error::<Test>::NotMember
		);
		assert_ok!(sign(2));
		assert!(events().contains(&Event::WithdrawalReady { nonce: 0 }));
		let (recipient, amount, sigs) = Bridge::ready_withdrawal(0).unwrap();
		assert_eq!((recipient, amount), ([3; 20], 1_000));
		let signers: Vec<_> =
			sigs.iter().map(|s| eth::signer_of::<HostRecovery>(s, &digest).unwrap()).collect();
		assert_eq!(
			signers,
			vec![k[1].signer, k[2].signer, k[4].signer],
			"ascending, as the contract takes them"
		);
		assert_eq!(
			eth::check_signers(
				&signers,
				&committee().iter().map(|k| k.signer).collect::<Vec<_>>(),
				3
			),
			Ok(())
		);
		assert_noop!(
			Bridge::sign_withdrawal(RuntimeOrigin::signed(k[0].account), 7, k[0].sign(&digest)),
			Error::<Test>::UnknownWithdrawal
		);
	});
}

#[test]
fn a_rotated_out_signature_stops_counting() {
	build_and_execute(|| {
		let k = committee();
		assert_ok!(Bridge::burn(RuntimeOrigin::signed(USER), 1_000, [3; 20]));
		let digest = Bridge::withdrawal_digest(0, &Withdrawals::<Test>::get(0).unwrap()).unwrap();
		for m in &k[..3] {
			assert_ok!(Bridge::sign_withdrawal(
				RuntimeOrigin::signed(m.account),
				0,
				m.sign(&digest)
			));
		}

		assert!(Bridge::ready_withdrawal(0).is_some());
		let next: Vec<Key> = k[1..].to_vec();
		assert_ok!(Bridge::set_committee(RuntimeOrigin::root(), members(&next), 3));
		assert_eq!(Bridge::ready_withdrawal(0), None, "k[0] no longer counts");
		assert_ok!(Bridge::sign_withdrawal(
			RuntimeOrigin::signed(k[3].account),
			0,
			k[3].sign(&digest)
		));
		assert_eq!(Bridge::ready_withdrawal(0).unwrap().2.len(), 3);
	});
}

#[test]
fn try_state_catches_a_mint_beyond_what_was_locked() {
	new_test_ext().execute_with(|| {
		assert_ok!(Bridge::do_try_state());
		Totals::<Test>::put((10, 11, 0));
		assert!(Bridge::do_try_state().is_err());
	});
}

fn secp256k1_order() -> [u8; 32] {
	[
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36,
		0x41, 0x41,
	]
}

#[derive(Clone, Debug)]
enum Step {
	/// An L1 deposit of this amount to one of three accounts happens; each member, in this
	/// order, attests it truthfully (`true`), attests the colluders' lie (`false`), or stays
	/// silent.
	Deposit { amount: Balance, to: u8, votes: Vec<Option<bool>> },
	/// A user burns.
	Burn { amount: Balance },
	/// Time passes.
	Wait { blocks: u64 },
	/// Someone retries every deferred deposit.
	Retry,
}

fn step() -> impl Strategy<Value = Step> {
	prop_oneof![
		4 => (1..700_000u128, 0..3u8, proptest::collection::vec(proptest::option::of(proptest::bool::weighted(0.7)), 5))
			.prop_map(|(amount, to, votes)| Step::Deposit { amount, to, votes }),
		2 => (MIN_BURN..5_000u128).prop_map(|amount| Step::Burn { amount }),
		1 => (1..15u64).prop_map(|blocks| Step::Wait { blocks }),
		1 => Just(Step::Retry),
	]
}

/// Whatever members attest (truth, their own lies, or nothing) and whatever is burned:
/// issuance moves by exactly minted − burned, nothing is minted beyond what was really
/// deposited on L1, each deposit at most once and only as it really was, and
/// `minted − burned ≤ locked` holds after every step. 64 random sequences; the test also counts
/// what they exercised, so that it cannot pass by doing nothing.
#[test]
fn minted_minus_burned_never_exceeds_locked() {
	use proptest::test_runner::{Config as RunnerConfig, RngAlgorithm, TestRng, TestRunner};
	use std::cell::Cell;
	let (mints, lies_told, deferred) = (Cell::new(0u32), Cell::new(0u32), Cell::new(0u32));
	// A fixed seed: the same 64 sequences every run, so the coverage counts below are stable.
	let mut runner = TestRunner::new_with_rng(
		RunnerConfig { cases: 64, ..RunnerConfig::default() },
		TestRng::deterministic_rng(RngAlgorithm::ChaCha),
	);
	runner
		.run(&proptest::collection::vec(step(), 1..40), |steps| {
			new_test_ext().execute_with(|| {
				let k = committee();
				let start = issuance();
				let mut l1_locked: Balance = 0;
				let mut real: Vec<DepositOf<Test>> = Vec::new();
				let mut now = 1;
				for s in steps {
					match s.clone() {
						Step::Deposit { amount, to, votes } => {
							let nonce = real.len() as u64;
							let d = deposit(nonce, 200 + to as u64, amount);
							l1_locked += amount;
							real.push(d.clone());
							// The liars collude (one lie, the same for all), but are fewer than the
							// threshold: the committee's trust assumption. Past two, a liar is silent.
							let lie = deposit(nonce, 300, amount * 10 + 1);
							let mut liars = 0;
							for (i, v) in votes.iter().enumerate() {
								let attested = match v {
									Some(true) => d.clone(),
									Some(false) if liars < 2 => {
										liars += 1;
										lies_told.set(lies_told.get() + 1);
										lie.clone()
									},
									_ => continue,
								};
								let _ = attest(&k[i], &attested);
							}
						},
						Step::Burn { amount } => {
							let _ = Bridge::burn(RuntimeOrigin::signed(USER), amount, [3; 20]);
						},
						Step::Wait { blocks } => {
							now += blocks;
							run_to(now);
						},
						Step::Retry => {
							let waiting: Vec<u64> = Deferred::<Test>::iter_keys().collect();
							for n in waiting {
								let _ = Bridge::mint_deferred(RuntimeOrigin::signed(USER), n);
							}
						},
					}
					let (locked, minted, burned) = Totals::<Test>::get();
					prop_assert_eq!(issuance(), start + minted - burned);
					prop_assert!(locked <= l1_locked, "attested more than was deposited");
					prop_assert!(minted <= locked);
					prop_assert!(Bridge::do_try_state().is_ok());
					// Only real deposits are minted, each to its real recipient: the liars' account
					// never receives anything.
					prop_assert_eq!(Balances::free_balance(300), 0);
					let paid: Balance = (200..203u64).map(Balances::free_balance).sum();
					prop_assert_eq!(paid, minted);
					if Deferred::<Test>::iter().count() > 0 {
						deferred.set(deferred.get() + 1);
					}
				}
				mints.set(mints.get() + Totals::<Test>::get().1.min(1) as u32);
				Ok(())
			})
		})
		.unwrap();
	assert!(mints.get() > 30, "only {} sequences minted anything", mints.get());
	assert!(lies_told.get() > 50, "only {} lies told", lies_told.get());
	assert!(deferred.get() > 10, "only {} steps had a deferred deposit", deferred.get());
}
