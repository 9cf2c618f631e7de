mod params;
mod scores;
mod slashing;
mod try_state;
