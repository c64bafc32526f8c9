//! HTML009 remote-image: an image loaded from another site.

use crate::diagnostic::{Finding, Severity};
use crate::lint::{Context, Rule, RuleMeta};
use crate::parse::Post;
use crate::sanitize::host_of;

use super::{shorten, source_span};

pub struct RemoteImage;

static META: RuleMeta = RuleMeta {
    code: "HTML009",
    name: "remote-image",
    summary: "An image is loaded from another site and will be unavailable offline",
    explanation: "## What it does
Reports each image whose source is an absolute `http://` or `https://` URL (or a
protocol-relative `//host/…`, which becomes `https://`), naming it. Relative sources, `data:`
images, and images on the site's own host (`url` in `_config.yml`, also what
`{{ site.url }}` stands for) are the archive's own files and are not reported.

## Why is this bad?
An e-book or an offline archive shows nothing where the image was, and news sites' image
servers and stock-chart generators disappear or change their URLs within a few years. Loading
them also tells the other site who is reading what.

## Example
```markdown
![示意图](https://img.example-cdn.cn/news/2022/0526/d2467690.jpg)
```

## How to fix
Download the image into the archive (for example under `assets/images/`) and link it with a
relative path.",
    default_severity: Severity::Info,
};

impl Rule for RemoteImage {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, post: &Post, context: &Context<'_>, out: &mut Vec<Finding>) {
        let text = post.text();
        let site_host = context
            .site
            .and_then(|site| site.url.as_deref())
            .and_then(host_of);
        for image in context.body.images() {
            let url = image.url.as_str();
            let scheme_end = url.find("://").unwrap_or(0);
            if !matches!(
                url[..scheme_end].to_ascii_lowercase().as_str(),
                "http" | "https"
            ) {
                continue;
            }
            let Some(host) = host_of(url) else {
                continue;
            };
            if site_host.as_deref() == Some(host.as_str()) {
                continue;
            }
            out.push(
                Finding::new(
                    source_span(text, image.span.start),
                    format!(
                        "image \"{}\" is on another site and will be unavailable offline",
                        shorten(&image.raw, 80)
                    ),
                )
                .with_help(format!(
                    "download it into the archive and link it with a relative path (it is on {host})"
                )),
            );
        }
    }
}
