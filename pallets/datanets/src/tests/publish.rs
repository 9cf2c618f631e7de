//! Publishing versions: cumulative over every accepted file, roots reproducible off-chain,
//! chained, paid for by the bytes they add; proofs and contributors read back from them.

use crate::{
	mock::{Datanets, *},
	*,
};
use frame_support::{assert_noop, assert_ok, traits::fungible::Inspect};
use openledger_primitives::{
	datanet::{
		file::{file_size, lay_out, FileLeaf, VersionFiles},
		ContributorSource, VersionInfo, VersionSource,
	},
	merkle::{self, EMPTY_ROOT},
};

/// The file leaves of `accepted` (in acceptance order) as an off-chain worker lays them out from
/// what each file declared.
fn leaves(accepted: &[ContributionId]) -> Vec<FileLeaf<AccountId>> {
	lay_out(accepted.iter().map(|&id| {
		let c = Contributions::<Test>::get(id).unwrap();
		(id, c.contributor, c.content_hash, c.item_root, c.item_count)
	}))
	.unwrap()
}

/// The root of a version of `accepted`, computed off-chain.
fn root_of(accepted: &[ContributionId]) -> Hash {
	VersionFiles::new(leaves(accepted)).unwrap().commitment().root
}

fn accept(d: DatanetId, list: &[ContributionId]) {
	assert_ok!(Datanets::curate(RuntimeOrigin::signed(OWNER), d, ids(list), Verdict::Accept));
}

fn publish(d: DatanetId) {
	assert_ok!(Datanets::publish_version(RuntimeOrigin::signed(OWNER), d));
}

#[test]
fn publish_records_the_root_the_shared_crate_computes() {
	build_and_execute(|| {
		let d = create(Permission::Open);
		let a = contribute(ALICE, d, 1); // 2 items, 35 bytes
		let b = contribute(BOB, d, 2); // 3 items, 47 bytes
		let c = contribute(ALICE, d, 3); // 4 items, 59 bytes
		accept(d, &[c, a]);
		assert_ok!(Datanets::curate(RuntimeOrigin::signed(OWNER), d, ids(&[b]), Verdict::Reject));
		let treasury = Balances::balance(&TREASURY);
		publish(d);

		// Acceptance order, not id order.
		let expected = root_of(&[c, a]);
		assert_ne!(expected, root_of(&[a, c]));
		let v = Versions::<Test>::get(d, 1).unwrap();
		assert_eq!(v.root, expected);
		assert_eq!(v.prev_root, EMPTY_ROOT);
		assert_eq!((v.file_count, v.item_count, v.bytes), (2, 6, 94));
		assert_eq!((v.publisher, v.published_at), (OWNER, 1));
		// 50 + 2 per started KiB: 94 bytes is one KiB.
		assert_eq!(v.fee, 52);
		assert_eq!(Balances::balance(&TREASURY), treasury + 52);
		assert_eq!(
			last_event(),
			Event::VersionPublished {
				datanet: d,
				version: 1,
				root: expected,
				prev_root: EMPTY_ROOT,
				file_count: 2,
				item_count: 6,
				bytes: 94,
				fee: 52
			}
		);
		assert_eq!((Placed::<Test>::get(d, 0), Placed::<Test>::get(d, 1)), (Some(c), Some(a)));
		assert_eq!(
			Contributions::<Test>::get(a).unwrap().placement,
			Some(Placement { position: 1, first: 4 })
		);
		assert_eq!(Contributions::<Test>::get(b).unwrap().placement, None);
		let info = crate::Datanets::<Test>::get(d).unwrap();
		assert_eq!((info.latest_version, info.latest_root), (1, expected));
		assert_eq!(
			<Datanets as VersionSource>::version_info(d, 1),
			Some(VersionInfo {
				root: expected,
				file_count: 2,
				item_count: 6,
				dimension: 8,
				num_labels: 3
			})
		);
		assert_eq!(<Datanets as VersionSource>::version_info(d, 2), None);
		assert_eq!(<Datanets as VersionSource>::version_info(9, 1), None);
		// The runtime API pages the same leaves.
		assert_eq!(Datanets::version_files(d, 1, 0, 10), leaves(&[c, a]));
		assert_eq!(Datanets::version_files(d, 1, 1, 10), leaves(&[c, a])[1..].to_vec());
		assert_eq!(Datanets::version_files(d, 1, 0, 1), leaves(&[c, a])[..1].to_vec());
		assert!(Datanets::version_files(d, 2, 0, 10).is_empty());
	});
}

#[test]
fn versions_are_cumulative_and_chain_their_roots() {
	build_and_execute(|| {
		let d = create(Permission::Open);
		let a = contribute(ALICE, d, 1); // 2 items, 35 bytes
		accept(d, &[a]);
		publish(d);
		let b = contribute(BOB, d, 2); // 3 items, 47 bytes
		let c = contribute(BOB, d, 3); // 4 items, 59 bytes
		accept(d, &[c]);
		accept(d, &[b]);
		publish(d);
		let v1 = Versions::<Test>::get(d, 1).unwrap();
		let v2 = Versions::<Test>::get(d, 2).unwrap();
		assert_eq!(v1.root, root_of(&[a]));
		assert_eq!(v1.root, leaves(&[a])[0].hash(), "a one-file version's root is its leaf");
		assert_eq!((v1.file_count, v1.item_count, v1.bytes), (1, 2, 35));
		// Version 2 holds version 1's file and the two accepted since, in acceptance order.
		assert_eq!(v2.prev_root, v1.root);
		assert_eq!(v2.root, root_of(&[a, c, b]));
		assert_eq!((v2.file_count, v2.item_count, v2.bytes), (3, 9, 141));
		assert_eq!(
			Contributions::<Test>::get(c).unwrap().placement,
			Some(Placement { position: 1, first: 2 })
		);
		assert_eq!(
			Contributions::<Test>::get(b).unwrap().placement,
			Some(Placement { position: 2, first: 6 })
		);
		// The fee is for the 106 bytes added, one started KiB.
		assert_eq!(v2.fee, 52);
		let info = crate::Datanets::<Test>::get(d).unwrap();
		assert_eq!((info.latest_version, info.latest_root), (2, v2.root));
		assert_eq!(Datanets::version_files(d, 1, 0, 10), leaves(&[a]));
		assert_eq!(Datanets::version_files(d, 2, 0, 10), leaves(&[a, c, b]));
		// A third version needs a new file, and then covers all four.
		assert_noop!(
			Datanets::publish_version(RuntimeOrigin::signed(OWNER), d),
			Error::<Test>::NothingToPublish
		);
		let e = contribute(ALICE, d, 4); // 1 item, 23 bytes
		accept(d, &[e]);
		publish(d);
		let v3 = Versions::<Test>::get(d, 3).unwrap();
		assert_eq!(v3.prev_root, v2.root);
		assert_eq!(v3.root, root_of(&[a, c, b, e]));
		assert_eq!((v3.file_count, v3.item_count, v3.bytes), (4, 10, 164));
	});
}

#[test]
fn the_fee_counts_only_the_bytes_a_version_adds() {
	build_and_execute(|| {
		// Dimension 1024: a file of 8 items is 8,235 bytes, one of 1 item 1,039.
		assert_ok!(Datanets::create_datanet(
			RuntimeOrigin::signed(OWNER),
			bounded(b"wide"),
			bounded(b""),
			Default::default(),
			1024,
			0,
			Permission::Open,
			BOND,
			caps(),
		));
		let d = 0;
		let (big, small) = (file_size(8, 1024), file_size(1, 1024));
		assert_eq!((big, small), (8_235, 1_039));
		for (n, items, size) in [(1u8, 8, big), (2, 1, small)] {
			assert_ok!(Datanets::contribute(
				RuntimeOrigin::signed(ALICE),
				d,
				content(n),
				item_root_of(n),
				items,
				size,
				bounded(b"ipfs://wide")
			));
		}
		accept(d, &[0]);
		publish(d);
		// 8,235 bytes are 9 started KiB.
		assert_eq!(Versions::<Test>::get(d, 1).unwrap().fee, 50 + 2 * 9);
		accept(d, &[1]);
		publish(d);
		let v2 = Versions::<Test>::get(d, 2).unwrap();
		assert_eq!(v2.bytes, big + small, "bytes are cumulative");
		// The fee is for the 1,039 bytes added (2 KiB), not the 9,274 covered (10 KiB).
		assert_eq!(v2.fee, 50 + 2 * 2);
		assert_eq!(v2.fee, Datanets::publish_fee(small));
	});
}

#[test]
fn proofs_from_the_pallet_verify_against_the_recorded_root() {
	build_and_execute(|| {
		let d = create(Permission::Open);
		let first: Vec<_> = [(ALICE, 1), (BOB, 2), (ALICE, 3)]
			.into_iter()
			.map(|(who, n)| contribute(who, d, n))
			.collect();
		accept(d, &first);
		publish(d);
		let later = [contribute(BOB, d, 4), contribute(ALICE, d, 5)];
		accept(d, &later);
		publish(d);
		let all: Vec<_> = first.iter().chain(later.iter()).copied().collect();

		for (version, files) in [(1, &first[..]), (2, &all[..])] {
			let v = Versions::<Test>::get(d, version).unwrap();
			let expected = leaves(files);
			for position in 0..v.file_count {
				let (leaf, proof) = Datanets::file_proof(d, version, position).unwrap();
				assert_eq!(leaf, expected[position as usize]);
				assert_eq!((proof.leaf_index, proof.leaf_count), (position, v.file_count));
				assert!(merkle::verify(&v.root, &leaf.hash(), &proof), "v{version} #{position}");
			}
			assert!(Datanets::file_proof(d, version, v.file_count).is_none());
		}
		// A file of version 2 has no proof in version 1, and version 1's proofs are not
		// version 2's.
		assert!(Datanets::file_proof(d, 1, 3).is_none());
		let v2 = Versions::<Test>::get(d, 2).unwrap();
		let (leaf, old) = Datanets::file_proof(d, 1, 2).unwrap();
		assert!(!merkle::verify(&v2.root, &leaf.hash(), &old));
		// Another leaf does not pass under the root.
		let (mut forged, proof) = Datanets::file_proof(d, 2, 1).unwrap();
		forged.contributor = CURATOR;
		assert!(!merkle::verify(&v2.root, &forged.hash(), &proof));
		assert!(Datanets::file_proof(d, 3, 0).is_none());
		assert!(Datanets::file_proof(9, 1, 0).is_none());
	});
}

#[test]
fn contributors_are_found_for_every_item_of_a_version() {
	build_and_execute(|| {
		let d = create(Permission::Open);
		// Accepted as BOB 2 (3 items), ALICE 1 (2), CURATOR 4 (1), ALICE 3 (4).
		let a1 = contribute(ALICE, d, 1);
		let b = contribute(BOB, d, 2);
		let c = contribute(CURATOR, d, 4);
		let a3 = contribute(ALICE, d, 3);
		accept(d, &[b, a1, c]);
		publish(d);
		accept(d, &[a3]);
		publish(d);

		let contributors = |version, indices: &[u32]| {
			<Datanets as ContributorSource<AccountId>>::contributors(d, version, indices)
		};
		for (version, files) in [(1, vec![b, a1, c]), (2, vec![b, a1, c, a3])] {
			let v = Versions::<Test>::get(d, version).unwrap();
			let laid = leaves(&files);
			for leaf in &laid {
				let last = leaf.first + leaf.item_count - 1;
				assert_eq!(
					contributors(version, &[leaf.first, last]),
					vec![Some(leaf.contributor); 2],
					"file {} of v{version}",
					leaf.file
				);
			}
			// Every index agrees with the off-chain layout, in the order asked.
			let off_chain = VersionFiles::new(laid.clone()).unwrap();
			let every: Vec<u32> = (0..v.item_count).rev().collect();
			let expected: Vec<_> =
				every.iter().map(|&i| off_chain.locate(i).map(|p| laid[p].contributor)).collect();
			assert_eq!(contributors(version, &every), expected);
			// Past the end there is nobody.
			assert_eq!(
				contributors(version, &[v.item_count, v.item_count + 1, u32::MAX]),
				vec![None, None, None]
			);
		}
		// Version 1 ends where version 2's new file begins.
		assert_eq!(contributors(1, &[5, 6]), vec![Some(CURATOR), None]);
		assert_eq!(contributors(2, &[5, 6, 9]), vec![Some(CURATOR), Some(ALICE), Some(ALICE)]);
		assert_eq!(contributors(3, &[0, 1]), vec![None, None], "no such version");
		assert_eq!(Datanets::contributor_of(d, 0, 0, 0), None);
	});
}

#[test]
fn curators_publish_and_pay() {
	build_and_execute(|| {
		let d = create(Permission::Open);
		assert_ok!(Datanets::add_curator(RuntimeOrigin::signed(OWNER), d, CURATOR));
		let a = contribute(ALICE, d, 1);
		accept(d, &[a]);
		let before = Balances::balance(&CURATOR);
		assert_ok!(Datanets::publish_version(RuntimeOrigin::signed(CURATOR), d));
		// 50 + 2 for the one started KiB of a 35-byte file.
		assert_eq!(Balances::balance(&CURATOR), before - 52);
		assert_eq!(Versions::<Test>::get(d, 1).unwrap().publisher, CURATOR);
	});
}

#[test]
fn publish_refusals_change_nothing() {
	build_and_execute(|| {
		let d = create(Permission::Open);
		assert_noop!(
			Datanets::publish_version(RuntimeOrigin::signed(OWNER), 8),
			Error::<Test>::UnknownDatanet
		);
		assert_noop!(
			Datanets::publish_version(RuntimeOrigin::signed(OWNER), d),
			Error::<Test>::NothingToPublish
		);
		let a = contribute(ALICE, d, 1);
		assert_noop!(
			Datanets::publish_version(RuntimeOrigin::signed(OWNER), d),
			Error::<Test>::NothingToPublish
		);
		accept(d, &[a]);
		assert_noop!(
			Datanets::publish_version(RuntimeOrigin::signed(ALICE), d),
			Error::<Test>::NotCurator
		);
		assert_ok!(Datanets::add_curator(RuntimeOrigin::signed(OWNER), d, POOR));
		assert_ok!(Datanets::set_params(
			RuntimeOrigin::root(),
			Params { publish_base_fee: 1_000, publish_fee_per_kib: 0, ..Datanets::params() }
		));
		assert_noop!(
			Datanets::publish_version(RuntimeOrigin::signed(POOR), d),
			Error::<Test>::InsufficientBalanceForFee
		);
		publish(d);
		// A rejected file adds nothing to publish.
		let b = contribute(BOB, d, 2);
		assert_ok!(Datanets::curate(RuntimeOrigin::signed(OWNER), d, ids(&[b]), Verdict::Reject));
		assert_noop!(
			Datanets::publish_version(RuntimeOrigin::signed(OWNER), d),
			Error::<Test>::NothingToPublish
		);
	});
}

#[test]
fn publish_fee_counts_started_kib() {
	build_and_execute(|| {
		assert_eq!(Datanets::publish_fee(0), 50);
		assert_eq!(Datanets::publish_fee(1), 52);
		assert_eq!(Datanets::publish_fee(1024), 52);
		assert_eq!(Datanets::publish_fee(1025), 54);
		assert_eq!(Datanets::publish_fee(u64::MAX), 50 + 2 * (u64::MAX / 1024 + 1) as u128);
	});
}
