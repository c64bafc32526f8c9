//! The failures expected today, each with its reason: differences the export makes on purpose
//! (the old site was wrong, and the migrated one is right), and faults of the export that are
//! reported and not fixed yet. An entry that no failure matches fails the test: remove it.

use super::Check;

/// A failure that is expected today, with the reason.
pub struct Known {
    /// The archive's folder name, or `*`.
    pub archive: &'static str,
    /// A platform's short name (`jekyll`, `hugo-0.111`, `hugo-0.168`), `hugo` for both Hugo
    /// versions, or `*`.
    pub platform: &'static str,
    /// The post's path in the source archive, `-` for the whole site, or `*`.
    pub post: &'static str,
    pub checks: &'static [Check],
    /// Text the failure's detail holds (`""`: any).
    pub detail: &'static str,
    pub reason: &'static str,
}

use Check::*;

const FRONT_MATTER_JEKYLL_NEVER_READ: &str =
    "a blank line before `---`: Jekyll never read this front matter, so the old page was titled \
     by the file name, had no tags or categories, and showed the front matter as text; the \
     export keeps the post's own title, tags and categories (on purpose)";

pub const KNOWN: &[Known] = &[
    Known {
        archive: "finews",
        platform: "*",
        post: "_posts/2021-12-08-202112082206703990.md",
        checks: &[Title, Tags, Categories],
        detail: "",
        reason: FRONT_MATTER_JEKYLL_NEVER_READ,
    },
    Known {
        archive: "finews",
        platform: "*",
        post: "_posts/2021-12-08-202112082206799679.md",
        checks: &[Title, Tags, Categories],
        detail: "",
        reason: FRONT_MATTER_JEKYLL_NEVER_READ,
    },
    Known {
        archive: "finews",
        platform: "*",
        post: "_posts/2021-12-08-202112082206884861.md",
        checks: &[Title, Tags, Categories],
        detail: "",
        reason: FRONT_MATTER_JEKYLL_NEVER_READ,
    },
    Known {
        archive: "finews",
        platform: "*",
        post: "_posts/2021-12-08-202112082206885192.md",
        checks: &[Title, Tags, Categories],
        detail: "",
        reason: FRONT_MATTER_JEKYLL_NEVER_READ,
    },
    Known {
        archive: "archive",
        platform: "*",
        post: "_posts/2022-03-29-202203291415300003.md",
        checks: &[Title, Tags, Categories],
        detail: "",
        reason: FRONT_MATTER_JEKYLL_NEVER_READ,
    },
    Known {
        archive: "shanghai",
        platform: "*",
        post: "_posts/2021-12-14-blank-line-first.md",
        checks: &[Title, Categories],
        detail: "",
        reason: FRONT_MATTER_JEKYLL_NEVER_READ,
    },
    Known {
        archive: "archive",
        platform: "*",
        post: "-",
        checks: &[Count],
        detail: "10 posts published, the source published 9",
        reason: "_posts/2022-03-30-202203301105170005.md is GBK: Jekyll cannot read it (\"invalid \
                 byte sequence in UTF-8\") and the old site did not publish it; newsbundle \
                 decodes it, so the migrated site has one post more (on purpose)",
    },
    Known {
        archive: "epub",
        platform: "*",
        post: "_posts/2023-02-01-untitled.md",
        checks: &[Title],
        detail: "",
        reason: "`title: \"\"`: the old page had no title; the export gives it the title made \
                 from the file name and keeps the empty one as `original_title` (on purpose)",
    },
    Known {
        archive: "tokyo",
        platform: "hugo",
        post: "_posts/2021-12-08-numbers-and-case.markdown",
        checks: &[Categories],
        detail: "",
        reason: "`categories: [2021, News, news]`: Jekyll's `post.categories` lists 2021 twice \
                 (\"2021\", \"News\", \"news\", \"2021\"); the export writes the three values \
                 the front matter holds, and Hugo shows those",
    },
];
