//! URL checks for `href`, `src` and `cite`: scheme allowlist, protocol-relative rewriting,
//! malformed URLs, and the host facts the link rules need (private addresses, internal links).
//!
//! Values reach this module already entity-decoded (by the HTML tree builder); browsers also
//! ignore ASCII tab and newline inside URLs and strip leading control characters and spaces,
//! so this module does the same before it looks at the scheme — `jav&#x09;ascript:` and
//! `\u{1}javascript:` are refused like `javascript:`.

use std::net::{Ipv4Addr, Ipv6Addr};

use super::policy::Policy;

/// What the sanitizer does with a URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UrlVerdict {
    /// Kept, possibly rewritten (protocol-relative → https).
    Keep {
        url: String,
        rewritten_from_protocol_relative: bool,
    },
    /// Nothing there.
    Empty,
    /// A scheme that is not allowed (`javascript`, `vbscript`, `data`, …), lowercased.
    Refused { scheme: String },
    /// Not a URL at all; the reason.
    Malformed { reason: String },
}

/// Check one URL attribute value. `is_image` allows `data:image/…` when the policy does.
pub fn check(raw: &str, is_image: bool, policy: &Policy) -> UrlVerdict {
    let cleaned: String = raw
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    if cleaned.is_empty() {
        return UrlVerdict::Empty;
    }
    if let Some(scheme) = scheme_of(&cleaned) {
        let scheme = scheme.to_ascii_lowercase();
        if scheme == "data"
            && is_image
            && policy.allows_data_images()
            && is_raster_data_image(&cleaned)
        {
            return UrlVerdict::Keep {
                url: cleaned,
                rewritten_from_protocol_relative: false,
            };
        }
        if !policy.allows_scheme(&scheme) {
            return UrlVerdict::Refused { scheme };
        }
        return match url::Url::parse(&cleaned) {
            Ok(parsed) if parsed.has_host() || scheme == "mailto" => UrlVerdict::Keep {
                url: cleaned,
                rewritten_from_protocol_relative: false,
            },
            Ok(_) => UrlVerdict::Malformed {
                reason: "has no host".to_owned(),
            },
            Err(error) => UrlVerdict::Malformed {
                reason: error.to_string(),
            },
        };
    }
    // Browsers read `\` as `/` in http(s) URLs, so `\\host/path` and `/\host/path` are
    // protocol-relative too (and kept as written, they would pass for relative links).
    let protocol_relative =
        cleaned.starts_with(['/', '\\']) && cleaned[1..].starts_with(['/', '\\']);
    if let Some(rest) = cleaned.get(2..).filter(|_| protocol_relative) {
        let url = format!("https://{rest}");
        return match url::Url::parse(&url) {
            Ok(_) if policy.rewrites_protocol_relative() => UrlVerdict::Keep {
                url,
                rewritten_from_protocol_relative: true,
            },
            Ok(_) => UrlVerdict::Keep {
                url: cleaned,
                rewritten_from_protocol_relative: false,
            },
            Err(error) => UrlVerdict::Malformed {
                reason: error.to_string(),
            },
        };
    }
    // A relative reference: it must resolve against a base, and a colon in its first segment
    // would be read as a scheme (RFC 3986 §4.2): `` `javascript:alert(1)`` is not a link.
    let first_segment = cleaned.split(['/', '?', '#']).next().unwrap_or("");
    if first_segment.contains(':') {
        return UrlVerdict::Malformed {
            reason: "a relative URL with a colon in its first segment".to_owned(),
        };
    }
    match url::Url::parse("https://base.invalid/dir/").and_then(|base| base.join(&cleaned)) {
        Ok(_) => UrlVerdict::Keep {
            url: cleaned,
            rewritten_from_protocol_relative: false,
        },
        Err(error) => UrlVerdict::Malformed {
            reason: error.to_string(),
        },
    }
}

/// The scheme of an absolute URL: letters, digits, `+ - .` before the first `:`, which must
/// come before any `/ ? #`.
fn scheme_of(url: &str) -> Option<&str> {
    let colon = url.find(':')?;
    let candidate = &url[..colon];
    if candidate.is_empty() || url[..colon].contains(['/', '?', '#']) {
        return None;
    }
    let mut chars = candidate.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then_some(candidate)
}

fn is_raster_data_image(url: &str) -> bool {
    let lower = url.get(..20).unwrap_or(url).to_ascii_lowercase();
    [
        "data:image/png",
        "data:image/jpeg",
        "data:image/jpg",
        "data:image/gif",
        "data:image/webp",
    ]
    .iter()
    .any(|prefix| {
        // The type ends there: `data:image/png3,…` or `data:image/pngx;…` is not PNG.
        lower
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with([';', ',']))
    })
}

/// The host of an absolute http(s) URL, lowercased.
pub fn host_of(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    parsed
        .host_str()
        .map(|host| host.trim_matches(['[', ']']).to_ascii_lowercase())
}

/// True for `localhost`, loopback, private, link-local and unspecified addresses.
pub fn is_private_host(host: &str) -> bool {
    let host = host.trim_end_matches('.');
    if host == "localhost" || host.ends_with(".localhost") || host.ends_with(".local") {
        return true;
    }
    if let Ok(address) = host.parse::<Ipv4Addr>() {
        return address.is_loopback()
            || address.is_private()
            || address.is_link_local()
            || address.is_unspecified();
    }
    if let Ok(address) = host.parse::<Ipv6Addr>() {
        let first = address.segments()[0];
        return address.is_loopback()
            || address.is_unspecified()
            || (first & 0xfe00) == 0xfc00
            || (first & 0xffc0) == 0xfe80
            || address
                .to_ipv4_mapped()
                .is_some_and(|v4| v4.is_loopback() || v4.is_private());
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(raw: &str) -> UrlVerdict {
        check(raw, false, &Policy::default())
    }

    #[test]
    fn dangerous_schemes_are_refused_however_written() {
        for raw in [
            "javascript:alert(1)",
            " JaVaScRiPt:alert(1)",
            "java\tscript:alert(1)",
            "\u{1}javascript:x",
            "vbscript:msgbox",
            "data:text/html,<script>",
        ] {
            assert!(
                matches!(verdict(raw), UrlVerdict::Refused { .. }),
                "{raw:?} → {:?}",
                verdict(raw)
            );
        }
        assert!(matches!(
            check("data:image/svg+xml,<svg>", true, &Policy::default()),
            UrlVerdict::Refused { .. }
        ));
        assert!(matches!(
            check("data:image/png;base64,AAAA", true, &Policy::default()),
            UrlVerdict::Keep { .. }
        ));
        assert!(matches!(
            check("data:image/png3;base64,AAAA", true, &Policy::default()),
            UrlVerdict::Refused { .. }
        ));
    }

    #[test]
    fn protocol_relative_becomes_https() {
        assert_eq!(
            verdict("//news.example.cn/emnews/"),
            UrlVerdict::Keep {
                url: "https://news.example.cn/emnews/".into(),
                rewritten_from_protocol_relative: true
            }
        );
        for raw in [
            "\\\\evil.example/x",
            "/\\evil.example/x",
            "\\/evil.example/x",
        ] {
            assert_eq!(
                verdict(raw),
                UrlVerdict::Keep {
                    url: "https://evil.example/x".into(),
                    rewritten_from_protocol_relative: true
                },
                "{raw}"
            );
        }
    }

    #[test]
    fn relative_and_malformed() {
        assert!(matches!(verdict("../emnews/"), UrlVerdict::Keep { .. }));
        assert!(matches!(
            verdict("http://exa mple.com/"),
            UrlVerdict::Malformed { .. }
        ));
        assert!(matches!(verdict("http://"), UrlVerdict::Malformed { .. }));
        // Not a scheme (the backtick), so not relative either.
        assert!(matches!(
            verdict("`javascript:alert(1)"),
            UrlVerdict::Malformed { .. }
        ));
        assert!(matches!(verdict("a/b:c"), UrlVerdict::Keep { .. }));
        assert_eq!(verdict("  "), UrlVerdict::Empty);
    }

    #[test]
    fn private_hosts() {
        for host in [
            "localhost",
            "127.0.0.1",
            "10.1.2.3",
            "192.168.0.1",
            "172.16.5.4",
            "::1",
            "fe80::1",
            "dev.localhost",
        ] {
            assert!(is_private_host(host), "{host}");
        }
        assert!(!is_private_host("news.example.cn"));
        assert!(!is_private_host("8.8.8.8"));
    }
}
