//! The integration test suite: one binary, a module per area. See `util` for the harness and
//! `server` for the loopback HTTP server.

mod access;
mod addresses;
mod attack;
mod collect;
mod corpus;
mod corpus_feeds;
mod digest;
mod directions;
mod disk;
mod extract;
mod filters;
mod fuzz_regressions;
mod hostile;
mod hyphens;
mod images;
mod login;
mod mail;
mod maths;
mod once;
mod overflow;
mod pipeline;
mod props;
mod rules;
mod scripted;
mod serve;
mod server;
mod sources;
mod stories;
mod titles;
mod util;
mod walls;
