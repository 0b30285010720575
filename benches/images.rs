//! Image throughput: every picture of ../shared/corpus/images made ready for a Kindle screen
//! (decode, fit with Lanczos3, grayscale 16 levels, encode), as megapixels of source per second.
//!
//!     cargo bench --bench images
//!
//! Under `cargo test` (no `--bench` argument) it only checks that it builds.

use std::time::Instant;

use inkquire::imaging::{Settings, prepare};

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        eprintln!("images benchmark: run it with `cargo bench --bench images`");
        return;
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/images");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("images benchmark skipped: {} is not here", dir.display());
        return;
    };
    let mut files: Vec<(String, Vec<u8>)> = entries
        .map(|e| e.unwrap().path())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    let kindle = inkquire::profiles::find("kindle").unwrap();
    let settings = Settings {
        max_width: kindle.width,
        max_height: kindle.height,
        gray: kindle.gray,
        quality: 80,
    };
    println!("| picture | source | pixels (MP) | ms | MP/s | bytes in → out |");
    println!("|---|---|---:|---:|---:|---|");
    let (mut total_mp, mut total_s, mut bytes_in, mut bytes_out) = (0.0, 0.0, 0, 0);
    for (name, bytes) in &files {
        let img = image::load_from_memory(bytes).unwrap();
        let mp = f64::from(img.width()) * f64::from(img.height()) / 1e6;
        // Best of three: the work, not the machine's other load.
        let mut best = f64::MAX;
        let mut out = 0;
        for _ in 0..3 {
            let t = Instant::now();
            let p = prepare(bytes, &settings);
            best = best.min(t.elapsed().as_secs_f64());
            out = p.map(|p| p.data.len()).unwrap_or(0);
        }
        total_mp += mp;
        total_s += best;
        bytes_in += bytes.len();
        bytes_out += out;
        println!(
            "| {name} | {}×{} | {mp:.2} | {:.1} | {:.0} | {} → {} |",
            img.width(),
            img.height(),
            best * 1e3,
            mp / best,
            bytes.len(),
            out
        );
    }
    println!(
        "\n{} pictures, {total_mp:.1} MP in {:.2} s on one core: {:.0} MP/s; {:.1} MiB → {:.2} MiB",
        files.len(),
        total_s,
        total_mp / total_s,
        bytes_in as f64 / 1048576.0,
        bytes_out as f64 / 1048576.0
    );
}
