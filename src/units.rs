//! Sizes, one way: decimal units (kB = 1000 bytes, MB = 1000 kB), as e-mail limits, Send to
//! Kindle's 50 MB and `max-size` are given. `build`, `digest` and the report print them so.

/// "3.2 MB", "812 kB".
pub fn human_size(n: u64) -> String {
    if n >= 1_000_000 {
        format!("{:.1} MB", n as f64 / 1e6)
    } else {
        format!("{} kB", n.div_ceil(1000))
    }
}

/// A size that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SizeError {
    #[error("`{0}` is not a size: write it like 50MB or 800kB")]
    NotANumber(String),
    #[error("`{given}`: unknown unit `{unit}` (use B, kB, MB or GB)")]
    UnknownUnit { given: String, unit: String },
}

/// Parse a size: `50MB`, `800kB`, `1.5 GB`, `120000` (bytes); `KiB`, `MiB` and `GiB` are binary.
pub fn parse_size(s: &str) -> Result<u64, SizeError> {
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num
        .parse()
        .map_err(|_| SizeError::NotANumber(s.to_owned()))?;
    let mult = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" => 1e3,
        "kib" => 1024.0,
        "m" | "mb" => 1e6,
        "mib" => 1048576.0,
        "g" | "gb" => 1e9,
        "gib" => 1073741824.0,
        _ => {
            return Err(SizeError::UnknownUnit {
                given: s.to_owned(),
                unit: unit.trim().to_owned(),
            });
        }
    };
    Ok((n * mult) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_decimal_both_ways() {
        assert_eq!(parse_size("50MB"), Ok(50_000_000));
        assert_eq!(parse_size("800 kB"), Ok(800_000));
        assert_eq!(parse_size("1MiB"), Ok(1_048_576));
        assert_eq!(human_size(50_000_000), "50.0 MB");
        assert_eq!(human_size(812_001), "813 kB");
        assert!(matches!(parse_size("fifty"), Err(SizeError::NotANumber(_))));
        assert!(
            parse_size("5 parsecs")
                .unwrap_err()
                .to_string()
                .contains("unknown unit `parsecs`")
        );
    }
}
