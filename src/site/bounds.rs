//! Bounds on templates, so that no theme can crash or exhaust the machine.
//!
//! Why static checks rather than a runtime limit: tera 1.20 has no limit on
//! include or macro depth (tera 2 has one), and a stack overflow aborts the
//! whole process: it is not a panic, so neither `catch_unwind` nor a render
//! in its own thread can turn it into an error. The only sound bound is to
//! refuse, before rendering, any cycle in the graph of templates (include,
//! extends) and macros (calls through `self::` and imported namespaces).
//! Legitimate recursion (a tree menu) is refused too: our themes have none,
//! and loops over `page.subsections` cover trees of known depth. The graph
//! is read from tera's public AST, so `engage check`, which loads the theme
//! as the build does, reports the same errors.
//!
//! Loops and output are bounded at render time: tera's `range` is replaced
//! by one that counts the items it produces per page against a budget, and
//! each page renders into a writer that refuses to grow past
//! [`MAX_PAGE_BYTES`], so that a runaway loop stops with an error after a
//! few megabytes instead of filling the memory. Literal ranges over the
//! budget (`range(end=100000000)`) are also found statically, with their
//! line.

use std::cell::Cell;
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};

use tera::ast::{Expr, ExprVal, Node};

use crate::core::diagnostic::{Diagnostic, Diagnostics, Position, RuleId, Text};

/// A template that includes, extends or calls itself, directly or not.
pub const TEMPLATE_RECURSION: RuleId = RuleId::new("theme.template-recursion");
/// A template that loops or writes more than a page may.
pub const TEMPLATE_LIMIT: RuleId = RuleId::new("theme.template-limit");

/// The most a page may weigh: the largest pages of the benchmark site are
/// about 100 KB; a page of 16 MB is a runaway loop, not content.
pub const MAX_PAGE_BYTES: usize = 16 << 20;
/// Items all `range` calls may produce while rendering one page.
pub const MAX_RANGE_ITEMS: usize = 100_000;

thread_local! {
    /// Range items left for the page being rendered on this thread (one
    /// render runs on one thread from start to end).
    static RANGE_LEFT: Cell<usize> = const { Cell::new(MAX_RANGE_ITEMS) };
    static RANGE_EXCEEDED: Cell<bool> = const { Cell::new(false) };
}

/// Replaces tera's `range` by the bounded one.
pub fn install(tera: &mut tera::Tera) {
    tera.register_function("range", bounded_range);
}

fn bounded_range(args: &HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
    let num = |key: &str, default: u64| -> tera::Result<u64> {
        match args.get(key) {
            None => Ok(default),
            Some(v) => v.as_u64().ok_or_else(|| {
                tera::Error::msg(format!(
                    "Function `range` received {key}={v} but `{key}` can only be a positive number"
                ))
            }),
        }
    };
    let start = num("start", 0)?;
    let end = args
        .get("end")
        .ok_or_else(|| tera::Error::msg("Function `range` was called without an `end` argument"))
        .and_then(|_| num("end", 0))?;
    let step = num("step_by", 1)?.max(1);
    let count = end.saturating_sub(start).div_ceil(step);
    let left = RANGE_LEFT.with(Cell::get) as u64;
    if count > left {
        RANGE_EXCEEDED.with(|e| e.set(true));
        return Err(tera::Error::msg(format!(
            "range of {count} items: a page may loop over at most {MAX_RANGE_ITEMS} items of range()"
        )));
    }
    RANGE_LEFT.with(|l| l.set((left - count) as usize));
    Ok((start..end)
        .step_by(step as usize)
        .collect::<Vec<u64>>()
        .into())
}

/// A render that went over a bound.
pub enum Exceeded {
    Bytes,
    Range,
}

/// A `Vec` that refuses to grow past [`MAX_PAGE_BYTES`].
struct Capped(Vec<u8>, bool);

impl Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.0.len() + buf.len() > MAX_PAGE_BYTES {
            self.1 = true;
            return Err(std::io::Error::other("page too large"));
        }
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Renders `name` within the bounds, into bytes: tera writes nothing but
/// `str`s, so the output is UTF-8 and is not checked again (that check
/// was 3% of a build). `Err(Ok(_))` names the bound that stopped it,
/// `Err(Err(_))` is any other template error.
pub fn render(
    tera: &tera::Tera,
    name: &str,
    ctx: &tera::Context,
) -> Result<Vec<u8>, Result<Exceeded, tera::Error>> {
    RANGE_LEFT.with(|l| l.set(MAX_RANGE_ITEMS));
    RANGE_EXCEEDED.with(|e| e.set(false));
    // Sized for a typical page, so that the buffer rarely grows (and is
    // copied) while the template writes.
    let mut out = Capped(Vec::with_capacity(OUTPUT_CAPACITY), false);
    match tera.render_to(name, ctx, &mut out) {
        Ok(()) => Ok(out.0),
        Err(_) if out.1 => Err(Ok(Exceeded::Bytes)),
        Err(_) if RANGE_EXCEEDED.with(Cell::get) => Err(Ok(Exceeded::Range)),
        Err(e) => Err(Err(e)),
    }
}

/// What a page's buffer starts with: the benchmark site's pages weigh
/// 13 KB, the example site's 5 to 40 KB.
const OUTPUT_CAPACITY: usize = 32 << 10;

/// The error for a render of `template` (a file) stopped by a bound while
/// producing `page`.
pub fn exceeded(what: Exceeded, template: &Path, page: &Path) -> Diagnostic {
    let (fr, en) = match what {
        Exceeded::Bytes => (
            format!(
                "le modèle produit plus de {} Mo pour {} : arrêté",
                MAX_PAGE_BYTES >> 20,
                page.display()
            ),
            format!(
                "the template writes more than {} MB for {}: stopped",
                MAX_PAGE_BYTES >> 20,
                page.display()
            ),
        ),
        Exceeded::Range => (
            format!(
                "le modèle parcourt plus de {MAX_RANGE_ITEMS} éléments de range() pour {} : arrêté",
                page.display()
            ),
            format!(
                "the template loops over more than {MAX_RANGE_ITEMS} items of range() for {}: stopped",
                page.display()
            ),
        ),
    };
    Diagnostic::error(
        TEMPLATE_LIMIT,
        template,
        Position::file(),
        Text::new(fr, en),
    )
    .with_hint(Text::new(
        "une boucle du modèle est trop longue ou sans fin : vérifiez ses bornes",
        "a loop of the template is too long or endless: check its bounds",
    ))
}

/// The line (1-based) of the first line of `text` containing every needle.
fn line_of(text: &str, needles: &[&str]) -> Position {
    text.lines()
        .position(|l| needles.iter().all(|n| l.contains(n)))
        .map(|i| Position::new(i as u32 + 1, 1))
        .unwrap_or(Position::file())
}

/// `{% extends "x" %}` of each template, read from its text: tera itself
/// overflows its stack on some extends cycles (`a` → `b` → `b`) while the
/// templates are added, so these are found before.
pub fn extends_cycles(
    raw: &[(String, String)],
    sources: &BTreeMap<String, PathBuf>,
) -> Diagnostics {
    let parent: HashMap<&str, String> = raw
        .iter()
        .filter_map(|(name, text)| Some((name.as_str(), extends_of(text)?)))
        .collect();
    let mut ds = Diagnostics::new();
    for (name, text) in raw {
        let mut seen = vec![name.as_str()];
        let mut cur = name.as_str();
        while let Some(p) = parent.get(cur) {
            if p == name {
                let chain = seen
                    .iter()
                    .chain([&p.as_str()])
                    .copied()
                    .collect::<Vec<_>>();
                ds.push(recursion(
                    file_of(sources, name),
                    line_of(text, &["extends"]),
                    &chain,
                ));
                break;
            }
            if seen.contains(&p.as_str()) {
                break;
            }
            seen.push(p);
            cur = p;
        }
    }
    ds
}

fn extends_of(text: &str) -> Option<String> {
    let mut rest = text;
    while let Some(i) = rest.find("{%") {
        let tag = rest[i + 2..].trim_start_matches(['-', '+']).trim_start();
        if let Some(arg) = tag.strip_prefix("extends") {
            let arg = arg.trim_start();
            let quote = arg
                .chars()
                .next()
                .filter(|c| matches!(c, '"' | '\'' | '`'))?;
            let arg = &arg[1..];
            return arg.find(quote).map(|end| arg[..end].to_string());
        }
        rest = &rest[i + 2..];
    }
    None
}

fn file_of(sources: &BTreeMap<String, PathBuf>, name: &str) -> PathBuf {
    sources
        .get(name.trim_end_matches(".html"))
        .cloned()
        .unwrap_or_else(|| PathBuf::from(name))
}

fn recursion(file: PathBuf, at: Position, chain: &[&str]) -> Diagnostic {
    let chain = chain.join(" → ");
    Diagnostic::error(
        TEMPLATE_RECURSION,
        file,
        at,
        Text::new(
            format!("le modèle s’appelle lui-même ({chain}) : le rendu ne finirait pas"),
            format!("the template calls itself ({chain}): rendering would never end"),
        ),
    )
    .with_hint(Text::new(
        "retirez l’inclusion ou l’appel de macro qui referme la boucle",
        "remove the include or macro call that closes the loop",
    ))
}

/// A node of the call graph: a template, or a macro of a template file.
type Key = (String, Option<String>);

/// An edge, with what to look for in the caller's text to locate it.
struct Edge {
    to: Key,
    needles: Vec<String>,
}

/// Cycles through include, extends and macro calls, and literal ranges
/// over the budget, in the templates of `tera`. `raw` is each template's
/// name and text (for lines), `sources` its file.
pub fn check(
    tera: &tera::Tera,
    raw: &[(String, String)],
    sources: &BTreeMap<String, PathBuf>,
) -> Diagnostics {
    let texts: HashMap<&str, &str> = raw.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
    let mut ds = Diagnostics::new();
    let mut graph: BTreeMap<Key, Vec<Edge>> = BTreeMap::new();
    let mut names: Vec<&String> = tera.templates.keys().collect();
    names.sort();
    for name in names {
        let t = &tera.templates[name];
        let mut walker = Walker {
            tera,
            file: name,
            edges: Vec::new(),
            ranges: Vec::new(),
        };
        walker.nodes(&t.ast);
        if let Some(p) = &t.parent {
            walker.edges.push(Edge {
                to: (p.clone(), None),
                needles: vec!["extends".into(), p.clone()],
            });
        }
        graph.insert((name.clone(), None), std::mem::take(&mut walker.edges));
        let mut macros: Vec<_> = t.macros.iter().collect();
        macros.sort_by_key(|(n, _)| n.as_str());
        for (mname, def) in macros {
            walker.nodes(&def.body);
            graph.insert(
                (name.clone(), Some(mname.clone())),
                std::mem::take(&mut walker.edges),
            );
        }
        let text = texts.get(name.as_str()).copied().unwrap_or("");
        for count in walker.ranges {
            ds.push(
                Diagnostic::error(
                    TEMPLATE_LIMIT,
                    file_of(sources, name),
                    line_of(text, &["range("]),
                    Text::new(
                        format!("range() de {count} éléments : une page peut en parcourir au plus {MAX_RANGE_ITEMS}"),
                        format!("range() of {count} items: a page may loop over at most {MAX_RANGE_ITEMS}"),
                    ),
                )
                .with_hint(Text::new("réduisez les bornes de la boucle", "reduce the bounds of the loop")),
            );
        }
    }
    // Depth-first search, iterative so that a long chain of templates
    // cannot overflow our own stack.
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let keys: Vec<&Key> = graph.keys().collect();
    let mut mark: HashMap<&Key, Mark> = keys.iter().map(|k| (*k, Mark::New)).collect();
    for &root in &keys {
        if mark[root] != Mark::New {
            continue;
        }
        let mut stack: Vec<(&Key, usize)> = vec![(root, 0)];
        mark.insert(root, Mark::Open);
        while let Some((key, i)) = stack.pop() {
            let edges = &graph[key];
            let Some(edge) = edges.get(i) else {
                mark.insert(key, Mark::Done);
                continue;
            };
            stack.push((key, i + 1));
            let Some((to, _)) = graph.get_key_value(&edge.to) else {
                continue;
            };
            match mark[to] {
                Mark::New => {
                    mark.insert(to, Mark::Open);
                    stack.push((to, 0));
                }
                Mark::Open => {
                    let from = stack.iter().position(|(k, _)| *k == to).unwrap_or(0);
                    let chain: Vec<String> = stack[from..]
                        .iter()
                        .map(|(k, _)| show(k))
                        .chain([show(to)])
                        .collect();
                    let chain: Vec<&str> = chain.iter().map(String::as_str).collect();
                    let text = texts.get(key.0.as_str()).copied().unwrap_or("");
                    let needles: Vec<&str> = edge.needles.iter().map(String::as_str).collect();
                    ds.push(recursion(
                        file_of(sources, &key.0),
                        line_of(text, &needles),
                        &chain,
                    ));
                }
                Mark::Done => {}
            }
        }
    }
    ds
}

fn show(k: &Key) -> String {
    match &k.1 {
        Some(m) => format!("{}::{m}", k.0),
        None => k.0.clone(),
    }
}

struct Walker<'a> {
    tera: &'a tera::Tera,
    /// The template file the nodes are written in.
    file: &'a str,
    edges: Vec<Edge>,
    /// Literal range() sizes over the budget.
    ranges: Vec<u64>,
}

impl Walker<'_> {
    fn nodes(&mut self, nodes: &[Node]) {
        for n in nodes {
            match n {
                Node::VariableBlock(_, e) => self.expr(e),
                Node::Include(_, names, _) => {
                    for name in names {
                        self.edges.push(Edge {
                            to: (name.clone(), None),
                            needles: vec!["include".into(), name.clone()],
                        });
                    }
                }
                Node::Set(_, s) => self.expr(&s.value),
                Node::FilterSection(_, f, _) => {
                    f.filter.args.values().for_each(|e| self.expr(e));
                    self.nodes(&f.body);
                }
                Node::Block(_, b, _) => self.nodes(&b.body),
                Node::Forloop(_, f, _) => {
                    self.expr(&f.container);
                    self.nodes(&f.body);
                    if let Some(b) = &f.empty_body {
                        self.nodes(b);
                    }
                }
                Node::If(i, _) => {
                    for (_, e, body) in &i.conditions {
                        self.expr(e);
                        self.nodes(body);
                    }
                    if let Some((_, body)) = &i.otherwise {
                        self.nodes(body);
                    }
                }
                // Macro bodies are nodes of their own in the graph.
                _ => {}
            }
        }
    }

    fn expr(&mut self, e: &Expr) {
        for f in &e.filters {
            f.args.values().for_each(|a| self.expr(a));
        }
        self.val(&e.val);
    }

    fn val(&mut self, v: &ExprVal) {
        match v {
            ExprVal::Math(m) => {
                self.expr(&m.lhs);
                self.expr(&m.rhs);
            }
            ExprVal::Logic(l) => {
                self.expr(&l.lhs);
                self.expr(&l.rhs);
            }
            ExprVal::In(i) => {
                self.expr(&i.lhs);
                self.expr(&i.rhs);
            }
            ExprVal::Test(t) => t.args.iter().for_each(|a| self.expr(a)),
            ExprVal::Array(items) => items.iter().for_each(|a| self.expr(a)),
            ExprVal::StringConcat(s) => s.values.iter().for_each(|v| self.val(v)),
            ExprVal::FunctionCall(f) => {
                f.args.values().for_each(|a| self.expr(a));
                if f.name == "range" {
                    let lit = |k: &str| match f.args.get(k).map(|e| &e.val) {
                        Some(ExprVal::Int(i)) => Some((*i).max(0) as u64),
                        _ => None,
                    };
                    if let Some(end) = lit("end") {
                        let start = lit("start").unwrap_or(0);
                        let step = lit("step_by").unwrap_or(1).max(1);
                        let count = end.saturating_sub(start).div_ceil(step);
                        if count > MAX_RANGE_ITEMS as u64 {
                            self.ranges.push(count);
                        }
                    }
                }
            }
            ExprVal::MacroCall(m) => {
                m.args.values().for_each(|a| self.expr(a));
                let file = if m.namespace == "self" {
                    Some(self.file.to_string())
                } else {
                    self.tera.templates.get(self.file).and_then(|t| {
                        t.imported_macro_files
                            .iter()
                            .find(|(_, ns)| *ns == m.namespace)
                            .map(|(f, _)| f.clone())
                    })
                };
                if let Some(file) = file {
                    self.edges.push(Edge {
                        to: (file, Some(m.name.clone())),
                        needles: vec![format!("{}::{}", m.namespace, m.name)],
                    });
                }
            }
            _ => {}
        }
    }
}
