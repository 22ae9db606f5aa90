//! Shannon entropy of a candidate secret.

/// Shannon entropy of `text` in bits per byte (0 for empty text).
pub fn shannon(text: &[u8]) -> f32 {
    if text.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &byte in text {
        counts[usize::from(byte)] += 1;
    }
    #[allow(clippy::cast_precision_loss)]
    let len = text.len() as f32;
    counts
        .iter()
        .filter(|&&count| count > 0)
        .map(|&count| {
            #[allow(clippy::cast_precision_loss)]
            let p = count as f32 / len;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::shannon;

    #[test]
    fn known_values() {
        for (text, expected) in [
            ("", 0.0),
            ("aaaa", 0.0),
            ("abab", 1.0),
            ("abcd", 2.0),
            ("0123456789abcdef", 4.0),
        ] {
            let got = shannon(text.as_bytes());
            assert!((got - expected).abs() < 1e-4, "{text}: {got}");
        }
    }
}
