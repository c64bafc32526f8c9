//! Tidy tests: the documentation agrees with the code.

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
