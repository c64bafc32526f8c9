//! FM018 yaml-too-complex: nesting too deep or aliases expanding too far.

use crate::diagnostic::{Finding, Severity};
use crate::lint::{Context, Rule, RuleMeta};
use crate::parse::{ParseProblem, Post};
use crate::source::{Site, SiteProblem};

pub struct YamlTooComplex;

static META: RuleMeta = RuleMeta {
    code: "FM018",
    name: "yaml-too-complex",
    summary: "The front matter nests too deeply or expands aliases too far",
    explanation: "## What it does
Reports YAML that nests more than 128 levels deep, or whose aliases (`*name`) would expand to
an enormous document (a \"billion laughs\" alias bomb). newsbundle stops reading such YAML
rather than exhaust memory.

## Why is this bad?
No post needs it: it is either a corrupted file or an attack on the tools that read the archive.

## Example
```yaml
a: &a [x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
# ... and so on
```

## How to fix
Remove the nested structure or the aliases; front matter should hold plain fields.",
    default_severity: Severity::Error,
};

impl Rule for YamlTooComplex {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, post: &Post, _context: &Context<'_>, out: &mut Vec<Finding>) {
        for problem in &post.problems {
            if let ParseProblem::TooComplex { span, message } = problem {
                out.push(too_complex(span.clone(), message));
            }
        }
    }

    fn check_site(&self, site: &Site, out: &mut Vec<Finding>) {
        for problem in &site.problems {
            if let SiteProblem::TooComplex { span, message } = problem {
                out.push(too_complex(span.clone(), message));
            }
        }
    }
}

fn too_complex(span: std::ops::Range<usize>, message: &str) -> Finding {
    Finding::new(
        span,
        format!("YAML is too complex to read safely: {message}"),
    )
    .with_help("remove deep nesting and aliases from the front matter")
}
