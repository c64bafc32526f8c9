//! `newsbundle.toml`: rule severities, required front matter fields, allowed categories and
//! tags, and per-path ignores. Found upward from the working directory, or given with
//! `--config`.
//!
//! Unknown keys, rules and values are rejected with a did-you-mean, before anything runs.
//! This module does not apply the settings; `lint` does.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use thiserror::Error;

use crate::diagnostic::Severity;
use crate::diagnostic::{find_rule, RuleMeta};
use crate::text::LineIndex;

pub const CONFIG_FILE_NAME: &str = "newsbundle.toml";

#[derive(Debug, Error)]
pub enum ConfigError {
    /// Its source is the I/O error (`main` prints it after the message).
    #[error("cannot read {path}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not valid TOML: {message}")]
    Syntax { path: String, message: String },
    #[error("unknown key \"{key}\" in {path}{}", did_you_mean(.suggestion))]
    UnknownKey {
        path: String,
        key: String,
        suggestion: Option<String>,
    },
    #[error("unknown rule \"{rule}\" in {path}{}", did_you_mean_any(.suggestions))]
    UnknownRule {
        path: String,
        rule: String,
        suggestions: Vec<String>,
    },
    #[error(
        "\"rules.{first}\" and \"rules.{second}\" in {path} set the same rule: keep one of them"
    )]
    RuleSetTwice {
        path: String,
        first: String,
        second: String,
    },
    #[error("invalid value for \"{key}\" in {path}: {message}")]
    InvalidValue {
        path: String,
        key: String,
        message: String,
    },
}

fn did_you_mean(suggestion: &Option<String>) -> String {
    match suggestion {
        Some(suggestion) => format!(" (did you mean \"{suggestion}\"?)"),
        None => String::new(),
    }
}

/// ` (did you mean "A"?)`, ` (did you mean "A" or "B"?)`, or nothing.
fn did_you_mean_any(suggestions: &[String]) -> String {
    did_you_mean_question(suggestions)
        .map(|question| format!(" ({question})"))
        .unwrap_or_default()
}

/// `did you mean "A"?`, `did you mean "A" or "B"?`; `None` without suggestions.
pub fn did_you_mean_question(suggestions: &[String]) -> Option<String> {
    match suggestions {
        [] => None,
        [only] => Some(format!("did you mean \"{only}\"?")),
        [first @ .., last] => {
            let first: Vec<String> = first.iter().map(|one| format!("\"{one}\"")).collect();
            Some(format!("did you mean {} or \"{last}\"?", first.join(", ")))
        }
    }
}

/// A rule's setting in the config: a severity, or off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Off,
    On(Severity),
}

/// Settings for a run, with their defaults.
#[derive(Debug, Clone)]
pub struct Config {
    /// The config file this came from, if any.
    pub path: Option<PathBuf>,
    /// Rule code → level, for the rules the config names.
    pub levels: HashMap<&'static str, Level>,
    /// Front matter keys every post must have. Default: `title`, `date`.
    pub required_fields: Vec<String>,
    /// When set, a category outside this list is reported.
    pub allowed_categories: Option<Vec<String>>,
    /// When set, a tag outside this list is reported.
    pub allowed_tags: Option<Vec<String>>,
    /// The lowest severity that makes `lint` exit 1. Default: error.
    pub fail_on: Option<Severity>,
    /// A post body longer than this many bytes (of UTF-8 text) is reported (CNT005,
    /// `max-body-size`). Default: 1 MiB.
    pub max_body_size: u64,
    ignores: Vec<Ignore>,
    /// Where ignore globs are relative to.
    base: PathBuf,
}

#[derive(Debug, Clone)]
struct Ignore {
    paths: GlobSet,
    /// Empty: every rule.
    rules: Vec<&'static str>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            path: None,
            levels: HashMap::new(),
            required_fields: vec!["title".into(), "date".into()],
            allowed_categories: None,
            allowed_tags: None,
            fail_on: Some(Severity::Error),
            max_body_size: DEFAULT_MAX_BODY_SIZE,
            ignores: Vec::new(),
            base: PathBuf::new(),
        }
    }
}

/// The default of `max-body-size`: 1 MiB.
pub const DEFAULT_MAX_BODY_SIZE: u64 = 1024 * 1024;

/// Keys of the config file, by table, for the unknown-key check.
const TOP_LEVEL_KEYS: &[&str] = &[
    "fail-on",
    "max-body-size",
    "rules",
    "front-matter",
    "ignore",
];
const FRONT_MATTER_KEYS: &[&str] = &["required", "allowed-categories", "allowed-tags"];
const IGNORE_KEYS: &[&str] = &["paths", "rules"];

impl Config {
    /// `newsbundle.toml` in `start` or the nearest directory above it; defaults when none.
    /// `rules` are the rules a `[rules]` or `[[ignore]]` entry may name
    /// (`lint::registry::metas()`).
    pub fn discover(start: &Path, rules: &[&'static RuleMeta]) -> Result<Config, ConfigError> {
        let start = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
        for directory in start.ancestors() {
            let candidate = directory.join(CONFIG_FILE_NAME);
            if candidate.is_file() {
                return Config::load(&candidate, rules);
            }
        }
        Ok(Config::default())
    }

    pub fn load(path: &Path, rules: &[&'static RuleMeta]) -> Result<Config, ConfigError> {
        let display = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|error| ConfigError::Read {
            path: display.clone(),
            source: error,
        })?;
        let base = path
            .parent()
            .map(|parent| std::path::absolute(parent).unwrap_or_else(|_| parent.to_path_buf()))
            .unwrap_or_default();
        let mut config = Config::from_toml(&text, &display, base, rules)?;
        config.path = Some(path.to_path_buf());
        Ok(config)
    }

    /// Parse config text; `display` names the file in errors, `base` anchors ignore globs,
    /// `rules` are the rules it may name.
    pub fn from_toml(
        text: &str,
        display: &str,
        base: PathBuf,
        rules: &[&'static RuleMeta],
    ) -> Result<Config, ConfigError> {
        let known_rules = rules;
        let table: toml::Table =
            text.parse()
                .map_err(|error: toml::de::Error| ConfigError::Syntax {
                    path: display.to_owned(),
                    message: syntax_message(text, &error),
                })?;
        let mut config = Config {
            base,
            ..Config::default()
        };
        let invalid = |key: &str, message: &str| ConfigError::InvalidValue {
            path: display.to_owned(),
            key: key.to_owned(),
            message: message.to_owned(),
        };
        check_keys(&table, TOP_LEVEL_KEYS, "", display)?;
        if let Some(value) = table.get("fail-on") {
            const EXPECTED: &str = "expected error, warning, info or never";
            config.fail_on = match value.as_str() {
                Some("never") => None,
                Some(text) => Some(text.parse().map_err(|_: String| {
                    invalid("fail-on", &format!("unknown level \"{text}\" ({EXPECTED})"))
                })?),
                None => return Err(invalid("fail-on", EXPECTED)),
            };
        }
        if let Some(value) = table.get("max-body-size") {
            const EXPECTED: &str = "expected a positive number of bytes, e.g. 1048576 for 1 MiB";
            config.max_body_size = value
                .as_integer()
                .and_then(|bytes| u64::try_from(bytes).ok())
                .filter(|bytes| *bytes > 0)
                .ok_or_else(|| invalid("max-body-size", EXPECTED))?;
        }
        if let Some(rules) = table.get("rules") {
            let rules = rules
                .as_table()
                .ok_or_else(|| invalid("rules", "expected a table"))?;
            // The key that set each rule, so that setting it twice (by code and by name) is
            // caught: which one would win is not obvious.
            let mut set_by: HashMap<&'static str, &str> = HashMap::new();
            for (name, level) in rules {
                let rule =
                    find_rule(known_rules, name).ok_or_else(|| ConfigError::UnknownRule {
                        path: display.to_owned(),
                        rule: name.clone(),
                        suggestions: suggest_rule(name, known_rules),
                    })?;
                if let Some(first) = set_by.insert(rule.code, name) {
                    return Err(ConfigError::RuleSetTwice {
                        path: display.to_owned(),
                        first: first.to_owned(),
                        second: name.clone(),
                    });
                }
                const EXPECTED: &str = "expected off, info, warning or error";
                let key = format!("rules.{name}");
                let level = match level.as_str() {
                    Some("off") => Level::Off,
                    Some(text) => Level::On(text.parse().map_err(|_: String| {
                        invalid(&key, &format!("unknown level \"{text}\" ({EXPECTED})"))
                    })?),
                    None => return Err(invalid(&key, EXPECTED)),
                };
                config.levels.insert(rule.code, level);
            }
        }
        if let Some(front_matter) = table.get("front-matter") {
            let front_matter = front_matter
                .as_table()
                .ok_or_else(|| invalid("front-matter", "expected a table"))?;
            check_keys(front_matter, FRONT_MATTER_KEYS, "front-matter.", display)?;
            if let Some(value) = front_matter.get("required") {
                config.required_fields = string_list(value).ok_or_else(|| {
                    invalid("front-matter.required", "expected a list of strings")
                })?;
            }
            if let Some(value) = front_matter.get("allowed-categories") {
                config.allowed_categories = Some(string_list(value).ok_or_else(|| {
                    invalid(
                        "front-matter.allowed-categories",
                        "expected a list of strings",
                    )
                })?);
            }
            if let Some(value) = front_matter.get("allowed-tags") {
                config.allowed_tags = Some(string_list(value).ok_or_else(|| {
                    invalid("front-matter.allowed-tags", "expected a list of strings")
                })?);
            }
        }
        if let Some(ignores) = table.get("ignore") {
            let ignores = ignores
                .as_array()
                .ok_or_else(|| invalid("ignore", "expected an array of tables ([[ignore]])"))?;
            for ignore in ignores {
                let ignore = ignore
                    .as_table()
                    .ok_or_else(|| invalid("ignore", "expected an array of tables ([[ignore]])"))?;
                check_keys(ignore, IGNORE_KEYS, "ignore.", display)?;
                let patterns = ignore
                    .get("paths")
                    .and_then(string_list)
                    .ok_or_else(|| invalid("ignore.paths", "expected a list of globs"))?;
                let mut builder = GlobSetBuilder::new();
                for pattern in &patterns {
                    let glob = Glob::new(pattern).map_err(|error| {
                        invalid(
                            "ignore.paths",
                            &format!("glob \"{pattern}\" is invalid: {}", error.kind()),
                        )
                    })?;
                    builder.add(glob);
                }
                let paths = builder
                    .build()
                    .map_err(|error| invalid("ignore.paths", &error.to_string()))?;
                let mut rules = Vec::new();
                if let Some(names) = ignore.get("rules") {
                    let names = string_list(names).ok_or_else(|| {
                        invalid("ignore.rules", "expected a list of rule codes or names")
                    })?;
                    for name in names {
                        let rule = find_rule(known_rules, &name).ok_or_else(|| {
                            ConfigError::UnknownRule {
                                path: display.to_owned(),
                                suggestions: suggest_rule(&name, known_rules),
                                rule: name,
                            }
                        })?;
                        rules.push(rule.code);
                    }
                }
                config.ignores.push(Ignore { paths, rules });
            }
        }
        Ok(config)
    }

    /// The level of a rule: the config's setting, or the rule's default severity.
    pub fn level(&self, code: &'static str, default: Severity) -> Level {
        self.levels.get(code).copied().unwrap_or(Level::On(default))
    }

    /// True when an `[[ignore]]` entry silences `code` for the file at `path`.
    pub fn is_ignored(&self, path: &str, code: &str) -> bool {
        if self.ignores.is_empty() {
            return false;
        }
        let absolute = std::path::absolute(path).unwrap_or_else(|_| PathBuf::from(path));
        let relative = absolute.strip_prefix(&self.base).unwrap_or(Path::new(path));
        self.ignores.iter().any(|ignore| {
            (ignore.rules.is_empty() || ignore.rules.contains(&code))
                && (ignore.paths.is_match(relative) || ignore.paths.is_match(path))
        })
    }
}

fn check_keys(
    table: &toml::Table,
    known: &[&str],
    prefix: &str,
    display: &str,
) -> Result<(), ConfigError> {
    for key in table.keys() {
        if !known.contains(&key.as_str()) {
            return Err(ConfigError::UnknownKey {
                path: display.to_owned(),
                key: format!("{prefix}{key}"),
                suggestion: suggest(key, known.iter().copied())
                    .map(|found| format!("{prefix}{found}")),
            });
        }
    }
    Ok(())
}

/// A TOML error on one line: what is wrong and where (`invalid basic string at line 4, column
/// 28`). The error's own Display draws the source line with a caret over several lines.
fn syntax_message(text: &str, error: &toml::de::Error) -> String {
    let message = error.message().trim();
    let Some(span) = error.span() else {
        return message.to_owned();
    };
    let position = LineIndex::new(text).position(text, span.start);
    format!(
        "{message} at line {}, column {}",
        position.line, position.column
    )
}

fn string_list(value: &toml::Value) -> Option<Vec<String>> {
    value
        .as_array()?
        .iter()
        .map(|item| item.as_str().map(str::to_owned))
        .collect()
}

/// The closest known name, if it is close enough to be a likely typo.
pub fn suggest<'a>(unknown: &str, known: impl Iterator<Item = &'a str>) -> Option<String> {
    known
        .map(|candidate| (strsim::jaro_winkler(unknown, candidate), candidate))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate.to_owned())
}

/// What an unknown rule code or name may have meant: for a code-shaped input (`FM01`,
/// `html1`), the code of its family nearest in number, when it is near (`FM999` is no typo of
/// the last FM rule); and the code or name closest in spelling.
pub fn suggest_rule(unknown: &str, rules: &[&'static RuleMeta]) -> Vec<String> {
    let mut suggestions = Vec::new();
    let letters = unknown.bytes().take_while(u8::is_ascii_alphabetic).count();
    let (family, digits) = unknown.split_at(letters);
    if let (true, Ok(number)) = (letters > 0, digits.parse::<u32>()) {
        let nearest = rules
            .iter()
            .filter_map(|rule| {
                let code = rule.code;
                let (rule_family, rule_digits) = code.split_at(family.len().min(code.len()));
                let rule_number = rule_digits.parse::<u32>().ok()?;
                rule_family
                    .eq_ignore_ascii_case(family)
                    .then_some((rule_number.abs_diff(number), code))
            })
            .min();
        if let Some((_, code)) = nearest.filter(|(distance, _)| *distance <= 10) {
            suggestions.push(code.to_owned());
        }
    }
    let known = rules.iter().flat_map(|rule| [rule.code, rule.name]);
    if let Some(close) = suggest(unknown, known) {
        if !suggestions.contains(&close) {
            suggestions.push(close);
        }
    }
    suggestions
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::registry::metas;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::from_toml(
            text,
            "newsbundle.toml",
            PathBuf::from("/site"),
            &crate::lint::registry::metas(),
        )
    }

    #[test]
    fn unknown_keys_get_a_suggestion() {
        let error = parse("[front-matter]\nrequird = [\"title\"]\n").unwrap_err();
        assert_eq!(
            error.to_string(),
            "unknown key \"front-matter.requird\" in newsbundle.toml (did you mean \"front-matter.required\"?)"
        );
        let error = parse("[[ignore]]\nexlude = []\npaths = []\n").unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("unknown key \"ignore.exlude\""),
            "{error}"
        );
    }

    #[test]
    fn max_body_size_is_a_positive_number_of_bytes() {
        assert_eq!(parse("").unwrap().max_body_size, 1024 * 1024);
        assert_eq!(parse("max-body-size = 2000\n").unwrap().max_body_size, 2000);
        let error = parse("max-body-size = \"1 MiB\"\n").unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid value for \"max-body-size\" in newsbundle.toml: expected a positive number of bytes, e.g. 1048576 for 1 MiB"
        );
        let error = parse("max-body-sise = 10\n").unwrap_err();
        assert_eq!(
            error.to_string(),
            "unknown key \"max-body-sise\" in newsbundle.toml (did you mean \"max-body-size\"?)"
        );
    }

    #[test]
    fn rules_by_code_or_name() {
        let config = parse("[rules]\nFM012 = \"error\"\ninvalid-date = \"off\"\n").unwrap();
        assert_eq!(
            config.level("FM012", Severity::Warning),
            Level::On(Severity::Error)
        );
        assert_eq!(config.level("FM010", Severity::Error), Level::Off);
        let error = parse("[rules]\nfuture-dates = \"off\"\n").unwrap_err();
        assert_eq!(
            error.to_string(),
            "unknown rule \"future-dates\" in newsbundle.toml (did you mean \"future-date\"?)"
        );
    }

    #[test]
    fn rule_suggestions_by_number_and_by_spelling() {
        assert_eq!(suggest_rule("FM01", &metas()), ["FM001", "FM019"]);
        assert_eq!(suggest_rule("fm12", &metas()), ["FM012"]);
        assert_eq!(suggest_rule("future-dates", &metas()), ["future-date"]);
        assert!(suggest_rule("FM999", &metas()).is_empty());
        assert!(suggest_rule("XY001", &metas()).is_empty());
        assert_eq!(did_you_mean_any(&[]), "");
        assert_eq!(
            did_you_mean_any(&["FM001".into(), "FM019".into()]),
            " (did you mean \"FM001\" or \"FM019\"?)"
        );
    }

    #[test]
    fn a_rule_set_twice_names_both_keys() {
        let error = parse("[rules]\nfuture-date = \"off\"\nfm012 = \"error\"\n").unwrap_err();
        assert_eq!(
            error.to_string(),
            "\"rules.future-date\" and \"rules.fm012\" in newsbundle.toml set the same rule: keep one of them"
        );
    }

    #[test]
    fn invalid_values_say_what_is_expected() {
        let error = parse("fail-on = \"warnings\"\n").unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid value for \"fail-on\" in newsbundle.toml: unknown level \"warnings\" (expected error, warning, info or never)"
        );
        let error = parse("[rules]\nFM012 = \"fatal\"\n").unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid value for \"rules.FM012\" in newsbundle.toml: unknown level \"fatal\" (expected off, info, warning or error)"
        );
        let error = parse("[[ignore]]\npaths = [\"_posts/[2021*\"]\n").unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid value for \"ignore.paths\" in newsbundle.toml: glob \"_posts/[2021*\" is invalid: unclosed character class; missing ']'"
        );
    }

    #[test]
    fn syntax_errors_fit_on_one_line() {
        let error = parse("fail-on = \"error\"\n[rules]\nFM012 = \"err\n").unwrap_err();
        assert_eq!(
            error.to_string(),
            "newsbundle.toml is not valid TOML: invalid basic string at line 3, column 13"
        );
    }

    #[test]
    fn ignores_match_paths_relative_to_the_config() {
        let config =
            parse("[[ignore]]\npaths = [\"_posts/2009-*\"]\nrules = [\"FM008\"]\n").unwrap();
        assert!(config.is_ignored("/site/_posts/2009-01-01-a.md", "FM008"));
        assert!(!config.is_ignored("/site/_posts/2009-01-01-a.md", "FM010"));
        assert!(!config.is_ignored("/site/_posts/2010-01-01-a.md", "FM008"));
    }
}
