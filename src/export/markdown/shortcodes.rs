//! Hugo shortcode syntax in a Hugo post's body. Hugo reads `{{< name >}}` and `{{% name %}}`
//! anywhere in the content, code included, and fails the build on a shortcode it has no
//! template for. The body writer already writes a `{` of text as `&#123;`, so what is left is
//! in code (a source post showing Hugo syntax, inside `{% raw %}`): each such call is written
//! in Hugo's own escaped form, `{{</* name */>}}` (`{{%/* name */%}}`), which Hugo shows as
//! the call itself.

/// `markdown` with every shortcode-looking call escaped for Hugo.
pub(super) fn escape_shortcodes(markdown: &str) -> String {
    if !markdown.contains("{{<") && !markdown.contains("{{%") {
        return markdown.to_owned();
    }
    let mut out = String::with_capacity(markdown.len() + 16);
    let mut rest = markdown;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let delimiter = match after.chars().next() {
            Some(delimiter @ ('<' | '%')) => delimiter,
            _ => {
                out.push_str(&rest[..start + 2]);
                rest = after;
                continue;
            }
        };
        let close = if delimiter == '<' { ">}}" } else { "%}}" };
        let inner_start = start + 3;
        // Already escaped (`{{</*`), or never closed: left as it is.
        let Some(length) = rest[inner_start..].find(close) else {
            out.push_str(&rest[..inner_start]);
            rest = &rest[inner_start..];
            continue;
        };
        let inner = &rest[inner_start..inner_start + length];
        out.push_str(&rest[..start]);
        if inner.trim_start().starts_with("/*") && inner.trim_end().ends_with("*/") {
            out.push_str(&rest[start..inner_start + length + close.len()]);
        } else {
            let open = if delimiter == '<' { "{{</*" } else { "{{%/*" };
            let end = if delimiter == '<' { "*/>}}" } else { "*/%}}" };
            out.push_str(open);
            out.push_str(inner);
            out.push_str(end);
        }
        rest = &rest[inner_start + length + close.len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::escape_shortcodes;

    #[test]
    fn calls_in_code_are_escaped_once() {
        let markdown = "```\n{{< youtube w7Ft2ymGmfc >}}\n{{% notice tip %}}提示{{% /notice %}}\n```\n\n`{{</* figure */>}}` and `{{ .Title }}` and {{< unclosed\n";
        assert_eq!(
            escape_shortcodes(markdown),
            "```\n{{</* youtube w7Ft2ymGmfc */>}}\n{{%/* notice tip */%}}提示{{%/* /notice */%}}\n```\n\n`{{</* figure */>}}` and `{{ .Title }}` and {{< unclosed\n"
        );
        assert_eq!(
            escape_shortcodes("no calls {{ here }}"),
            "no calls {{ here }}"
        );
    }
}
