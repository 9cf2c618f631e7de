mod admin;
mod contribute;
mod curate;
mod lifecycle;
mod property;
mod publish;
mod try_state;
mod withdraw;
