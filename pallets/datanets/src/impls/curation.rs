//! Curation: accepting or rejecting pending contributions.

use crate::{funds, pallet::*, types::*};
use frame_support::pallet_prelude::*;
use openledger_traits::{Outcome, ReputationReporter, Role};
use sp_runtime::traits::Saturating;

impl<T: Config> Pallet<T> {
	pub(crate) fn do_curate(
		who: &T::AccountId,
		datanet: DatanetId,
		ids: CurateBatchOf<T>,
		verdict: Verdict,
	) -> DispatchResult {
		let mut info = Datanets::<T>::get(datanet).ok_or(Error::<T>::UnknownDatanet)?;
		ensure!(Self::is_curator(&info, datanet, who), Error::<T>::NotCurator);
		ensure!(!ids.is_empty(), Error::<T>::NothingToCurate);
		let mut tree = FileTrees::<T>::get(datanet);
		let reject_slash = Self::params().reject_slash;
		// The call is transactional: an error on any id undoes the ids before it.
		for id in ids {
			let mut item = Contributions::<T>::get(id).ok_or(Error::<T>::UnknownContribution)?;
			ensure!(item.datanet == datanet, Error::<T>::WrongDatanet);
			ensure!(item.status == ContributionStatus::Pending, Error::<T>::NotPending);
			info.pending = info.pending.saturating_sub(1);
			match verdict {
				Verdict::Accept => {
					Self::append_file(datanet, &mut tree, id, &mut item)?;
					let bond_released = funds::release_bond::<T>(&item.contributor, item.bond);
					item.status = ContributionStatus::Accepted;
					T::Reputation::report(&item.contributor, Role::Contributor, Outcome::Positive);
					let placement = item.placement.unwrap_or(Placement { position: 0, first: 0 });
					Self::deposit_event(Event::ContributionAccepted {
						datanet,
						id,
						contributor: item.contributor.clone(),
						position: placement.position,
						first: placement.first,
						bond_released,
					});
				},
				Verdict::Reject => {
					let slashed =
						funds::slash_bond::<T>(&item.contributor, reject_slash, item.bond);
					let bond_released = funds::release_bond::<T>(
						&item.contributor,
						item.bond.saturating_sub(slashed),
					);
					item.status = ContributionStatus::Rejected;
					ContentIndex::<T>::remove(datanet, item.content_hash);
					T::Reputation::report(&item.contributor, Role::Contributor, Outcome::Negative);
					Self::deposit_event(Event::ContributionRejected {
						datanet,
						id,
						contributor: item.contributor.clone(),
						slashed,
						bond_released,
					});
				},
			}
			Contributions::<T>::insert(id, item);
		}
		FileTrees::<T>::insert(datanet, tree);
		Datanets::<T>::insert(datanet, info);
		Ok(())
	}
}
