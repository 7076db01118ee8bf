//! The source tree's architecture, checked: folders are layers that import
//! only the layers below them, and no two modules import each other, even
//! through others (see ARCHITECTURE.md).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Bottom to top: each may use those before it, never those after.
const LAYERS: &[&str] = &[
    "core",
    "calendar",
    "records",
    "site",
    "workspace",
    "report",
    "review",
    "formats",
    "serve",
    "cmd",
];

fn src() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// `src/site/render/mod.rs` → `site::render`; `src/lib.rs` → ``.
fn module_of(file: &Path) -> String {
    let rel = file.strip_prefix(src()).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts.join("::")
}

/// Every `crate::a::b…` path in the code of `text`, tests excluded (they
/// may use anything), as the longest known module it names.
fn imports(text: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let code = text.split("#[cfg(test)]").next().unwrap_or(text);
    let mut out = BTreeSet::new();
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        let path: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
            .collect();
        let mut segments: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
        while !segments.is_empty() {
            let m = segments.join("::");
            if modules.contains(&m) {
                out.insert(m);
                break;
            }
            segments.pop();
        }
    }
    // `use crate::x::{a, b}` groups name modules too.
    for (i, _) in code.match_indices("use crate::") {
        let rest = &code[i + "use crate::".len()..];
        let Some((prefix, group)) = rest.split_once("::{") else {
            continue;
        };
        if prefix.contains(';') || prefix.contains('\n') {
            continue;
        }
        let group = group.split('}').next().unwrap_or("");
        for item in group.split(',') {
            let name = item.trim().split("::").next().unwrap_or("").trim();
            let m = format!("{prefix}::{name}");
            if modules.contains(&m) {
                out.insert(m);
            }
        }
    }
    out
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let files: Vec<PathBuf> = walkdir::WalkDir::new(src())
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| e.into_path())
        .collect();
    let modules: BTreeSet<String> = files.iter().map(|f| module_of(f)).collect();
    files
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            let me = module_of(f);
            let mut deps = imports(&text, &modules);
            deps.remove(&me);
            (me, deps)
        })
        .collect()
}

fn layer(module: &str) -> usize {
    let top = module.split("::").next().unwrap_or("");
    LAYERS
        .iter()
        .position(|l| *l == top)
        .unwrap_or_else(|| panic!("module `{module}` is in no layer: add its folder to LAYERS"))
}

#[test]
fn layers_import_only_layers_below() {
    let mut wrong = Vec::new();
    for (m, deps) in graph() {
        if m.is_empty() {
            continue; // lib.rs declares the layers
        }
        for d in deps {
            if layer(&d) > layer(&m) {
                wrong.push(format!("{m} → {d}"));
            }
        }
    }
    assert!(wrong.is_empty(), "imports going up a layer: {wrong:#?}");
}

#[test]
fn no_import_cycles_between_modules() {
    let g = graph();
    // A module's parent (`site` for `site::render`) declares it: that is
    // nesting, not a use, and is left out.
    let mut cycles = Vec::new();
    for start in g.keys() {
        // Depth-first search for a path back to `start`.
        let mut stack: Vec<(String, Vec<String>)> = vec![(start.clone(), vec![start.clone()])];
        let mut seen = BTreeSet::new();
        while let Some((node, path)) = stack.pop() {
            for next in g.get(&node).into_iter().flatten() {
                if next == start {
                    cycles.push(path.join(" → ") + " → " + start);
                } else if !start.starts_with(next.as_str())
                    && !next.starts_with(&format!("{start}::"))
                    && seen.insert(next.clone())
                {
                    let mut p = path.clone();
                    p.push(next.clone());
                    stack.push((next.clone(), p));
                }
            }
        }
    }
    cycles.sort();
    cycles.dedup();
    assert!(cycles.is_empty(), "import cycles: {cycles:#?}");
}

#[test]
fn the_checker_sees_imports() {
    // The two tests above pass vacuously if no import is found.
    let g = graph();
    assert!(g["site"].contains("core::diagnostic"), "{:?}", g["site"]);
    assert!(g["workspace"].contains("site::config"));
    assert_eq!(layer("core::source"), 0);
}
