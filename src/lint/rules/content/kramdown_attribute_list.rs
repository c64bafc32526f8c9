//! CNT004 kramdown-attribute-list: a kramdown attribute list (`{: .notice}`) or extension
//! (`{::comment}`) in a post body that the sanitizer does not apply. The ones it applies
//! (`{::nomarkdown}`, a `.language-*` class given to a code block) are not reported.

use crate::diagnostic::{Finding, Severity};
use crate::lint::{Context, Rule, RuleMeta};
use crate::parse::Post;
use crate::sanitize::ConstructKind;

pub struct KramdownAttributeList;

static META: RuleMeta = RuleMeta {
    code: "CNT004",
    name: "kramdown-attribute-list",
    summary: "A kramdown attribute list in the body is not applied",
    explanation: "## What it does
Reports each kramdown attribute list (`{: .notice}`, `{:#intro}`, `{: style=\"…\"}`) and
extension tag (`{::comment}` … `{:/comment}`, reported once; `{::options … /}`) outside code
that the sanitizer does not apply: it drops them (the default) or keeps them as literal text,
so they never read as words of the article. What it does apply is not reported: the content
of `{::nomarkdown}` is kept as HTML, a `.language-*` class in an attribute list on the line
before or after a code block gives the code its language, and `{:toc}` (after `* TOC`) and
`{: .no_toc}` on their own lines build the table of contents, without the headings so
marked. Pages of a Jekyll site (files outside `_posts` next to a `_config.yml`) are not
checked.

## Why is this bad?
Rarely a problem, hence the level: attribute lists only add classes, ids and styles, which an
export does not keep anyway. But the class may have carried meaning (`.notice--danger` makes
a warning box), which is lost.

## Example
```markdown
本文不构成投资建议。
{: .notice--warning}
```

## How to fix
Delete the attribute list; if the styling carried meaning, say it in words
(`**提示：**本文不构成投资建议。`).",
    default_severity: Severity::Info,
};

impl Rule for KramdownAttributeList {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, post: &Post, context: &Context<'_>, out: &mut Vec<Finding>) {
        if context.site.is_some() && !post.file_name.in_posts_dir {
            return;
        }
        // An extension reported at `{::comment}` is not reported again at its `{:/comment}`.
        let mut extension_open = false;
        for construct in context.body.constructs() {
            if construct.kind != ConstructKind::KramdownAttributes || construct.replaced {
                continue;
            }
            let text = construct.opening();
            if text.starts_with("{:/") && std::mem::take(&mut extension_open) {
                continue;
            }
            extension_open =
                text.starts_with("{::") && !text.ends_with("/}") && !construct.is_whole_block();
            let extension = text.starts_with("{::") || text.starts_with("{:/");
            let (what, help) = if !extension {
                (
                    "kramdown attribute list",
                    "delete it; if the styling carried meaning, say it in words",
                )
            } else if text.contains("comment") {
                (
                    "kramdown extension",
                    "kramdown hides the text of a comment: delete it, markers and text",
                )
            } else {
                (
                    "kramdown extension",
                    "delete it, and write what it stands for in Markdown or HTML",
                )
            };
            out.push(
                Finding::new(
                    construct.span.clone(),
                    format!("{what} \"{text}\" is not applied"),
                )
                .with_help(help),
            );
        }
    }
}
