//! Where a person will be during sessions: a US state or territory by its USPS code, or a country
//! outside the US by its ISO 3166-1 code (`outside:FR`). The list is generated from ISO 3166 data
//! (`scripts/regions.py`, checked by `make test`), with each name in English and Spanish.

use std::sync::LazyLock;

const LIST: &str = include_str!("regions.tsv");
/// The prefix of a country outside the US in an answer: USPS and ISO codes overlap (CA, DE, GA).
const OUTSIDE: &str = "outside:";

/// One region of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    in_us: bool,
    code: String,
    english: String,
    spanish: String,
}

static REGIONS: LazyLock<Vec<Region>> = LazyLock::new(|| {
    LIST.lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .filter_map(|line| {
            let mut cells = line.split('\t');
            let kind = cells.next()?;
            let code = cells.next()?;
            let english = cells.next()?;
            let spanish = cells.next()?;
            Some(Region {
                in_us: kind == "us",
                code: if kind == "us" {
                    code.to_owned()
                } else {
                    format!("{OUTSIDE}{code}")
                },
                english: english.to_owned(),
                spanish: spanish.to_owned(),
            })
        })
        .collect()
});

/// Every region: the US ones first, then the countries, each in ISO code order.
pub fn region_list() -> &'static [Region] {
    &REGIONS
}

impl Region {
    /// An answer's region by its code (`IL`, `outside:FR`); anything else is none.
    pub fn find(code: &str) -> Option<&'static Region> {
        region_list().iter().find(|r| r.code == code)
    }

    /// The code an answer holds: `IL`, or `outside:FR`.
    pub fn code(&self) -> &str {
        &self.code
    }

    pub fn in_us(&self) -> bool {
        self.in_us
    }

    /// Its name in a language, by tag (`en`, `es`); English for any other.
    pub fn name(&self, language_tag: &str) -> &str {
        match language_tag {
            "es" => &self.spanish,
            _ => &self.english,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_holds_the_states_the_territories_and_the_world() {
        let us = region_list().iter().filter(|r| r.in_us()).count();
        // 50 states, DC, and American Samoa, Guam, the Northern Marianas, Puerto Rico, the USVI.
        assert_eq!(us, 56);
        assert!(region_list().len() > 240);
        assert_eq!(Region::find("IL").unwrap().name("en"), "Illinois");
        assert_eq!(Region::find("NY").unwrap().name("es"), "Nueva York");
        assert_eq!(Region::find("outside:CA").unwrap().name("en"), "Canada");
        assert_eq!(Region::find("CA").unwrap().name("en"), "California");
    }

    #[test]
    fn codes_that_are_not_regions_are_refused() {
        for code in [
            "",
            "ZZ",
            "il",
            "outside:US",
            "outside:PR",
            "outside:",
            "US-IL",
            "outside:ZZ",
        ] {
            assert!(Region::find(code).is_none(), "{code}");
        }
    }
}
