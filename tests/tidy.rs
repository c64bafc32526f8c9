//! Tidy tests: the documentation agrees with the code, and the house keeps its shape
//! (rust-analyzer's tidy tests):
//!
//! - No cycle among the top-level modules of `src/`: every `crate::X` a module names (in `use`
//!   lines and in paths) is an edge, and lower stages never import higher ones. Test code
//!   (`#[cfg(test)] mod tests` and `tests.rs` files) may reach up and is not counted.
//! - No source file over 1,000 lines unless its `//!` documentation says why ("longer than
//!   1,000 lines because ...").

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use newsbundle::lint::registry::RULES;

/// The rule table README.md must hold between its `rules` markers.
fn rules_table() -> String {
    let mut table =
        String::from("| Code | Name | Default | What it reports |\n|---|---|---|---|\n");
    for rule in RULES {
        let meta = rule.meta();
        table.push_str(&format!(
            "| {} | `{}` | {} | {} |\n",
            meta.code, meta.name, meta.default_severity, meta.summary
        ));
    }
    table
}

#[test]
fn readme_rule_table_matches_the_registry() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme
        .find("<!-- rules:start -->\n")
        .expect("README has a <!-- rules:start --> marker")
        + "<!-- rules:start -->\n".len();
    let end = readme
        .find("<!-- rules:end -->")
        .expect("README has a <!-- rules:end --> marker");
    let expected = rules_table();
    assert!(
        readme[start..end] == expected,
        "README's rule table is stale; replace it with:\n{expected}"
    );
}

const MAX_LINES: usize = 1_000;
const LONG_FILE_REASON: &str = "longer than 1,000 lines because";

/// An edge of the module graph and where it was seen, for the message.
type Graph = BTreeMap<String, BTreeMap<String, String>>;

#[test]
fn no_cycle_among_top_level_modules() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let graph = module_graph(&root);
    assert!(
        graph.len() > 5,
        "read too few modules from {}: {graph:?}",
        root.display()
    );
    if let Some(cycle) = find_cycle(&graph) {
        let mut message = format!(
            "import cycle among top-level modules: {}\n",
            cycle.join(" -> ")
        );
        for pair in cycle.windows(2) {
            message.push_str(&format!(
                "  {} -> {}: {}\n",
                pair[0], pair[1], graph[&pair[0]][&pair[1]]
            ));
        }
        message.push_str("a lower stage imports a higher one: move the concept to the lower one");
        panic!("{message}");
    }
}

#[test]
fn long_files_say_why() {
    let package = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut offenders = Vec::new();
    let files = ["src", "tests", "xtask/src"]
        .iter()
        .flat_map(|folder| rust_files(&package.join(folder)));
    for path in files {
        let text = fs::read_to_string(&path).unwrap_or_else(|error| panic!("{error}"));
        let lines = text.lines().count();
        if lines <= MAX_LINES {
            continue;
        }
        let doc: String = text
            .lines()
            .take_while(|line| line.starts_with("//!"))
            .map(|line| line.trim_start_matches("//!").trim())
            .collect::<Vec<_>>()
            .join(" ");
        if !doc.contains(LONG_FILE_REASON) {
            offenders.push(format!("{} ({lines} lines)", path.display()));
        }
    }
    assert!(
        offenders.is_empty(),
        "files over {MAX_LINES} lines without a reason in their `//!` doc (\"{LONG_FILE_REASON} \
         ...\"); split them into a folder whose file names say what they hold:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn references_are_found_in_every_form() {
    let text = "use crate::parse::{self, Post};\nuse crate::{diagnostic::Severity, report};\n\
                fn f() { crate::source::read(); }\n// crate::comment::ignored\n\
                #[cfg(test)]\nmod tests {\n    use crate::cli;\n}\n";
    let found: BTreeSet<String> = references(text).into_iter().map(|(name, _)| name).collect();
    let expected: BTreeSet<String> = ["parse", "diagnostic", "report", "source"]
        .into_iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(found, expected);
}

#[test]
fn a_cycle_is_found_and_named() {
    let mut graph = Graph::new();
    for (from, to) in [
        ("lint", "report"),
        ("report", "diagnostic"),
        ("export", "lint"),
    ] {
        graph
            .entry(from.to_owned())
            .or_default()
            .insert(to.to_owned(), String::new());
    }
    assert_eq!(find_cycle(&graph), None);
    graph
        .entry("report".to_owned())
        .or_default()
        .insert("lint".to_owned(), String::new());
    assert_eq!(
        find_cycle(&graph),
        Some(vec![
            "lint".to_owned(),
            "report".to_owned(),
            "lint".to_owned()
        ])
    );
}

/// Top-level module → the top-level modules it names, with the first place each is named.
fn module_graph(root: &Path) -> Graph {
    let mut graph = Graph::new();
    for path in rust_files(root) {
        let relative = path.strip_prefix(root).unwrap_or(&path);
        let Some(first) = relative.components().next() else {
            continue;
        };
        let module = first.as_os_str().to_string_lossy();
        let module = module.strip_suffix(".rs").unwrap_or(&module).to_owned();
        if module == "lib" || module == "main" || path.file_name() == Some("tests.rs".as_ref()) {
            continue;
        }
        let text = fs::read_to_string(&path).unwrap_or_else(|error| panic!("{error}"));
        let edges = graph.entry(module.clone()).or_default();
        for (target, line) in references(&text) {
            if target != module {
                edges
                    .entry(target)
                    .or_insert_with(|| format!("{}:{line}", relative.display()));
            }
        }
    }
    graph
}

/// The top-level modules named by `crate::` paths outside comments and test modules, with the
/// line of each mention.
fn references(text: &str) -> Vec<(String, usize)> {
    let mut found = Vec::new();
    let mut lines = text.lines().enumerate().peekable();
    while let Some((index, line)) = lines.next() {
        let code = line.trim_start();
        if code.starts_with("#[cfg(test)]")
            && lines
                .peek()
                .is_some_and(|(_, next)| next.trim_start().starts_with("mod tests"))
        {
            break;
        }
        if code.starts_with("//") {
            continue;
        }
        let code = code.split(" //").next().unwrap_or(code);
        let mut rest = code;
        while let Some(position) = rest.find("crate::") {
            let before = rest[..position].chars().next_back();
            rest = &rest[position + "crate::".len()..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue; // `$crate::` or a longer word ending in "crate"
            }
            if let Some(group) = rest.strip_prefix('{') {
                // `crate::{a, b::c}`: the first name of each item at the group's own depth.
                let mut depth = 0;
                let mut item_start = true;
                for (offset, c) in group.char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => break,
                        '}' => depth -= 1,
                        ',' if depth == 0 => item_start = true,
                        c if item_start && (c.is_alphanumeric() || c == '_') => {
                            found.push((identifier(&group[offset..]), index + 1));
                            item_start = false;
                        }
                        _ => {}
                    }
                }
            } else {
                let name = identifier(rest);
                if !name.is_empty() {
                    found.push((name, index + 1));
                }
            }
        }
    }
    found
}

fn identifier(text: &str) -> String {
    text.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// A cycle in the graph, first module repeated at the end; `None` when there is none.
fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &Graph,
        done: &mut BTreeSet<String>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|seen| seen == node) {
            let mut cycle = path[start..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flat_map(BTreeMap::keys) {
            if let Some(cycle) = visit(next, graph, done, path) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut done, &mut Vec::new()))
}

fn rust_files(root: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let entries = fs::read_dir(&folder).unwrap_or_else(|error| panic!("{error}"));
        for entry in entries {
            let path = entry.unwrap_or_else(|error| panic!("{error}")).path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|extension| extension == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}
