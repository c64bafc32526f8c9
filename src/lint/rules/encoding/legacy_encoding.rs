//! ENC001 legacy-encoding: the file is not UTF-8 but a legacy encoding (GBK, Big5, ...).

use crate::diagnostic::{Finding, Severity};
use crate::lint::{Context, Rule, RuleMeta};
use crate::parse::Post;

pub struct LegacyEncoding;

static META: RuleMeta = RuleMeta {
    code: "ENC001",
    name: "legacy-encoding",
    summary: "The file is in a legacy encoding, not UTF-8",
    explanation: "## What it does
Reports a file that is not UTF-8 and was decoded from a legacy encoding (GB18030/GBK, Big5,
Shift_JIS, EUC-KR, ...), naming the encoding that was detected.

GBK and Big5 bytes often decode without error in the other encoding, as mojibake. The site's
`lang` orders the guesses, but the decoding whose text has clearly more common Chinese
characters wins; when the two are about as plausible (a short text), the message says the
guess is doubtful and names both.

## Why is this bad?
Jekyll reads posts as UTF-8: the post is published as mojibake or the build fails. Detection
of legacy encodings is a guess; a short text may be guessed wrong.

## Example
A post saved from an old Windows editor in GBK.

## How to fix
Convert the file to UTF-8, for example `iconv -f GBK -t UTF-8 post.md > post.utf8.md`.",
    default_severity: Severity::Warning,
};

impl Rule for LegacyEncoding {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, post: &Post, _context: &Context<'_>, out: &mut Vec<Finding>) {
        if !post.source.is_legacy() {
            return;
        }
        let name = post.source.encoding.name();
        let finding = match post.source.rival {
            None => Finding::new(0..0, format!("file is encoded in {name}, not UTF-8"))
                .with_help(format!("convert it: iconv -f {name} -t UTF-8")),
            Some(rival) => {
                let rival = rival.name();
                Finding::new(
                    0..0,
                    format!(
                        "file is probably encoded in {name}, not UTF-8 (a doubtful guess: \
                         {rival} decodes it about as well)"
                    ),
                )
                .with_help(format!(
                    "compare `iconv -f {name} -t UTF-8` with `iconv -f {rival} -t UTF-8`, and \
                     convert it with the one that reads right"
                ))
            }
        };
        out.push(finding);
    }
}
