//! The split metadata reads every number as the crate's whole database does.

use super::*;
use phonenumber::metadata::DATABASE;
use phonenumber::{Mode, Type};

/// The crate's own answer with its whole database, read by the rules above: a number dialled
/// with another country's code (after `+` or the home region's international prefix) by that
/// country's rules, any other by the home region's.
fn whole(input: &str, home: PhoneRegion) -> Option<String> {
    let home_meta = DATABASE.by_id(home.as_str());
    if let Some(international) = home_meta.and_then(|meta| after_international_prefix(input, meta))
    {
        return whole(&international, home);
    }
    let home_code = home_meta.map(|meta| meta.country_code());
    let rules = match dialled_code(input) {
        Some(code) if Some(code) != home_code => None,
        _ => Some(home.id()),
    };
    let number = phonenumber::parse(rules, input).ok()?;
    phonenumber::is_valid(&number).then(|| number.format().mode(Mode::E164).to_string())
}

const KINDS: [Type; 10] = [
    Type::FixedLine,
    Type::Mobile,
    Type::TollFree,
    Type::PremiumRate,
    Type::SharedCost,
    Type::Voip,
    Type::PersonalNumber,
    Type::Pager,
    Type::Uan,
    Type::Voicemail,
];

/// A number written the way people group it: `(201) 555-0123`, `20.15.55.01.23`.
fn punctuated(digits: &str, style: usize) -> String {
    let chars: Vec<char> = digits.chars().collect();
    let (head, tail) = chars.split_at(chars.len().min(3));
    let (head, tail): (String, String) = (head.iter().collect(), tail.iter().collect());
    match style {
        0 => format!("({head}) {tail}"),
        1 => format!("{head}-{tail}"),
        _ => format!("{head}.{tail} "),
    }
}

/// Every example number of every region and kind in the metadata, as dialled at home, with its
/// code (from the US, the UK and at home), after the US and UK international prefixes, with
/// separators, one digit short, one too long, and in Arabic-Indic digits: the same answers.
#[test]
fn for_every_example_number_and_its_near_misses() {
    let homes: Vec<PhoneRegion> = ["US", "GB"].iter().map(|r| r.parse().unwrap()).collect();
    let (mut compared, mut valid) = (0, 0);
    for code in 1..1000 {
        for meta in DATABASE.by_code(&code).unwrap_or_default() {
            let own: Option<PhoneRegion> = meta.id().parse().ok();
            for (n, example) in KINDS
                .iter()
                .filter_map(|&kind| meta.descriptors().get(kind)?.example())
                .enumerate()
            {
                let short = &example[..example.len() - 1];
                // The patterns read `\d` as ASCII digits (build.rs): other digits must still
                // be read as the crate reads them.
                let arabic_indic: String = example
                    .chars()
                    .map(|c| char::from_u32(c as u32 - '0' as u32 + 0x0660).unwrap_or(c))
                    .collect();
                let variants = [
                    example.to_owned(),
                    short.to_owned(),
                    format!("{example}9"),
                    arabic_indic,
                    punctuated(example, n),
                ];
                for national in variants {
                    let dialled = [
                        format!("+{code} {national}"),
                        format!("+{code}-{national}"),
                        format!("011 {code} {national}"),
                        format!("00{code}{national}"),
                    ];
                    let mut cases: Vec<(&str, PhoneRegion)> = Vec::new();
                    for home in homes.iter().chain(own.as_ref()) {
                        cases.extend(dialled.iter().map(|input| (input.as_str(), *home)));
                    }
                    cases.extend(own.map(|home| (national.as_str(), home)));
                    for (input, home) in cases {
                        let expected = whole(input, home);
                        assert_eq!(
                            valid_e164(input, home),
                            expected,
                            "{input:?} at home in {home:?}"
                        );
                        compared += 1;
                        valid += usize::from(expected.is_some());
                    }
                }
            }
        }
    }
    assert!(
        compared > 50_000 && valid > 15_000,
        "{compared} compared, {valid} valid"
    );
}
