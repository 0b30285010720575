//! The durable outbox: every issue's deliveries are rows in the ledger (pending, delivered,
//! failed with the reason, cancelled), so a delivery that failed, or a run killed before it
//! delivered, is retried by the next run. An issue's files stay until every target has it.

use chrono::Utc;

use super::{Delivery, Shelved, SmtpConfig, deliver};
use crate::store::{DeliveryOutcome, FileRole, IssueState, Store};

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
) -> anyhow::Result<Vec<Event>> {
    let owed = store.undelivered()?;
    if owed.is_empty() {
        return Ok(Vec::new());
    }
    let built = store.issues_in(IssueState::Built)?;
    let mut events = Vec::new();
    let emit = |e: Event, events: &mut Vec<Event>| {
        on(&e);
        events.push(e);
    };
    for issue in built.iter().filter(|i| only.is_none_or(|n| n == i.number)) {
        let entries: Vec<_> = owed.iter().filter(|o| o.issue == issue.number).collect();
        if entries.is_empty() {
            continue;
        }
        let book = issue.file(FileRole::Book).filter(|b| b.is_file());
        let Some(book) = book else {
            if store.delivered_anywhere(issue.number)? {
                for o in entries {
                    store.record_delivery(
                        issue.number,
                        &o.target,
                        DeliveryOutcome::Cancelled,
                        Utc::now(),
                    )?;
                    emit(
                        Event::Lost {
                            issue: issue.number,
                            target: o.label.clone(),
                        },
                        &mut events,
                    );
                }
            } else {
                store.abandon_issue(issue.number)?;
                emit(
                    Event::Requeued {
                        issue: issue.number,
                    },
                    &mut events,
                );
            }
            continue;
        };
        let kepub = issue.file(FileRole::Kepub).filter(|k| k.is_file());
        let shelved = Shelved {
            book,
            kepub,
            title: &issue.title,
        };
        for o in entries {
            let Some(d) = deliveries.iter().find(|d| d.key() == o.target) else {
                store.record_delivery(
                    issue.number,
                    &o.target,
                    DeliveryOutcome::Cancelled,
                    Utc::now(),
                )?;
                emit(
                    Event::Cancelled {
                        issue: issue.number,
                        target: o.label.clone(),
                    },
                    &mut events,
                );
                continue;
            };
            match deliver(d, smtp, &shelved) {
                Ok(detail) => {
                    crate::shelf::pause_point("delivered");
                    store.record_delivery(
                        issue.number,
                        &o.target,
                        DeliveryOutcome::Delivered(&detail),
                        Utc::now(),
                    )?;
                    emit(
                        Event::Delivered {
                            issue: issue.number,
                            target: o.label.clone(),
                            detail,
                        },
                        &mut events,
                    );
                }
                Err(e) => {
                    let reason = e.to_string();
                    store.record_delivery(
                        issue.number,
                        &o.target,
                        DeliveryOutcome::Failed(&reason),
                        Utc::now(),
                    )?;
                    emit(
                        Event::Failed {
                            issue: issue.number,
                            target: o.label.clone(),
                            reason,
                        },
                        &mut events,
                    );
                }
            }
        }
    }
    Ok(events)
}
