mod challenges;
mod governance;
mod jobs;
mod openings;
mod property;
mod try_state;
mod workers;
