//! The whole loop of one Datanet, as a contributor and a curator see it.

use crate::{
	mock::{Datanets, *},
	*,
};
use frame_support::{
	assert_ok,
	traits::fungible::{Inspect, InspectHold},
};

#[test]
fn create_contribute_curate_publish_close() {
	build_and_execute(|| {
		let start_alice = Balances::balance(&ALICE);
		let start_bob = Balances::balance(&BOB);
		let d = create(Permission::AllowList);
		assert_ok!(Datanets::allow(RuntimeOrigin::signed(OWNER), d, ALICE));
		assert_ok!(Datanets::allow(RuntimeOrigin::signed(OWNER), d, BOB));
		assert_ok!(Datanets::add_curator(RuntimeOrigin::signed(OWNER), d, CURATOR));
		let a1 = contribute(ALICE, d, 1);
		let a2 = contribute(ALICE, d, 2);
		let b1 = contribute(BOB, d, 3);
		assert_ok!(Datanets::curate(
			RuntimeOrigin::signed(CURATOR),
			d,
			ids(&[a2]),
			Verdict::Reject
		));
		assert_ok!(Datanets::curate(
			RuntimeOrigin::signed(CURATOR),
			d,
			ids(&[a1, b1]),
			Verdict::Accept
		));
		assert_ok!(Datanets::publish_version(RuntimeOrigin::signed(CURATOR), d));
		assert_ok!(Datanets::close_datanet(RuntimeOrigin::signed(OWNER), d));

		// Alice lost 20% of one bond; Bob lost nothing; nothing stays on hold.
		assert_eq!(Balances::balance(&ALICE), start_alice - 20);
		assert_eq!(Balances::balance(&BOB), start_bob);
		assert_eq!(Balances::total_balance_on_hold(&OWNER), 0);
		// The version holds Alice's first file and Bob's, in the order they were accepted.
		let v = Versions::<Test>::get(d, 1).unwrap();
		assert_eq!((v.file_count, v.item_count), (2, items_of(1) + items_of(3)));
		assert_eq!(v.bytes, size_of(items_of(1)) + size_of(items_of(3)));
		assert_eq!((Placed::<Test>::get(d, 0), Placed::<Test>::get(d, 1)), (Some(a1), Some(b1)));
		let last = v.item_count - 1;
		assert_eq!(
			<Datanets as openledger_primitives::datanet::ContributorSource<AccountId>>::contributors(
				d,
				1,
				&[0, last, v.item_count]
			),
			vec![Some(ALICE), Some(BOB), None]
		);
		assert_eq!(crate::Datanets::<Test>::get(d).unwrap().status, DatanetStatus::Closed);
		let kinds: Vec<&str> = events()
			.iter()
			.map(|e| match e {
				Event::DatanetCreated { .. } => "created",
				Event::AllowListAdded { .. } => "allowed",
				Event::CuratorAdded { .. } => "curator",
				Event::Contributed { .. } => "contributed",
				Event::ContributionRejected { .. } => "rejected",
				Event::ContributionAccepted { .. } => "accepted",
				Event::VersionPublished { .. } => "published",
				Event::DatanetClosed { .. } => "closed",
				_ => "other",
			})
			.collect();
		assert_eq!(
			kinds,
			[
				"created",
				"allowed",
				"allowed",
				"curator",
				"contributed",
				"contributed",
				"contributed",
				"rejected",
				"accepted",
				"accepted",
				"published",
				"closed"
			]
		);
	});
}
