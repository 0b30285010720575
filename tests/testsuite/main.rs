//! The integration test suite: one binary, a module per area. See `util` for the harness.

mod corpus;
mod pipeline;
mod util;
