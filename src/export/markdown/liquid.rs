//! Liquid-looking text in a Jekyll post: Jekyll renders Liquid before Markdown, so a `{{` or
//! `{%` that the body shows (code, mostly; the body writer already writes a `{` of text as
//! `&#123;`) is wrapped in `{% raw %}…{% endraw %}`, around the smallest span: on each line,
//! from the first `{{` or `{%` to the end of the last `}}` or `%}` after the last one (or to
//! the end of the line). Liquid drops the two tags and leaves the span as it was, wherever it
//! stands (a code block, a code span, a link); no raw block spans two lines, so the excerpt
//! Jekyll cuts at a blank line never holds a half-open one (Jekyll would warn "Excerpt
//! modified").
//!
//! A `{% endraw %}` inside a span would end it early: it is written outside, as Liquid's own
//! output of a string and the closing `%}` as text, `{{ "{% endraw " }}%}`.

const RAW: &str = "{% raw %}";
const END_RAW: &str = "{% endraw %}";

/// `markdown` with every Liquid-looking span protected.
pub(super) fn protect_liquid(markdown: &str) -> String {
    if !markdown.contains("{{") && !markdown.contains("{%") {
        return markdown.to_owned();
    }
    let mut out = String::with_capacity(markdown.len() + 32);
    for (index, line) in markdown.split('\n').enumerate() {
        if index > 0 {
            out.push('\n');
        }
        protect_line(&mut out, line);
    }
    out
}

fn protect_line(out: &mut String, line: &str) {
    let openers = |text: &str| {
        [text.find("{{"), text.find("{%")]
            .into_iter()
            .flatten()
            .min()
    };
    let Some(start) = openers(line) else {
        out.push_str(line);
        return;
    };
    let last_opener = [line.rfind("{{"), line.rfind("{%")]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(start);
    let end = [
        line[last_opener..].rfind("}}"),
        line[last_opener..].rfind("%}"),
    ]
    .into_iter()
    .flatten()
    .max()
    .map_or(line.len(), |closer| last_opener + closer + 2);
    out.push_str(&line[..start]);
    let mut span = &line[start..end];
    out.push_str(RAW);
    while let Some((before, tag, after)) = split_at_end_raw(span) {
        out.push_str(before);
        out.push_str(END_RAW);
        // The tag as a Liquid string but its last `%}`, which follows as text.
        out.push_str("{{ \"");
        out.push_str(&tag[..tag.len() - 2]);
        out.push_str("\" }}%}");
        out.push_str(RAW);
        span = after;
    }
    out.push_str(span);
    out.push_str(END_RAW);
    out.push_str(&line[end..]);
}

/// The text before a `{% endraw %}` tag in `span` (any spacing, `{%-`, `-%}`), the tag, and
/// the text after it.
fn split_at_end_raw(span: &str) -> Option<(&str, &str, &str)> {
    let mut from = 0;
    while let Some(found) = span[from..].find("{%") {
        let start = from + found;
        let rest = span[start + 2..].trim_start_matches('-').trim_start();
        if let Some(after_word) = rest.strip_prefix("endraw") {
            let after_word = after_word.trim_start();
            let after_word = after_word.strip_prefix('-').unwrap_or(after_word);
            if let Some(after) = after_word.strip_prefix("%}") {
                let end = span.len() - after.len();
                return Some((&span[..start], &span[start..end], after));
            }
        }
        from = start + 2;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_span_is_protected() {
        assert_eq!(protect_liquid("plain text"), "plain text");
        assert_eq!(
            protect_liquid("Use `{{ site.url }}` here.\n\n```\n{% if a %}x{% endif %}\n```"),
            "Use `{% raw %}{{ site.url }}{% endraw %}` here.\n\n```\n{% raw %}{% if a %}x{% endif %}{% endraw %}\n```"
        );
        // Unclosed: to the end of the line, never past it.
        assert_eq!(
            protect_liquid("a {{ b\nc }}"),
            "a {% raw %}{{ b{% endraw %}\nc }}"
        );
    }

    #[test]
    fn an_endraw_inside_is_written_by_liquid() {
        assert_eq!(
            protect_liquid("`{% raw %}x{%- endraw -%}`"),
            "`{% raw %}{% raw %}x{% endraw %}{{ \"{%- endraw -\" }}%}{% raw %}{% endraw %}`"
        );
    }
}
