//! Input trust, end to end: every file a run meets is accounted for, a path with no posts is
//! not a pass, binary files are rejected, Big5 is not read as GBK because of a language hint,
//! huge posts are reported, and nothing a file holds can drive the terminal.
//!
//! Each test builds its archive in a temporary directory (symlinks, `.gitignore`, binary and
//! legacy-encoded bytes are made here, never committed) and runs the real binary there, so the
//! paths in the output are the relative ones a user sees.

use std::path::{Path, PathBuf};

use encoding_rs::{BIG5, GBK};
use newsbundle::config::Config;
use newsbundle::export;
use newsbundle::lint;
use serde_json::Value;

mod common;
use common::*;

/// A clean post: front matter with a title and a date, then the body.
fn post(title: &str, date: &str, body: &str) -> String {
    format!("---\ntitle: {title}\ndate: {date} +0800\n---\n{body}\n")
}

/// A temporary directory holding a Jekyll site with one clean post in `_posts`.
fn site_with_one_post() -> tempfile::TempDir {
    let temp = tempfile::tempdir().unwrap();
    write(
        temp.path(),
        "site/_config.yml",
        "title: 城市晚报\nlang: zh-CN\n",
    );
    write(
        temp.path(),
        "site/_posts/2022-03-29-library-hours.md",
        &post(
            "图书馆延长周末开放时间",
            "2022-03-29 13:54:28",
            "市图书馆自下月起周六、周日开放至晚上九点。",
        ),
    );
    temp
}

/// `newsbundle ARGS` run in `directory`, without any config file.
fn run_in(directory: &Path, args: &[&str]) -> Run {
    let mut command = newsbundle(args);
    command.current_dir(directory);
    Run::of(&mut command).in_temp(directory)
}

/// The `files` entry of `path` in a JSON lint report.
fn entry<'a>(json: &'a Value, path: &str) -> &'a Value {
    json["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|file| file["path"] == path)
        .unwrap_or_else(|| panic!("{path} is not in the report:\n{json:#}"))
}

fn prepare(paths: &[PathBuf]) -> export::Export {
    export::prepare(paths, &Config::default(), &lint::Options::default())
}

#[cfg(unix)]
fn symlink(target: &str, link: &Path) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

// ---------------------------------------------------------------------------------------------
// 9. every file the walk meets is accounted for

#[cfg(unix)]
#[test]
fn a_symlinked_posts_folder_is_followed() {
    // The posts live elsewhere; the site's `_posts` is a symlink to them. This linted
    // "0 files" and exited 0.
    let temp = tempfile::tempdir().unwrap();
    write(temp.path(), "site/_config.yml", "title: 城市晚报\n");
    write(
        temp.path(),
        "store/2022-03-29-library-hours.md",
        &post(
            "图书馆延长周末开放时间",
            "2022-03-29 13:54:28",
            "市图书馆自下月起周六、周日开放至晚上九点。",
        ),
    );
    symlink("../store", &temp.path().join("site/_posts"));

    let run = run_in(temp.path(), &["lint", "--no-config", "site"]);
    assert_eq!(run.code, 0, "{}", run.render());
    assert_eq!(run.stdout, "no problems found in 1 file\n");

    let json = run_in(
        temp.path(),
        &["lint", "--no-config", "--format", "json", "site"],
    )
    .json();
    assert_eq!(
        entry(&json, "site/_posts/2022-03-29-library-hours.md")["status"],
        "linted"
    );
}

/// A site whose walk meets every kind of file it does not read.
#[cfg(unix)]
fn site_with_files_not_read() -> tempfile::TempDir {
    let temp = site_with_one_post();
    let site = temp.path().join("site");
    write(&site, ".gitignore", "old/\n_posts/2022-03-30-draft.md\n");
    write(
        &site,
        "old/_posts/2010-01-01-archived.md",
        &post("旧闻", "2010-01-01 08:00:00", "十年前的新闻。"),
    );
    write(
        &site,
        "_posts/2022-03-30-draft.md",
        &post("草稿", "2022-03-30 08:00:00", "尚未发布。"),
    );
    write(
        &site,
        "_posts/.2022-03-31-hidden.md",
        "---\ntitle: 隐藏\n---\n",
    );
    write(&site, "assets/logo.png", "not really a picture");
    write(&site, "_site/index.html", "<p>built</p>");
    symlink(
        "2022-03-01-removed.md",
        &site.join("_posts/2022-03-02-dangling.md"),
    );
    symlink("..", &site.join("_posts/loop"));
    symlink(
        "2022-03-29-library-hours.md",
        &site.join("_posts/2022-03-29-same-post.md"),
    );
    temp
}

#[cfg(unix)]
#[test]
fn what_the_walk_does_not_read_is_listed_with_the_reason() {
    let temp = site_with_files_not_read();
    let run = run_in(
        temp.path(),
        &["lint", "--no-config", "--format", "json", "site"],
    );
    assert_eq!(
        run.code, 0,
        "skipped files are not failures: {}",
        run.stderr
    );
    let json = run.json();
    assert_eq!(json["version"], 2);

    let statuses: Vec<(String, String, String)> = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|file| {
            (
                file["path"].as_str().unwrap().to_owned(),
                file["status"].as_str().unwrap().to_owned(),
                file["reason"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let expected = [
        ("site/.gitignore", "skipped", "hidden (the name starts with a dot)"),
        ("site/_posts/.2022-03-31-hidden.md", "skipped", "hidden (the name starts with a dot)"),
        ("site/_posts/2022-03-02-dangling.md", "skipped", "a dangling symlink: its target does not exist"),
        ("site/_posts/2022-03-29-library-hours.md", "linted", ""),
        ("site/_posts/2022-03-29-same-post.md", "skipped", "the same file as \"site/_posts/2022-03-29-library-hours.md\", found through a symlink"),
        ("site/_posts/2022-03-30-draft.md", "skipped", "ignored by .gitignore"),
        ("site/_posts/loop", "skipped", "a symlink loop: it leads back to \"site\""),
        ("site/_site/", "skipped", "a build or tool directory, not walked"),
        ("site/assets/logo.png", "skipped", "not a post (only .md, .markdown, .html and .htm files are read; name the file to read it)"),
        ("site/old/", "skipped", "ignored by .gitignore"),
    ];
    let expected: Vec<(String, String, String)> = expected
        .iter()
        .map(|(path, status, reason)| (path.to_string(), status.to_string(), reason.to_string()))
        .collect();
    assert_eq!(statuses, expected);
    assert_eq!(json["summary"]["files"], 1);
    assert_eq!(json["summary"]["skipped"], 9);

    // SARIF: notes, and the run still succeeded.
    let sarif = run_in(
        temp.path(),
        &["lint", "--no-config", "--format", "sarif", "site"],
    )
    .json();
    let invocation = &sarif["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], true);
    let notes = invocation["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(notes.len(), 9);
    assert!(notes.iter().all(|note| note["level"] == "note"));
    assert_eq!(
        notes[0]["message"]["text"],
        "skipped site/.gitignore: hidden (the name starts with a dot)"
    );
}

#[cfg(unix)]
#[test]
fn verbose_lint_lists_the_skipped_files_on_stderr() {
    let temp = site_with_files_not_read();
    let quiet = run_in(temp.path(), &["lint", "--no-config", "site"]);
    assert_eq!(quiet.stderr, "");
    let verbose = run_in(temp.path(), &["lint", "--no-config", "-v", "site"]);
    assert_eq!(verbose.code, 0);
    assert_eq!(verbose.stdout, quiet.stdout);
    insta::assert_snapshot!("verbose_skipped", verbose.render());
}

#[cfg(unix)]
#[test]
fn the_export_lists_skipped_files_too() {
    let temp = site_with_files_not_read();
    let export = prepare(&[temp.path().join("site")]);
    assert_eq!(export.posts.len(), 1);
    let root = format!("{}/", temp.path().join("site").display());
    let skipped: Vec<String> = export
        .skipped
        .iter()
        .map(|skipped| skipped.path.replace(&root, ""))
        .collect();
    assert_eq!(
        skipped,
        [
            ".gitignore",
            "_posts/.2022-03-31-hidden.md",
            "_posts/2022-03-02-dangling.md",
            "_posts/2022-03-29-same-post.md",
            "_posts/2022-03-30-draft.md",
            "_posts/loop",
            "_site/",
            "assets/logo.png",
            "old/",
        ]
    );
    assert!(export.rejected.is_empty());
}

// ---------------------------------------------------------------------------------------------
// 10. a path with no posts is not a pass

#[test]
fn an_empty_directory_has_no_posts() {
    let temp = tempfile::tempdir().unwrap();
    std::fs::create_dir(temp.path().join("empty")).unwrap();
    let run = run_in(temp.path(), &["lint", "--no-config", "empty"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "error: no posts found under empty; check the path, or pass --allow-empty if an empty \
         archive is expected\n"
    );

    let allowed = run_in(
        temp.path(),
        &["lint", "--no-config", "--allow-empty", "empty"],
    );
    assert_eq!(allowed.code, 0);
    assert_eq!(allowed.stdout, "no problems found in 0 files\n");
}

#[test]
fn a_directory_without_posts_says_what_was_skipped() {
    let temp = tempfile::tempdir().unwrap();
    write(temp.path(), "images/photo.jpg", "jpeg");
    write(temp.path(), "images/notes.txt", "to do");
    let run = run_in(temp.path(), &["lint", "--no-config", "images"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: no posts found under images (2 files skipped: -v lists them); check the path, \
         or pass --allow-empty if an empty archive is expected\n"
    );
    let json = run_in(
        temp.path(),
        &[
            "lint",
            "--no-config",
            "--allow-empty",
            "--format",
            "json",
            "images",
        ],
    );
    assert_eq!(json.code, 0);
    assert_eq!(json.json()["summary"]["skipped"], 2);
}

// ---------------------------------------------------------------------------------------------
// 11. binary files are rejected

/// The first bytes of a 64-bit ELF executable, then some code-like bytes and a string table.
fn elf_bytes() -> Vec<u8> {
    let mut bytes = vec![0x7f, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    bytes.extend_from_slice(&[2, 0, 0x3e, 0, 1, 0, 0, 0, 0x40, 0x10, 0x40, 0, 0, 0, 0, 0]);
    bytes.extend_from_slice(&[0x48, 0x89, 0xe5, 0xc3, 0x90, 0xff, 0xd0]);
    bytes.extend_from_slice(b"\0.text\0.data\0GLIBC_2.34\0main\0");
    bytes
}

/// The signature and header chunk of a PNG image.
fn png_bytes() -> Vec<u8> {
    let mut bytes = vec![0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n'];
    bytes.extend_from_slice(&[0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0, 1, 0, 0, 0, 1, 0]);
    bytes.extend_from_slice(&[8, 6, 0, 0, 0, 0x5c, 0x72, 0xa8, 0x66]);
    bytes
}

fn site_with_binaries() -> tempfile::TempDir {
    let temp = site_with_one_post();
    let posts = temp.path().join("site/_posts");
    std::fs::write(posts.join("2020-01-02-x.md"), elf_bytes()).unwrap();
    std::fs::write(posts.join("2020-01-03-chart.md"), png_bytes()).unwrap();
    temp
}

#[test]
fn a_binary_post_is_rejected_at_its_first_nul_byte() {
    let temp = site_with_binaries();
    let run = run_in(
        temp.path(),
        &["lint", "--no-config", "--format", "json", "site"],
    );
    assert_eq!(run.code, 1, "rejected files: exit 1");
    let json = run.json();
    assert_eq!(json["summary"]["rejected"], 2);
    let elf = entry(&json, "site/_posts/2020-01-02-x.md");
    assert_eq!(elf["status"], "rejected");
    assert_eq!(
        elf["reason"],
        "not a text file: a NUL byte at offset 7, as in binary data"
    );
    // Only the encoding is reported, not the front matter a program lacks.
    let diagnostics = elf["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0]["code"], "ENC002");
    assert_eq!(diagnostics[0]["start"]["line"], 1);
    assert_eq!(diagnostics[0]["start"]["column"], 8);
    let png = entry(&json, "site/_posts/2020-01-03-chart.md");
    assert_eq!(png["status"], "rejected");
    assert_eq!(
        png["reason"],
        "not a text file: a NUL byte at offset 8, as in binary data"
    );

    // Rejected is a failure whatever the fail level.
    let never = run_in(
        temp.path(),
        &["lint", "--no-config", "--fail-on", "never", "site"],
    );
    assert_eq!(never.code, 1);
    assert!(
        never
            .stdout
            .ends_with("in 3 files; 2 files rejected as not text\n"),
        "{}",
        never.stdout
    );
    // The snippet shows the bytes escaped, never raw.
    assert!(!never.stdout.contains('\0'));
    assert!(never.stdout.contains("\\u{0}"), "{}", never.stdout);
}

#[test]
fn a_binary_post_is_never_exported() {
    let temp = site_with_binaries();
    let export = prepare(&[temp.path().join("site")]);
    let posts: Vec<&str> = export
        .posts
        .iter()
        .map(|post| post.relative_path.as_str())
        .collect();
    assert_eq!(posts, ["_posts/2022-03-29-library-hours.md"]);
    let rejected: Vec<(String, &str)> = export
        .rejected
        .iter()
        .map(|rejected| {
            let name = Path::new(&rejected.path).file_name().unwrap();
            (
                name.to_string_lossy().into_owned(),
                rejected.reason.as_str(),
            )
        })
        .collect();
    assert_eq!(
        rejected,
        [
            (
                "2020-01-02-x.md".to_owned(),
                "not a text file: a NUL byte at offset 7, as in binary data"
            ),
            (
                "2020-01-03-chart.md".to_owned(),
                "not a text file: a NUL byte at offset 8, as in binary data"
            ),
        ]
    );
}

#[test]
fn sanitize_does_not_print_a_binary_post() {
    let temp = site_with_binaries();
    let run = run_in(temp.path(), &["sanitize", "site/_posts/2020-01-02-x.md"]);
    assert_eq!(run.stdout, "", "no XHTML made of a program");
    assert_eq!(
        run.stderr,
        "error: rejected site/_posts/2020-01-02-x.md: not a text file: a NUL byte at offset 7, \
         as in binary data\n"
    );
    assert_ne!(run.code, 0);
}

#[test]
fn text_made_mostly_of_control_characters_is_rejected() {
    let temp = tempfile::tempdir().unwrap();
    // No NUL byte, but one character in three is a control character.
    let noise: String = "ab\u{1}cd\u{2}ef\u{3}".repeat(20);
    write(temp.path(), "2021-05-06-noise.md", &noise);
    let run = run_in(
        temp.path(),
        &[
            "lint",
            "--no-config",
            "--format",
            "json",
            "2021-05-06-noise.md",
        ],
    );
    assert_eq!(
        run.code, 2,
        "the only input is rejected: nothing could be done"
    );
    let json = run.json();
    let file = entry(&json, "2021-05-06-noise.md");
    assert_eq!(file["status"], "rejected");
    assert_eq!(
        file["reason"],
        "not a text file: 60 of 180 characters are control characters or undecodable bytes, \
         the first at offset 2"
    );
    // A stray control character in real text is not a reason to reject it.
    let mut text = post(
        "图书馆延长周末开放时间",
        "2022-03-29 13:54:28",
        "市图书馆自下月起周六、周日开放至晚上九点。",
    );
    text.push('\u{7}');
    write(temp.path(), "2022-03-29-bell.md", &text);
    let json = run_in(
        temp.path(),
        &[
            "lint",
            "--no-config",
            "--format",
            "json",
            "2022-03-29-bell.md",
        ],
    )
    .json();
    assert_eq!(entry(&json, "2022-03-29-bell.md")["status"], "linted");
}

// ---------------------------------------------------------------------------------------------
// 12. a language hint breaks ties, it does not override a clearly better decoding

const TRADITIONAL: &str =
    "---\ntitle: 臺北市立圖書館延長週末開放時間\ndate: 2022-03-29 13:54:28 +0800\n---\n\
    臺北市立圖書館今日宣佈，自下個月起，總館及各分館週六、週日開放至晚間九點，\
    以便上班族與學生利用假日借閱書籍。館方表示，這項措施是根據讀者意見調查的結果。\n";

const SIMPLIFIED: &str =
    "---\ntitle: 市图书馆延长周末开放时间\ndate: 2022-03-29 13:54:28 +0800\n---\n\
    市图书馆今日宣布，自下个月起，总馆及各分馆周六、周日开放至晚上九点，\
    以便上班族和学生利用假日借阅图书。馆方表示，这项措施是根据读者意见调查的结果。\n";

/// A site with the given `lang` and one post of `bytes`; the JSON report of linting it.
fn lint_encoded(lang: &str, bytes: &[u8]) -> Value {
    let temp = tempfile::tempdir().unwrap();
    write(temp.path(), "site/_config.yml", &format!("lang: {lang}\n"));
    std::fs::create_dir_all(temp.path().join("site/_posts")).unwrap();
    std::fs::write(temp.path().join("site/_posts/2022-03-29-library.md"), bytes).unwrap();
    let run = run_in(
        temp.path(),
        &["lint", "--no-config", "--format", "json", "site"],
    );
    run.json()
}

fn encoding_and_messages(json: &Value) -> (String, Vec<String>) {
    let file = entry(json, "site/_posts/2022-03-29-library.md");
    let messages = file["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|diagnostic| {
            format!(
                "{}: {}",
                diagnostic["code"].as_str().unwrap(),
                diagnostic["message"].as_str().unwrap()
            )
        })
        .collect();
    (file["encoding"].as_str().unwrap().to_owned(), messages)
}

#[test]
fn big5_in_a_simplified_chinese_site_is_read_as_big5() {
    let (bytes, _, unmappable) = BIG5.encode(TRADITIONAL);
    assert!(!unmappable);
    // What went wrong: the same bytes read as GBK are valid, and mojibake.
    let (as_gbk, _, gbk_errors) = GBK.decode(&bytes);
    assert!(!gbk_errors && !as_gbk.contains("圖書館"));

    let json = lint_encoded("zh-CN", &bytes);
    let (encoding, messages) = encoding_and_messages(&json);
    assert_eq!(encoding, "Big5");
    assert_eq!(messages, ["ENC001: file is encoded in Big5, not UTF-8"]);

    // And the text is the right one where it matters: the sanitized post.
    let temp = tempfile::tempdir().unwrap();
    write(temp.path(), "site/_config.yml", "lang: zh-CN\n");
    std::fs::create_dir_all(temp.path().join("site/_posts")).unwrap();
    std::fs::write(
        temp.path().join("site/_posts/2022-03-29-library.md"),
        &*bytes,
    )
    .unwrap();
    let run = run_in(
        temp.path(),
        &["sanitize", "site/_posts/2022-03-29-library.md"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("臺北市立圖書館今日宣佈"),
        "{}",
        run.stdout
    );
}

#[test]
fn gbk_in_a_traditional_chinese_site_is_read_as_gbk() {
    let (bytes, _, unmappable) = GBK.encode(SIMPLIFIED);
    assert!(!unmappable);
    let json = lint_encoded("zh-TW", &bytes);
    let (encoding, messages) = encoding_and_messages(&json);
    assert!(
        encoding == "GBK" || encoding == "gb18030",
        "{encoding}: {messages:?}"
    );
    assert_eq!(messages.len(), 1);
    assert!(
        messages[0].starts_with("ENC001: file is encoded in"),
        "{messages:?}"
    );
}

#[test]
fn a_doubtful_guess_names_both_candidates() {
    // 报道 in GBK is B1A8 B5C0, which Big5 reads as two common characters too: nothing in
    // so short a text tells the two apart.
    let text = "---\ntitle: x\ndate: 2022-03-29 13:54:28 +0800\n---\n报道\n";
    let (bytes, _, _) = GBK.encode(text);
    let (as_big5, _, big5_errors) = BIG5.decode(&bytes);
    assert!(!big5_errors && !as_big5.contains("报道"));
    let json = lint_encoded("zh-CN", &bytes);
    let (encoding, messages) = encoding_and_messages(&json);
    assert_eq!(encoding, "GBK", "the hint breaks the tie");
    assert_eq!(
        messages,
        ["ENC001: file is probably encoded in GBK, not UTF-8 (a doubtful guess: Big5 decodes it \
          about as well)"]
    );
}

// ---------------------------------------------------------------------------------------------
// 13. a huge post is reported

#[test]
fn a_post_over_one_mebibyte_gets_a_warning() {
    let temp = tempfile::tempdir().unwrap();
    let paragraph =
        "市图书馆自下月起周六、周日开放至晚上九点，以便上班族和学生利用假日借阅图书。\n\n";
    let body = paragraph.repeat(1024 * 1024 / paragraph.len() + 1);
    assert!(body.len() > 1024 * 1024);
    write(
        temp.path(),
        "2022-03-29-long.md",
        &post("长文", "2022-03-29 13:54:28", &body),
    );
    write(
        temp.path(),
        "2022-03-30-short.md",
        &post("短文", "2022-03-30 13:54:28", paragraph),
    );
    let run = run_in(
        temp.path(),
        &["lint", "--no-config", "--format", "json", "."],
    );
    assert_eq!(run.code, 0, "a warning does not fail by default");
    let json = run.json();
    let long = &entry(&json, "2022-03-29-long.md")["diagnostics"];
    assert_eq!(long.as_array().unwrap().len(), 1, "{long:#}");
    assert_eq!(long[0]["code"], "CNT005");
    assert_eq!(long[0]["severity"], "warning");
    let size = body.len() + 1;
    assert_eq!(
        long[0]["message"],
        format!(
            "the body is {:.1} MiB ({size} bytes), over the 1.0 MiB (1048576 bytes) limit",
            size as f64 / (1024.0 * 1024.0)
        )
    );
    assert_eq!(long[0]["start"]["line"], 5);
    assert_eq!(
        entry(&json, "2022-03-30-short.md")["diagnostics"],
        Value::Array(Vec::new())
    );

    // The limit is set in newsbundle.toml, and a typo in its name gets a suggestion.
    write(temp.path(), "newsbundle.toml", "max-body-size = 4194304\n");
    let raised = run_in(temp.path(), &["lint", "--format", "json", "."]).json();
    assert_eq!(raised["summary"]["warnings"], 0);
    write(temp.path(), "newsbundle.toml", "max-body-sise = 4194304\n");
    let typo = run_in(temp.path(), &["lint", "."]);
    assert_eq!(typo.code, 2);
    assert_eq!(
        redact(&typo.stderr, Some(temp.path())),
        "error: unknown key \"max-body-sise\" in [TEMP]/newsbundle.toml (did you mean \
         \"max-body-size\"?)\n"
    );
}

// ---------------------------------------------------------------------------------------------
// 14. nothing in a file reaches the terminal raw

#[test]
fn control_characters_are_escaped_in_human_output() {
    let temp = tempfile::tempdir().unwrap();
    // The title sets the terminal's title (OSC 0 … BEL); the body clears the screen (CSI 2J)
    // inside a Liquid tag, which CNT003 quotes and underlines.
    let text =
        "---\ntitle: \"\u{1b}]0;pwned\u{7}市场快讯\"\ndate: 2022-03-29 13:54:28 +0800\n---\n\
                开盘{% include \u{1b}[2J\u{7f}\u{9b}x %}收盘\n";
    write(temp.path(), "2022-03-29-escape.md", text);
    let run = run_in(
        temp.path(),
        &["lint", "--no-config", "2022-03-29-escape.md"],
    );
    assert_eq!(run.code, 1);
    for raw in ['\u{1b}', '\u{7}', '\u{7f}', '\u{9b}'] {
        assert!(!run.stdout.contains(raw), "{raw:?} printed raw");
    }
    // The caret covers the escaped characters exactly: read it in the snapshot.
    insta::assert_snapshot!("escaped_human", run.render());

    let github = run_in(
        temp.path(),
        &[
            "lint",
            "--no-config",
            "--format",
            "github",
            "2022-03-29-escape.md",
        ],
    );
    assert!(!github.stdout.contains('\u{1b}'));
    assert!(github.stdout.contains("\\u{1b}[2J"), "{}", github.stdout);
}

#[cfg(unix)]
#[test]
fn control_characters_in_file_names_are_escaped() {
    let temp = tempfile::tempdir().unwrap();
    write(
        temp.path(),
        "site/_posts/2022-03-29-\u{1b}[31mred.md",
        "no front matter\n",
    );
    write(temp.path(), "site/_posts/\u{1b}[2J.png", "png");
    let run = run_in(temp.path(), &["lint", "--no-config", "-v", "site"]);
    assert_eq!(run.code, 1);
    assert!(!run.stdout.contains('\u{1b}') && !run.stderr.contains('\u{1b}'));
    assert!(
        run.stdout
            .contains("--> site/_posts/2022-03-29-\\u{1b}[31mred.md:1:1"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr
            .starts_with("skipped site/_posts/\\u{1b}[2J.png: not a post"),
        "{}",
        run.stderr
    );
}
