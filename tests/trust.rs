//! Trust: `sanitize`, `convert` and `bundle` never destroy an input, never leave debris, and
//! their records say what really happened. Each test builds its archive in a temporary
//! directory, runs the real binary there, and checks what a user would check afterwards: the
//! exit code, the message, the files on disk — and that the input is byte-identical.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::*;
use proptest::prelude::*;
use sha2::{Digest, Sha256};

/// A small Jekyll site: a config, four posts (two share a slug on different days, one is in
/// a second folder with the same slug again), and a page.
fn site(root: &Path) -> PathBuf {
    let site = root.join("site");
    write(
        &site,
        "_config.yml",
        "title: 测试新闻\ntimezone: Asia/Shanghai\nlang: zh-CN\nurl: https://news.example.org\n",
    );
    write(
        &site,
        "_posts/2022-03-29-market.md",
        "---\ntitle: 三月二十九日市场综述\ndate: 2022-03-29 09:30:00 +0800\ncategories: markets\n---\n\n沪深两市早盘小幅高开。\n",
    );
    write(
        &site,
        "_posts/2022-03-30-market.md",
        "---\ntitle: 三月三十日市场综述\ndate: 2022-03-30 09:30:00 +0800\ncategories: markets\n---\n\n两市午后震荡走低。\n",
    );
    write(
        &site,
        "world/_posts/2022-03-31-market.md",
        "---\ntitle: Asian markets close mixed\ndate: 2022-03-31 17:00:00 +0800\n---\n\nTokyo rose while Hong Kong fell.\n",
    );
    write(
        &site,
        "_posts/2022-04-01-rates.md",
        "---\ntitle: 央行公开市场操作\ndate: 2022-04-01 10:00:00 +0800\n---\n\n央行今日开展逆回购操作。\n",
    );
    write(
        &site,
        "about.md",
        "---\ntitle: 关于本站\n---\n\n本站转载公开新闻。\n",
    );
    site
}

/// Every path under `root` (links not followed) with its content or link target, hashed.
fn tree_hash(root: &Path) -> BTreeMap<String, String> {
    let mut hashes = BTreeMap::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(directory) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&directory) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let kind = entry.file_type().unwrap();
            let value = if kind.is_symlink() {
                format!("link {}", std::fs::read_link(&path).unwrap().display())
            } else if kind.is_dir() {
                pending.push(path);
                "dir".to_owned()
            } else {
                let digest = Sha256::digest(std::fs::read(&path).unwrap());
                digest.iter().map(|byte| format!("{byte:02x}")).collect()
            };
            hashes.insert(name, value);
        }
    }
    hashes
}

/// `newsbundle ARGS` run in `directory`.
fn run_in(directory: &Path, args: &[&str]) -> Run {
    let mut command = newsbundle(args);
    command.current_dir(directory);
    Run::of(&mut command).in_temp(directory)
}

/// Hidden entries of `directory` that newsbundle may have left (its temporaries).
fn leftovers(directory: &Path) -> Vec<String> {
    std::fs::read_dir(directory)
        .unwrap()
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains(".newsbundle-"))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// 1, 2: an output that is, contains or is inside an input is refused, --force or not

#[test]
fn an_output_overlapping_an_input_is_refused_even_with_force() {
    let temp = tempfile::tempdir().unwrap();
    let site = site(temp.path());
    std::os::unix::fs::symlink(&site, temp.path().join("link-to-site")).unwrap();
    let before = tree_hash(temp.path());
    let cases: &[&[&str]] = &[
        // the parent of the input: replacing it would delete the archive
        &["bundle", "site/_posts", "-o", "site", "--force"],
        &["bundle", "site", "-o", ".", "--force"],
        // inside the input
        &["bundle", "site", "-o", "site/out", "--force"],
        &[
            "convert",
            "site",
            "--to",
            "markdown",
            "-o",
            "site/_posts/..",
            "--force",
        ],
        // the working directory, or a directory holding it, whatever the input
        &["bundle", "-", "-o", ".", "--force"],
        &["convert", "-", "--to", "markdown", "-o", "..", "--force"],
        // the input itself, by another name
        &["bundle", "site", "-o", "./site/./", "--force"],
        &["bundle", "site", "-o", "link-to-site", "--force"],
        &["bundle", "link-to-site", "-o", "site/x/..", "--force"],
        // an input file
        &[
            "convert",
            "site/_posts/2022-03-29-market.md",
            "--to",
            "json",
            "-o",
            "site/_posts/2022-03-29-market.md",
            "--force",
        ],
        &[
            "convert",
            "site",
            "--to",
            "epub",
            "-o",
            "site/_config.yml",
            "--force",
        ],
        &["sanitize", "site", "-o", "site/_posts", "--force"],
        &["sanitize", "site/_posts", "-o", "site", "--force"],
    ];
    for args in cases {
        let run = run_in(temp.path(), args);
        assert_eq!(run.code, 2, "{args:?} must be refused:\n{}", run.render());
        assert!(
            run.stderr
                .contains("never writes over, into or around what it reads")
                || run
                    .stderr
                    .contains("is or holds the working directory: newsbundle never replaces it"),
            "{args:?}: {}",
            run.stderr
        );
        assert_eq!(tree_hash(temp.path()), before, "{args:?} changed the tree");
    }
    // The message names both paths as the user wrote them.
    let run = run_in(
        temp.path(),
        &["bundle", "site/_posts", "-o", "site", "--force"],
    );
    assert_eq!(
        run.stderr,
        "error: output site contains the input site/_posts: newsbundle never writes over, into or around what it reads (with or without --force)\n"
    );
}

#[test]
fn a_symlinked_post_from_elsewhere_is_an_input_too() {
    // The archive links to a post kept in another folder; writing over that folder would
    // destroy the post.
    let temp = tempfile::tempdir().unwrap();
    let site = site(temp.path());
    write(
        temp.path(),
        "kept/2022-04-02-linked.md",
        "---\ntitle: 链接的稿件\ndate: 2022-04-02 08:00:00 +0800\n---\n\n正文。\n",
    );
    std::os::unix::fs::symlink(
        temp.path().join("kept/2022-04-02-linked.md"),
        site.join("_posts/2022-04-02-linked.md"),
    )
    .unwrap();
    let before = tree_hash(temp.path());
    let run = run_in(temp.path(), &["bundle", "site", "-o", "kept", "--force"]);
    assert_eq!(run.code, 2, "{}", run.render());
    assert!(run.stderr.contains("contains the input"), "{}", run.stderr);
    assert_eq!(tree_hash(temp.path()), before);
}

// ---------------------------------------------------------------------------------------------
// 3: the manifest says which file each post went to, in every format

fn manifest(directory: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(directory.join("manifest.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// `source → format → file[#part]`, from the manifest.
fn placements(manifest: &serde_json::Value) -> BTreeMap<String, BTreeMap<String, String>> {
    manifest["posts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|post| {
            let outputs = post["outputs"]
                .as_array()
                .unwrap()
                .iter()
                .map(|output| {
                    let mut place = output["file"].as_str().unwrap().to_owned();
                    if let Some(line) = output.get("line") {
                        place.push_str(&format!("#{line}"));
                    }
                    if let Some(chapter) = output.get("chapter").and_then(|c| c.as_str()) {
                        place.push_str(&format!("#{chapter}"));
                    }
                    (output["format"].as_str().unwrap().to_owned(), place)
                })
                .collect();
            (post["source"].as_str().unwrap().to_owned(), outputs)
        })
        .collect()
}

#[test]
fn every_post_names_its_own_files_in_every_layout() {
    let temp = tempfile::tempdir().unwrap();
    site(temp.path());
    write(
        temp.path(),
        "site/_posts/undated-market.md",
        "---\ntitle: 未注明日期的草稿\n---\n\n草稿正文。\n",
    );
    for layout in ["jekyll", "hugo", "zola"] {
        let out = format!("out-{layout}");
        // Jekyll does not read the undated file in `_posts`: it is exported on request.
        let run = run_in(
            temp.path(),
            &[
                "bundle",
                "site",
                "-o",
                &out,
                "--layout",
                layout,
                "--include",
                "unpublished",
            ],
        );
        assert!(run.code <= 1, "{}", run.render());
        let placed = placements(&manifest(&temp.path().join(&out)));
        assert_eq!(
            placed.len(),
            5,
            "{layout}: four posts and the draft: {placed:#?}"
        );
        let mut markdown_files = std::collections::BTreeSet::new();
        for (source, outputs) in &placed {
            let formats: Vec<&str> = outputs.keys().map(String::as_str).collect();
            assert_eq!(formats, ["epub", "jsonl", "markdown"], "{layout}: {source}");
            let markdown = &outputs["markdown"];
            assert!(
                temp.path().join(&out).join(markdown).is_file(),
                "{layout}: {markdown} exists"
            );
            assert!(
                markdown_files.insert(markdown.clone()),
                "{layout}: {markdown} named twice"
            );
        }
    }
    // The three posts with the slug `market` went to three files, each holding its own text.
    let placed = placements(&manifest(&temp.path().join("out-jekyll")));
    for (source, needle) in [
        ("site/_posts/2022-03-29-market.md", "早盘小幅高开"),
        ("site/_posts/2022-03-30-market.md", "午后震荡走低"),
        ("site/world/_posts/2022-03-31-market.md", "Tokyo rose"),
        ("site/_posts/undated-market.md", "草稿正文"),
    ] {
        let file = temp
            .path()
            .join("out-jekyll")
            .join(&placed[source]["markdown"]);
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            text.contains(needle),
            "{source} → {}: {text}",
            file.display()
        );
    }
    assert!(placed["site/_posts/undated-market.md"]["markdown"].starts_with("posts/_drafts/"));
    // JSON lines and chapters are distinct per post too.
    let lines: std::collections::BTreeSet<_> =
        placed.values().map(|o| o["jsonl"].clone()).collect();
    let chapters: std::collections::BTreeSet<_> =
        placed.values().map(|o| o["epub"].clone()).collect();
    assert_eq!((lines.len(), chapters.len()), (5, 5));
}

#[test]
fn the_manifest_hashes_the_bytes_read_from_standard_input() {
    let temp = tempfile::tempdir().unwrap();
    let post = "---\ntitle: 标准输入\ndate: 2022-03-29 14:02:11 +0800\n---\n\n来自管道的正文。\n";
    let mut command = newsbundle(&["bundle", "-", "-o", "out"]);
    command.current_dir(temp.path());
    let run = run_with_stdin(&mut command, post);
    assert_eq!(run.code, 0, "{}", run.render());
    let manifest = manifest(&temp.path().join("out"));
    let expected: String = Sha256::digest(post.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    assert_eq!(manifest["posts"][0]["sha256"], expected.as_str());
    assert_eq!(manifest["manifest_version"], 2);
}

// ---------------------------------------------------------------------------------------------
// 4: interrupted runs

#[test]
fn a_dead_runs_temporary_is_recovered_and_removed() {
    let temp = tempfile::tempdir().unwrap();
    site(temp.path());
    assert_eq!(
        run_in(temp.path(), &["bundle", "site", "-o", "out"]).code,
        0
    );
    // A run killed between its two renames: the previous bundle moved into its temporary,
    // the output missing. Its lock died with it.
    let stale = temp.path().join(".out.newsbundle-4000000");
    std::fs::create_dir(&stale).unwrap();
    std::fs::write(stale.join(".newsbundle-temporary"), "").unwrap();
    std::fs::rename(temp.path().join("out"), stale.join("old")).unwrap();
    std::fs::create_dir_all(stale.join("new/posts")).unwrap();

    let run = run_in(temp.path(), &["bundle", "site", "-o", "out"]);
    assert_eq!(run.code, 0, "{}", run.render());
    assert!(
        run.stderr
            .contains("note: restored out from an interrupted run (.out.newsbundle-4000000)"),
        "{}",
        run.stderr
    );
    assert_eq!(leftovers(temp.path()), Vec::<String>::new());
    assert!(temp.path().join("out/manifest.json").is_file());
}

#[test]
fn an_older_leftover_without_a_marker_is_named_and_does_not_block() {
    let temp = tempfile::tempdir().unwrap();
    site(temp.path());
    // What newsbundle 0.1 left when killed: the previous output moved aside.
    write(temp.path(), ".out.newsbundle-77.old/manifest.json", "{}");
    let run = run_in(temp.path(), &["bundle", "site", "-o", "out", "--force"]);
    assert_eq!(run.code, 0, "{}", run.render());
    assert!(
        run.stderr
            .contains(".out.newsbundle-77.old looks like a leftover of an older newsbundle"),
        "{}",
        run.stderr
    );
}

/// An archive big enough that `bundle` runs for a while.
fn big_archive(root: &Path, posts: usize) -> PathBuf {
    let site = root.join("big");
    write(
        &site,
        "_config.yml",
        "title: 大档案\ntimezone: Asia/Shanghai\n",
    );
    let paragraph =
        "上证指数收盘上涨，成交量较前一交易日有所放大。Markets closed higher on heavy volume. "
            .repeat(20);
    for index in 0..posts {
        let day = 1 + index % 28;
        write(
            &site,
            &format!("_posts/2021-02-{day:02}-post-{index:05}.md"),
            &format!(
                "---\ntitle: 第{index}篇稿件\ndate: 2021-02-{day:02} 10:00:00 +0800\ncategories: [markets]\n---\n\n{paragraph}\n\n<p>{paragraph}</p>\n"
            ),
        );
    }
    site
}

#[test]
fn killed_runs_leave_the_previous_output_or_none_and_the_next_run_succeeds() {
    let temp = tempfile::tempdir().unwrap();
    big_archive(temp.path(), 600);
    let out = temp.path().join("out");
    let complete = |out: &Path| {
        let manifest = manifest(out);
        manifest["summary"]["posts"] == 600
            && manifest["outputs"]
                .as_array()
                .unwrap()
                .iter()
                .all(|file| out.join(file.as_str().unwrap()).is_file())
    };
    let mut had_previous = false;
    for (signal, delay_ms) in [
        ("KILL", 50),
        ("TERM", 150),
        ("KILL", 300),
        ("TERM", 500),
        ("KILL", 800),
        ("TERM", 1200),
    ] {
        let child = newsbundle(&["bundle", "big", "-o", "out", "-q"])
            .current_dir(temp.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = Command::new("kill")
            .args([format!("-{signal}"), child.id().to_string()])
            .status();
        let status = child.wait_with_output().unwrap().status;
        // The output is the previous one or absent, never a mix.
        if out.exists() {
            assert!(
                complete(&out),
                "after SIG{signal} at {delay_ms} ms: a torn output"
            );
        } else {
            assert!(
                !had_previous,
                "after SIG{signal} at {delay_ms} ms: the previous output is gone"
            );
        }
        if signal == "TERM" {
            assert!(
                leftovers(temp.path()).is_empty(),
                "SIGTERM cleans up (exit {status:?}): {:?}",
                leftovers(temp.path())
                    .iter()
                    .flat_map(|name| files_under(&temp.path().join(name)))
                    .collect::<Vec<_>>()
            );
        }
        let rerun = run_in(temp.path(), &["bundle", "big", "-o", "out", "-q"]);
        assert_eq!(
            rerun.code,
            0,
            "after SIG{signal} at {delay_ms} ms: {}",
            rerun.render()
        );
        assert!(complete(&out));
        let left = leftovers(temp.path());
        let inside: Vec<_> = left
            .iter()
            .flat_map(|name| files_under(&temp.path().join(name)))
            .collect();
        assert!(
            left.is_empty(),
            "after SIG{signal} at {delay_ms} ms and a rerun: {left:?} {inside:?}"
        );
        had_previous = true;
    }
}

// ---------------------------------------------------------------------------------------------
// 5, 8: standard output, devices, FIFOs and links

#[test]
fn dash_writes_one_file_formats_to_standard_output() {
    let temp = tempfile::tempdir().unwrap();
    site(temp.path());
    let json = run_in(
        temp.path(),
        &["convert", "site", "--to", "json", "-o", "-", "-q"],
    );
    assert_eq!(json.code, 0, "{}", json.render());
    assert_eq!(json.json()["posts"].as_array().unwrap().len(), 4);
    let mut command = newsbundle(&["convert", "site", "--to", "epub", "-o", "-", "-q"]);
    let epub = command.current_dir(temp.path()).output().unwrap();
    assert_eq!(epub.status.code(), Some(0));
    assert!(epub.stdout.starts_with(b"PK\x03\x04"), "a zip on stdout");
    assert_eq!(&epub.stdout[30..38], b"mimetype");
    assert!(!temp.path().join("-").exists(), "no file named -");

    for args in [
        &["convert", "site", "--to", "markdown", "-o", "-"][..],
        &["bundle", "site", "-o", "-"][..],
        &[
            "convert",
            "site",
            "--to",
            "epub",
            "-o",
            "-",
            "--max-posts-per-volume",
            "2",
        ][..],
    ] {
        let run = run_in(temp.path(), args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.render());
        assert!(run.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn devices_fifos_and_links_to_them_are_refused_never_replaced() {
    let temp = tempfile::tempdir().unwrap();
    site(temp.path());
    let fifo = temp.path().join("fifo");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    std::os::unix::fs::symlink("/dev/null", temp.path().join("null-link")).unwrap();
    std::os::unix::fs::symlink("/dev/stdout", temp.path().join("stdout-link")).unwrap();
    std::os::unix::fs::symlink("nowhere/x.json", temp.path().join("dangling")).unwrap();
    for (output, expected) in [
        (
            "fifo",
            "is a FIFO (named pipe), not a regular file or directory",
        ),
        (
            "/dev/null",
            "is a character device, not a regular file or directory",
        ),
        (
            "null-link",
            "is a character device, not a regular file or directory",
        ),
        ("stdout-link", "not a regular file or directory"),
        ("/dev/stdout", "not a regular file or directory"),
        (
            "dangling",
            "is a symbolic link to nowhere/x.json, which does not exist",
        ),
    ] {
        for format in ["json", "epub", "markdown"] {
            let mut command =
                newsbundle(&["convert", "site", "--to", format, "-o", output, "--force"]);
            // Standard output is a pipe here, as in `newsbundle … -o /dev/stdout | less`.
            let result = command
                .current_dir(temp.path())
                .stdout(Stdio::piped())
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&result.stderr);
            assert_eq!(result.status.code(), Some(2), "{output} {format}: {stderr}");
            assert!(stderr.contains(expected), "{output} {format}: {stderr}");
        }
    }
    assert!(std::fs::symlink_metadata(temp.path().join("stdout-link"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(std::fs::symlink_metadata(&fifo)
        .unwrap()
        .file_type()
        .is_fifo_like());
    assert!(Path::new("/dev/null").exists());
}

trait FifoLike {
    fn is_fifo_like(&self) -> bool;
}
impl FifoLike for std::fs::FileType {
    fn is_fifo_like(&self) -> bool {
        use std::os::unix::fs::FileTypeExt;
        self.is_fifo()
    }
}

#[test]
fn a_symlinked_output_directory_is_written_through() {
    let temp = tempfile::tempdir().unwrap();
    site(temp.path());
    std::fs::create_dir(temp.path().join("real-out")).unwrap();
    std::os::unix::fs::symlink("real-out", temp.path().join("out")).unwrap();
    for _ in 0..2 {
        let run = run_in(temp.path(), &["bundle", "site", "-o", "out"]);
        assert_eq!(run.code, 0, "{}", run.render());
        let link = std::fs::symlink_metadata(temp.path().join("out")).unwrap();
        assert!(link.file_type().is_symlink(), "the link is still a link");
        assert!(temp.path().join("real-out/manifest.json").is_file());
    }
    // A link to a file: the file it points to is replaced, the link stays.
    let run = run_in(
        temp.path(),
        &["convert", "site", "--to", "json", "-o", "real.json"],
    );
    assert_eq!(run.code, 0, "{}", run.render());
    std::os::unix::fs::symlink("real.json", temp.path().join("posts.json")).unwrap();
    for _ in 0..2 {
        let run = run_in(
            temp.path(),
            &["convert", "site", "--to", "json", "-o", "posts.json"],
        );
        assert_eq!(run.code, 0, "{}", run.render());
    }
    assert!(std::fs::symlink_metadata(temp.path().join("posts.json"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(std::fs::read_to_string(temp.path().join("real.json"))
        .unwrap()
        .contains("\"schema_version\""));
    assert_eq!(leftovers(temp.path()), Vec::<String>::new());
}

// ---------------------------------------------------------------------------------------------
// 6: volumes are one output

/// `convert site --to epub -o BOOK --max-posts-per-volume PER_VOLUME` in `directory`.
fn book_in_volumes(directory: &Path, book: &str, per_volume: &str) -> Run {
    run_in(
        directory,
        &[
            "convert",
            "site",
            "--to",
            "epub",
            "-o",
            book,
            "--max-posts-per-volume",
            per_volume,
        ],
    )
}

#[test]
fn volumes_are_replaced_together() {
    let temp = tempfile::tempdir().unwrap();
    site(temp.path());
    let run = book_in_volumes(temp.path(), "book.epub", "1");
    assert_eq!(run.code, 0, "{}", run.render());
    assert_eq!(
        run.stderr,
        "exported 4 posts to book-1.epub, book-2.epub, book-3.epub, book-4.epub, 1 skipped (not posts)\n"
    );
    // A user's own file that only looks like a volume is not ours: it stays.
    std::fs::write(temp.path().join("book-9.epub"), "my own notes").unwrap();
    let run = book_in_volumes(temp.path(), "book.epub", "3");
    assert_eq!(run.code, 0, "{}", run.render());
    assert_eq!(
        run.stderr,
        "note: removed book-3.epub, a volume of an earlier run of this book\nnote: removed book-4.epub, a volume of an earlier run of this book\nexported 4 posts to book-1.epub, book-2.epub, 1 skipped (not posts)\n"
    );
    let mut names: Vec<_> = std::fs::read_dir(temp.path())
        .unwrap()
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".epub"))
        .collect();
    names.sort();
    assert_eq!(names, ["book-1.epub", "book-2.epub", "book-9.epub"]);
    let run = run_in(
        temp.path(),
        &["convert", "site", "--to", "epub", "-o", "book.epub"],
    );
    assert_eq!(run.code, 0);
    assert!(!temp.path().join("book-1.epub").exists());
    assert!(temp.path().join("book.epub").exists());

    let run = book_in_volumes(temp.path(), "b.epub", "0");
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: --max-posts-per-volume must be at least 1\n"
    );
}

#[test]
fn the_manifest_lists_every_volume() {
    let temp = tempfile::tempdir().unwrap();
    site(temp.path());
    let run = run_in(
        temp.path(),
        &["bundle", "site", "-o", "out", "--max-posts-per-volume", "2"],
    );
    assert_eq!(run.code, 0, "{}", run.render());
    let manifest = manifest(&temp.path().join("out"));
    let outputs: Vec<&str> = manifest["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|file| file.as_str())
        .filter(|file| file.ends_with(".epub"))
        .collect();
    assert_eq!(outputs, ["book-1.epub", "book-2.epub"]);
    let books: std::collections::BTreeSet<String> = placements(&manifest)
        .values()
        .map(|outputs| outputs["epub"].split('#').next().unwrap().to_owned())
        .collect();
    assert_eq!(books.len(), 2);
}

// ---------------------------------------------------------------------------------------------
// 7: ownership

#[test]
fn sanitize_never_overwrites_a_users_files() {
    let temp = tempfile::tempdir().unwrap();
    site(temp.path());
    write(
        temp.path(),
        "mine/2022-03-29-market.xhtml",
        "<p>my own edit</p>",
    );
    let before = tree_hash(temp.path());
    let run = run_in(temp.path(), &["sanitize", "site", "-o", "mine"]);
    assert_eq!(run.code, 2, "{}", run.render());
    assert_eq!(
        run.stderr,
        "error: mine exists and was not written by newsbundle: use --force to replace it\n"
    );
    assert_eq!(tree_hash(temp.path()), before);

    // Into a new directory: a second file with the same name in another folder is renamed,
    // and the user is told.
    write(
        temp.path(),
        "site/world/_posts/2022-03-30-market.md",
        "---\ntitle: Markets slip in the afternoon\ndate: 2022-03-30 15:00:00 +0800\n---\n\nShares fell.\n",
    );
    let run = run_in(temp.path(), &["sanitize", "site", "-o", "clean"]);
    assert_eq!(run.code, 0, "{}", run.render());
    assert_eq!(
        run.stderr,
        "note: site/world/_posts/2022-03-30-market.md is written as 2022-03-30-market-2.xhtml: 2022-03-30-market.xhtml is already site/_posts/2022-03-30-market.md's\n\
         sanitized 5 posts and 1 page into clean\n",
    );
    assert!(
        std::fs::read_to_string(temp.path().join("clean/2022-03-30-market-2.xhtml"))
            .unwrap()
            .contains("Shares fell.")
    );
}

#[test]
fn files_a_user_added_to_a_bundle_are_listed_not_silently_deleted() {
    let temp = tempfile::tempdir().unwrap();
    site(temp.path());
    assert_eq!(
        run_in(temp.path(), &["bundle", "site", "-o", "out"]).code,
        0
    );
    write(temp.path(), "out/notes/todo.txt", "校对第三章");
    let run = run_in(temp.path(), &["bundle", "site", "-o", "out"]);
    assert_eq!(run.code, 2, "{}", run.render());
    assert_eq!(
        run.stderr,
        "error: out was written by newsbundle but now also holds files it did not write: notes/todo.txt; move them elsewhere, or use --force to delete them\n"
    );
    assert!(temp.path().join("out/notes/todo.txt").is_file());
    let run = run_in(temp.path(), &["bundle", "site", "-o", "out", "--force"]);
    assert_eq!(run.code, 0, "{}", run.render());
    assert!(run.stderr.starts_with(
        "warning: deleted notes/todo.txt, which newsbundle did not write (--force)\n"
    ));
}

// ---------------------------------------------------------------------------------------------
// 10, 19: nothing to export; missing parents

#[test]
fn nothing_to_export_writes_nothing() {
    let temp = tempfile::tempdir().unwrap();
    std::fs::create_dir(temp.path().join("empty")).unwrap();
    for args in [
        &["bundle", "empty", "-o", "out"][..],
        &["convert", "empty", "--to", "json", "-o", "out.json"][..],
        &["sanitize", "empty", "-o", "out"][..],
    ] {
        let run = run_in(temp.path(), args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.render());
        assert!(
            run.stderr.starts_with("error: no posts found under empty"),
            "{}",
            run.stderr
        );
        let names: Vec<_> = std::fs::read_dir(temp.path()).unwrap().flatten().collect();
        assert_eq!(names.len(), 1, "{args:?} wrote something");
    }
}

#[test]
fn a_missing_parent_is_made_one_level_deep_and_said() {
    let temp = tempfile::tempdir().unwrap();
    site(temp.path());
    let run = run_in(
        temp.path(),
        &["convert", "site", "--to", "json", "-o", "exports/all.json"],
    );
    assert_eq!(run.code, 0, "{}", run.render());
    assert!(
        run.stderr
            .starts_with("note: created the directory exports\n"),
        "{}",
        run.stderr
    );
    let run = run_in(
        temp.path(),
        &["convert", "site", "--to", "json", "-o", "a/b/all.json"],
    );
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: cannot write a/b/all.json: the directory a/b does not exist (create it first)\n"
    );
    assert!(!temp.path().join("a").exists());
}

// ---------------------------------------------------------------------------------------------
// Any command line: the input tree is unchanged

fn path_choice() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        ".",
        "site",
        "site/_posts",
        "site/_posts/..",
        "site/_posts/2022-03-29-market.md",
        "site/world",
        "site/_config.yml",
        "site/new",
        "site-link",
        "site-link/_posts",
        "post-link.md",
        "out",
        "out/inner",
        "-",
        "..",
    ])
}

fn command_line() -> impl Strategy<Value = Vec<String>> {
    (
        prop::sample::select(vec![
            "bundle",
            "convert-json",
            "convert-epub",
            "convert-markdown",
            "sanitize",
        ]),
        prop::collection::vec(path_choice(), 1..3),
        path_choice(),
        any::<bool>(),
    )
        .prop_map(|(command, inputs, output, force)| {
            let mut args: Vec<String> = match command {
                "bundle" => vec!["bundle".into()],
                "sanitize" => vec!["sanitize".into()],
                other => vec![
                    "convert".into(),
                    "--to".into(),
                    other.trim_start_matches("convert-").into(),
                ],
            };
            args.extend(inputs.iter().map(|path| path.to_string()));
            args.extend(["-o".into(), output.to_string(), "-q".into()]);
            if force {
                args.push("--force".into());
            }
            args
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Whatever the command line: an archive that is read is never changed, and without
    /// `--force` nothing of the user's is changed or removed (a new output may appear). (With `--force` and only standard
    /// input or nonexistent paths as input, the user asked to replace exactly that output.)
    #[test]
    fn no_command_line_changes_the_input(args in command_line()) {
        let temp = tempfile::tempdir().unwrap();
        let work = temp.path().join("work");
        let site = site(&work);
        std::os::unix::fs::symlink(&site, work.join("site-link")).unwrap();
        std::os::unix::fs::symlink(site.join("_posts/2022-04-01-rates.md"), work.join("post-link.md")).unwrap();
        let before = tree_hash(&site);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut command = newsbundle(&args);
        let output = command.current_dir(&work).output().unwrap();
        prop_assert!(output.status.code().is_some(), "killed: {:?}", args);
        let reads_the_site = args
            .iter()
            .skip_while(|arg| !matches!(**arg, "bundle" | "sanitize" | "markdown" | "json" | "epub"))
            .skip(1)
            .take_while(|arg| **arg != "-o")
            .any(|arg| !matches!(*arg, "out" | "out/inner" | "-"));
        let after = tree_hash(&site);
        if reads_the_site {
            prop_assert_eq!(after, before, "{:?} changed the archive", args);
        } else if !args.contains(&"--force") {
            // Writing a new output where the user pointed is what was asked; nothing that was
            // there may change or go.
            for (path, value) in &before {
                prop_assert_eq!(after.get(path), Some(value), "{:?} changed {}", args, path);
            }
        }
        prop_assert!(leftovers(&work).is_empty(), "{:?} left {:?}", args, leftovers(&work));
    }
}

// ---------------------------------------------------------------------------------------------
// 14: what convert, bundle and sanitize print cannot drive the terminal

#[test]
fn control_characters_in_paths_are_escaped_in_messages() {
    let temp = tempfile::tempdir().unwrap();
    site(temp.path());
    // A file name that would retitle the terminal, and a binary file beside it.
    write(
        temp.path(),
        "site/_posts/2022-04-02-t\u{1b}]0;owned\u{7}.md",
        "---\ntitle: 标题\ndate: 2022-04-02 08:00:00 +0800\n---\n\n正文。\n",
    );
    std::fs::write(
        temp.path()
            .join("site/_posts/2022-04-03-\u{1b}[2Jbinary.md"),
        b"\x7fELF\x02\x01\x01\x00\x00\x00",
    )
    .unwrap();
    for args in [
        &["bundle", "site", "-o", "out", "-v"][..],
        &["sanitize", "site", "-o", "clean"][..],
    ] {
        let run = run_in(temp.path(), args);
        assert_eq!(run.code, 1, "{args:?}: one file rejected: {}", run.render());
        assert!(
            !run.stderr.contains('\u{1b}') && !run.stderr.contains('\u{7}'),
            "{args:?}: {:?}",
            run.stderr
        );
        assert!(
            run.stderr
                .contains("2022-04-03-\\u{1b}[2Jbinary.md: not a text file"),
            "{args:?}: {}",
            run.stderr
        );
    }
}
