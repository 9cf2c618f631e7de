mod challenges;
mod jobs;
mod property;
mod try_state;
mod workers;
