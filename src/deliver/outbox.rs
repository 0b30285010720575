//! The durable outbox: every issue's deliveries are rows in the ledger (pending, delivered,
//! failed with the reason, cancelled), so a delivery that failed, or a run killed before it
//! delivered, is retried by the next run. An issue's files stay until every target has it.

use chrono::Utc;

use super::{Delivery, Shelved, SmtpConfig, deliver};
use crate::store::{DeliveryOutcome, FileRole, IssueState, OutboxEntry, Store};

/// What happened to one delivery owed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Delivered {
        issue: u32,
        target: String,
        detail: String,
    },
    Failed {
        issue: u32,
        target: String,
        reason: String,
    },
    /// The target is no longer in the config: the issue is not owed to it any more.
    Cancelled { issue: u32, target: String },
    /// The issue's book is gone and no target had it: its articles are pending again and go
    /// into the next issue.
    Requeued { issue: u32 },
    /// The issue's book is gone but some targets have it: the others cannot get it.
    Lost { issue: u32, target: String },
}

/// The (key, label) of each target, for [`Store::mark_built`].
pub fn targets(deliveries: &[Delivery]) -> Vec<(String, String)> {
    deliveries.iter().map(|d| (d.key(), d.describe())).collect()
}

/// Deliver every issue the ledger still owes to a target (or only issue `only`), oldest first,
/// recording each attempt as it ends (a run killed half-way keeps what it delivered). `on`
/// hears each event.
pub fn flush(
    store: &mut Store,
    deliveries: &[Delivery],
    smtp: Option<&SmtpConfig>,
    only: Option<u32>,
    on: &dyn Fn(&Event),
) -> Result<Vec<Event>, crate::store::StoreError> {
    let owed = store.undelivered()?;
    if owed.is_empty() {
        return Ok(Vec::new());
    }
    let mut events = Vec::new();
    let mut tell = |event: Event| {
        on(&event);
        events.push(event);
    };
    let record = |store: &mut Store, o: &OutboxEntry, outcome: DeliveryOutcome<'_>| {
        store.record_delivery(o.issue, &o.target, outcome, Utc::now())
    };
    let built = store.issues_in(IssueState::Built)?;
    for issue in built.iter().filter(|i| only.is_none_or(|n| n == i.number)) {
        let entries: Vec<&OutboxEntry> = owed.iter().filter(|o| o.issue == issue.number).collect();
        if entries.is_empty() {
            continue;
        }
        let (issue_no, title) = (issue.number, issue.title.as_str());
        let Some(book) = issue.file(FileRole::Book).filter(|b| b.is_file()) else {
            if store.delivered_anywhere(issue_no)? {
                for o in entries {
                    let lost = Event::Lost {
                        issue: issue_no,
                        target: o.label.clone(),
                    };
                    record(store, o, DeliveryOutcome::Cancelled)?;
                    tell(lost);
                }
            } else {
                store.abandon_issue(issue_no)?;
                tell(Event::Requeued { issue: issue_no });
            }
            continue;
        };
        let shelved = Shelved {
            book,
            kepub: issue.file(FileRole::Kepub).filter(|k| k.is_file()),
            title,
        };
        for o in entries {
            let target = o.label.clone();
            let Some(d) = deliveries.iter().find(|d| d.key() == o.target) else {
                let cancelled = Event::Cancelled {
                    issue: issue_no,
                    target,
                };
                record(store, o, DeliveryOutcome::Cancelled)?;
                tell(cancelled);
                continue;
            };
            match deliver(d, smtp, &shelved) {
                Ok(detail) => {
                    crate::shelf::pause_point("delivered");
                    let outcome = DeliveryOutcome::Delivered(&detail);
                    let event = Event::Delivered {
                        issue: issue_no,
                        target,
                        detail: detail.clone(),
                    };
                    record(store, o, outcome)?;
                    tell(event);
                }
                Err(e) => {
                    let reason = e.to_string();
                    let outcome = DeliveryOutcome::Failed(&reason);
                    let event = Event::Failed {
                        issue: issue_no,
                        target,
                        reason: reason.clone(),
                    };
                    record(store, o, outcome)?;
                    tell(event);
                }
            }
        }
    }
    Ok(events)
}
