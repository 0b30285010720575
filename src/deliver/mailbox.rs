//! Newsletters after delivery: once an issue holding a message's article is delivered, the
//! message is marked read, moved, or left, as its source's `after` says — never at collection.
//! What could not be done (the server is away) stays owed in the ledger and is tried again on the
//! next run.

use std::collections::BTreeMap;

use crate::collector::mailbox;
use crate::config::{AfterDelivery, Config, SourceKind};
use crate::store::{Store, StoreError};

/// What was done to one source's delivered messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settled {
    /// `count` messages were marked read, moved (to the folder named), or left.
    Done {
        source: String,
        count: usize,
        after: AfterDelivery,
    },
    /// The server could not be asked or refused; they stay owed.
    Failed {
        source: String,
        count: usize,
        reason: String,
    },
}

/// Do what each source's `after` asks to the messages of delivered issues.
pub fn after_delivery(store: &mut Store, config: &Config) -> Result<Vec<Settled>, StoreError> {
    let mut by_source: BTreeMap<String, Vec<crate::collector::harvest::MailRef>> = BTreeMap::new();
    for m in store.mail_owed()? {
        by_source.entry(m.source.clone()).or_default().push(m);
    }
    let mut out = Vec::new();
    for (location, refs) in by_source {
        // A source no longer in the config is not touched: its password is not known.
        let Some(s) = config
            .sources
            .iter()
            .find(|s| s.kind == Some(SourceKind::Imap) && s.location() == location)
        else {
            continue;
        };
        let after = s.after_delivery().unwrap_or(AfterDelivery::Read);
        let keys: Vec<String> = refs.iter().map(|r| r.key.clone()).collect();
        if after == AfterDelivery::Leave {
            store.mail_settled(&keys, None)?;
            out.push(Settled::Done {
                source: location,
                count: keys.len(),
                after,
            });
            continue;
        }
        let done = mailbox::open(s, config).and_then(|(mut session, validity)| {
            // A UID means something only under the UIDVALIDITY it was read with: messages of
            // a folder the server has renumbered since are left as they are.
            let uids: Vec<u32> = refs
                .iter()
                .filter(|r| r.validity == validity)
                .map(|r| r.uid)
                .collect();
            let r = match &after {
                AfterDelivery::Move(folder) => session.move_to(&uids, folder),
                _ => session.add_flags(&uids, "\\Seen"),
            };
            session.logout();
            r.map_err(|e| crate::report::Failure::new(crate::report::Kind::Network, e.to_string()))
        });
        match done {
            Ok(()) => {
                store.mail_settled(&keys, None)?;
                out.push(Settled::Done {
                    source: location,
                    count: keys.len(),
                    after,
                });
            }
            Err(e) => {
                store.mail_settled(&keys, Some(&e.message))?;
                out.push(Settled::Failed {
                    source: location,
                    count: keys.len(),
                    reason: e.message,
                });
            }
        }
    }
    Ok(out)
}
