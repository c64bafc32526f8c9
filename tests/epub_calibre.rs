//! The books as a real e-book toolchain reads them: calibre (Debian's `calibre`, installed by
//! `.ci/run`). `ebook-meta` must show the title, author, language, publisher and date the
//! archive gives, and `ebook-convert` to AZW3 (Kindle) must finish without a warning.
//!
//! Without calibre the tests fail under CI (`CI=true`) and are skipped with a notice
//! elsewhere. calibre's own browser engine runs headless (`QT_QPA_PLATFORM=offscreen`) and, as
//! root in a container, without its sandbox.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

fn calibre(tool: &str) -> Option<Command> {
    let found = Command::new("which").arg(tool).output().ok()?;
    if !found.status.success() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{tool} is not installed: .ci/run installs calibre"
        );
        eprintln!("note: calibre not installed; the calibre test did not run");
        return None;
    }
    let mut command = Command::new(tool);
    command
        .env("QT_QPA_PLATFORM", "offscreen")
        .env("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")
        // One configuration directory per tool: the tests run in parallel, and two calibre
        // processes making the same one at once can fail.
        .env(
            "CALIBRE_CONFIG_DIRECTORY",
            std::env::temp_dir().join(format!("newsbundle-calibre-{tool}-{}", std::process::id())),
        );
    Some(command)
}

/// `ebook-meta BOOK` as field → value.
fn metadata(book: &Path) -> Option<Vec<(String, String)>> {
    let output = calibre("ebook-meta")?.arg(book).output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(
        text.lines()
            .filter_map(|line| line.split_once(':'))
            .map(|(field, value)| (field.trim().to_owned(), value.trim().to_owned()))
            .collect(),
    )
}

#[test]
fn calibre_reads_the_books_metadata() {
    let out = tempfile::tempdir().unwrap();
    let reading = convert_to_epub(Path::new("fixtures/reading"), out.path());
    let Some(fields) = metadata(&reading) else {
        return;
    };
    let field = |name: &str| {
        fields
            .iter()
            .find(|(field, _)| field == name)
            .map(|(_, value)| value.as_str())
            .unwrap_or_else(|| panic!("no {name} in {fields:?}"))
    };
    assert_eq!(field("Title"), "阅读测试快讯");
    assert_eq!(field("Author(s)"), "阅读测试编辑部");
    assert_eq!(field("Languages"), "zho");
    assert_eq!(field("Publisher"), "reading.example.cn");
    // The newest post, 2024-05-03 16:00 +0800.
    assert_eq!(field("Published"), "2024-05-03T08:00:00+00:00");
    assert!(field("Comments").starts_with("阅读测试用的新闻存档"));
}

#[test]
fn calibre_converts_the_books_to_kindle_without_a_warning() {
    let out = tempfile::tempdir().unwrap();
    let mut archives = vec!["fixtures/reading".to_owned(), "fixtures/epub".to_owned()];
    let corpus = package_root().join("../shared/corpus/minimal-mistakes");
    if corpus.is_dir() {
        archives.push(corpus.to_string_lossy().into_owned());
    }
    for archive in archives {
        let book = convert_to_epub(Path::new(&archive), out.path());
        let azw3 = book.with_extension("azw3");
        let Some(mut command) = calibre("ebook-convert") else {
            return;
        };
        let output = command.arg(&book).arg(&azw3).output().unwrap();
        let log = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(output.status.success(), "{archive}: {log}");
        assert!(azw3.is_file(), "{archive}: no AZW3 written\n{log}");
        let warnings: Vec<&str> = log
            .lines()
            .filter(|line| {
                let line = line.to_ascii_lowercase();
                line.contains("warn") || line.contains("error") || line.contains("traceback")
            })
            .collect();
        assert!(warnings.is_empty(), "{archive}: {warnings:#?}");
    }
}
