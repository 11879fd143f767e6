//! The library's top-level modules form no cycle (issue 16: cache ↔ facts, model ↔ checks,
//! explanation ↔ sheet were removed; facts ↔ archive and facts ↔ sheet after them). A module's
//! edges are the `crate::NAME` paths its non-test code names.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// `crate::NAME` paths in `source`, up to its first `#[cfg(test)]` (tests may reach anywhere).
fn named_modules(source: &str) -> BTreeSet<String> {
    let code = source.split("#[cfg(test)]").next().unwrap_or_default();
    let mut found = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        let name: String = rest.chars().take_while(|c| c.is_ascii_lowercase() || *c == '_').collect();
        if !name.is_empty() {
            found.insert(name);
        }
    }
    found
}

fn collect(dir: &Path, top: Option<&str>, graph: &mut BTreeMap<String, BTreeSet<String>>) {
    let mut entries: Vec<_> = fs::read_dir(dir).expect("src is readable").flatten().collect();
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let module = top.map(str::to_string).unwrap_or_else(|| name.clone());
        if path.is_dir() {
            collect(&path, Some(&module), graph);
        } else if path.extension().is_some_and(|e| e == "rs") && !(top.is_none() && (name == "lib" || name == "main")) {
            let source = fs::read_to_string(&path).unwrap();
            let edges = graph.entry(module.clone()).or_default();
            edges.extend(named_modules(&source).into_iter().filter(|m| *m != module));
        }
    }
}

/// A path from `from` back to `to`, if there is one.
fn path_between(graph: &BTreeMap<String, BTreeSet<String>>, from: &str, to: &str) -> Option<Vec<String>> {
    let mut stack = vec![vec![from.to_string()]];
    let mut seen = BTreeSet::new();
    while let Some(path) = stack.pop() {
        let last = path.last().unwrap().clone();
        if last == to {
            return Some(path);
        }
        if !seen.insert(last.clone()) {
            continue;
        }
        for next in graph.get(&last).into_iter().flatten().filter(|n| graph.contains_key(*n)) {
            let mut longer = path.clone();
            longer.push(next.clone());
            stack.push(longer);
        }
    }
    None
}

#[test]
fn the_finder_sees_crate_paths_outside_tests_only() {
    let source =
        "use crate::facts::Budget;\nfn f() { crate::sheet::read(); }\n#[cfg(test)]\nmod t { use crate::cache; }";
    let found = named_modules(source);
    assert_eq!(found.into_iter().collect::<Vec<_>>(), ["facts", "sheet"]);
}

#[test]
fn top_level_modules_have_no_cycle() {
    let mut graph = BTreeMap::new();
    collect(Path::new(env!("CARGO_MANIFEST_DIR")).join("src").as_path(), None, &mut graph);
    assert!(graph.len() > 20, "the source tree was not found: {graph:?}");
    let cycles: Vec<String> = graph
        .iter()
        .flat_map(|(module, edges)| edges.iter().map(move |next| (module, next)))
        .filter_map(|(module, next)| {
            path_between(&graph, next, module).map(|back| format!("{module} -> {}", back.join(" -> ")))
        })
        .collect();
    assert!(cycles.is_empty(), "module cycles:\n{}", cycles.join("\n"));
}
