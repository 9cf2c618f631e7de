//! The origins that referenda on our tracks dispatch with, and how fast those tracks run.
//!
//! A referendum on the `parameters` track, once approved, dispatches its call with
//! [`Origin::Parameters`]; each pallet's `Config` says which of these origins (and Root) it
//! accepts for which call, so a track can do exactly what its origin is accepted for.
//!
//! [`PeriodDivisor`] divides every track's periods. It is 1 on a real network; the
//! `development` genesis preset sets it so that a referendum takes blocks, not weeks. No call
//! changes it: only genesis sets it.

pub use pallet_custom_origins::*;

#[frame_support::pallet]
pub mod pallet_custom_origins {
	use frame_support::pallet_prelude::*;

	#[pallet::config]
	pub trait Config: frame_system::Config {}

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// The origin of a call enacted by a referendum on one of our tracks (Root has its own).
	#[derive(
		PartialEq, Eq, Clone, MaxEncodedLen, Encode, Decode, DecodeWithMemTracking, TypeInfo, Debug,
	)]
	#[pallet::origin]
	pub enum Origin {
		/// The `parameters` track: fee shares, bonds, penalties, quorum sizes, windows, caps.
		Parameters,
		/// The `workers` track: admits and removes attestation workers, sets the minimum stake.
		Workers,
		/// The `treasury` track: spends from the treasury, up to a cap.
		Treasurer,
		/// The `emergency` track: pauses and unpauses calls; it can move no funds.
		EmergencyHalt,
	}

	#[pallet::type_value]
	pub fn OneDivisor() -> u32 {
		1
	}

	/// What every track period is divided by (at least one block each). 1 on a real network.
	#[pallet::storage]
	pub type PeriodDivisor<T> = StorageValue<_, u32, ValueQuery, OneDivisor>;

	#[pallet::genesis_config]
	pub struct GenesisConfig<T: Config> {
		/// See [`PeriodDivisor`]; 0 is taken as 1.
		pub period_divisor: u32,
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	impl<T: Config> Default for GenesisConfig<T> {
		fn default() -> Self {
			Self { period_divisor: 1, _config: Default::default() }
		}
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			PeriodDivisor::<T>::put(self.period_divisor.max(1));
		}
	}

	/// `EnsureOrigin` for each variant of [`Origin`], for the runtime's `Config`s.
	macro_rules! ensure_variant {
		($($name:ident),* $(,)?) => { $(
			#[doc = concat!("Accepts [`Origin::", stringify!($name), "`] only.")]
			pub struct $name;
			impl<O: OriginTrait + From<Origin>> EnsureOrigin<O> for $name
			where
				for<'a> &'a O::PalletsOrigin: TryInto<&'a Origin>,
			{
				type Success = ();
				fn try_origin(o: O) -> Result<Self::Success, O> {
					let matches = matches!(o.caller().try_into(), Ok(Origin::$name));
					if matches { Ok(()) } else { Err(o) }
				}
				#[cfg(feature = "runtime-benchmarks")]
				fn try_successful_origin() -> Result<O, ()> {
					Ok(O::from(Origin::$name))
				}
			}
		)* };
	}
	ensure_variant!(Parameters, Workers, Treasurer, EmergencyHalt);
}
