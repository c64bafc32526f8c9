//! A Jekyll site: the directory holding `_config.yml`, and the settings newsbundle uses from
//! it (`timezone`, `url`, `baseurl`, `permalink`, `lang`, `title`, `future`, `unpublished`,
//! `show_drafts`, `excerpt_separator`, the posts collection's `permalink`, `defaults`). What they mean for a post is
//! `jekyll`'s to say.
//!
//! Reading `_config.yml` never fails: a broken one gives a site with what could be read, and
//! its problems, for the linter to report against the config file.

use std::ops::Range;
use std::path::PathBuf;

use crate::yaml::{self, duplicate_key_span, Value, YamlErrorKind};

#[derive(Clone, Debug, Default)]
pub struct Site {
    /// The directory that holds `_config.yml`.
    pub root: PathBuf,
    /// `_config.yml` as shown to the user.
    pub config_path: String,
    pub config_text: String,
    /// The IANA zone named by `timezone`, when it is a known one.
    pub timezone: Option<chrono_tz::Tz>,
    pub url: Option<String>,
    pub baseurl: Option<String>,
    pub permalink: Option<String>,
    /// `lang`, or else `locale` (as some themes name it).
    pub lang: Option<String>,
    pub title: Option<String>,
    /// `author`: a name, or the `name` of an author mapping (as themes write it).
    pub author: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `excerpt_separator`, as written (not trimmed: Jekyll's default is `"\n\n"`).
    pub excerpt_separator: Option<String>,
    /// The collections (other than posts) that Jekyll writes out, `output: true` under
    /// `collections`: their documents are not read here, so what lies under `/NAME/` is unknown.
    pub output_collections: Vec<String>,
    /// `future`, `unpublished`, `show_drafts`: what Jekyll builds besides published posts
    /// (Ruby truth: anything but `false` and null is true).
    pub future: bool,
    pub unpublished: bool,
    pub show_drafts: bool,
    /// `collections: posts: permalink:`, which wins over `permalink` for posts.
    pub posts_permalink: Option<String>,
    /// `defaults:`, in order: front matter values for the files a scope matches.
    pub defaults: Vec<FrontMatterDefault>,
    /// Problems found in `_config.yml`.
    pub problems: Vec<SiteProblem>,
}

/// One set of `defaults:` in `_config.yml`, as written; `jekyll` decides what it applies to.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FrontMatterDefault {
    /// `scope: path:` (empty: every path).
    pub path: String,
    /// `scope: type:` (`posts`, `pages`, `drafts`, a collection).
    pub kind: Option<String>,
    /// `values:`, in order.
    pub values: Vec<(String, Value)>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum SiteProblem {
    /// `_config.yml` is not valid YAML (reported by the rules that report it in front matter).
    InvalidYaml { span: Range<usize>, message: String },
    /// A key appears twice in a mapping (`span`: the second).
    DuplicateKey { span: Range<usize>, key: String },
    /// Nesting or aliases past serde_yaml's limits.
    TooComplex { span: Range<usize>, message: String },
    /// `timezone` is not a name in the IANA time zone database.
    UnknownTimezone { span: Range<usize>, name: String },
}

impl Site {
    pub fn from_config(root: PathBuf, config_path: String, config_text: String) -> Site {
        let mut site = Site {
            root,
            config_path,
            ..Site::default()
        };
        let mapping = match yaml::parse(&config_text) {
            Ok(Value::Mapping(mapping)) => mapping,
            Ok(_) => Vec::new(),
            Err(error) => {
                let at = error.offset.unwrap_or(0).min(config_text.len());
                let span = at..at;
                let problem = match error.kind {
                    YamlErrorKind::DuplicateKey(key) => SiteProblem::DuplicateKey {
                        // serde_yaml gives no place for duplicates: the second key is found here.
                        span: duplicate_key_span(&config_text, &key).unwrap_or(span),
                        key,
                    },
                    YamlErrorKind::TooComplex => SiteProblem::TooComplex {
                        span,
                        message: error.message,
                    },
                    YamlErrorKind::Syntax => SiteProblem::InvalidYaml {
                        span,
                        message: error.message,
                    },
                };
                site.problems.push(problem);
                Vec::new()
            }
        };
        let mut locale = None;
        for (key, value) in mapping {
            if let (Some("collections"), Value::Mapping(collections)) = (key.as_str(), &value) {
                site.output_collections = collections
                    .iter()
                    .filter(|(_, settings)| is_output(settings))
                    .filter_map(|(name, _)| name.as_str().map(str::to_owned))
                    .collect();
                site.posts_permalink = collections
                    .iter()
                    .find(|(name, _)| name.as_str() == Some("posts"))
                    .and_then(|(_, settings)| setting(settings, "permalink"))
                    .and_then(Value::to_scalar_string);
                continue;
            }
            if let (Some("author"), Value::Mapping(author)) = (key.as_str(), &value) {
                site.author = author
                    .iter()
                    .find(|(key, _)| key.as_str() == Some("name"))
                    .and_then(|(_, name)| name.to_scalar_string())
                    .map(|name| name.trim().to_owned())
                    .filter(|name| !name.is_empty());
                continue;
            }
            match (key.as_str(), &value) {
                (Some("defaults"), Value::Sequence(sets)) => {
                    site.defaults = sets.iter().filter_map(front_matter_default).collect();
                    continue;
                }
                (Some("future"), _) => site.future = is_true(&value),
                (Some("unpublished"), _) => site.unpublished = is_true(&value),
                (Some("show_drafts"), _) => site.show_drafts = is_true(&value),
                _ => {}
            }
            let (Some(key), Some(text)) = (key.as_str(), value.to_scalar_string()) else {
                continue;
            };
            if key == "excerpt_separator" {
                site.excerpt_separator = Some(text);
                continue;
            }
            let text = text.trim().to_owned();
            match key {
                "timezone" => match text.parse::<chrono_tz::Tz>() {
                    Ok(zone) => site.timezone = Some(zone),
                    Err(_) => {
                        let at = find_setting(&config_text, "timezone").unwrap_or(0);
                        site.problems.push(SiteProblem::UnknownTimezone {
                            span: at..at + "timezone".len(),
                            name: text,
                        });
                    }
                },
                "url" => site.url = Some(text),
                "baseurl" => site.baseurl = Some(text),
                "permalink" => site.permalink = Some(text),
                "lang" => site.lang = Some(text),
                // Some themes (Minimal Mistakes) name the site's language `locale`.
                "locale" => locale = Some(text),
                "title" => site.title = Some(text),
                "author" if !text.is_empty() => site.author = Some(text),
                "description" if !text.is_empty() => site.description = Some(text),
                _ => {}
            }
        }
        if site.lang.is_none() {
            site.lang = locale;
        }
        site.config_text = config_text;
        site
    }
}

/// Ruby's truth: everything but `false` and null (with YAML 1.1's `no`, `off`, as Psych reads
/// them; a quoted `"no"`, true to Ruby, is taken as false too).
fn is_true(value: &Value) -> bool {
    match value {
        Value::Bool(truth) => *truth,
        Value::Null => false,
        Value::String(text) => {
            !matches!(text.to_ascii_lowercase().as_str(), "no" | "off" | "false")
        }
        _ => true,
    }
}

fn setting<'a>(settings: &'a Value, key: &str) -> Option<&'a Value> {
    let Value::Mapping(settings) = settings else {
        return None;
    };
    settings
        .iter()
        .find(|(name, _)| name.as_str() == Some(key))
        .map(|(_, value)| value)
}

/// A `defaults:` set with a `values` mapping (Jekyll ignores the others).
fn front_matter_default(set: &Value) -> Option<FrontMatterDefault> {
    let Some(Value::Mapping(values)) = setting(set, "values") else {
        return None;
    };
    let scope = setting(set, "scope");
    let scoped = |key| scope.and_then(|scope| setting(scope, key));
    Some(FrontMatterDefault {
        path: scoped("path")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        kind: scoped("type").and_then(Value::to_scalar_string),
        values: values
            .iter()
            .filter_map(|(key, value)| Some((key.as_str()?.to_owned(), value.clone())))
            .collect(),
    })
}

/// `output: true` in a collection's settings.
fn is_output(settings: &Value) -> bool {
    let Value::Mapping(settings) = settings else {
        return false;
    };
    settings
        .iter()
        .any(|(key, value)| key.as_str() == Some("output") && matches!(value, Value::Bool(true)))
}

fn find_setting(text: &str, key: &str) -> Option<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.starts_with(key) && line[key.len()..].trim_start().starts_with(':') {
            return Some(offset);
        }
        offset += line.len();
    }
    None
}
