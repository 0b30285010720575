//! Every input the fuzzers ever crashed on (`fuzz/regressions/TARGET/`) replayed through the same
//! code as the fuzz target (`inkquire::fuzzing`).

use std::cell::Cell;

use crate::util::root;

thread_local! {
    /// Set by the panic hook when this thread panics, even if the panic is caught inside
    /// inkquire: under libFuzzer every panic aborts, so a caught one is a finding too.
    static PANICKED: Cell<bool> = const { Cell::new(false) };
}

fn watch_panics() {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            PANICKED.with(|p| p.set(true));
            previous(info);
        }));
    });
}

fn replay(target: &str, run: fn(&[u8])) -> usize {
    watch_panics();
    let dir = root().join("fuzz/regressions").join(target);
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        PANICKED.with(|p| p.set(false));
        let outcome = std::panic::catch_unwind(|| run(&data));
        assert!(
            outcome.is_ok() && !PANICKED.with(Cell::get),
            "{} panics again",
            path.display()
        );
        n += 1;
    }
    n
}

#[test]
fn fuzz_findings_stay_fixed() {
    let mut total = 0;
    for (target, run) in [
        ("feed", inkquire::fuzzing::feed as fn(&[u8])),
        ("html", inkquire::fuzzing::html),
        ("text", inkquire::fuzzing::text),
        ("image", inkquire::fuzzing::image),
    ] {
        total += replay(target, run);
    }
    assert!(total >= 1, "no regression inputs found");
}
