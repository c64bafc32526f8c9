//! LNK006 private-address-link: a URL on `localhost` or a private network address.

use super::{instead, quoted, targets};
use crate::diagnostic::{Finding, Severity};
use crate::lint::{Context, Rule, RuleMeta};
use crate::parse::Post;
use crate::sanitize::{host_of, is_private_host};

pub struct PrivateAddressLink;

static META: RuleMeta = RuleMeta {
    code: "LNK006",
    name: "private-address-link",
    summary: "A URL points at localhost or a private network address",
    explanation: "## What it does
Reports a link, image or source URL whose host is `localhost` (or a name under `.localhost` or
`.local`), a loopback address, a private network address (`10.x`, `172.16–31.x`, `192.168.x`,
`fc00::/7`), a link-local or an unspecified address.

## Why is this bad?
Such an address only means something on the author's machine or office network: readers get an
error, or worse, reach something on their own network. It usually comes from a preview
server or an editing tool left in the URL.

## Example
```markdown
![季度营收](http://192.168.1.20:4000/assets/revenue.png)

详见[内部预览](http://localhost:4000/2021/12/08/notice.html)。
```

## How to fix
Use the public URL of the page or image (or a relative URL for the site's own files), or
remove the link.",
    default_severity: Severity::Warning,
};

impl Rule for PrivateAddressLink {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, post: &Post, context: &Context<'_>, out: &mut Vec<Finding>) {
        for target in targets(post, context.body) {
            if target.url.is_empty() {
                continue;
            }
            let Some(host) = host_of(target.url) else {
                continue;
            };
            if !is_private_host(&host) {
                continue;
            }
            out.push(
                Finding::new(
                    target.span,
                    format!(
                        "{} points at the private address {}",
                        target.kind.noun(),
                        quoted(&host)
                    ),
                )
                .with_help(format!(
                    "this address only works on the author's machine or network; use the public URL, {}",
                    instead(target.kind)
                )),
            );
        }
    }
}
