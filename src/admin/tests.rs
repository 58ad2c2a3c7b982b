//! The operator tools' pure parts: CSV cells that stay text, `--since` values.

use super::*;

#[test]
fn formula_cells_stay_text() {
    let cases = [
        ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
        ("+14155552671", "'+14155552671"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("Ana", "Ana"),
        ("", ""),
    ];
    for (input, expected) in cases {
        assert_eq!(csv_safe(input), expected);
    }
}

#[test]
fn since_accepts_dates_and_times() {
    assert_eq!(
        parse_since("2026-11-01").unwrap().to_rfc3339(),
        "2026-11-01T00:00:00+00:00"
    );
    assert_eq!(
        parse_since("2026-11-01T10:00:00-05:00")
            .unwrap()
            .to_rfc3339(),
        "2026-11-01T15:00:00+00:00"
    );
    assert!(parse_since("yesterday").is_err());
}
