//! The code's shape, held: `src/lib.rs` lists the modules in layer order, and every `use crate::…`
//! (or `super::…`, or a `crate::…` path in the code) of every file names only its own module or
//! one listed after it; no two files import each other; and `docs/development.md`'s code map names
//! every module and file there is. Test code (`#[cfg(test)]` and `*tests.rs` files) may reach
//! anywhere. Run alone with `cargo test --test layers -- --nocapture` to see the counts.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The top-level modules in the order `src/lib.rs` declares them.
fn layer_order() -> Vec<String> {
    let lib = std::fs::read_to_string(src().join("lib.rs")).unwrap();
    lib.lines()
        .filter_map(|line| line.trim().strip_prefix("pub mod "))
        .map(|rest| rest.trim_end_matches(';').to_owned())
        .collect()
}

/// Every source file of the library but its root and test files, by its path under `src/`.
fn library_files() -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    let mut pending = vec![src()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let relative = path
                .strip_prefix(src())
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let skipped = matches!(relative.as_str(), "lib.rs" | "main.rs")
                || relative.starts_with("bin/")
                || name == "tests.rs"
                || name.ends_with("_tests.rs")
                || path.extension().is_none_or(|e| e != "rs");
            if !skipped {
                files.insert(relative, std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    files
}

/// The file's code without its tests and comments.
fn code_of(text: &str) -> String {
    let code = text.split("#[cfg(test)]").next().unwrap_or_default();
    code.lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The module path of a file (`store/item.rs` → `store::item`, `app/mod.rs` → `app`).
fn module_of(file: &str) -> Vec<String> {
    let mut parts: Vec<String> = file
        .trim_end_matches(".rs")
        .split('/')
        .map(str::to_owned)
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// Every path the code names, as module paths from the crate's root: `use` statements (their
/// braces expanded; re-exports left out, as they are a module's face, not what its code uses)
/// and `crate::…` or `super::…` paths written in the code.
fn named_paths(file: &str, code: &str) -> Vec<Vec<String>> {
    let module = module_of(file);
    let mut written = Vec::new();
    let mut rest_of_code = String::new();
    let mut rest = code;
    while let Some(start) = rest.find("use ") {
        let before = &rest[..start];
        let after = &rest[start + 4..];
        let boundary = before
            .chars()
            .last()
            .is_none_or(|c| !c.is_alphanumeric() && c != '_');
        if !boundary {
            rest_of_code.push_str(&rest[..start + 4]);
            rest = after;
            continue;
        }
        let end = after.find(';').unwrap_or(after.len());
        let statement = &after[..end];
        let reexport = before.trim_end().ends_with("pub") || before.trim_end().ends_with(')');
        if !reexport {
            written.extend(expand(&statement.replace(char::is_whitespace, "")));
        }
        rest_of_code.push_str(before);
        rest = &after[end..];
    }
    rest_of_code.push_str(rest);
    for word in rest_of_code.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')) {
        if word.starts_with("crate::") || word.starts_with("super::") {
            written.push(word.trim_end_matches(':').to_owned());
        }
    }
    written
        .into_iter()
        .filter_map(|path| {
            let mut segments = path.split("::").filter(|s| !s.is_empty());
            let mut resolved = match segments.next()? {
                "crate" => Vec::new(),
                "super" => module[..module.len().saturating_sub(1)].to_vec(),
                "self" => module.clone(),
                _ => return None,
            };
            for segment in segments {
                match segment {
                    "super" => {
                        resolved.pop();
                    }
                    other => resolved.push(other.to_owned()),
                }
            }
            (!resolved.is_empty()).then_some(resolved)
        })
        .collect()
}

/// `a::{b, c::{d}}` → `a::b`, `a::c::d`.
fn expand(statement: &str) -> Vec<String> {
    let Some(open) = statement.find('{') else {
        return vec![statement.to_owned()];
    };
    let prefix = &statement[..open];
    let inner = &statement[open + 1..statement.rfind('}').unwrap_or(statement.len())];
    let (mut parts, mut depth, mut current) = (Vec::new(), 0, String::new());
    for c in inner.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    parts.push(current);
    parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .flat_map(|p| expand(&format!("{prefix}{p}")))
        .collect()
}

/// The file a module path lives in: the longest prefix that is a file of the library.
fn file_of(path: &[String], files: &BTreeMap<String, String>) -> Option<String> {
    (1..=path.len()).rev().find_map(|n| {
        let joined = path[..n].join("/");
        [format!("{joined}.rs"), format!("{joined}/mod.rs")]
            .into_iter()
            .find(|candidate| files.contains_key(candidate))
    })
}

#[test]
fn nothing_below_calls_up_and_no_two_files_import_each_other() {
    let order = layer_order();
    let files = library_files();
    let rank = |module: &str| order.iter().position(|m| m == module);
    let mut upward = BTreeSet::new();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (file, text) in &files {
        let own = module_of(file)[0].clone();
        for path in named_paths(file, &code_of(text)) {
            if let (Some(mine), Some(theirs)) = (rank(&own), rank(&path[0]))
                && theirs < mine
            {
                upward.insert(format!("{file} uses {}", path.join("::")));
            }
            if let Some(target) = file_of(&path, &files).filter(|t| t != file) {
                edges.entry(file.clone()).or_default().insert(target);
            }
        }
    }
    let pairs: BTreeSet<String> = edges
        .iter()
        .flat_map(|(a, targets)| targets.iter().map(move |b| (a, b)))
        .filter(|(a, b)| a < b && edges.get(*b).is_some_and(|back| back.contains(*a)))
        .map(|(a, b)| format!("{a} <-> {b}"))
        .collect();
    let uses: usize = edges.values().map(BTreeSet::len).sum();
    println!(
        "{} files, {uses} imports between them, layer order: {}",
        files.len(),
        order.join(" > ")
    );
    println!("imports that go up: {}", upward.len());
    println!("pairs of files that import each other: {}", pairs.len());
    assert!(order.len() > 20, "src/lib.rs lists the modules: {order:?}");
    assert!(
        files.keys().all(|f| rank(&module_of(f)[0]).is_some()),
        "every module is in src/lib.rs's order"
    );
    assert!(upward.is_empty(), "imports that go up:\n{upward:#?}");
    assert!(
        pairs.is_empty(),
        "files that import each other:\n{pairs:#?}"
    );
}

#[test]
fn the_checker_sees_an_import_that_goes_up_and_a_pair() {
    let files: BTreeMap<String, String> = [("store/item.rs", ""), ("store/read.rs", "")]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let paths = named_paths(
        "store/item.rs",
        &code_of(
            "use crate::app::App;\nuse super::read::{Reader, stored};\npub use super::x::Y;\nfn f() { crate::http::handle(); }\n#[cfg(test)]\nuse crate::lambda;",
        ),
    );
    let joined: Vec<String> = paths.iter().map(|p| p.join("::")).collect();
    assert_eq!(
        joined,
        [
            "app::App",
            "store::read::Reader",
            "store::read::stored",
            "http::handle"
        ]
    );
    assert_eq!(file_of(&paths[1], &files).as_deref(), Some("store/read.rs"));
}

#[test]
fn the_code_map_names_every_module_and_file() {
    let map =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/development.md"))
            .unwrap();
    // Each module has one row: `| `src/store/` | … `item.rs` … |`, or `| `src/lambda.rs` | … |`.
    let row_of = |top: &str| {
        map.lines()
            .find(|line| line.starts_with(&format!("| `src/{top}")))
            .map(str::to_owned)
    };
    let missing: Vec<String> = library_files()
        .keys()
        .filter(|file| {
            let (top, rest) = file.split_once('/').unwrap_or((file.as_str(), ""));
            match row_of(top) {
                None => true,
                Some(row) => !rest.is_empty() && !row.contains(&format!("`{rest}`")),
            }
        })
        .cloned()
        .collect();
    assert!(
        missing.is_empty(),
        "docs/development.md's code map does not name: {missing:?}"
    );
}
