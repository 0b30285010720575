//! Every input the fuzzers ever crashed on (`fuzz/regressions/TARGET/`) replayed through the same
//! code as the fuzz target (`inkquire::fuzzing`).

use crate::util::root;

fn replay(target: &str, run: fn(&[u8])) -> usize {
    let dir = root().join("fuzz/regressions").join(target);
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        let outcome = std::panic::catch_unwind(|| run(&data));
        assert!(outcome.is_ok(), "{} crashes again", path.display());
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
