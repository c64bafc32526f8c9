//! What a reader sees: every chapter of the books made from `fixtures/reading` and from the
//! corpus archives (../shared/corpus, when present) is rendered by a real browser engine —
//! headless Chromium, Debian's `chromium` with `fonts-noto-cjk`, installed by `.ci/run` — at a
//! phone's width (360 px) and a tablet's (800 px), and measured on the rendered page:
//!
//! - nothing overflows horizontally (the page's `scrollWidth` is the viewport's);
//! - every image fits the column;
//! - `pre` and `code` are set in a monospace font, whatever the language around them;
//! - no element that holds text is hidden;
//! - Chinese paragraphs get their first-line indent, other languages none, and English is
//!   hyphenated;
//! - table cells keep their GFM alignment;
//! - every footnote reference and back-link leads to its target.
//!
//! How: each chapter is copied with a small script that measures it on load into a
//! `data-measure` attribute; one harness page per book and width holds every chapter in an
//! iframe of that width (a headless window cannot be narrower than 500 px, an iframe can) and
//! copies the measurements out; `chromium --dump-dom` prints them. Screenshots of the fixture
//! book's chapters at 500 px are kept in `target/epub-render/` for a person to look at.
//!
//! Without Chromium the test fails under CI (`CI=true`) and is skipped with a notice
//! elsewhere.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use serde_json::Value;

const WIDTHS: [u32; 2] = [360, 800];

/// The script added to each chapter copy. XHTML: inside CDATA, no `<` or `&` outside it.
const MEASURE: &str = r#"<script type="text/javascript">//<![CDATA[
window.addEventListener('load', function () {
  var width = window.innerWidth;
  var result = { width: width, scrollWidth: document.documentElement.scrollWidth,
                 overflowing: [], images: 0, badImages: [], notMonospace: [], hidden: [],
                 paragraphs: [], alignments: [], noterefs: 0, brokenNoterefs: [] };
  var all = document.body.getElementsByTagName('*');
  for (var i = 0; i < all.length; i++) {
    var el = all[i];
    var style = window.getComputedStyle(el);
    var rect = el.getBoundingClientRect();
    var name = el.localName;
    var inTable = el.closest('table') !== null && name !== 'table';
    if (!inTable && rect.width > 0 && (rect.right > width + 1 || rect.left < -1)) {
      result.overflowing.push(name + ' ' + Math.round(rect.left) + '..' + Math.round(rect.right));
    }
    if (name === 'img') {
      result.images += 1;
      if (rect.right > width + 1 || rect.width === 0) result.badImages.push(el.getAttribute('src'));
    }
    if ((name === 'pre' || name === 'code') && style.fontFamily.toLowerCase().indexOf('monospace') < 0) {
      result.notMonospace.push(name + ': ' + style.fontFamily);
    }
    if (name !== 'script' && (style.display === 'none' || style.visibility === 'hidden') && el.textContent.trim() !== '') {
      result.hidden.push(name);
    }
    if (name === 'p' && el.parentElement.classList.contains('body')) {
      result.paragraphs.push({ indent: parseFloat(style.textIndent), hyphens: style.hyphens || style.webkitHyphens });
    }
    if (name === 'a' && (el.getAttribute('href') || '').indexOf('#fn') === 0) {
      result.noterefs += 1;
      if (!document.getElementById(el.getAttribute('href').substring(1))) result.brokenNoterefs.push(el.getAttribute('href'));
    }
    if ((name === 'td' || name === 'th') && el.className) {
      result.alignments.push(el.className + ' ' + style.textAlign);
    }
  }
  document.body.setAttribute('data-measure', JSON.stringify(result));
});
//]]></script>"#;

/// Chromium, if installed.
fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            let output = Command::new("which").arg(name).output().ok()?;
            let path = String::from_utf8(output.stdout).ok()?;
            let path = path.trim();
            (!path.is_empty()).then(|| PathBuf::from(path))
        })
}

fn chromium_command(chromium: &Path, profile: &Path) -> Command {
    let mut command = Command::new(chromium);
    command.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--allow-file-access-from-files",
        "--hide-scrollbars",
        "--virtual-time-budget=20000",
    ]);
    command.arg(format!("--user-data-dir={}", profile.display()));
    command
}

/// The book's files, unpacked into `directory`; returns the chapter names (`OEBPS/*.xhtml`
/// but the navigation document).
fn unpack(book: &Path, directory: &Path) -> Vec<String> {
    let file = std::fs::File::open(book).unwrap();
    let mut archive = zip::ZipArchive::new(file).unwrap();
    let mut chapters = Vec::new();
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).unwrap();
        let name = entry.name().to_owned();
        let Some(relative) = name.strip_prefix("OEBPS/") else {
            continue;
        };
        let path = directory.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        if relative.ends_with(".xhtml") && relative != "nav.xhtml" {
            let text = String::from_utf8(bytes).unwrap();
            let measured = text.replacen("</body>", &format!("{MEASURE}\n</body>"), 1);
            std::fs::write(&path, measured).unwrap();
            chapters.push(relative.to_owned());
        } else {
            std::fs::write(&path, bytes).unwrap();
        }
    }
    chapters.sort();
    chapters
}

/// Every chapter rendered at `width`: the measurements, by chapter.
fn measure(
    chromium: &Path,
    directory: &Path,
    chapters: &[String],
    width: u32,
) -> Vec<(String, Value)> {
    let frames: String = chapters
        .iter()
        .map(|chapter| {
            format!("<iframe src=\"{chapter}\" width=\"{width}\" height=\"700\" style=\"border:0;display:block\"></iframe>\n")
        })
        .collect();
    let harness = format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>\n{frames}<pre id=\"out\"></pre>\n<script>\nwindow.addEventListener('load', function () {{\n  var frames = document.getElementsByTagName('iframe'); var out = [];\n  for (var i = 0; i < frames.length; i++) {{\n    var body = frames[i].contentDocument && frames[i].contentDocument.body;\n    out.push(body ? body.getAttribute('data-measure') : null);\n  }}\n  document.getElementById('out').textContent = 'MEASURED' + JSON.stringify(out) + 'END';\n}});\n</script></body></html>"
    );
    let harness_path = directory.join(format!("harness-{width}.html"));
    std::fs::write(&harness_path, harness).unwrap();
    let profile = tempfile::tempdir().unwrap();
    let output = chromium_command(chromium, profile.path())
        .arg("--dump-dom")
        .arg(format!("file://{}", harness_path.display()))
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&output.stdout);
    let start = dom.find("MEASURED").unwrap_or_else(|| {
        panic!(
            "chromium printed no measurements (exit {:?}):\n{}",
            output.status.code(),
            String::from_utf8_lossy(&output.stderr)
        )
    }) + "MEASURED".len();
    let end = dom[start..].find("END").unwrap() + start;
    // `--dump-dom` escapes the text content as HTML.
    let json = dom[start..end]
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    let list: Vec<Value> = serde_json::from_str(&json).unwrap();
    chapters
        .iter()
        .cloned()
        .zip(list)
        .map(|(chapter, value)| {
            let value = match value {
                Value::String(text) => serde_json::from_str(&text).unwrap(),
                other => other,
            };
            (chapter, value)
        })
        .collect()
}

/// What a reader would object to in one rendered chapter.
fn problems(value: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    if value.is_null() {
        return vec!["the chapter did not load or its script did not run".to_owned()];
    }
    let width = value["width"].as_f64().unwrap();
    let scroll = value["scrollWidth"].as_f64().unwrap();
    if scroll > width + 1.0 {
        problems.push(format!(
            "the page scrolls sideways: {scroll} px wide in {width} px"
        ));
    }
    for key in [
        "overflowing",
        "badImages",
        "notMonospace",
        "hidden",
        "brokenNoterefs",
    ] {
        let items = value[key].as_array().unwrap();
        if !items.is_empty() {
            problems.push(format!("{key}: {items:?}"));
        }
    }
    problems
}

#[test]
fn every_chapter_reads_well_at_phone_and_tablet_widths() {
    let Some(chromium) = chromium() else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "chromium is not installed: .ci/run installs it (apt-get install chromium fonts-noto-cjk)"
        );
        eprintln!("note: chromium not installed; the rendering test did not run");
        return;
    };
    let out = tempfile::tempdir().unwrap();
    let mut archives = vec![package_root().join("fixtures/reading")];
    let corpus = package_root().join("../shared/corpus");
    if let Ok(entries) = std::fs::read_dir(&corpus) {
        let mut found: Vec<PathBuf> = entries.flatten().map(|entry| entry.path()).collect();
        found.sort();
        archives.extend(found.into_iter().filter(|path| path.is_dir()));
    }
    let mut failures = Vec::new();
    let mut rendered = 0;
    for archive in &archives {
        let book = convert_to_epub(archive, out.path());
        let directory = out.path().join(archive.file_name().unwrap());
        let chapters = unpack(&book, &directory);
        for width in WIDTHS {
            for (chapter, value) in measure(&chromium, &directory, &chapters, width) {
                rendered += 1;
                for problem in problems(&value) {
                    failures.push(format!(
                        "{} {chapter} at {width} px: {problem}",
                        archive.file_name().unwrap().to_string_lossy()
                    ));
                }
            }
        }
    }
    eprintln!(
        "rendered {rendered} chapters ({} books, at {WIDTHS:?} px)",
        archives.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_fixture_book_keeps_its_typography() {
    let Some(chromium) = chromium() else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "chromium is not installed: .ci/run installs it"
        );
        eprintln!("note: chromium not installed; the rendering test did not run");
        return;
    };
    let out = tempfile::tempdir().unwrap();
    let book = convert_to_epub(&package_root().join("fixtures/reading"), out.path());
    let directory = out.path().join("reading");
    let chapters = unpack(&book, &directory);
    let measured = measure(&chromium, &directory, &chapters, 360);
    let chapter = |name: &str| &measured.iter().find(|(file, _)| file == name).unwrap().1;

    // Chinese: the first-line indent, code in monospace (checked above), the wide image
    // scaled to the column, table cells aligned as the Markdown said.
    let chinese = chapter("post-00001.xhtml");
    assert_eq!(chinese["images"], 1);
    let indents: Vec<f64> = chinese["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["indent"].as_f64().unwrap())
        .collect();
    assert!(indents.iter().all(|indent| *indent > 20.0), "{indents:?}");
    let alignments: Vec<&str> = chinese["alignments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert!(alignments.contains(&"align-right right"), "{alignments:?}");
    assert!(
        alignments.contains(&"align-center center"),
        "{alignments:?}"
    );
    // English: two footnotes, each reference and back-link leading somewhere (checked above).
    assert_eq!(chapter("post-00002.xhtml")["noterefs"], 4);
    // English: no indent, hyphenated. Korean: no indent.
    for paragraph in chapter("post-00002.xhtml")["paragraphs"]
        .as_array()
        .unwrap()
    {
        assert_eq!(paragraph["indent"], 0.0);
        assert_eq!(paragraph["hyphens"], "auto");
    }
    for paragraph in chapter("post-00003.xhtml")["paragraphs"]
        .as_array()
        .unwrap()
    {
        assert_eq!(paragraph["indent"], 0.0);
    }

    // Screenshots for a person to look at.
    let shots = package_root().join("target/epub-render");
    std::fs::create_dir_all(&shots).unwrap();
    for chapter in ["post-00001.xhtml", "post-00002.xhtml", "post-00003.xhtml"] {
        let profile = tempfile::tempdir().unwrap();
        let png = shots.join(chapter.replace(".xhtml", ".png"));
        let status = chromium_command(&chromium, profile.path())
            .arg("--window-size=500,1400")
            .arg(format!("--screenshot={}", png.display()))
            .arg(format!("file://{}", directory.join(chapter).display()))
            .output()
            .unwrap();
        assert!(png.is_file(), "{}", String::from_utf8_lossy(&status.stderr));
    }
}
