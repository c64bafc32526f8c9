//! Liquid-looking text in a Jekyll post: Jekyll renders Liquid before Markdown, so a `{{` or
//! `{%` that the body shows (code, mostly; the body writer already writes a `{` of text as
//! `&#123;`) is wrapped in `{% raw %}…{% endraw %}`, around the smallest span: on each line,
//! from the first `{{` or `{%` to the end of the last `}}` or `%}` after the last one (or to
//! the end of the line). Liquid drops the two tags and leaves the span as it was, wherever it
//! stands (a code block, a code span, a link); no raw block spans two lines, so the excerpt
//! Jekyll cuts at a blank line never holds a half-open one (Jekyll would warn "Excerpt
//! modified").
//!
//! Inside a span, every `{%` ends the raw block and a new one begins (`{%{% endraw %}{% raw %}`):
//! Liquid still prints `{%`, but no tag name ever follows it in the file. A `{% endraw %}` of
//! the text cannot end a block early, and Jekyll, which looks through an excerpt for Liquid
//! blocks (`{% if %}`) to close, finds none but the raw ones, closed on the same line.

const RAW: &str = "{% raw %}";
const END_RAW: &str = "{% endraw %}";
/// A `{%` inside a span: the raw block ends right after it and a new one begins, so that no
/// tag name follows it (neither `{% endraw %}` nor a block Jekyll would close in an excerpt).
const SPLIT_TAG: &str = "{%{% endraw %}{% raw %}";

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
    out.push_str(RAW);
    out.push_str(&line[start..end].replace("{%", SPLIT_TAG));
    out.push_str(END_RAW);
    out.push_str(&line[end..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_span_is_protected() {
        assert_eq!(protect_liquid("plain text"), "plain text");
        assert_eq!(
            protect_liquid("Use `{{ site.url }}` here.\n\n```\n{%if a %}x\n```"),
            "Use `{% raw %}{{ site.url }}{% endraw %}` here.\n\n```\n\
             {% raw %}{%{% endraw %}{% raw %}if a %}{% endraw %}x\n```"
        );
        // Unclosed: to the end of the line, never past it.
        assert_eq!(
            protect_liquid("a {{ b\nc }}"),
            "a {% raw %}{{ b{% endraw %}\nc }}"
        );
    }

    #[test]
    fn an_endraw_of_the_text_cannot_end_the_block() {
        assert_eq!(
            protect_liquid("`{%- endraw -%}`"),
            "`{% raw %}{%{% endraw %}{% raw %}- endraw -%}{% endraw %}`"
        );
    }
}
