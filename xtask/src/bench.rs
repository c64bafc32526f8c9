//! `cargo xtask bench`: times `newsbundle lint` on synthetic archives beside `cat`, the
//! body pipeline (`sanitize::sanitize`) beside `ammonia::clean` on the same bodies, and
//! `newsbundle bundle` beside pandoc making EPUB and GFM of the same posts (`export.rs`).
//!
//! What it does:
//! - runs optimized: the body pipeline is timed in this process, so when xtask itself was
//!   built without optimizations (plain `cargo xtask`), it runs itself again as
//!   `cargo run --release -p xtask -- bench ARGS` and reports what that run reports;
//! - builds `newsbundle` in release mode (unless `--bin PATH` names another binary);
//! - generates (or reuses, see `generate::ensure_archive`) one archive per size under
//!   `target/bench-archives/<posts>/` (or `--keep DIR`);
//! - per size: warms the page cache with one untimed `cat` pass, runs the linter once
//!   untimed to check it works (its JSON goes to `<base>/<posts>.lint.json`), then
//!   alternates timed runs of the I/O floor and of the linter, N times each;
//! - times every run as wall clock from spawn to exit, and takes CPU time and peak RSS
//!   of that child from `wait4(2)` (for the `sh | find | xargs cat` floor this is the
//!   largest single process of the tree, since each process waits for its children);
//! - prints a table per size (median/min/max wall time, posts/s, MB/s, peak RSS, CPU,
//!   ratio to `cat`), the exact command lines, the 1.5 s / 10,000 posts target and how
//!   peak RSS changes with archive size;
//! - per size, then, the body pipeline (see `measure_bodies`): every post is read and
//!   parsed into memory first (untimed), then, single-threaded and in this process, one
//!   untimed pass of each tool and N timed passes alternating `sanitize::sanitize` (default
//!   policy, as `lint` uses it: links, templates, trailer, XHTML all included) and
//!   `ammonia::clean(post.body())` (its default policy) over all bodies; MB/s are body
//!   bytes / 10^6 / median pass time, and the ratio newsbundle/ammonia is of those MB/s;
//! - then, once, the export rows (see `export.rs`): `newsbundle bundle` on the 10,000-post
//!   archive and pandoc converting 1,000 of the same posts to EPUB 3 and to GFM, with
//!   posts/s, peak RSS and the ratios; pandoc rows are skipped with a note when pandoc is
//!   not installed;
//! - writes everything to `target/bench-results.json`.
//!
//! What it does not do: it is a benchmark, not a test. It never fails because a
//! target is missed (only when a run fails: exit code other than 0 or 1, or a signal; a
//! failed `bundle` row is reported at the end, after every other row; a failed or missing
//! pandoc never fails it),
//! does not pin CPUs, drop caches or otherwise control the machine, and does not judge
//! the linter's output beyond its exit code. The body pipeline always measures the library
//! compiled into xtask (`--bin` changes only the lint row). ammonia does less than
//! `sanitize` (no Markdown, links, lint facts or XHTML) and reads the Markdown as HTML; it
//! is the reference for throughput, not for output.
//!
//! This file is longer than 1,000 lines because the lint and body rows share its runner, its
//! argument parsing and its report; the export rows live in `bench/export.rs`.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use newsbundle::parse::{self, Post};
use newsbundle::sanitize::{self, Policy};
use newsbundle::{lint, source};
use serde::{Deserialize, Serialize};

use crate::generate::{self, Archive};
use crate::{workspace, DynResult};

mod export;

pub const USAGE: &str = "\
usage: cargo xtask bench [OPTIONS]

Generates synthetic Jekyll archives and times `newsbundle lint --format json <dir>`
beside `cat` of the same files (the I/O floor), then, in-process and single-threaded,
`sanitize::sanitize` beside `ammonia::clean` on the same bodies; then
`newsbundle bundle --quiet <archive> -o <tmp>` on one archive beside pandoc converting
a subset of the same posts to EPUB 3 and to GFM (one pandoc process per format).
Reports medians. Runs itself in release mode (`cargo run --release -p xtask`) when not
built so.

options:
  --sizes N,N,...  post counts to benchmark (default: 10000,100000)
  --runs N         timed runs per tool and size (default: 5 for <= 20,000 posts,
                   3 above)
  --quick          shorthand for --sizes 10000 --runs 3 (explicit flags still win)
  --keep DIR       generate/reuse archives in DIR/<posts>/ instead of
                   target/bench-archives/<posts>/
  --bin PATH       benchmark this binary instead of building newsbundle (it is run
                   as `PATH lint --format json <dir>` and `PATH bundle ...`; the body
                   rows always measure the library built into xtask)
  --skip-lint      leave out the lint and body rows (the --sizes loop)
  --skip-bundle    leave out the `bundle` row
  --skip-pandoc    leave out the pandoc rows (they are skipped anyway, with a note,
                   when pandoc cannot be run)
  --bundle-posts N size of the archive that `bundle` exports and pandoc's subset is
                   drawn from (default: 10000)
  --pandoc-posts N posts given to each pandoc run, evenly spaced over that archive
                   (default: 1000). pandoc's time per post grows with the number of
                   posts in one process (about quadratically on these posts: 1000
                   posts took ~100 s here), so its posts/s hold for that N only, and
                   10000 would take hours per run
  --pandoc-runs N  timed runs per pandoc format (default: as --runs)
  --pandoc PATH    the pandoc to run (default: `pandoc` on PATH)
  -h, --help       show this help

Archives are reused while the generator version and seed match (stamp file
<posts>.stamp beside each archive). Targets: lint 10,000 posts in under 1.5 s;
sanitize at least as fast as ammonia; bundle at least 50x pandoc's EPUB posts/s, and
at least 5,000 posts/s (the issue's \"10,000 posts in 2 s\"), with peak memory under
300 MB. Results also go to target/bench-results.json.";

/// Exit codes of the linter that count as a successful run (1 = findings reported).
const OK_CODES: &[i32] = &[0, 1];

#[derive(Debug, Default)]
struct Options {
    sizes: Option<Vec<usize>>,
    runs: Option<usize>,
    quick: bool,
    keep: Option<PathBuf>,
    bin: Option<PathBuf>,
    skip_lint: bool,
    skip_bundle: bool,
    skip_pandoc: bool,
    bundle_posts: Option<usize>,
    pandoc_posts: Option<usize>,
    pandoc_runs: Option<usize>,
    pandoc: Option<PathBuf>,
}

/// A positive count given to `flag`, at most `max`; `_` separators are allowed.
fn parse_count(flag: &str, value: &str, max: usize) -> DynResult<usize> {
    let n: usize = value
        .trim()
        .replace('_', "")
        .parse()
        .map_err(|_| format!("{flag}: not a number: {value}"))?;
    if n == 0 || n > max {
        return Err(format!("{flag}: {n} is not in 1..={max}").into());
    }
    Ok(n)
}

fn parse_args(args: &[String]) -> DynResult<Option<Options>> {
    let mut opts = Options::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        // Accept both `--flag value` and `--flag=value`.
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = || -> DynResult<String> {
            match inline.clone().or_else(|| it.next().cloned()) {
                Some(v) => Ok(v),
                None => Err(format!("{flag} needs a value\n\n{USAGE}").into()),
            }
        };
        match flag {
            "-h" | "--help" => return Ok(None),
            "--quick" => opts.quick = true,
            "--runs" => opts.runs = Some(parse_count(flag, &value()?, usize::MAX)?),
            "--pandoc-runs" => opts.pandoc_runs = Some(parse_count(flag, &value()?, usize::MAX)?),
            "--bundle-posts" => {
                opts.bundle_posts = Some(parse_count(flag, &value()?, generate::MAX_POSTS)?)
            }
            "--pandoc-posts" => {
                opts.pandoc_posts = Some(parse_count(flag, &value()?, generate::MAX_POSTS)?)
            }
            "--skip-lint" => opts.skip_lint = true,
            "--skip-bundle" => opts.skip_bundle = true,
            "--skip-pandoc" => opts.skip_pandoc = true,
            "--pandoc" => opts.pandoc = Some(PathBuf::from(value()?)),
            "--sizes" => {
                let v = value()?;
                let sizes = v
                    .split(',')
                    .map(|s| s.trim().replace('_', "").parse::<usize>())
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|_| format!("--sizes: expected N,N,..., got {v}"))?;
                if let Some(bad) = sizes.iter().find(|&&n| n == 0 || n > generate::MAX_POSTS) {
                    let max = generate::MAX_POSTS;
                    return Err(format!("--sizes: {bad} is not in 1..={max}").into());
                }
                opts.sizes = Some(sizes);
            }
            "--keep" => opts.keep = Some(PathBuf::from(value()?)),
            "--bin" => opts.bin = Some(PathBuf::from(value()?)),
            other => return Err(format!("unknown option {other}\n\n{USAGE}").into()),
        }
    }
    Ok(Some(opts))
}

/// Resource usage of one finished child, from `wait4(2)`.
#[derive(Debug, Clone, Copy)]
struct Sample {
    wall: Duration,
    /// user + system CPU time of the child (and its waited-for descendants).
    cpu: Duration,
    /// `ru_maxrss` in KiB (Linux units).
    maxrss_kib: u64,
    /// Exit code, or `None` when killed by a signal.
    code: Option<i32>,
    signal: Option<i32>,
}

impl Sample {
    fn describe_exit(&self) -> String {
        match (self.code, self.signal) {
            (Some(c), _) => format!("exit code {c}"),
            (None, Some(s)) => format!("signal {s}"),
            _ => "unknown status".into(),
        }
    }
}

/// Spawns `cmd`, waits for exactly that child with `wait4` and returns its usage.
fn run_measured(cmd: &mut Command) -> DynResult<Sample> {
    let start = Instant::now();
    let child = cmd
        .spawn()
        .map_err(|e| format!("cannot start {:?}: {e}", cmd.get_program()))?;
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: `rusage` is plain old data; all-zero is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: valid pointers to locals; `pid` is our own unwaited child. `child`
        // is never waited through std afterwards, so there is no double wait.
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if r == pid {
            break;
        }
        let err = std::io::Error::last_os_error();
        if err.kind() != std::io::ErrorKind::Interrupted {
            return Err(format!("wait4({pid}): {err}").into());
        }
    }
    let wall = start.elapsed();
    drop(child);
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    let exited = libc::WIFEXITED(status);
    let signaled = libc::WIFSIGNALED(status);
    Ok(Sample {
        wall,
        cpu: tv(usage.ru_utime) + tv(usage.ru_stime),
        maxrss_kib: usage.ru_maxrss.max(0) as u64,
        code: exited.then(|| libc::WEXITSTATUS(status)),
        signal: signaled.then(|| libc::WTERMSIG(status)),
    })
}

/// Quotes `s` for a POSIX shell when it contains anything unusual.
fn shell_quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./,:=+@%".contains(&b));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// The I/O floor: read every post once with `cat`, batched by `xargs`.
fn cat_script(dir: &Path) -> String {
    let d = shell_quote(&dir.to_string_lossy());
    format!("find {d} -type f -name '*.md' -print0 | xargs -0 cat > /dev/null")
}

fn cat_command(dir: &Path) -> (Command, String) {
    let script = cat_script(dir);
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(&script)
        .stdin(Stdio::null())
        .stdout(Stdio::null());
    // Double quotes read better than shell_quote's '\'' when nothing needs escaping.
    let shown = if script.contains(['"', '$', '`', '\\']) {
        format!("sh -c {}", shell_quote(&script))
    } else {
        format!("sh -c \"{script}\"")
    };
    (cmd, shown)
}

/// `<bin> lint --format json <dir>`, stdout to `stdout` (default /dev/null), stderr to
/// `stderr_file`.
fn lint_command(
    bin: &Path,
    dir: &Path,
    stdout: Option<&Path>,
    stderr_file: &Path,
) -> DynResult<(Command, String)> {
    let mut cmd = Command::new(bin);
    cmd.args(["lint", "--format", "json"]).arg(dir);
    cmd.stdin(Stdio::null());
    let out_shown = match stdout {
        Some(p) => {
            cmd.stdout(fs::File::create(p)?);
            p.display().to_string()
        }
        None => {
            cmd.stdout(Stdio::null());
            "/dev/null".to_string()
        }
    };
    cmd.stderr(fs::File::create(stderr_file)?);
    let shown = format!(
        "{} lint --format json {} > {} 2> {}",
        shell_quote(&bin.to_string_lossy()),
        shell_quote(&dir.to_string_lossy()),
        shell_quote(&out_shown),
        shell_quote(&stderr_file.to_string_lossy()),
    );
    Ok((cmd, shown))
}

/// The last `n` lines of `text`.
fn tail_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

fn check_lint_exit(s: &Sample, stderr_file: &Path) -> DynResult {
    if s.code.is_some_and(|c| OK_CODES.contains(&c)) {
        return Ok(());
    }
    let stderr = fs::read_to_string(stderr_file).unwrap_or_default();
    Err(format!(
        "linter failed with {} (only exit codes 0 and 1 count as success); \
         last lines of {}:\n{}",
        s.describe_exit(),
        stderr_file.display(),
        tail_lines(&stderr, 20)
    )
    .into())
}

// ---------------------------------------------------------------------------------
// Results

#[derive(Serialize)]
struct ToolResult {
    tool: String,
    command: String,
    runs: usize,
    wall_s: Vec<f64>,
    median_s: f64,
    min_s: f64,
    max_s: f64,
    posts_per_s: f64,
    /// Input bytes (the `*.md` files) / 10^6 / median wall time.
    mb_per_s: f64,
    /// Maximum `ru_maxrss` over all runs, in MiB.
    peak_rss_mib: f64,
    cpu_median_s: f64,
    ratio_to_cat: f64,
    exit_codes: Vec<Option<i32>>,
}

#[derive(Serialize)]
struct SizeResult {
    posts: usize,
    files: usize,
    bytes: u64,
    archive_dir: String,
    /// Generation time when the archive was (re)generated in this invocation.
    generated_in_s: Option<f64>,
    lint_check_exit_code: Option<i32>,
    lint_check_output_bytes: u64,
    lint_check_output: String,
    tools: Vec<ToolResult>,
    body: BodyResult,
}

/// The body pipeline on one archive: in-process, single-threaded, same bodies for both.
#[derive(Serialize, Deserialize)]
struct BodyResult {
    posts: usize,
    /// Sum of `post.body()` lengths (front matter excluded): the MB of the MB/s.
    body_bytes: u64,
    /// Time to read and parse every post into memory (untimed part, for information).
    load_s: f64,
    newsbundle: BodyTiming,
    ammonia: BodyTiming,
    /// newsbundle MB/s / ammonia MB/s (above 1: newsbundle is faster).
    ratio_newsbundle_to_ammonia: f64,
}

#[derive(Serialize, Deserialize)]
struct BodyTiming {
    tool: String,
    /// Wall time of each timed pass over all bodies.
    wall_s: Vec<f64>,
    median_s: f64,
    min_s: f64,
    max_s: f64,
    mb_per_s: f64,
    /// Bytes of output of the untimed pass (XHTML for newsbundle, HTML for ammonia).
    output_bytes: u64,
}

#[derive(Serialize)]
struct Target {
    posts: usize,
    limit_s: f64,
    median_s: Option<f64>,
    met: Option<bool>,
}

#[derive(Serialize)]
struct Report {
    unix_time: u64,
    cpus: usize,
    cpu_model: String,
    /// `/proc/loadavg` when the bench started and when it ended: the machine is not
    /// reserved for the bench, and other work on it slows every row.
    load_average_start: String,
    load_average_end: String,
    generator_version: u32,
    seed: String,
    binary: String,
    io_floor: String,
    peak_rss_note: String,
    sizes: Vec<SizeResult>,
    target: Target,
    body_target: BodyTarget,
    /// `bundle` beside pandoc; None when both were skipped.
    export: Option<export::ExportReport>,
}

/// Sanitizing must be at least as fast as ammonia on the same bodies, in the same run.
#[derive(Serialize)]
struct BodyTarget {
    posts: usize,
    min_ratio: f64,
    ratio: Option<f64>,
    met: Option<bool>,
}

/// Generate (or reuse) the archive of `posts` posts under `base` and warm the page cache
/// with one untimed `cat` pass. Returns the archive and its generation time, when it was made.
pub(crate) fn warm_archive(
    base: &Path,
    posts: usize,
    seed: u64,
) -> DynResult<(generate::Archive, Option<std::time::Duration>)> {
    let (archive, gen_time) = generate::ensure_archive(base, posts, seed)?;
    match gen_time {
        Some(t) => eprintln!(
            "  generated {} files, {:.1} MB in {:.2} s",
            group(archive.files as u64),
            archive.bytes as f64 / 1e6,
            t.as_secs_f64()
        ),
        None => eprintln!("  reusing {} (stamp matches)", archive.dir.display()),
    }
    let (mut warm, _) = cat_command(&archive.dir);
    let s = run_measured(&mut warm)?;
    if s.code != Some(0) {
        return Err(format!("cat warm-up failed with {}", s.describe_exit()).into());
    }
    Ok((archive, gen_time))
}

fn median(xs: &[f64]) -> f64 {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn summarize(tool: &str, command: &str, samples: &[Sample], archive: &Archive) -> ToolResult {
    let wall: Vec<f64> = samples.iter().map(|s| s.wall.as_secs_f64()).collect();
    let cpu: Vec<f64> = samples.iter().map(|s| s.cpu.as_secs_f64()).collect();
    let med = median(&wall);
    ToolResult {
        tool: tool.to_string(),
        command: command.to_string(),
        runs: samples.len(),
        median_s: med,
        min_s: wall.iter().copied().fold(f64::INFINITY, f64::min),
        max_s: wall.iter().copied().fold(0.0, f64::max),
        wall_s: wall,
        posts_per_s: archive.posts as f64 / med,
        mb_per_s: archive.bytes as f64 / 1e6 / med,
        peak_rss_mib: samples.iter().map(|s| s.maxrss_kib).max().unwrap_or(0) as f64 / 1024.0,
        cpu_median_s: median(&cpu),
        ratio_to_cat: f64::NAN, // filled in once the cat median is known
        exit_codes: samples.iter().map(|s| s.code).collect(),
    }
}

fn print_table(size: &SizeResult) {
    let mb = size.bytes as f64 / 1e6;
    println!();
    println!(
        "== {} posts · {} files · {:.1} MB · {} runs each ==",
        group(size.posts as u64),
        group(size.files as u64),
        mb,
        size.tools.first().map_or(0, |t| t.runs)
    );
    println!(
        "{:<18} {:>9} {:>8} {:>8} {:>11} {:>8} {:>9} {:>7} {:>7}",
        "tool", "median s", "min s", "max s", "posts/s", "MB/s", "peak MiB", "cpu s", "vs cat"
    );
    for t in &size.tools {
        println!(
            "{:<18} {:>9.3} {:>8.3} {:>8.3} {:>11} {:>8.1} {:>9.1} {:>7.3} {:>6.2}x",
            t.tool,
            t.median_s,
            t.min_s,
            t.max_s,
            group(t.posts_per_s.round() as u64),
            t.mb_per_s,
            t.peak_rss_mib,
            t.cpu_median_s,
            t.ratio_to_cat
        );
    }
    println!("commands:");
    for t in &size.tools {
        println!("  {:<16} {}", t.tool, t.command);
    }
    println!(
        "lint check run: {} and {} bytes of JSON on stdout (saved in {})",
        size.lint_check_exit_code
            .map_or("killed by a signal".into(), |c| format!("exit code {c}")),
        group(size.lint_check_output_bytes),
        size.lint_check_output
    );
    let body = &size.body;
    println!();
    println!(
        "body pipeline: in-process, 1 thread, {} bodies · {:.1} MB of body text · {} passes each \
         (loaded in {:.2} s, untimed)",
        group(body.posts as u64),
        body.body_bytes as f64 / 1e6,
        body.newsbundle.wall_s.len(),
        body.load_s
    );
    println!(
        "{:<22} {:>9} {:>8} {:>8} {:>8} {:>12}",
        "tool", "median s", "min s", "max s", "MB/s", "output MB"
    );
    for t in [&body.newsbundle, &body.ammonia] {
        println!(
            "{:<22} {:>9.3} {:>8.3} {:>8.3} {:>8.1} {:>12.1}",
            t.tool,
            t.median_s,
            t.min_s,
            t.max_s,
            t.mb_per_s,
            t.output_bytes as f64 / 1e6
        );
    }
    println!(
        "newsbundle / ammonia: {:.2}x the throughput",
        body.ratio_newsbundle_to_ammonia
    );
}

/// 1234567 -> "1,234,567".
fn group(n: u64) -> String {
    let digits = n.to_string().into_bytes();
    let groups: Vec<&str> = digits
        .rchunks(3)
        .rev()
        .map(|g| std::str::from_utf8(g).expect("ASCII digits"))
        .collect();
    groups.join(",")
}

/// The 1, 5 and 15 minute load averages, as `/proc/loadavg` gives them.
fn load_average() -> String {
    fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "unknown".into())
}

fn cpu_model() -> String {
    fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}

// ---------------------------------------------------------------------------------
// Driver

fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(d) => root.join(d),
        None => root.join("target"),
    }
}

// ---------------------------------------------------------------------------------
// Body pipeline

/// Every post of an archive, read and parsed, with the index of the site it belongs to.
struct LoadedPosts {
    archive: source::Archive,
    posts: Vec<(Post, Option<usize>)>,
}

fn load_posts(dir: &Path) -> DynResult<LoadedPosts> {
    let archive = source::discover(&[dir.to_path_buf()]);
    let max_file_size = lint::Options::default().max_file_size;
    let mut posts = Vec::with_capacity(archive.inputs.len());
    for input in &archive.inputs {
        let post = parse::load(input, &archive, max_file_size)
            .map_err(|error| format!("cannot read {}: {error}", input.path))?;
        posts.push((post, input.site));
    }
    Ok(LoadedPosts { archive, posts })
}

/// Time `sanitize::sanitize` and `ammonia::clean` over the bodies of every post in `dir`:
/// one untimed pass of each, then `runs` timed passes of each, alternating so that drift
/// on a shared machine affects both alike. Each output is dropped inside the pass (freeing
/// is part of the work) after `black_box` has made sure it was computed.
fn measure_bodies(dir: &Path, runs: usize) -> DynResult<BodyResult> {
    let started = Instant::now();
    let LoadedPosts { archive, posts } = load_posts(dir)?;
    let load_s = started.elapsed().as_secs_f64();
    let body_bytes: u64 = posts.iter().map(|(post, _)| post.body().len() as u64).sum();
    let policy = Policy::default();

    // Each pass returns its output size, so the untimed pass also checks that work is done.
    let newsbundle_pass = || -> u64 {
        let mut output = 0;
        for (post, site) in &posts {
            let site = site.map(|site| &archive.sites[site]);
            let body = std::hint::black_box(sanitize::sanitize(post, site, &policy));
            output += body.xhtml().len() as u64;
        }
        output
    };
    let ammonia_pass = || -> u64 {
        let mut output = 0;
        for (post, _) in &posts {
            output += std::hint::black_box(ammonia::clean(post.body())).len() as u64;
        }
        output
    };
    let timed = |pass: &dyn Fn() -> u64| {
        let start = Instant::now();
        pass();
        start.elapsed().as_secs_f64()
    };

    let newsbundle_output = newsbundle_pass();
    let ammonia_output = ammonia_pass();
    let (mut newsbundle_wall, mut ammonia_wall) = (Vec::new(), Vec::new());
    for r in 1..=runs {
        newsbundle_wall.push(timed(&newsbundle_pass));
        ammonia_wall.push(timed(&ammonia_pass));
        eprintln!(
            "  body pass {r}/{runs}: sanitize {:.3} s, ammonia {:.3} s",
            newsbundle_wall[r - 1],
            ammonia_wall[r - 1]
        );
    }
    let timing = |tool: &str, wall_s: Vec<f64>, output_bytes: u64| {
        let median_s = median(&wall_s);
        BodyTiming {
            tool: tool.to_string(),
            median_s,
            min_s: wall_s.iter().copied().fold(f64::INFINITY, f64::min),
            max_s: wall_s.iter().copied().fold(0.0, f64::max),
            mb_per_s: body_bytes as f64 / 1e6 / median_s,
            wall_s,
            output_bytes,
        }
    };
    let newsbundle = timing("newsbundle sanitize", newsbundle_wall, newsbundle_output);
    let ammonia = timing("ammonia::clean", ammonia_wall, ammonia_output);
    Ok(BodyResult {
        posts: posts.len(),
        body_bytes,
        load_s,
        ratio_newsbundle_to_ammonia: newsbundle.mb_per_s / ammonia.mb_per_s,
        newsbundle,
        ammonia,
    })
}

/// `cargo run --release -p xtask -- bench ARGS`: this task again, optimized.
fn run_optimized(args: &[String]) -> DynResult {
    eprintln!(
        "xtask bench: this xtask is not optimized and the body pipeline is timed in-process; \
         running `cargo run --release -p xtask -- bench`"
    );
    let status = workspace::cargo()
        .current_dir(workspace::root())
        .args(["run", "--release", "-p", "xtask", "--", "bench"])
        .args(args)
        .status()
        .map_err(|error| format!("cannot run cargo: {error}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("the release run of `xtask bench` failed ({status})").into())
    }
}

/// The hidden option that runs the body rows of one archive and prints them as JSON: see
/// [`measure_bodies_apart`].
const BODY_ROWS: &str = "--body-rows";

/// [`measure_bodies`] in a child process (this program with [`BODY_ROWS`]). The body rows
/// load every post into memory, and a child started with `posix_spawn` shares its parent's
/// memory until `exec`, which Linux counts in the child's `ru_maxrss`: measured here, every
/// later row's peak memory would be at least the body rows'.
fn measure_bodies_apart(dir: &Path, runs: usize) -> DynResult<BodyResult> {
    let output = Command::new(std::env::current_exe()?)
        .arg("bench")
        .arg(BODY_ROWS)
        .arg(dir)
        .arg(runs.to_string())
        .stderr(Stdio::inherit())
        .output()?;
    if !output.status.success() {
        return Err(format!("the body rows failed: {}", output.status).into());
    }
    Ok(serde_json::from_slice(&output.stdout)?)
}

pub fn run(args: &[String]) -> DynResult {
    if let [flag, dir, runs] = args {
        if flag == BODY_ROWS {
            let body = measure_bodies(Path::new(dir), runs.parse()?)?;
            println!("{}", serde_json::to_string(&body)?);
            return Ok(());
        }
    }
    let Some(opts) = parse_args(args)? else {
        println!("{USAGE}");
        return Ok(());
    };
    if cfg!(debug_assertions) {
        return run_optimized(args);
    }
    // `--skip-lint` wins over `--sizes`: the sizes are the lint loop's.
    let sizes = match (&opts.sizes, opts.skip_lint) {
        (_, true) => Vec::new(),
        (Some(sizes), false) => sizes.clone(),
        (None, false) if opts.quick => vec![10_000],
        (None, false) => vec![10_000, 100_000],
    };
    let runs_for = |posts: usize| match (opts.runs, opts.quick) {
        (Some(n), _) => n,
        (None, true) => 3,
        (None, false) if posts <= 20_000 => 5,
        (None, false) => 3,
    };

    let root = workspace::root();
    let target = target_dir(&root);
    let base = opts
        .keep
        .clone()
        .unwrap_or_else(|| target.join("bench-archives"));
    fs::create_dir_all(&base)?;
    let base = base.canonicalize()?;
    let results_path = target.join("bench-results.json");

    let needs_bin = !sizes.is_empty() || !opts.skip_bundle;
    let bin = match &opts.bin {
        Some(b) => b.clone(),
        None if needs_bin => workspace::build_newsbundle(&root, true)?,
        None => PathBuf::from("newsbundle"),
    };

    // Label the linter row by the binary's file name, so a `--bin` stand-in is obvious.
    let lint_label = match bin.file_name() {
        Some(name) => format!("{} lint", name.to_string_lossy()),
        None => "newsbundle lint".to_string(),
    };
    let seed = generate::DEFAULT_SEED;
    let mut report = Report {
        unix_time: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
        cpus: std::thread::available_parallelism().map_or(1, |n| n.get()),
        cpu_model: cpu_model(),
        load_average_start: load_average(),
        load_average_end: String::new(),
        generator_version: generate::GENERATOR_VERSION,
        seed: format!("{seed:#x}"),
        binary: bin.display().to_string(),
        io_floor: format!(
            "`{}`: directory walk + reading every post once, no parsing",
            cat_script(Path::new("DIR"))
        ),
        peak_rss_note: "ru_maxrss from wait4(2), max over runs; for the cat floor it is the \
                        largest single process of sh/find/xargs/cat, not their sum"
            .into(),
        sizes: Vec::new(),
        target: Target {
            posts: 10_000,
            limit_s: 1.5,
            median_s: None,
            met: None,
        },
        body_target: BodyTarget {
            posts: 10_000,
            min_ratio: 1.0,
            ratio: None,
            met: None,
        },
        export: None,
    };

    println!(
        "xtask bench: {} ({} CPUs, load average {}), binary {}",
        report.cpu_model,
        report.cpus,
        report.load_average_start,
        bin.display()
    );
    println!(
        "MB = 10^6 bytes of *.md input, MiB = 2^20 bytes; times are wall clock from \
         spawn to exit, median of N runs"
    );

    for &posts in &sizes {
        let runs = runs_for(posts);
        eprintln!(
            "xtask bench: preparing {} posts in {}",
            group(posts as u64),
            base.display()
        );
        let (archive, gen_time) = warm_archive(&base, posts, seed)?;

        // One untimed lint run with its output kept, to check the binary works.
        let stderr_file = base.join(format!("{posts}.lint.stderr"));
        let json_file = base.join(format!("{posts}.lint.json"));
        let (mut check, _) = lint_command(&bin, &archive.dir, Some(&json_file), &stderr_file)?;
        let check_sample = run_measured(&mut check)?;
        check_lint_exit(&check_sample, &stderr_file)?;
        let check_bytes = fs::metadata(&json_file).map_or(0, |m| m.len());
        if check_bytes == 0 {
            eprintln!(
                "  warning: the linter wrote nothing on stdout; is `lint --format json` \
                 implemented in {}? Timings below may be meaningless.",
                bin.display()
            );
        }

        // Timed runs, alternating the two tools so drift affects both alike.
        let mut cat_samples = Vec::new();
        let mut lint_samples = Vec::new();
        let (_, cat_shown) = cat_command(&archive.dir);
        let (_, lint_shown) = lint_command(&bin, &archive.dir, None, &stderr_file)?;
        for r in 1..=runs {
            let (mut cat, _) = cat_command(&archive.dir);
            let c = run_measured(&mut cat)?;
            if c.code != Some(0) {
                return Err(format!("cat run failed with {}", c.describe_exit()).into());
            }
            let (mut lint, _) = lint_command(&bin, &archive.dir, None, &stderr_file)?;
            let l = run_measured(&mut lint)?;
            check_lint_exit(&l, &stderr_file)?;
            eprintln!(
                "  run {r}/{runs}: cat {:.3} s, lint {:.3} s ({}, {:.1} MiB)",
                c.wall.as_secs_f64(),
                l.wall.as_secs_f64(),
                l.describe_exit(),
                l.maxrss_kib as f64 / 1024.0
            );
            cat_samples.push(c);
            lint_samples.push(l);
        }

        let mut cat_res = summarize("cat (I/O floor)", &cat_shown, &cat_samples, &archive);
        let mut lint_res = summarize(&lint_label, &lint_shown, &lint_samples, &archive);
        cat_res.ratio_to_cat = 1.0;
        lint_res.ratio_to_cat = lint_res.median_s / cat_res.median_s;
        if posts == report.target.posts {
            report.target.median_s = Some(lint_res.median_s);
            report.target.met = Some(lint_res.median_s < report.target.limit_s);
        }

        eprintln!("  body pipeline: loading {} posts", group(posts as u64));
        let body = measure_bodies_apart(&archive.dir, runs)?;
        if posts == report.body_target.posts {
            let ratio = body.ratio_newsbundle_to_ammonia;
            report.body_target.ratio = Some(ratio);
            report.body_target.met = Some(ratio >= report.body_target.min_ratio);
        }
        let size = SizeResult {
            posts,
            files: archive.files,
            bytes: archive.bytes,
            archive_dir: archive.dir.display().to_string(),
            generated_in_s: gen_time.map(|t| t.as_secs_f64()),
            lint_check_exit_code: check_sample.code,
            lint_check_output_bytes: check_bytes,
            lint_check_output: json_file.display().to_string(),
            tools: vec![cat_res, lint_res],
            body,
        };
        print_table(&size);
        report.sizes.push(size);
        // Written after every size so a later failure keeps earlier results.
        write_report(&results_path, &report)?;
    }

    if !(opts.skip_bundle && opts.skip_pandoc) {
        let bundle_posts = opts.bundle_posts.unwrap_or(export::DEFAULT_BUNDLE_POSTS);
        let runs = runs_for(bundle_posts);
        let export_opts = export::ExportOptions {
            skip_bundle: opts.skip_bundle,
            skip_pandoc: opts.skip_pandoc,
            bin: bin.clone(),
            pandoc: opts.pandoc.clone().unwrap_or_else(|| "pandoc".into()),
            posts: bundle_posts,
            pandoc_posts: opts.pandoc_posts.unwrap_or(export::DEFAULT_PANDOC_POSTS),
            runs,
            pandoc_runs: opts.pandoc_runs.unwrap_or(runs),
            seed,
        };
        let result = export::run(&export_opts, &base)?;
        export::print_table(&result);
        report.export = Some(result);
    }
    report.load_average_end = load_average();
    write_report(&results_path, &report)?;

    println!();
    let verdict = |met: bool| if met { "met" } else { "NOT met" };
    match (report.target.median_s, report.target.met) {
        (Some(m), Some(met)) => println!(
            "target: lint (body rules included) on 10,000 posts in under 1.5 s on 2 cores \
             -> median {m:.3} s on {} CPUs: {}",
            report.cpus,
            verdict(met)
        ),
        _ => println!("target: lint on 10,000 posts in under 1.5 s -> not measured (size not run)"),
    }
    match (report.body_target.ratio, report.body_target.met) {
        (Some(ratio), Some(met)) => println!(
            "target: sanitize at least as fast as ammonia::clean, same bodies, same run \
             -> {ratio:.2}x: {}",
            verdict(met)
        ),
        _ => println!("target: sanitize vs ammonia on 10,000 posts -> not measured (size not run)"),
    }
    if let Some(export) = &report.export {
        export::print_targets(export);
    }
    let rss: Vec<(usize, f64)> = report
        .sizes
        .iter()
        .map(|s| (s.posts, s.tools[1].peak_rss_mib))
        .collect();
    if let (Some(first), Some(last)) = (rss.first(), rss.last()) {
        if rss.len() > 1 {
            println!(
                "memory: lint peak RSS {:.1} MiB at {} posts -> {:.1} MiB at {} posts \
                 (x{:.2} for x{:.1} posts)",
                first.1,
                group(first.0 as u64),
                last.1,
                group(last.0 as u64),
                last.1 / first.1,
                last.0 as f64 / first.0 as f64
            );
        }
    }
    println!(
        "load average: {} at the start, {} at the end ({} CPUs)",
        report.load_average_start, report.load_average_end, report.cpus
    );
    println!("results written to {}", results_path.display());
    match report.export.as_ref().and_then(|e| e.bundle_failure()) {
        Some(reason) => Err(format!("the bundle row failed: {reason}").into()),
        None => Ok(()),
    }
}

fn write_report(path: &Path, report: &Report) -> DynResult {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    let mut f = fs::File::create(path)?;
    serde_json::to_writer_pretty(&mut f, report)?;
    f.write_all(b"\n")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
    }

    #[test]
    fn quoting_and_grouping() {
        assert_eq!(shell_quote("/a/b-1"), "/a/b-1");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(group(1_234_567), "1,234,567");
        assert_eq!(group(999), "999");
    }

    #[test]
    fn args() {
        let a = |v: &[&str]| parse_args(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        let o = a(&["--sizes=1000,2_000", "--runs", "2", "--quick"])
            .unwrap()
            .unwrap();
        assert_eq!(o.sizes, Some(vec![1000, 2000]));
        assert_eq!(o.runs, Some(2));
        assert!(o.quick);
        assert!(a(&["--runs"]).is_err());
        assert!(a(&["--bogus"]).is_err());
        assert!(a(&["--help"]).unwrap().is_none());
        let o = a(&[
            "--skip-bundle",
            "--skip-pandoc",
            "--skip-lint",
            "--pandoc-posts=10_000",
            "--bundle-posts",
            "2000",
            "--pandoc-runs",
            "1",
            "--pandoc",
            "/opt/pandoc",
        ])
        .unwrap()
        .unwrap();
        assert!(o.skip_bundle && o.skip_pandoc && o.skip_lint);
        assert_eq!(o.pandoc_posts, Some(10_000));
        assert_eq!(o.bundle_posts, Some(2000));
        assert_eq!(o.pandoc_runs, Some(1));
        assert_eq!(o.pandoc, Some(PathBuf::from("/opt/pandoc")));
        assert!(a(&["--runs", "0"]).is_err());
        assert!(a(&["--pandoc-posts", "x"]).is_err());
        assert!(a(&["--bundle-posts", "2000000"]).is_err());
    }

    #[test]
    fn tails() {
        assert_eq!(tail_lines("a\nb\nc\n", 2), "b\nc");
        assert_eq!(tail_lines("a", 5), "a");
        assert_eq!(tail_lines("", 5), "");
    }
}
