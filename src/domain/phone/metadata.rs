//! The phone-number metadata one number needs, decoded on demand from the per-region split that
//! `build.rs` makes of the `phonenumber` crate's database (only what validation reads, its patterns
//! anchored at the start and with `\d` written `[0-9]`: cheaper to compile, the same answers).
//!
//! The crate decodes and checks its whole database (every region's patterns) on first use, which
//! was most of a cold start's CPU. A number is read with only the regions it can belong to:
//! - dialled with `+` (or the home region's international prefix, `011` from the US) and another
//!   country's code: that code's regions, and it is read by that country's rules. (The crate, given
//!   the home region, strips the home region's national prefix from it too: with `US`,
//!   `+49 151 23456789` became `+495123456789` and `+44 121 234 5678` was refused. Read without a
//!   home region, the crate looks at nothing but the dialled code.)
//! - otherwise: the home region and the leading regions of its code. The crate checks a code's
//!   regions in order and takes the first that fits, so a number this small database finds valid
//!   is valid, with the same E.164 form, in the whole one. Anything it does not find valid
//!   (invalid, unusual digits) is decided by every region, exactly as the crate decides it.
//!
//! Input that is only digits and separators reaches the crate in its plain RFC 3966 form (see
//! [`plain_form`]), so that the crate's free-text reader, and its patterns, stay out of the common case.
//! A test holds all of this to the crate's own answers over every example number it knows.

use super::PhoneRegion;
use phonenumber::country;
use phonenumber::metadata::{Database, loader};
use std::ops::Range;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

/// One region's metadata.
struct Entry {
    code: u16,
    region: &'static str,
    /// Among the regions that can stand for the code: the main one, or all of them.
    leading: bool,
    bytes: Range<usize>,
}

include!(concat!(env!("OUT_DIR"), "/phone_metadata.rs"));

/// The E.164 form of `input` if it is a valid number; `home` is the region of numbers dialled
/// without a country code.
pub(super) fn valid_e164(input: &str, home: PhoneRegion) -> Option<String> {
    let home_code = ENTRIES
        .iter()
        .find(|entry| entry.region == home.as_str())
        .map(|entry| entry.code);
    let (likely, rules) = match dialled_code(input) {
        Some(code) if Some(code) != home_code => (database(regions_of(code)), None),
        _ => {
            let likely = database(home_regions(home.as_str()));
            let international = likely
                .by_id(home.as_str())
                .and_then(|meta| after_international_prefix(input, meta));
            if let Some(international) = international {
                return valid_e164(&international, home);
            }
            (likely, Some(home.id()))
        }
    };
    read(&likely, rules, input).or_else(|| read(whole_database(), rules, input))
}

fn read(database: &Database, home: Option<country::Id>, input: &str) -> Option<String> {
    let home_meta = home.and_then(|id| database.by_id(id.as_ref()));
    let plain = plain_form(input, home_meta);
    let number = phonenumber::parse_with(database, home, plain.as_deref().unwrap_or(input)).ok()?;
    // What the crate's E.164 formatter writes, without it: its `Display` loads the whole default
    // database even when given another one (`unwrap_or(&DATABASE)` dereferences the lazy value).
    phonenumber::is_valid_with(database, &number)
        .then(|| format!("+{}{}", number.country().code(), number.national()))
}

/// `input` as the crate's RFC 3966 reader takes it (`4155552671`, `+44-1212345678`), when it is
/// only digits and the separators people type (`(415) 555-2671`, `+44 121 234 5678`, `030/123456`).
/// The crate reads both forms to the same number, but its free-text reader first compiles patterns
/// of its own (any script's letters and digits, extensions written in a dozen languages): on a cold
/// start, more than the region's patterns cost. `None` leaves `input` to the free-text reader.
fn plain_form(input: &str, home: Option<&phonenumber::Metadata>) -> Option<String> {
    let text = input.trim_start_matches(' ');
    let (plus, rest) = match text.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let digits = typed_digits(rest)?;
    if digits.len() < 3 {
        return None;
    }
    if !plus {
        return Some(digits);
    }
    // After a `+`, the free-text reader also strips the home region's international prefix when
    // the digits start with one (`+011 44 ...` from the US); the RFC 3966 reader does not.
    let international_prefix = home.and_then(|meta| meta.international_prefix());
    if international_prefix.is_some_and(|idd| idd.find(&digits).is_some_and(|m| m.start() == 0)) {
        return None;
    }
    let code = dialled_code(text)?.to_string();
    let national = &digits[code.len()..];
    (!national.is_empty()).then(|| format!("+{code}-{national}"))
}

/// A number dialled with the home region's international prefix (`011 49 151 …` from the US,
/// `00 49 …` from the UK) as `+49 151 …`, to be read by that country's rules like any number with
/// a `+`. Read with the home region, the crate also strips the home region's national prefix from
/// it: from the US, `011 49 151 23456789` became `+495123456789`, a wrong number.
fn after_international_prefix(input: &str, home: &phonenumber::Metadata) -> Option<String> {
    let digits = typed_digits(input)?;
    let prefix = home.international_prefix()?.find(&digits)?;
    let rest = &digits[prefix.end()..];
    // The crate, too, only takes the digits as a prefix followed by a country code (never `0`).
    (prefix.start() == 0 && prefix.end() > 0 && !rest.is_empty() && !rest.starts_with('0'))
        .then(|| format!("+{rest}"))
}

/// The digits of `text` if it holds nothing but ASCII digits and the separators people type
/// between them.
fn typed_digits(text: &str) -> Option<String> {
    let separator = |c: char| matches!(c, ' ' | '-' | '.' | '(' | ')' | '/');
    text.chars()
        .all(|c| c.is_ascii_digit() || separator(c))
        .then(|| text.chars().filter(char::is_ascii_digit).collect())
}

/// The code after the first `+` (a `tel:` URI's `phone-context=+64` included).
fn dialled_code(input: &str) -> Option<u16> {
    let (_, rest) = input.split_once(['+', '\u{FF0B}'])?;
    let digits: String = rest.chars().filter(char::is_ascii_digit).take(3).collect();
    // Calling codes are prefix-free: at most one of the first one, two or three digits is a code.
    (1..=digits.len())
        .filter_map(|len| digits[..len].parse().ok())
        .find(|&code| ENTRIES.iter().any(|entry| entry.code == code))
}

fn regions_of(code: u16) -> Vec<usize> {
    (0..ENTRIES.len())
        .filter(|&index| ENTRIES[index].code == code)
        .collect()
}

/// The leading regions of the home region's code, and every region before the home region.
fn home_regions(home: &str) -> Vec<usize> {
    let Some(home_index) = ENTRIES.iter().position(|entry| entry.region == home) else {
        return every_region();
    };
    let code = ENTRIES[home_index].code;
    regions_of(code)
        .into_iter()
        .filter(|&index| ENTRIES[index].leading || index <= home_index)
        .collect()
}

fn every_region() -> Vec<usize> {
    (0..ENTRIES.len()).collect()
}

/// Every region: built once, and only for the numbers the small databases do not settle.
fn whole_database() -> &'static Database {
    static WHOLE: OnceLock<Database> = OnceLock::new();
    WHOLE.get_or_init(|| decode(&every_region()))
}

/// Small databases already built, newest last. Few sets of regions ever occur (the home code's, alone or
/// with one other code's), so a short list bounds what a stream of foreign numbers could take.
static BUILT: Mutex<Vec<(Vec<usize>, Arc<Database>)>> = Mutex::new(Vec::new());
const KEEP_BUILT: usize = 8;

/// The database of the given entries of `ENTRIES` (in their order).
fn database(entries: Vec<usize>) -> Arc<Database> {
    let mut built = BUILT.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((_, database)) = built.iter().find(|(key, _)| *key == entries) {
        return database.clone();
    }
    let database = Arc::new(decode(&entries));
    if built.len() == KEEP_BUILT {
        built.remove(0);
    }
    built.push((entries, database.clone()));
    database
}

fn decode(entries: &[usize]) -> Database {
    let regions: Vec<loader::Metadata> = entries
        .iter()
        .map(|&index| {
            postcard::from_bytes(&METADATA[ENTRIES[index].bytes.clone()])
                .expect("build.rs wrote metadata in the crate's own format")
        })
        .collect();
    Database::from(regions).expect("build.rs wrote metadata the crate had checked")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn regions(indices: &[usize]) -> Vec<&'static str> {
        indices.iter().map(|&index| ENTRIES[index].region).collect()
    }

    #[test]
    fn the_split_covers_every_region_once() {
        let all = regions(&every_region());
        let mut geographic: Vec<_> = all.iter().filter(|&&region| region != "001").collect();
        assert!(geographic.len() > 240, "{} regions", geographic.len());
        let count = geographic.len();
        geographic.sort_unstable();
        geographic.dedup();
        assert_eq!(geographic.len(), count);
        // Each non-geographic code (+800, +882, ...) is one more entry, all named "001".
        assert!(
            all.len() - count >= 9,
            "{} non-geographic codes",
            all.len() - count
        );
        assert!(ENTRIES.windows(2).all(|w| w[0].code <= w[1].code));
    }

    #[test]
    fn the_regions_a_number_can_belong_to() {
        assert_eq!(regions(&home_regions("US")), ["US"]);
        assert_eq!(regions(&home_regions("GB")), ["GB"]);
        // Canada is not the main region of +1: the regions before it come too.
        let canada = regions(&home_regions("CA"));
        assert_eq!((canada.first(), canada.last()), (Some(&"US"), Some(&"CA")));
        assert_eq!(regions(&regions_of(44)), ["GB", "GG", "IM", "JE"]);
        assert_eq!(dialled_code("+44 20 7946 0958"), Some(44));
        assert_eq!(dialled_code("tel:03-331-6005;phone-context=+64"), Some(64));
        assert_eq!(dialled_code("(415) 555-2671"), None);
        assert_eq!(dialled_code("+999 123"), None);
        assert_eq!(dialled_code("+7 495 123"), Some(7));
    }

    #[test]
    fn a_number_dialled_with_the_home_international_prefix_is_read_by_its_own_country() {
        let region = |id: &str| -> PhoneRegion { id.parse().unwrap() };
        let cases = [
            ("011 49 151 23456789", "US", "+4915123456789"),
            ("011 44 20 7946 0958", "US", "+442079460958"),
            ("011 1 415 555 2671", "US", "+14155552671"),
            ("00 49 151 23456789", "GB", "+4915123456789"),
            ("0011 49 151 23456789", "AU", "+4915123456789"),
        ];
        for (input, home, e164) in cases {
            assert_eq!(
                valid_e164(input, region(home)).as_deref(),
                Some(e164),
                "{input}"
            );
        }
        // A national number is not taken for a prefix and a code.
        assert_eq!(
            valid_e164("(201) 555-0123", region("US")).as_deref(),
            Some("+12015550123")
        );
    }

    #[test]
    fn plain_forms() {
        assert_eq!(
            plain_form("(415) 555-2671", None).as_deref(),
            Some("4155552671")
        );
        assert_eq!(
            plain_form(" 030/123456", None).as_deref(),
            Some("030123456")
        );
        assert_eq!(
            plain_form("+44 (0)20 7946.0958", None).as_deref(),
            Some("+44-02079460958")
        );
        for left_to_the_crate in [
            "415 555 2671 ext 12",
            "+1 (415) 555-2671#",
            "tel:+1-415",
            "12",
        ] {
            assert_eq!(
                plain_form(left_to_the_crate, None),
                None,
                "{left_to_the_crate}"
            );
        }
        assert_eq!(plain_form("+999 123", None), None);
    }

    /// No region's international prefix starts like its own calling code today, but if one did,
    /// `+` and those digits would have to go to the free-text reader, which strips the prefix.
    #[test]
    fn a_plus_before_the_home_international_prefix_is_left_to_the_crate() {
        let region = |international_prefix: &str| loader::Metadata {
            id: Some("GB".into()),
            country_code: Some(44),
            international_prefix: Some(international_prefix.into()),
            general: Some(loader::Descriptor {
                national_number: Some("[0-9]{10}".into()),
                ..Default::default()
            }),
            ..Default::default()
        };
        for (international_prefix, expected) in
            [("^(?:00\n)", Some("+44-2079460958")), ("^(?:44\n)", None)]
        {
            let database = Database::from(vec![region(international_prefix)]).unwrap();
            assert_eq!(
                plain_form("+44 20 7946 0958", database.by_id("GB")).as_deref(),
                expected
            );
        }
    }
}

#[cfg(test)]
#[path = "metadata_equivalence.rs"]
mod same_as_the_whole_database;
