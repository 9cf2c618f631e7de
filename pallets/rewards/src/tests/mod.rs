mod claims;
mod inference;
mod property;
mod settlement;
mod try_state;
