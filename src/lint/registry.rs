//! The registry: every rule, sorted by code. A code is never reused; a retired rule would stay
//! here, marked removed in its documentation.

use super::rules::{content, encoding, front_matter, html, links};
use super::{Rule, RuleMeta};
use crate::diagnostic::find_rule;

pub static RULES: &[&dyn Rule] = &[
    &content::DuplicatePost,
    &content::DuplicateBody,
    &content::LiquidTag,
    &content::KramdownAttributeList,
    &content::OversizedPost,
    &encoding::LegacyEncoding,
    &encoding::UndecodableBytes,
    &encoding::CrlfLineEndings,
    &encoding::ByteOrderMark,
    &front_matter::MissingFrontMatter,
    &front_matter::UnterminatedFrontMatter,
    &front_matter::InvalidYaml,
    &front_matter::FrontMatterNotMapping,
    &front_matter::FrontMatterNotAtTop,
    &front_matter::DuplicateKey,
    &front_matter::TabInFrontMatter,
    &front_matter::MissingField,
    &front_matter::EmptyTitle,
    &front_matter::InvalidDate,
    &front_matter::DateWithoutTimezone,
    &front_matter::FutureDate,
    &front_matter::InvalidPostFileName,
    &front_matter::FileNameDateMismatch,
    &front_matter::DisallowedCategory,
    &front_matter::DisallowedTag,
    &front_matter::DuplicateTag,
    &front_matter::YamlTooComplex,
    &front_matter::WrongFieldType,
    &front_matter::UnknownTimezone,
    &front_matter::DateReadAsUtc,
    &front_matter::DayFirstDate,
    &html::DangerousElement,
    &html::EventHandler,
    &html::HiddenContent,
    &html::DeprecatedElement,
    &html::MisplacedAttribute,
    &html::ImageWithoutAlt,
    &html::EmptyParagraph,
    &html::InlineStyle,
    &html::RemoteImage,
    &html::UnbalancedTags,
    &links::EmptyLink,
    &links::MalformedUrl,
    &links::RefusedUrlScheme,
    &links::ProtocolRelativeUrl,
    &links::InsecureLink,
    &links::PrivateAddressLink,
    &links::BrokenInternalLink,
    &links::DuplicateSourceUrl,
];

/// A rule by code (`FM010`, any case) or name (`invalid-date`).
pub fn find(code_or_name: &str) -> Option<&'static dyn Rule> {
    let meta = find_rule(&metas(), code_or_name)?;
    RULES.iter().copied().find(|rule| rule.code() == meta.code)
}

/// The documentation of every rule, in registry order: what the config, the SARIF emitter and
/// other layers below `lint` are given to know the rules by.
pub fn metas() -> Vec<&'static RuleMeta> {
    RULES.iter().map(|rule| rule.meta()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_sorted_and_well_formed() {
        let codes: Vec<&str> = RULES.iter().map(|rule| rule.code()).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(codes, sorted, "codes must be unique and sorted");
        for code in codes {
            let (family, digits) = code.split_at(code.len() - 3);
            assert!(
                ["CNT", "ENC", "FM", "HTML", "LNK"].contains(&family),
                "{code}: unknown family"
            );
            assert!(
                digits.bytes().all(|b| b.is_ascii_digit()),
                "{code}: not three digits"
            );
        }
    }

    #[test]
    fn names_are_unique_kebab_case() {
        let mut names: Vec<&str> = RULES.iter().map(|rule| rule.name()).collect();
        for name in &names {
            assert!(
                name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{name}"
            );
        }
        names.sort();
        let count = names.len();
        names.dedup();
        assert_eq!(names.len(), count, "names must be unique");
    }

    #[test]
    fn every_rule_is_documented() {
        for rule in RULES {
            let meta = rule.meta();
            for heading in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "## How to fix",
            ] {
                assert!(
                    meta.explanation.contains(heading),
                    "{}: missing {heading}",
                    meta.code
                );
            }
            assert!(
                !meta.summary.ends_with('.'),
                "{}: summary ends with a period",
                meta.code
            );
        }
    }
}
