//! Stage 1: gather articles from sources. This file only names the collector's parts (see
//! ARCHITECTURE.md for which file a newcomer opens for what); no part imports it.

pub mod address;
mod clean;
mod clean_lines;
mod clean_passes;
pub mod context;
mod decode;
pub mod discover;
pub(crate) mod embedded;
mod facts;
pub mod feed;
pub mod harvest;
pub mod html;
pub mod imap;
pub mod links;
pub mod local;
mod login;
mod mail;
pub mod mailbox;
mod markdown;
mod maths;
pub mod offer;
pub mod page;
mod parsed;
mod prose;
pub(crate) mod recipe;
pub mod remote;
mod ruled;
pub mod rules;
mod text;
pub mod title;
mod topics;
mod verdict;
pub mod web;
mod words;

pub use crate::config::MAX_INPUT_BYTES;
pub use decode::{DecodeError, Decoded, decode};
pub use local::{
    Kind, PageOrigin, collect_local, read_bytes, read_file, read_file_from, read_local,
};
pub use markdown::to_html as markdown_to_html;
pub use parsed::ReadError;
pub use remote::classify;
pub use topics::keyword_topics;
pub use verdict::NotArticle;
