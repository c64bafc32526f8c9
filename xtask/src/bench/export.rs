//! The export rows of `cargo xtask bench`: `newsbundle bundle` on a generated archive beside
//! pandoc converting a subset of the same posts to EPUB 3 and to GFM, in the same run.
//!
//! What it does:
//! - uses the generated archive of `--bundle-posts` posts (default 10,000; generated or reused
//!   like the lint sizes, see `generate::ensure_archive`), its page cache warmed by one
//!   untimed `cat` pass;
//! - bundle: `<bin> bundle --quiet <archive> -o <DIR>`, one untimed check run, then N timed
//!   runs. Exit codes 0 and 1 count as success (1: some posts were rejected). Every run gets a
//!   fresh `DIR`: `<base>/export-tmp/<label>-<pid>-<n>/out`, which does not exist beforehand,
//!   lies outside the archive and is removed (untimed) after the run. The check run records
//!   the size of what was written, the number of `book*.epub` volumes and the manifest's
//!   `summary`;
//! - pandoc (`--pandoc PATH`, default `pandoc` on `PATH`; the rows are skipped with a note when
//!   `pandoc --version` cannot be run): a deterministic subset of the same posts
//!   (`--pandoc-posts`, default 1,000, evenly spaced over the archive's posts in file-name
//!   order, listed in `<base>/<posts>.pandoc-<n>.files`), converted in one process per format:
//!   `pandoc -f markdown -t epub3 -o book.epub FILES` and `pandoc -f markdown -t gfm -o out.md
//!   FILES`, run in the archive directory with `_posts/NAME` arguments, as `pandoc _posts/*.md`
//!   would pass them. No untimed run (one takes seconds); exit code 0 is required;
//! - the timed runs alternate per round (bundle, pandoc EPUB, pandoc GFM), so drift on a shared
//!   machine affects all rows alike; wall clock from spawn to exit, CPU time and peak RSS
//!   from `wait4(2)`, as for the lint rows;
//! - reports per row: posts, median wall time, posts/s (posts / median), peak RSS (max over
//!   runs), CPU time, and for the pandoc rows the ratio bundle posts/s ÷ that row's posts/s;
//!   then the targets: bundle posts/s at least 50 times pandoc's EPUB posts/s, and bundle
//!   peak RSS under 300 MB (10^6 bytes).
//!
//! What it does not do: judge either tool's output (EPUB validity, Markdown fidelity). The
//! two do not do the same work: bundle writes Markdown, JSON Lines, EPUB volumes, a manifest
//! and a report for every post; each pandoc row writes one format for a subset, reading the
//! Jekyll front matter as a YAML metadata block and the HTML bodies as raw HTML. A pandoc
//! failure is recorded, never fatal; a bundle failure (a binary without the `bundle`
//! subcommand included) is reported and makes the bench exit non-zero, but only at the end,
//! after every other row has been measured and written.
//!
//! This file is longer than 1,000 lines because its rows (bundle, lint, sanitize -o and the two
//! pandoc formats) are timed in the same alternating rounds and share one runner and report.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde::Serialize;

use super::{group, median, run_measured, shell_quote, tail_lines, Sample};
use crate::DynResult;

pub(super) const DEFAULT_BUNDLE_POSTS: usize = 10_000;
pub(super) const DEFAULT_PANDOC_POSTS: usize = 1_000;
/// bundle posts/s must be at least this many times pandoc's EPUB posts/s.
const MIN_RATIO: f64 = 50.0;
/// bundle peak RSS must stay under this many MB (10^6 bytes).
const PEAK_LIMIT_MB: f64 = 300.0;
/// The issue's own reading of the ratio target: about 10,000 posts bundled in 2 s on 2 cores
/// (50 x the ~106 posts/s it measured for pandoc's EPUB of 1,000 posts). Judged too,
/// because pandoc's posts/s depend on how many posts one pandoc process is given.
const MIN_POSTS_PER_S: f64 = 5_000.0;
/// `sanitize -o` and `bundle` may take at most this many times `lint`'s time (issue 7).
const MAX_WRITER_RATIO: f64 = 1.5;

/// Exit codes of `bundle` that count as a successful run (1 = some posts rejected).
const BUNDLE_OK: &[i32] = &[0, 1];
const PANDOC_OK: &[i32] = &[0];

pub(super) struct ExportOptions {
    pub skip_bundle: bool,
    pub skip_pandoc: bool,
    /// The binary whose `bundle` subcommand is timed.
    pub bin: PathBuf,
    pub pandoc: PathBuf,
    /// Size of the generated archive that `bundle` exports.
    pub posts: usize,
    /// Size of the pandoc subset (capped to `posts`).
    pub pandoc_posts: usize,
    pub runs: usize,
    pub pandoc_runs: usize,
    pub seed: u64,
}

// ---------------------------------------------------------------------------------
// Results

/// One row: measured, skipped (by a flag, or pandoc missing) or failed (with the reason).
#[derive(Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub(super) enum Row {
    Measured(RowResult),
    Skipped {
        tool: String,
        reason: String,
    },
    Failed {
        tool: String,
        command: String,
        reason: String,
    },
}

impl Row {
    fn measured(&self) -> Option<&RowResult> {
        match self {
            Row::Measured(r) => Some(r),
            _ => None,
        }
    }
}

#[derive(Serialize)]
pub(super) struct RowResult {
    tool: String,
    command: String,
    posts: usize,
    /// Bytes of the `*.md` files given to the tool.
    input_bytes: u64,
    runs: usize,
    wall_s: Vec<f64>,
    median_s: f64,
    min_s: f64,
    max_s: f64,
    /// posts / median wall time.
    posts_per_s: f64,
    /// Maximum `ru_maxrss` over all runs, in MiB.
    peak_rss_mib: f64,
    cpu_median_s: f64,
    exit_codes: Vec<Option<i32>>,
    /// Bytes written by the first successful run (the check run for bundle).
    output_bytes: u64,
    /// bundle posts/s ÷ this row's posts/s (pandoc rows, when bundle was measured).
    bundle_ratio: Option<f64>,
}

/// What the untimed bundle run wrote.
#[derive(Serialize)]
struct BundleCheck {
    exit_code: Option<i32>,
    output_bytes: u64,
    output_files: usize,
    epub_volumes: usize,
    /// `summary` of `manifest.json`, as written (None when there is no readable manifest).
    manifest_summary: Option<serde_json::Value>,
}

#[derive(Serialize)]
struct PandocSubset {
    posts: usize,
    bytes: u64,
    /// Every pandoc input, one `_posts/NAME` a line, in the order given to pandoc.
    list: String,
}

#[derive(Serialize)]
struct ExportTarget {
    min_ratio: f64,
    /// bundle posts/s ÷ pandoc EPUB posts/s: what the ratio target is judged on.
    ratio_epub: Option<f64>,
    /// bundle posts/s ÷ pandoc GFM posts/s (for information).
    ratio_gfm: Option<f64>,
    speed_met: Option<bool>,
    /// The same target in absolute terms, independent of pandoc's batch size.
    min_posts_per_s: f64,
    bundle_posts_per_s: Option<f64>,
    absolute_met: Option<bool>,
    peak_limit_mb: f64,
    bundle_peak_mb: Option<f64>,
    memory_met: Option<bool>,
}

#[derive(Serialize)]
pub(super) struct ExportReport {
    posts: usize,
    files: usize,
    bytes: u64,
    archive_dir: String,
    generated_in_s: Option<f64>,
    runs: usize,
    pandoc_runs: usize,
    bundle: Row,
    bundle_check: Option<BundleCheck>,
    pandoc_version: Option<String>,
    pandoc_subset: Option<PandocSubset>,
    pandoc_epub: Row,
    pandoc_gfm: Row,
    target: ExportTarget,
    /// `lint` and `sanitize -o` on the same archive, for the writer's cost.
    lint: Row,
    sanitize: Row,
    writer: WriterTarget,
}

/// `sanitize -o` and `bundle` against `lint` (which reads, sanitizes and lints every post but
/// writes nothing): the writer's cost, as median wall-time ratios.
#[derive(Serialize)]
struct WriterTarget {
    max_ratio: f64,
    sanitize_to_lint: Option<f64>,
    bundle_to_lint: Option<f64>,
}

impl ExportReport {
    /// Why the bundle row failed, if it did (the bench then exits non-zero).
    pub(super) fn bundle_failure(&self) -> Option<&str> {
        match &self.bundle {
            Row::Failed { reason, .. } => Some(reason),
            _ => None,
        }
    }
}

// ---------------------------------------------------------------------------------
// Running

/// A directory of its own for one run's output, removed when dropped.
#[derive(Debug)]
struct TempDir(PathBuf);

impl TempDir {
    fn new(base: &Path, label: &str) -> io::Result<TempDir> {
        let root = base.join("export-tmp");
        fs::create_dir_all(&root)?;
        let pid = std::process::id();
        for n in 0.. {
            let dir = root.join(format!("{label}-{pid}-{n}"));
            match fs::create_dir(&dir) {
                Ok(()) => return Ok(TempDir(dir)),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        unreachable!("0.. is unbounded")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
        // Also the shared parent, once the last run's directory is gone.
        if let Some(parent) = self.0.parent() {
            let _ = fs::remove_dir(parent);
        }
    }
}

/// One tool being timed: how to build its command for an output path, and its samples.
struct Tool {
    label: String,
    /// Name of the output (file or directory) inside the run's temporary directory.
    out_name: &'static str,
    ok_codes: &'static [i32],
    stderr_file: PathBuf,
    build: Box<dyn Fn(&Path) -> Command>,
    /// The command as shown, with `TMP` for the run's temporary directory.
    shown: String,
    posts: usize,
    input_bytes: u64,
    samples: Vec<Sample>,
    output_bytes: Option<u64>,
    failed: Option<String>,
}

impl Tool {
    /// Runs the tool once into a fresh temporary directory. On success returns the sample
    /// and the directory (still holding the output, removed when dropped).
    fn run_once(&mut self, base: &Path) -> DynResult<Result<(Sample, TempDir), String>> {
        let tmp = TempDir::new(base, self.out_name.trim_end_matches(".md"))?;
        let out = tmp.0.join(self.out_name);
        let mut cmd = (self.build)(&out);
        cmd.stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(fs::File::create(&self.stderr_file)?);
        let sample = match run_measured(&mut cmd) {
            Ok(s) => s,
            Err(e) => return Ok(Err(e.to_string())),
        };
        if let Some(reason) = self.failure(&sample) {
            return Ok(Err(reason));
        }
        if self.output_bytes.is_none() {
            self.output_bytes = Some(tree_size(&out).0);
        }
        Ok(Ok((sample, tmp)))
    }

    /// Why `sample` is not a successful run, or None.
    fn failure(&self, sample: &Sample) -> Option<String> {
        if sample.code.is_some_and(|c| self.ok_codes.contains(&c)) {
            return None;
        }
        let stderr = fs::read_to_string(&self.stderr_file).unwrap_or_default();
        if let Some(line) = stderr
            .lines()
            .find(|l| l.contains("unrecognized subcommand"))
        {
            return Some(format!(
                "this binary has no `bundle` subcommand yet ({}: {}); pass --skip-bundle to \
                 leave this row out",
                sample.describe_exit(),
                line.trim()
            ));
        }
        let codes: Vec<String> = self.ok_codes.iter().map(|c| c.to_string()).collect();
        Some(format!(
            "{} failed with {} (only exit code {} counts as success); last lines of {}:\n{}",
            self.label,
            sample.describe_exit(),
            codes.join(" or "),
            self.stderr_file.display(),
            tail_lines(&stderr, 20)
        ))
    }

    fn row(&self) -> Row {
        let failed = match &self.failed {
            Some(reason) => Some(reason.clone()),
            None if self.samples.is_empty() => Some("no timed run".to_string()),
            None => None,
        };
        if let Some(reason) = failed {
            return Row::Failed {
                tool: self.label.clone(),
                command: self.shown.clone(),
                reason,
            };
        }
        let wall: Vec<f64> = self.samples.iter().map(|s| s.wall.as_secs_f64()).collect();
        let cpu: Vec<f64> = self.samples.iter().map(|s| s.cpu.as_secs_f64()).collect();
        let median_s = median(&wall);
        let peak_kib = self.samples.iter().map(|s| s.maxrss_kib).max().unwrap_or(0);
        Row::Measured(RowResult {
            tool: self.label.clone(),
            command: self.shown.clone(),
            posts: self.posts,
            input_bytes: self.input_bytes,
            runs: self.samples.len(),
            median_s,
            min_s: wall.iter().copied().fold(f64::INFINITY, f64::min),
            max_s: wall.iter().copied().fold(0.0, f64::max),
            wall_s: wall,
            posts_per_s: self.posts as f64 / median_s,
            peak_rss_mib: peak_kib as f64 / 1024.0,
            cpu_median_s: median(&cpu),
            exit_codes: self.samples.iter().map(|s| s.code).collect(),
            output_bytes: self.output_bytes.unwrap_or(0),
            bundle_ratio: None,
        })
    }
}

/// Total bytes and number of regular files under `path` (a file or a directory).
fn tree_size(path: &Path) -> (u64, usize) {
    let Ok(meta) = fs::symlink_metadata(path) else {
        return (0, 0);
    };
    if meta.is_file() {
        return (meta.len(), 1);
    }
    if !meta.is_dir() {
        return (0, 0);
    }
    let mut total = (0, 0);
    for entry in fs::read_dir(path).into_iter().flatten().flatten() {
        let (bytes, files) = tree_size(&entry.path());
        total.0 += bytes;
        total.1 += files;
    }
    total
}

/// The first line of `pandoc --version`, or why pandoc cannot be run.
fn pandoc_version(pandoc: &Path) -> Result<String, String> {
    let shown = pandoc.display();
    match Command::new(pandoc)
        .arg("--version")
        .stdin(Stdio::null())
        .output()
    {
        Ok(out) if out.status.success() => Ok(String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .unwrap_or("pandoc (unknown version)")
            .trim()
            .to_string()),
        Ok(out) => Err(format!("`{shown} --version` failed ({})", out.status)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Err(format!(
            "`{shown}` not found (install pandoc, e.g. Debian's package, or pass --pandoc PATH)"
        )),
        Err(e) => Err(format!("cannot start `{shown}`: {e}")),
    }
}

/// `n` items evenly spaced over `items` (all of them when `n >= items.len()`), in order.
fn evenly_spaced<T>(items: &[T], n: usize) -> Vec<&T> {
    let len = items.len();
    if n >= len {
        return items.iter().collect();
    }
    (0..n).map(|i| &items[i * len / n]).collect()
}

/// The `*.md` file names directly under `<dir>/_posts`, sorted.
fn post_names(dir: &Path) -> io::Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in fs::read_dir(dir.join("_posts"))? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".md") && entry.file_type()?.is_file() {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

fn bundle_tool(opts: &ExportOptions, archive_dir: &Path, stderr_file: PathBuf) -> Tool {
    newsbundle_tool(opts, archive_dir, stderr_file, "bundle", true)
}

/// `<bin> SUBCOMMAND --quiet <archive> [-o TMP/out]` (`lint` gets `--format json` and no
/// output: what `sanitize -o` and `bundle` are compared with, since `lint` sanitizes every
/// body too).
fn newsbundle_tool(
    opts: &ExportOptions,
    archive_dir: &Path,
    stderr_file: PathBuf,
    subcommand: &'static str,
    writes: bool,
) -> Tool {
    let bin = opts.bin.clone();
    let dir = archive_dir.to_path_buf();
    let name = bin.file_name().map_or("newsbundle".to_string(), |name| {
        name.to_string_lossy().into_owned()
    });
    let flags: &'static [&'static str] = match subcommand {
        "lint" => &["--format", "json", "--no-config"],
        "sanitize" => &[],
        _ => &["--quiet"],
    };
    let label = format!(
        "{name} {subcommand}{}",
        if writes && subcommand == "sanitize" {
            " -o"
        } else {
            ""
        }
    );
    let shown = format!(
        "{} {subcommand} {}{} {}{} > /dev/null 2> {}",
        shell_quote(&bin.to_string_lossy()),
        flags.join(" "),
        if flags.is_empty() { "" } else { " " },
        shell_quote(&dir.to_string_lossy()),
        if writes { " -o TMP/out" } else { "" },
        shell_quote(&stderr_file.to_string_lossy()),
    );
    Tool {
        label,
        out_name: "out",
        ok_codes: BUNDLE_OK,
        stderr_file,
        build: Box::new(move |out| {
            let mut cmd = Command::new(&bin);
            cmd.arg(subcommand).args(flags).arg(&dir);
            if writes {
                cmd.arg("-o").arg(out);
            }
            cmd
        }),
        shown,
        posts: 0,
        input_bytes: 0,
        samples: Vec::new(),
        output_bytes: None,
        failed: None,
    }
}

/// `pandoc -f markdown -t <to> -o <out> _posts/...`, run in the archive directory.
#[allow(clippy::too_many_arguments)]
fn pandoc_tool(
    pandoc: &Path,
    archive_dir: &Path,
    files: &[String],
    list_file: &Path,
    to: &'static str,
    out_name: &'static str,
    label: &str,
    stderr_file: PathBuf,
) -> Tool {
    let pandoc = pandoc.to_path_buf();
    let dir = archive_dir.to_path_buf();
    let args = files.to_vec();
    let shown = format!(
        "cd {} && {} -f markdown -t {to} -o TMP/{out_name} $(cat {}) 2> {}",
        shell_quote(&dir.to_string_lossy()),
        shell_quote(&pandoc.to_string_lossy()),
        shell_quote(&list_file.to_string_lossy()),
        shell_quote(&stderr_file.to_string_lossy()),
    );
    Tool {
        label: label.to_string(),
        out_name,
        ok_codes: PANDOC_OK,
        stderr_file,
        build: Box::new(move |out| {
            let mut cmd = Command::new(&pandoc);
            cmd.current_dir(&dir)
                .args(["-f", "markdown", "-t", to, "-o"])
                .arg(out)
                .args(&args);
            cmd
        }),
        shown,
        posts: 0,
        input_bytes: 0,
        samples: Vec::new(),
        output_bytes: None,
        failed: None,
    }
}

/// Reads what the check run of `bundle` wrote into `out`.
fn inspect_bundle(out: &Path, exit_code: Option<i32>) -> BundleCheck {
    let (output_bytes, output_files) = tree_size(out);
    let epub_volumes = fs::read_dir(out)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.starts_with("book") && name.ends_with(".epub")
        })
        .count();
    // Only the summary is kept, the rest streamed past, so that the bench stays small: a child
    // started with `posix_spawn` shares its parent's memory until `exec`, and its `ru_maxrss`
    // counts it (see `measure_bodies_apart`).
    #[derive(serde::Deserialize)]
    struct Manifest {
        summary: Option<serde_json::Value>,
    }
    let manifest_summary = fs::File::open(out.join("manifest.json"))
        .ok()
        .and_then(|file| serde_json::from_reader::<_, Manifest>(std::io::BufReader::new(file)).ok())
        .and_then(|manifest| manifest.summary);
    BundleCheck {
        exit_code,
        output_bytes,
        output_files,
        epub_volumes,
        manifest_summary,
    }
}

pub(super) fn run(opts: &ExportOptions, base: &Path) -> DynResult<ExportReport> {
    let posts = opts.posts;
    eprintln!(
        "xtask bench: export rows on {} posts in {}",
        group(posts as u64),
        base.display()
    );
    let (archive, gen_time) = super::warm_archive(base, posts, opts.seed)?;

    // bundle: one untimed check run.
    let mut bundle = bundle_tool(
        opts,
        &archive.dir,
        base.join(format!("{posts}.bundle.stderr")),
    );
    bundle.posts = archive.posts;
    bundle.input_bytes = archive.bytes;
    let mut bundle_skipped = opts.skip_bundle.then(|| "--skip-bundle".to_string());
    let mut bundle_check = None;
    if !opts.skip_bundle {
        eprintln!("  bundle: untimed check run");
        match bundle.run_once(base)? {
            Ok((sample, tmp)) => {
                let check = inspect_bundle(&tmp.0.join(bundle.out_name), sample.code);
                if check.manifest_summary.is_none() {
                    eprintln!(
                        "  warning: bundle wrote no readable manifest.json with a summary; \
                         timings below may be meaningless"
                    );
                }
                bundle.output_bytes = Some(check.output_bytes);
                bundle_check = Some(check);
            }
            Err(reason) => {
                eprintln!("  bundle: not measured: {reason}");
                bundle.failed = Some(reason);
            }
        }
    }

    // lint and sanitize -o on the same archive: what the writer costs beyond the pipeline.
    let mut writers = Vec::new();
    if !opts.skip_bundle {
        for (subcommand, writes) in [("lint", false), ("sanitize", true)] {
            let mut tool = newsbundle_tool(
                opts,
                &archive.dir,
                base.join(format!("{posts}.{subcommand}.stderr")),
                subcommand,
                writes,
            );
            tool.posts = archive.posts;
            tool.input_bytes = archive.bytes;
            writers.push(tool);
        }
    }

    // pandoc: version, subset.
    let mut pandoc_skipped = opts.skip_pandoc.then(|| "--skip-pandoc".to_string());
    let mut pandoc_version_line = None;
    if !opts.skip_pandoc {
        match pandoc_version(&opts.pandoc) {
            Ok(v) => {
                if !v.starts_with("pandoc 2.17") {
                    eprintln!(
                        "  note: {v}; the issue's reference figures are for Debian's pandoc 2.17"
                    );
                }
                pandoc_version_line = Some(v);
            }
            Err(reason) => {
                eprintln!("  pandoc rows skipped: {reason}");
                pandoc_skipped = Some(reason);
            }
        }
    }
    let mut pandoc_subset = None;
    let mut pandoc_tools = Vec::new();
    if pandoc_skipped.is_none() {
        let names = post_names(&archive.dir)?;
        if opts.pandoc_posts > names.len() {
            eprintln!(
                "  note: --pandoc-posts {} is more than the archive's {} posts; using all",
                group(opts.pandoc_posts as u64),
                group(names.len() as u64)
            );
        }
        let files: Vec<String> = evenly_spaced(&names, opts.pandoc_posts)
            .into_iter()
            .map(|name| format!("_posts/{name}"))
            .collect();
        let bytes: u64 = files
            .iter()
            .map(|f| fs::metadata(archive.dir.join(f)).map_or(0, |m| m.len()))
            .sum();
        let n = files.len();
        let list_file = base.join(format!("{posts}.pandoc-{n}.files"));
        fs::write(&list_file, files.join("\n") + "\n")?;
        for (to, out_name, label, stem) in [
            ("epub3", "book.epub", "pandoc -> EPUB 3", "epub"),
            ("gfm", "out.md", "pandoc -> GFM", "gfm"),
        ] {
            let stderr_file = base.join(format!("{posts}.pandoc-{stem}.stderr"));
            let mut tool = pandoc_tool(
                &opts.pandoc,
                &archive.dir,
                &files,
                &list_file,
                to,
                out_name,
                label,
                stderr_file,
            );
            tool.posts = n;
            tool.input_bytes = bytes;
            pandoc_tools.push(tool);
        }
        pandoc_subset = Some(PandocSubset {
            posts: n,
            bytes,
            list: list_file.display().to_string(),
        });
    }

    // Timed rounds: bundle, then each pandoc format, so drift affects all alike.
    let rounds = opts.runs.max(opts.pandoc_runs);
    for r in 1..=rounds {
        let mut line = Vec::new();
        let mut tools: Vec<(&mut Tool, usize)> = Vec::new();
        if !opts.skip_bundle {
            tools.push((&mut bundle, opts.runs));
        }
        for tool in &mut writers {
            tools.push((tool, opts.runs));
        }
        for tool in &mut pandoc_tools {
            tools.push((tool, opts.pandoc_runs));
        }
        for (tool, runs) in tools {
            if r > runs || tool.failed.is_some() {
                continue;
            }
            match tool.run_once(base)? {
                Ok((sample, _tmp)) => {
                    line.push(format!(
                        "{} {:.3} s ({}, {:.1} MiB)",
                        tool.label,
                        sample.wall.as_secs_f64(),
                        sample.describe_exit(),
                        sample.maxrss_kib as f64 / 1024.0
                    ));
                    tool.samples.push(sample);
                }
                Err(reason) => {
                    line.push(format!("{} failed", tool.label));
                    eprintln!("  {reason}");
                    tool.failed = Some(reason);
                }
            }
        }
        if !line.is_empty() {
            eprintln!("  export round {r}/{rounds}: {}", line.join(", "));
        }
    }

    let bundle_row = match bundle_skipped.take() {
        Some(reason) => Row::Skipped {
            tool: bundle.label.clone(),
            reason,
        },
        None => bundle.row(),
    };
    let bundle_rate = bundle_row.measured().map(|r| r.posts_per_s);
    let mut pandoc_rows = pandoc_tools.iter().map(|tool| {
        let mut row = tool.row();
        if let (Row::Measured(r), Some(rate)) = (&mut row, bundle_rate) {
            r.bundle_ratio = Some(rate / r.posts_per_s);
        }
        row
    });
    let mut next_pandoc_row = |label: &str| {
        pandoc_rows.next().unwrap_or_else(|| Row::Skipped {
            tool: label.to_string(),
            reason: pandoc_skipped.clone().unwrap_or_default(),
        })
    };
    let mut writer_rows = writers.iter().map(Tool::row);
    let lint = writer_rows.next().unwrap_or_else(|| Row::Skipped {
        tool: "newsbundle lint".to_string(),
        reason: "--skip-bundle".to_string(),
    });
    let sanitize = writer_rows.next().unwrap_or_else(|| Row::Skipped {
        tool: "newsbundle sanitize -o".to_string(),
        reason: "--skip-bundle".to_string(),
    });
    let to_lint = |row: &Row| Some(row.measured()?.median_s / lint.measured()?.median_s);
    let writer = WriterTarget {
        max_ratio: MAX_WRITER_RATIO,
        sanitize_to_lint: to_lint(&sanitize),
        bundle_to_lint: to_lint(&bundle_row),
    };
    let pandoc_epub = next_pandoc_row("pandoc -> EPUB 3");
    let pandoc_gfm = next_pandoc_row("pandoc -> GFM");

    let ratio = |row: &Row| row.measured().and_then(|r| r.bundle_ratio);
    let bundle_peak_mb = bundle_row
        .measured()
        .map(|r| r.peak_rss_mib * 1024.0 * 1024.0 / 1e6);
    let target = ExportTarget {
        min_ratio: MIN_RATIO,
        ratio_epub: ratio(&pandoc_epub),
        ratio_gfm: ratio(&pandoc_gfm),
        speed_met: ratio(&pandoc_epub).map(|r| r >= MIN_RATIO),
        min_posts_per_s: MIN_POSTS_PER_S,
        bundle_posts_per_s: bundle_rate,
        absolute_met: bundle_rate.map(|r| r >= MIN_POSTS_PER_S),
        peak_limit_mb: PEAK_LIMIT_MB,
        bundle_peak_mb,
        memory_met: bundle_peak_mb.map(|mb| mb < PEAK_LIMIT_MB),
    };
    Ok(ExportReport {
        posts: archive.posts,
        files: archive.files,
        bytes: archive.bytes,
        archive_dir: archive.dir.display().to_string(),
        generated_in_s: gen_time.map(|t| t.as_secs_f64()),
        runs: opts.runs,
        pandoc_runs: opts.pandoc_runs,
        bundle: bundle_row,
        bundle_check,
        pandoc_version: pandoc_version_line,
        pandoc_subset,
        pandoc_epub,
        pandoc_gfm,
        target,
        lint,
        sanitize,
        writer,
    })
}

// ---------------------------------------------------------------------------------
// Printing

pub(super) fn print_table(report: &ExportReport) {
    println!();
    println!(
        "== export: bundle on {} posts ({:.1} MB), {} · runs: {} (pandoc: {}) ==",
        group(report.posts as u64),
        report.bytes as f64 / 1e6,
        report
            .pandoc_subset
            .as_ref()
            .map_or("no pandoc".to_string(), |s| format!(
                "pandoc on {} of them ({:.1} MB)",
                group(s.posts as u64),
                s.bytes as f64 / 1e6
            )),
        report.runs,
        report.pandoc_runs
    );
    println!(
        "{:<20} {:>7} {:>9} {:>9} {:>9} {:>7} {:>9} {:>12}",
        "tool", "posts", "median s", "posts/s", "peak MiB", "cpu s", "output MB", "bundle/this"
    );
    let rows = [
        &report.bundle,
        &report.lint,
        &report.sanitize,
        &report.pandoc_epub,
        &report.pandoc_gfm,
    ];
    for row in rows {
        match row {
            Row::Measured(r) => println!(
                "{:<20} {:>7} {:>9.3} {:>9} {:>9.1} {:>7.2} {:>9.1} {:>12}",
                r.tool,
                group(r.posts as u64),
                r.median_s,
                rate(r.posts_per_s),
                r.peak_rss_mib,
                r.cpu_median_s,
                r.output_bytes as f64 / 1e6,
                r.bundle_ratio
                    .map_or("-".to_string(), |x| format!("{x:.1}x"))
            ),
            Row::Skipped { tool, reason } => println!("{tool:<20} skipped: {reason}"),
            Row::Failed { tool, reason, .. } => {
                let first = reason.lines().next().unwrap_or_default();
                println!("{tool:<20} FAILED: {first}");
            }
        }
    }
    println!("commands (TMP: a fresh directory per run, removed after it):");
    for row in rows {
        match row {
            Row::Measured(RowResult { tool, command, .. }) | Row::Failed { tool, command, .. } => {
                println!("  {tool:<18} {command}")
            }
            Row::Skipped { .. } => {}
        }
    }
    if let Some(v) = &report.pandoc_version {
        println!("pandoc: {v}");
    }
    if let Some(subset) = &report.pandoc_subset {
        println!(
            "note: pandoc's time per post grows with the number of posts in one process; \
             its posts/s hold for {} posts (--pandoc-posts)",
            group(subset.posts as u64)
        );
    }
    if let Some(check) = &report.bundle_check {
        println!(
            "bundle check run: {}, {} files, {:.1} MB written, {} EPUB volume(s), manifest \
             summary {}",
            check
                .exit_code
                .map_or("killed by a signal".into(), |c| format!("exit code {c}")),
            group(check.output_files as u64),
            check.output_bytes as f64 / 1e6,
            check.epub_volumes,
            check
                .manifest_summary
                .as_ref()
                .map_or("missing".to_string(), |s| s.to_string())
        );
    }
}

pub(super) fn print_targets(report: &ExportReport) {
    let verdict = |met: bool| if met { "met" } else { "NOT met" };
    let writer = &report.writer;
    for (what, ratio) in [
        ("sanitize -o", writer.sanitize_to_lint),
        ("bundle", writer.bundle_to_lint),
    ] {
        match ratio {
            Some(ratio) => println!(
                "target: {what} at most {:.1}x lint's time on the same archive -> {ratio:.2}x: {}",
                writer.max_ratio,
                verdict(ratio <= writer.max_ratio)
            ),
            None => println!(
                "target: {what} at most {:.1}x lint's time -> not measured",
                writer.max_ratio
            ),
        }
    }
    let bundle = report.bundle.measured();
    let epub = report.pandoc_epub.measured();
    let t = &report.target;
    match (bundle, epub, t.ratio_epub, t.speed_met) {
        (Some(b), Some(p), Some(ratio), Some(met)) => println!(
            "target: bundle at least {MIN_RATIO:.0}x pandoc's EPUB posts/s -> {} posts/s \
             ({} posts in {:.3} s) vs {} posts/s = {ratio:.1}x: {}",
            rate(b.posts_per_s),
            group(b.posts as u64),
            b.median_s,
            rate(p.posts_per_s),
            verdict(met)
        ),
        _ => println!(
            "target: bundle at least {MIN_RATIO:.0}x pandoc's EPUB posts/s -> not measured \
             ({})",
            not_measured(report)
        ),
    }
    if let Some(ratio) = t.ratio_gfm {
        println!("        (for information: {ratio:.1}x pandoc's GFM posts/s)");
    }
    match (bundle, t.absolute_met) {
        (Some(b), Some(met)) => println!(
            "target: bundle at least {} posts/s (10,000 posts in 2 s on 2 cores, the issue's \
             reading of 50x) -> {} posts/s, 10,000 posts in {:.2} s: {}",
            rate(MIN_POSTS_PER_S),
            rate(b.posts_per_s),
            10_000.0 / b.posts_per_s,
            verdict(met)
        ),
        _ => println!(
            "target: bundle at least {} posts/s -> not measured (bundle {})",
            rate(MIN_POSTS_PER_S),
            row_state(&report.bundle)
        ),
    }
    match (t.bundle_peak_mb, t.memory_met) {
        (Some(mb), Some(met)) => println!(
            "target: bundle peak memory under {PEAK_LIMIT_MB:.0} MB -> {mb:.1} MB ({:.1} MiB): {}",
            mb * 1e6 / 1024.0 / 1024.0,
            verdict(met)
        ),
        _ => println!(
            "target: bundle peak memory under {PEAK_LIMIT_MB:.0} MB -> not measured (bundle {})",
            row_state(&report.bundle)
        ),
    }
}

/// posts/s for display: grouped digits, one decimal below 100 (pandoc's rates).
fn rate(posts_per_s: f64) -> String {
    if posts_per_s < 100.0 {
        format!("{posts_per_s:.1}")
    } else {
        group(posts_per_s.round() as u64)
    }
}

fn row_state(row: &Row) -> &'static str {
    match row {
        Row::Measured(_) => "measured",
        Row::Skipped { .. } => "skipped",
        Row::Failed { .. } => "failed",
    }
}

fn not_measured(report: &ExportReport) -> String {
    format!(
        "bundle {}, pandoc EPUB {}",
        row_state(&report.bundle),
        row_state(&report.pandoc_epub)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates() {
        assert_eq!(rate(9.48), "9.5");
        assert_eq!(rate(5_300.4), "5,300");
    }

    #[test]
    fn evenly_spaced_subsets() {
        let items: Vec<usize> = (0..10).collect();
        assert_eq!(evenly_spaced(&items, 3), [&0, &3, &6]);
        assert_eq!(evenly_spaced(&items, 10).len(), 10);
        assert_eq!(evenly_spaced(&items, 50).len(), 10);
        let big: Vec<usize> = (0..10_000).collect();
        let sub = evenly_spaced(&big, 1_000);
        assert_eq!(sub.len(), 1_000);
        assert!(sub.windows(2).all(|w| w[1] - w[0] == 10));
    }

    #[test]
    fn temp_dirs_are_fresh_and_removed() {
        let base = std::env::temp_dir().join(format!("xtask-export-test-{}", std::process::id()));
        fs::create_dir_all(&base).unwrap();
        let a = TempDir::new(&base, "t").unwrap();
        let b = TempDir::new(&base, "t").unwrap();
        assert_ne!(a.0, b.0);
        fs::write(a.0.join("f"), "x").unwrap();
        assert_eq!(tree_size(&a.0), (1, 1));
        let (pa, pb) = (a.0.clone(), b.0.clone());
        drop(a);
        assert!(!pa.exists());
        drop(b);
        assert!(!pb.exists());
        assert!(!base.join("export-tmp").exists());
        fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn missing_pandoc_is_a_reason_not_an_error() {
        let reason = pandoc_version(Path::new("/nonexistent/pandoc")).unwrap_err();
        assert!(reason.contains("not found"), "{reason}");
    }

    #[test]
    fn unrecognized_subcommand_is_reported_clearly() {
        let base = std::env::temp_dir().join(format!("xtask-export-sub-{}", std::process::id()));
        fs::create_dir_all(&base).unwrap();
        let script = base.join("fake");
        fs::write(
            &script,
            "#!/bin/sh\necho \"error: unrecognized subcommand 'bundle'\" >&2\nexit 2\n",
        )
        .unwrap();
        let opts = ExportOptions {
            skip_bundle: false,
            skip_pandoc: true,
            bin: PathBuf::from("sh"),
            pandoc: PathBuf::from("pandoc"),
            posts: 1,
            pandoc_posts: 1,
            runs: 1,
            pandoc_runs: 1,
            seed: 1,
        };
        let mut tool = bundle_tool(&opts, &base, base.join("stderr"));
        let fake = script.clone();
        tool.build = Box::new(move |_| {
            let mut cmd = Command::new("sh");
            cmd.arg(&fake);
            cmd
        });
        let reason = tool.run_once(&base).unwrap().unwrap_err();
        assert!(reason.contains("no `bundle` subcommand"), "{reason}");
        assert!(reason.contains("--skip-bundle"), "{reason}");
        tool.failed = Some(reason);
        assert!(matches!(tool.row(), Row::Failed { .. }));
        fs::remove_dir_all(&base).unwrap();
    }
}
