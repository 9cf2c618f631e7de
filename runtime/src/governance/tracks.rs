//! The referendum tracks: what each decides, how long each phase lasts, and how much approval
//! and support a referendum needs. `docs/governance.md` explains the choices.
//!
//! Periods are for 6-second blocks and are divided by [`super::origins::PeriodDivisor`] (1 on
//! a real network; the development preset shortens them to a few blocks).

use super::origins::{Origin, PeriodDivisor};
use crate::{currency::OPEN, Balance, BlockNumber, OriginCaller, Runtime, DAYS, HOURS, MINUTES};
use alloc::borrow::Cow;
use pallet_referenda::{Curve, Track, TrackInfo};
use sp_runtime::{str_array as name, Perbill};

/// Track ids, in the order of [`TRACKS`].
pub mod id {
	/// Anything, runtime upgrades included.
	pub const ROOT: u16 = 0;
	/// Our pallets' parameters.
	pub const PARAMETERS: u16 = 1;
	/// The attestation worker set and its minimum stake.
	pub const WORKERS: u16 = 2;
	/// Treasury spends.
	pub const TREASURY: u16 = 3;
	/// Pausing and unpausing calls.
	pub const EMERGENCY: u16 = 4;
}

/// A curve that falls in a straight line from `ceil` at the start of the decision period to
/// `floor` at its end.
const fn linear(ceil: u32, floor: u32) -> Curve {
	Curve::LinearDecreasing {
		length: Perbill::from_percent(100),
		floor: Perbill::from_percent(floor),
		ceil: Perbill::from_percent(ceil),
	}
}

/// The tracks with their periods on a real network, sorted by id.
pub static TRACKS: [Track<u16, Balance, BlockNumber>; 5] = [
	Track {
		id: id::ROOT,
		info: TrackInfo {
			name: name("root"),
			// One at a time: two upgrades deciding together could interfere.
			max_deciding: 1,
			decision_deposit: 10_000 * OPEN,
			// OpenLedger's reference: one day before voting counts, two weeks of voting, a
			// one-day timelock; confirming for a day stops a last-minute swing.
			prepare_period: DAYS,
			decision_period: 14 * DAYS,
			confirm_period: DAYS,
			min_enactment_period: DAYS,
			min_approval: linear(100, 50),
			// Never below the reference's 25% quorum.
			min_support: linear(50, 25),
		},
	},
	Track {
		id: id::PARAMETERS,
		info: TrackInfo {
			name: name("parameters"),
			max_deciding: 10,
			decision_deposit: 1_000 * OPEN,
			prepare_period: DAYS,
			decision_period: 14 * DAYS,
			confirm_period: DAYS,
			min_enactment_period: DAYS,
			min_approval: linear(100, 50),
			// Passes early with the reference quorum; after two weeks 10% turnout suffices.
			min_support: linear(25, 10),
		},
	},
	Track {
		id: id::WORKERS,
		info: TrackInfo {
			name: name("workers"),
			max_deciding: 10,
			decision_deposit: 500 * OPEN,
			// A worker that misbehaves in ways no challenge proves should be out in days.
			prepare_period: HOURS,
			decision_period: 7 * DAYS,
			confirm_period: 3 * HOURS,
			min_enactment_period: HOURS,
			min_approval: linear(100, 50),
			min_support: linear(10, 2),
		},
	},
	Track {
		id: id::TREASURY,
		info: TrackInfo {
			name: name("treasury"),
			max_deciding: 10,
			decision_deposit: 1_000 * OPEN,
			prepare_period: DAYS,
			decision_period: 14 * DAYS,
			// Money leaves for good: two days of confirmation.
			confirm_period: 2 * DAYS,
			min_enactment_period: DAYS,
			min_approval: linear(100, 50),
			min_support: linear(25, 5),
		},
	},
	Track {
		id: id::EMERGENCY,
		info: TrackInfo {
			name: name("emergency"),
			max_deciding: 5,
			// Disruptive if abused, so dear to start; refunded when decided.
			decision_deposit: 5_000 * OPEN,
			// Minutes, not days: it only pauses calls, and an exploit does not wait.
			prepare_period: 10 * MINUTES,
			decision_period: 2 * DAYS,
			confirm_period: 10 * MINUTES,
			min_enactment_period: 1,
			// Low turnout suffices, but a clear majority must want it.
			min_approval: linear(100, 75),
			min_support: linear(5, 1),
		},
	},
];

/// `period / divisor`, at least one block.
fn shorten(period: BlockNumber, divisor: u32) -> BlockNumber {
	(period / divisor).max(1)
}

/// The tracks as [`PeriodDivisor`] makes them.
pub struct TracksInfo;
impl pallet_referenda::TracksInfo<Balance, BlockNumber> for TracksInfo {
	type Id = u16;
	type RuntimeOrigin =
		<crate::RuntimeOrigin as frame_support::traits::OriginTrait>::PalletsOrigin;

	fn tracks() -> impl Iterator<Item = Cow<'static, Track<Self::Id, Balance, BlockNumber>>> {
		let divisor = PeriodDivisor::<Runtime>::get();
		TRACKS.iter().map(move |track| {
			if divisor <= 1 {
				return Cow::Borrowed(track);
			}
			let mut track = track.clone();
			let info = &mut track.info;
			info.prepare_period = shorten(info.prepare_period, divisor);
			info.decision_period = shorten(info.decision_period, divisor);
			info.confirm_period = shorten(info.confirm_period, divisor);
			info.min_enactment_period = shorten(info.min_enactment_period, divisor);
			Cow::Owned(track)
		})
	}

	fn track_for(origin: &Self::RuntimeOrigin) -> Result<Self::Id, ()> {
		match origin {
			OriginCaller::system(frame_system::RawOrigin::Root) => Ok(id::ROOT),
			OriginCaller::Origins(Origin::Parameters) => Ok(id::PARAMETERS),
			OriginCaller::Origins(Origin::Workers) => Ok(id::WORKERS),
			OriginCaller::Origins(Origin::Treasurer) => Ok(id::TREASURY),
			OriginCaller::Origins(Origin::EmergencyHalt) => Ok(id::EMERGENCY),
			_ => Err(()),
		}
	}
}
