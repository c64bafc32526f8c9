//! `cargo xtask fuzz [TARGET] [--seconds N]`: fuzz one of the targets in
//! `xtask/fuzz/fuzz_targets/` with cargo-fuzz and libFuzzer, for a bounded time: `parse`
//! (the default) is the path one post takes through the linter (decode → parse → lint →
//! report), `sanitize` the path its body takes to the exports (decode → parse → sanitize,
//! the output checked for well-formedness and anything executable).
//!
//! What it does:
//! - installs cargo-fuzz when `cargo fuzz` is missing (`cargo install cargo-fuzz --locked`);
//! - gathers seeds: every post-like file (`.md .markdown .html .htm .yml .txt`, up to
//!   1 MiB) under `fixtures/` and the real archives (`../shared/corpus`), copied by content
//!   hash into `target/fuzz-seeds/<target>/`;
//! - builds the target in `xtask/fuzz/` (its own workspace) with `RUSTC_BOOTSTRAP=1`, since
//!   cargo-fuzz passes nightly flags and this machine has a stable toolchain; with
//!   AddressSanitizer, or without a sanitizer (`-s none`) when that does not build;
//! - runs it for `--seconds` (default 60) over `xtask/fuzz/corpus/<target>/` (kept between
//!   runs, not committed) and the seeds, echoing libFuzzer's status lines, keeping the whole
//!   log in `target/fuzz-<target>.log`, and printing executions, exec/s and coverage;
//! - fails when libFuzzer finds a crash, naming the input (`xtask/fuzz/artifacts/<target>/`)
//!   and the command that replays it.
//!
//! What it does not do: it is not part of `cargo xtask ci` (its result depends on time and
//! luck), does not minimise crashes (`cargo fuzz tmin`) and does not commit the corpus.

use std::fs;
use std::io::{BufRead, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::SystemTime;

use crate::{workspace, DynResult};

pub const USAGE: &str = "\
usage: cargo xtask fuzz [TARGET] [OPTIONS]

Fuzzes a target with cargo-fuzz (installed when missing) for a bounded time, seeded from
fixtures/ and the real archives. Fails on a crash.

targets (xtask/fuzz/fuzz_targets):
  parse              decode → parse → lint → report (the default)
  sanitize           decode → parse → sanitize; the output must be well-formed and inert

options:
  --seconds N        how long libFuzzer runs (default: 60)
  --target NAME      the same as giving TARGET
  --sanitizer NAME   address or none (default: address, falling back to none when the
                     sanitizer does not build)
  --corpus DIR       real archives to take seeds from (default: ../shared/corpus,
                     relative to the repository root)
  -h, --help         show this help";

/// The fuzz crate, relative to the workspace root.
const FUZZ_DIR: &str = "xtask/fuzz";

/// Extensions of the files used as seeds.
const SEED_EXTENSIONS: &[&str] = &["md", "markdown", "html", "htm", "yml", "txt"];

/// Larger seeds slow every execution down and add little.
const MAX_SEED_BYTES: u64 = 1024 * 1024;

#[derive(Debug)]
struct Options {
    seconds: u64,
    target: String,
    sanitizer: Option<String>,
    corpus: Option<PathBuf>,
}

fn parse_args(args: &[String]) -> DynResult<Option<Options>> {
    let mut options = Options {
        seconds: 60,
        target: "parse".to_owned(),
        sanitizer: None,
        corpus: None,
    };
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag, Some(value.to_owned())),
            _ => (arg.as_str(), None),
        };
        let mut value = || -> DynResult<String> {
            inline
                .clone()
                .or_else(|| rest.next().cloned())
                .ok_or_else(|| format!("{flag} needs a value\n\n{USAGE}").into())
        };
        match flag {
            "-h" | "--help" => return Ok(None),
            "--seconds" => {
                let text = value()?;
                options.seconds = match text.parse() {
                    Ok(seconds) if seconds > 0 => seconds,
                    _ => {
                        return Err(
                            format!("--seconds: expected a positive number, got {text}").into()
                        )
                    }
                };
            }
            "--target" => options.target = value()?,
            "--sanitizer" => {
                let sanitizer = value()?;
                if !matches!(sanitizer.as_str(), "address" | "none") {
                    return Err(
                        format!("--sanitizer: expected address or none, got {sanitizer}").into(),
                    );
                }
                options.sanitizer = Some(sanitizer);
            }
            "--corpus" => options.corpus = Some(PathBuf::from(value()?)),
            target if !target.starts_with('-') && inline.is_none() => {
                options.target = target.to_owned()
            }
            other => return Err(format!("unknown option {other}\n\n{USAGE}").into()),
        }
    }
    Ok(Some(options))
}

pub fn run(args: &[String]) -> DynResult {
    let Some(options) = parse_args(args)? else {
        println!("{USAGE}");
        return Ok(());
    };
    let root = workspace::root();
    let target = &options.target;
    if !root
        .join(FUZZ_DIR)
        .join("fuzz_targets")
        .join(format!("{target}.rs"))
        .is_file()
    {
        return Err(format!("no fuzz target {target:?} in {FUZZ_DIR}/fuzz_targets").into());
    }
    ensure_cargo_fuzz()?;

    let corpus = match &options.corpus {
        Some(corpus) => std::env::current_dir()?.join(corpus),
        None => root.join(crate::corpus::DEFAULT_CORPUS),
    };
    let seeds = root.join("target").join("fuzz-seeds").join(target);
    let seed_count = gather_seeds(&[root.join("fixtures"), corpus], &seeds)?;
    println!("xtask fuzz: {seed_count} seeds in {}", seeds.display());

    let sanitizer = match &options.sanitizer {
        Some(sanitizer) => {
            build(&root, target, sanitizer)?;
            sanitizer.clone()
        }
        None => match build(&root, target, "address") {
            Ok(()) => "address".to_owned(),
            Err(error) => {
                println!("xtask fuzz: {error}; building without a sanitizer (-s none)");
                build(&root, target, "none")?;
                "none".to_owned()
            }
        },
    };

    let working_corpus = root.join(FUZZ_DIR).join("corpus").join(target);
    fs::create_dir_all(&working_corpus)?;
    let started = SystemTime::now();
    let outcome = fuzz(
        &root,
        target,
        &sanitizer,
        &working_corpus,
        &seeds,
        options.seconds,
    )?;
    println!();
    println!(
        "xtask fuzz: target {target}, sanitizer {sanitizer}, {} s",
        options.seconds
    );
    for (name, value) in &outcome.stats {
        println!("  {name:<28} {value}");
    }
    if let Some(done) = &outcome.last_status {
        println!("  last status: {done}");
    }
    println!("  log: {}", outcome.log.display());
    if outcome.success {
        println!("no crash");
        return Ok(());
    }
    let artifacts = new_artifacts(&root.join(FUZZ_DIR).join("artifacts").join(target), started);
    for artifact in &artifacts {
        println!("crash input: {}", artifact.display());
        println!(
            "  replay: RUSTC_BOOTSTRAP=1 cargo fuzz run --fuzz-dir {FUZZ_DIR} -s {sanitizer} {target} {}",
            artifact.display()
        );
    }
    Err(format!(
        "libFuzzer stopped with a failure ({} new artifact(s)); see {}",
        artifacts.len(),
        outcome.log.display()
    )
    .into())
}

fn ensure_cargo_fuzz() -> DynResult {
    let installed = workspace::cargo()
        .args(["fuzz", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if installed {
        return Ok(());
    }
    println!("xtask fuzz: cargo fuzz is missing; cargo install cargo-fuzz --locked");
    let status = workspace::cargo()
        .args(["install", "cargo-fuzz", "--locked"])
        .status()?;
    if !status.success() {
        return Err("`cargo install cargo-fuzz --locked` failed".into());
    }
    Ok(())
}

/// `cargo fuzz` with the flags every call shares.
fn cargo_fuzz(root: &Path, subcommand: &str, target: &str, sanitizer: &str) -> Command {
    let mut command = workspace::cargo();
    command
        .current_dir(root)
        // cargo-fuzz passes `-Z` flags; this lets the stable toolchain accept them.
        .env("RUSTC_BOOTSTRAP", "1")
        .args([
            "fuzz",
            subcommand,
            "--fuzz-dir",
            FUZZ_DIR,
            "-s",
            sanitizer,
            target,
        ]);
    command
}

fn build(root: &Path, target: &str, sanitizer: &str) -> DynResult {
    println!("xtask fuzz: RUSTC_BOOTSTRAP=1 cargo fuzz build --fuzz-dir {FUZZ_DIR} -s {sanitizer} {target}");
    let status = cargo_fuzz(root, "build", target, sanitizer).status()?;
    if !status.success() {
        return Err(format!("`cargo fuzz build -s {sanitizer} {target}` failed").into());
    }
    Ok(())
}

/// Copy seed files into `seeds` (emptied first), named by a hash of their content.
fn gather_seeds(sources: &[PathBuf], seeds: &Path) -> DynResult<usize> {
    if seeds.exists() {
        fs::remove_dir_all(seeds)?;
    }
    fs::create_dir_all(seeds)?;
    let mut files = Vec::new();
    for source in sources {
        collect_files(source, &mut files);
    }
    let mut names = std::collections::BTreeSet::new();
    for file in files {
        let Ok(bytes) = fs::read(&file) else { continue };
        let name = format!("{:016x}", fnv1a(&bytes));
        if names.insert(name.clone()) {
            fs::write(seeds.join(name), bytes)?;
        }
    }
    Ok(names.len())
}

/// Files under `directory` with a seed extension and size, at any depth. A missing
/// directory (no fixtures yet, no corpus on this machine) gives none.
fn collect_files(directory: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(directory) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            collect_files(&path, out);
            continue;
        }
        let seed_like = path
            .extension()
            .and_then(|extension| extension.to_str())
            .is_some_and(|extension| SEED_EXTENSIONS.contains(&extension));
        let small = entry
            .metadata()
            .is_ok_and(|metadata| metadata.len() <= MAX_SEED_BYTES);
        if kind.is_file() && seed_like && small {
            out.push(path);
        }
    }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

struct Outcome {
    success: bool,
    /// libFuzzer's final `stat::` lines, as (name, value).
    stats: Vec<(String, String)>,
    /// The last `#N DONE` or `#N pulse` line.
    last_status: Option<String>,
    log: PathBuf,
}

fn fuzz(
    root: &Path,
    target: &str,
    sanitizer: &str,
    working_corpus: &Path,
    seeds: &Path,
    seconds: u64,
) -> DynResult<Outcome> {
    let log_path = root.join("target").join(format!("fuzz-{target}.log"));
    let mut log = fs::File::create(&log_path)?;
    let libfuzzer_flags = [
        format!("-max_total_time={seconds}"),
        "-print_final_stats=1".to_owned(),
        // A post that takes 10 s or 2 GiB is a bug worth a report.
        "-timeout=10".to_owned(),
        "-rss_limit_mb=2048".to_owned(),
    ];
    let mut command = cargo_fuzz(root, "run", target, sanitizer);
    command
        .arg(working_corpus)
        .arg(seeds)
        .arg("--")
        .args(&libfuzzer_flags)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    println!(
        "xtask fuzz: RUSTC_BOOTSTRAP=1 cargo fuzz run --fuzz-dir {FUZZ_DIR} -s {sanitizer} {target} {} {} -- {}",
        working_corpus.display(),
        seeds.display(),
        libfuzzer_flags.join(" ")
    );
    let mut child = command.spawn()?;
    // libFuzzer writes to stderr; stdout is merged in by a thread so that neither pipe fills.
    let stdout = child.stdout.take().expect("piped stdout");
    let (sender, receiver) = std::sync::mpsc::channel::<Vec<u8>>();
    let stdout_sender = sender.clone();
    let stdout_thread = std::thread::spawn(move || forward_lines(stdout, &stdout_sender));
    let stderr = child.stderr.take().expect("piped stderr");
    let stderr_thread = std::thread::spawn(move || forward_lines(stderr, &sender));

    let mut stats = Vec::new();
    let mut last_status = None;
    for line in receiver {
        log.write_all(&line)?;
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end();
        if let Some(stat) = text.strip_prefix("stat::") {
            if let Some((name, value)) = stat.split_once(':') {
                stats.push((name.trim().to_owned(), value.trim().to_owned()));
            }
        }
        // `#1047\tINITED cov: …`, `#65536\tpulse …`, `#62544\tDONE …`.
        let event = text.split_whitespace().nth(1).unwrap_or("");
        let is_status = text.starts_with('#') && matches!(event, "pulse" | "DONE");
        if is_status {
            last_status = Some(text.to_owned());
        }
        // New-coverage lines (`#123 NEW ...`, `REDUCE`) would drown the rest.
        if !text.starts_with('#') || is_status || event == "INITED" {
            println!("{text}");
        }
    }
    let _ = stdout_thread.join();
    let _ = stderr_thread.join();
    let status = child.wait()?;
    Ok(Outcome {
        success: status.success(),
        stats,
        last_status,
        log: log_path,
    })
}

fn forward_lines(stream: impl std::io::Read, sender: &std::sync::mpsc::Sender<Vec<u8>>) {
    let mut reader = BufReader::new(stream);
    loop {
        let mut line = Vec::new();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {
                if sender.send(line).is_err() {
                    return;
                }
            }
        }
    }
}

/// Files libFuzzer wrote into `directory` since `since` (crash-, leak-, timeout-, oom-).
fn new_artifacts(directory: &Path, since: SystemTime) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(directory) else {
        return Vec::new();
    };
    let mut artifacts: Vec<PathBuf> = entries
        .flatten()
        .filter(|entry| {
            entry
                .metadata()
                .and_then(|metadata| metadata.modified())
                .is_ok_and(|modified| modified >= since)
        })
        .map(|entry| entry.path())
        .collect();
    artifacts.sort();
    artifacts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options() {
        let args = |list: &[&str]| list.iter().map(|arg| arg.to_string()).collect::<Vec<_>>();
        let options = parse_args(&args(&[])).unwrap().unwrap();
        assert_eq!((options.seconds, options.target.as_str()), (60, "parse"));
        let options = parse_args(&args(&["--seconds", "120", "--sanitizer=none"]))
            .unwrap()
            .unwrap();
        assert_eq!(options.seconds, 120);
        assert_eq!(options.sanitizer.as_deref(), Some("none"));
        assert!(parse_args(&args(&["--seconds", "0"])).is_err());
        assert!(parse_args(&args(&["--sanitizer", "memory"])).is_err());
        assert!(parse_args(&args(&["--help"])).unwrap().is_none());
        let options = parse_args(&args(&["sanitize", "--seconds=5"]))
            .unwrap()
            .unwrap();
        assert_eq!((options.seconds, options.target.as_str()), (5, "sanitize"));
        assert!(parse_args(&args(&["-x"])).is_err());
    }

    #[test]
    fn seeds_are_deduplicated_by_content() {
        let base = std::env::temp_dir().join(format!("xtask-fuzz-seeds-{}", std::process::id()));
        let source = base.join("source");
        fs::create_dir_all(source.join("_posts")).unwrap();
        fs::write(source.join("_posts/a.md"), "---\ntitle: a\n---\n").unwrap();
        fs::write(source.join("b.md"), "---\ntitle: a\n---\n").unwrap();
        fs::write(source.join("c.html"), "<p>c</p>").unwrap();
        fs::write(source.join("d.snap"), "not a seed").unwrap();
        let seeds = base.join("seeds");
        let count = gather_seeds(&[source, base.join("missing")], &seeds).unwrap();
        assert_eq!(count, 2);
        assert_eq!(fs::read_dir(&seeds).unwrap().count(), 2);
        fs::remove_dir_all(&base).unwrap();
    }
}
