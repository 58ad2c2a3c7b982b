//! Splits the `phonenumber` crate's metadata by country calling code at build time.
//!
//! The crate's own database is one blob that is decoded and checked whole (every region's patterns)
//! on first use: most of a cold start's CPU. Split per calling code, a request decodes only the
//! regions its number can belong to (see `src/domain/phone/metadata.rs`), and only what parsing
//! and validation read: no formatting rules, no short-number data. The split is taken from the same
//! crate version the function links, so the data cannot drift from the code reading it.

use phonenumber::metadata::{DATABASE, Descriptor, Metadata, loader};
use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    questions_file();
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));

    // By code, not by region: the non-geographic codes (+800, +882, ...) share the region "001".
    let codes: Vec<u16> = (1..1000)
        .filter(|code| DATABASE.by_code(code).is_some())
        .collect();

    let mut blob = Vec::new();
    let mut table = String::from(
        "/// Each region's metadata in `METADATA`: by code, and within a code in the database's own\n\
         /// order (main country first), which lookups rely on.\n\
         static ENTRIES: &[Entry] = &[\n",
    );
    for &code in &codes {
        let regions = DATABASE
            .by_code(&code)
            .expect("a code taken from the database");
        // The crate picks a code's only region without looking at it, but with more regions it
        // checks each one's leading digits in turn: the main region alone can stand for the code
        // only when it has none (see `metadata.rs`).
        let main_alone = regions.len() == 1 || regions[0].leading_digits().is_none();
        for (index, meta) in regions.iter().enumerate() {
            let bytes = postcard::to_stdvec(&unload(meta)).expect("metadata serializes");
            let start = blob.len();
            blob.extend_from_slice(&bytes);
            let id = meta.id();
            let leading = index == 0 || !main_alone;
            writeln!(
                table,
                "    Entry {{ code: {code}, region: {id:?}, leading: {leading}, bytes: {start}..{} }},",
                blob.len()
            )
            .unwrap();
        }
    }
    table.push_str(
        "];\n\n/// Each region's `postcard`-encoded `loader::Metadata`.\n\
         static METADATA: &[u8] = include_bytes!(concat!(env!(\"OUT_DIR\"), \"/phone_metadata.bin\"));\n",
    );

    std::fs::write(out.join("phone_metadata.bin"), blob).expect("OUT_DIR is writable");
    std::fs::write(out.join("phone_metadata.rs"), table).expect("OUT_DIR is writable");
}

/// A region's metadata back in the crate's loadable form (patterns as their source text).
fn unload(meta: &Metadata) -> loader::Metadata {
    let d = meta.descriptors();
    loader::Metadata {
        general: Some(descriptor(d.general())),
        fixed_line: d.fixed_line().map(descriptor),
        // Where mobile and fixed-line numbers look alike (the US), the crate finds a number valid
        // when the fixed-line descriptor matches it, and would check the same pattern once more
        // when the region is loaded: one descriptor gives the same answers.
        mobile: d
            .mobile()
            .filter(|mobile| !same_descriptor(mobile, d.fixed_line()))
            .map(descriptor),
        toll_free: d.toll_free().map(descriptor),
        premium_rate: d.premium_rate().map(descriptor),
        shared_cost: d.shared_cost().map(descriptor),
        personal_number: d.personal_number().map(descriptor),
        voip: d.voip().map(descriptor),
        pager: d.pager().map(descriptor),
        uan: d.uan().map(descriptor),
        voicemail: d.voicemail().map(descriptor),
        // Short-number and formatting data: nothing that parses or validates a number reads it,
        // and the crate would still check every pattern of it when the region is loaded.
        emergency: None,
        short_code: None,
        standard_rate: None,
        carrier: None,
        no_international: None,
        id: Some(meta.id().to_owned()),
        country_code: Some(meta.country_code()),
        international_prefix: meta.international_prefix().map(|r| anchored(r.as_str())),
        preferred_international_prefix: meta.preferred_international_prefix().map(str::to_owned),
        national_prefix: meta.national_prefix().map(str::to_owned),
        preferred_extension_prefix: meta.preferred_extension_prefix().map(str::to_owned),
        national_prefix_for_parsing: meta
            .national_prefix_for_parsing()
            .map(|r| anchored(r.as_str())),
        national_prefix_transform_rule: meta.national_prefix_transform_rule().map(str::to_owned),
        formats: Vec::new(),
        international_formats: Vec::new(),
        main_country_for_code: meta.is_main_country_for_code(),
        leading_digits: meta.leading_digits().map(|r| anchored(r.as_str())),
        mobile_number_portable: meta.is_mobile_number_portable(),
        defaults: Default::default(),
    }
}

fn descriptor(d: &Descriptor) -> loader::Descriptor {
    loader::Descriptor {
        national_number: Some(anchored(d.national_number().as_str())),
        possible_length: d.possible_length().to_vec(),
        possible_local_length: d.possible_local_length().to_vec(),
        // Examples are documentation; nothing reads them when parsing or validating.
        example: None,
    }
}

fn same_descriptor(a: &Descriptor, b: Option<&Descriptor>) -> bool {
    b.is_some_and(|b| {
        a.national_number().as_str() == b.national_number().as_str()
            && a.possible_length() == b.possible_length()
    })
}

/// The crate matches its patterns only against digits it has already turned into ASCII, where
/// `\d` and `[0-9]` match alike; as `[0-9]` the regex crate need not compile every Unicode digit
/// (it cuts the first US number's pattern compile from 41 to 26 million instructions). A class
/// inside a class (`[\d-]` → `[[0-9]-]`) is valid syntax for the regex crate.
///
/// Every use the crate makes of these patterns asks for a match at the start of the number (it finds
/// the leftmost match and checks it starts at 0), so anchoring them there changes no answer; anchored,
/// the regex crate skips its literal analysis (prefilters, reverse suffix and inner searches), most
/// of what compiling a region's patterns cost. The closing parenthesis goes on its own line because
/// the crate compiles in verbose mode, where a `#` would comment out the rest of the line.
fn anchored(pattern: &str) -> String {
    format!("^(?:{}\n)", pattern.replace("\\d", "[0-9]"))
}

/// The practice's questions compiled into the function: `questions.toml`, or for a test build the
/// file `CONSULTATION_QUESTIONS` names (relative to this directory).
fn questions_file() {
    println!("cargo:rerun-if-env-changed=CONSULTATION_QUESTIONS");
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let path = match std::env::var_os("CONSULTATION_QUESTIONS") {
        Some(path) if !path.is_empty() => manifest.join(path),
        _ => manifest.join("questions.toml"),
    };
    println!(
        "cargo:rustc-env=CONSULTATION_QUESTIONS_FILE={}",
        path.display()
    );
}
