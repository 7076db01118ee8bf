//! Bounds on templates, so that no theme can crash or exhaust the machine.
//!
//! Tera 2 refuses include and extends cycles when the templates are added,
//! and stops a component that calls itself at a depth of 20 with an error.
//! That depth is not a bound on time: a component calling itself three
//! times renders 3^20 times before the error. So any cycle through
//! `include`, `extends` and component calls is refused before rendering,
//! with the file and line of the call that closes it. Legitimate recursion
//! (a tree menu) is refused too: our themes have none, and loops over
//! `page.subsections` cover trees of known depth. The graph is read from
//! the template texts by a small scanner of tags ([`scan`]): Tera 2 keeps
//! its syntax tree private. The scanner errs on the side of seeing a call:
//! `<name` anywhere in a tag's code, outside strings, counts as a call of
//! the component `name` if there is one. `engage check`, which loads the
//! theme as the build does, reports the same errors.
//!
//! Loops and output are bounded at render time: tera's `range` is replaced
//! by one that counts the items it produces per page against a budget, and
//! each page renders into a writer that refuses to grow past
//! [`MAX_PAGE_BYTES`], so that a runaway loop stops with an error after a
//! few megabytes instead of filling the memory. Literal ranges over the
//! budget (`range(end=100000000)`) are also found by the scanner, with
//! their line.

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};

use tera::{Kwargs, State, TeraResult};

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

fn bounded_range(kwargs: Kwargs, _: &State) -> TeraResult<Vec<u64>> {
    let num = |key: &str, default: u64| -> TeraResult<u64> {
        match kwargs.get::<i64>(key)? {
            None => Ok(default),
            Some(v) => u64::try_from(v).map_err(|_| {
                tera::Error::message(format!(
                    "Function `range` received {key}={v} but `{key}` can only be a positive number"
                ))
            }),
        }
    };
    let start = num("start", 0)?;
    let end = kwargs
        .get::<i64>("end")?
        .ok_or_else(|| {
            tera::Error::message("Function `range` was called without an `end` argument")
        })
        .and_then(|_| num("end", 0))?;
    let step = num("step_by", 1)?.max(1);
    let count = end.saturating_sub(start).div_ceil(step);
    let left = RANGE_LEFT.with(Cell::get) as u64;
    if count > left {
        RANGE_EXCEEDED.with(|e| e.set(true));
        return Err(tera::Error::message(format!(
            "range of {count} items: a page may loop over at most {MAX_RANGE_ITEMS} items of range()"
        )));
    }
    RANGE_LEFT.with(|l| l.set((left - count) as usize));
    Ok((start..end).step_by(step as usize).collect())
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

/// The deepest nesting of templates and components a page may render
/// through: a theme needs about five; a debug build's worker stack held
/// about 25 includes.
pub const MAX_NESTING: usize = 16;

/// How many templates and components rendering one template may enter,
/// each call written in it counted once (loops aside): a theme's page
/// enters a few dozen. Components that call the next one several times
/// multiply: fourteen of them, each calling the next four times, would
/// render 89 million times per page.
pub const MAX_RENDERS: u64 = 10_000;

/// Where a call is written: the index of its template among those checked,
/// and the byte offset of its tag.
type Place = (usize, usize);

/// How far a `range(` call's arguments are read for literal bounds.
const RANGE_ARGS: usize = 120;

/// A node of the call graph: a template, or a component (components are
/// global in Tera 2, whatever file defines them).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Key {
    Template(String),
    Component(String),
}

impl Key {
    fn show(&self) -> &str {
        match self {
            Key::Template(n) | Key::Component(n) => n,
        }
    }
}

/// What the scanner saw in one template file.
#[derive(Debug, Default, PartialEq)]
struct Scanned {
    /// Calls, each from the template or a component it defines, with the
    /// byte offset of the tag: `include`, `extends` (to templates) and
    /// `<name` (to components, if `name` is one).
    calls: Vec<(Key, Key, usize)>,
    /// Components defined in the file.
    components: Vec<String>,
    /// `range()` calls with literal bounds over the budget: item count and
    /// offset.
    ranges: Vec<(u64, usize)>,
}

/// Reads the tags of one template: comments and `raw` blocks are skipped,
/// strings inside tags are skipped when looking for calls.
fn scan(name: &str, text: &str) -> Scanned {
    let mut out = Scanned::default();
    let template = Key::Template(name.to_string());
    let mut owner = template.clone();
    let mut at = 0;
    while let Some(i) = text[at..].find('{').map(|i| at + i) {
        let open = text.get(i..i + 2).unwrap_or("");
        let close = match open {
            "{#" => "#}",
            "{%" => "%}",
            "{{" => "}}",
            _ => {
                at = i + 1;
                continue;
            }
        };
        let body_start = i + 2;
        let body_end = if open == "{#" {
            text[body_start..].find(close).map(|e| body_start + e)
        } else {
            end_of_tag(text, body_start, close)
        };
        let Some(body_end) = body_end else {
            break;
        };
        at = body_end + 2;
        if open == "{#" {
            continue;
        }
        let body = text[body_start..body_end]
            .trim_start_matches(['-', '+'])
            .trim_end_matches(['-', '+']);
        let offset = i;
        if open == "{%" {
            let tag = body.trim();
            let word: String = tag
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            match word.as_str() {
                "raw" => {
                    // As tera reads it: everything up to the next `{%`
                    // followed by `endraw` is text, quotes included.
                    at = end_of_raw(text, at).unwrap_or(text.len());
                    continue;
                }
                "extends" | "include" => {
                    if let Some(target) = first_string(&tag[word.len()..]) {
                        out.calls
                            .push((owner.clone(), Key::Template(target.to_string()), offset));
                    }
                    continue;
                }
                "component" => {
                    let cname = dotted_name(&tag[word.len()..]);
                    if !cname.is_empty() {
                        out.components.push(cname.clone());
                        owner = Key::Component(cname);
                    }
                    // Its parameters' defaults are code of the component.
                }
                "endcomponent" => {
                    owner = template.clone();
                    continue;
                }
                _ => {}
            }
        }
        code(body, offset, &owner, &mut out);
    }
    out
}

/// The end of a tag's code: the first `close` outside a string. Inside a
/// string, as in tera's lexer, a backslash escapes the next byte.
fn end_of_tag(text: &str, from: usize, close: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = from;
    let mut quote: Option<u8> = None;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(_) if b == b'\\' => i += 1,
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if matches!(b, b'"' | b'\'' | b'`') => quote = Some(b),
            // Bytes, not `str`: `i` may fall inside a character.
            None if bytes[i..].starts_with(close.as_bytes()) => return Some(i),
            None => {}
        }
        i += 1;
    }
    None
}

/// Where the text after a `raw` tag ends: just after the first
/// `{% endraw %}` (`-` and spaces allowed inside, as tera allows them), read
/// without regard to quotes, as tera reads it.
fn end_of_raw(text: &str, from: usize) -> Option<usize> {
    let mut at = from;
    while let Some(j) = text.get(at..)?.find("{%").map(|j| at + j) {
        let rest = &text[j + 2..];
        let tag = rest
            .strip_prefix('-')
            .unwrap_or(rest)
            .trim_start_matches(|c: char| c.is_ascii_whitespace());
        if let Some(after) = tag.strip_prefix("endraw") {
            let after = after.trim_start_matches(|c: char| c.is_ascii_whitespace());
            let after = after.strip_prefix('-').unwrap_or(after);
            if let Some(end) = after.strip_prefix("%}") {
                return Some(text.len() - end.len());
            }
        }
        at = j + 2;
    }
    None
}

/// A component's name at the start of `s` as tera reads it: identifiers
/// joined by dots, spaces allowed around the dots (`ui . button` is
/// `ui.button`). Empty when `s` does not start with one.
fn dotted_name(s: &str) -> String {
    let mut name = String::new();
    let mut rest = s.trim_start_matches(|c: char| c.is_ascii_whitespace());
    loop {
        let len = rest
            .bytes()
            .enumerate()
            .take_while(|&(i, c)| {
                c == b'_'
                    || if i == 0 {
                        c.is_ascii_alphabetic()
                    } else {
                        c.is_ascii_alphanumeric()
                    }
            })
            .count();
        if len == 0 {
            // A trailing dot names nothing more.
            if name.ends_with('.') {
                name.pop();
            }
            return name;
        }
        name.push_str(&rest[..len]);
        rest = rest[len..].trim_start_matches(|c: char| c.is_ascii_whitespace());
        match rest.strip_prefix('.') {
            Some(after) => {
                name.push('.');
                rest = after.trim_start_matches(|c: char| c.is_ascii_whitespace());
            }
            None => return name,
        }
    }
}

/// The first string literal of `s`.
fn first_string(s: &str) -> Option<&str> {
    let s = s.trim_start();
    let q = s.chars().next().filter(|c| matches!(c, '"' | '\'' | '`'))?;
    let s = &s[1..];
    s.find(q).map(|e| &s[..e])
}

/// Calls (`<name`) and literal `range()`s in the code of one tag, strings
/// left out.
fn code(body: &str, offset: usize, owner: &Key, out: &mut Scanned) {
    // The code with its strings blanked, so that nothing inside a string
    // looks like a call and offsets stay the same.
    let mut plain = String::with_capacity(body.len());
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in body.chars() {
        match quote {
            Some(_) if escaped => {
                escaped = false;
                plain.extend(std::iter::repeat_n(' ', c.len_utf8()));
            }
            Some(_) if c == '\\' => {
                escaped = true;
                plain.push(' ');
            }
            Some(q) if c == q => {
                quote = None;
                plain.push(c);
            }
            Some(_) => plain.extend(std::iter::repeat_n(' ', c.len_utf8())),
            None => {
                if matches!(c, '"' | '\'' | '`') {
                    quote = Some(c);
                }
                plain.push(c);
            }
        }
    }
    for (i, _) in plain.match_indices('<') {
        let name = dotted_name(&plain[i + 1..]);
        if !name.is_empty() {
            out.calls
                .push((owner.clone(), Key::Component(name), offset));
        }
    }
    for (i, _) in plain.match_indices("range(") {
        let before = plain[..i].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.') {
            continue;
        }
        // Literal bounds fit in a few dozen bytes; looking no further keeps
        // a tag of a million `range(` linear.
        let args = &plain[i + "range(".len()..];
        let Some(close) = args.bytes().take(RANGE_ARGS).position(|b| b == b')') else {
            continue;
        };
        let args = &args[..close];
        // Blanked strings leave their quotes: a quoted bound is not literal.
        let lit = |key: &str| -> Option<u64> {
            args.split(',').find_map(|a| {
                let (k, v) = a.split_once('=')?;
                (k.trim() == key).then(|| v.trim().parse::<i64>().ok().map(|n| n.max(0) as u64))?
            })
        };
        if let Some(end) = lit("end") {
            let start = lit("start").unwrap_or(0);
            let step = lit("step_by").unwrap_or(1).max(1);
            let count = end.saturating_sub(start).div_ceil(step);
            if count > MAX_RANGE_ITEMS as u64 {
                out.ranges.push((count, offset));
            }
        }
    }
}

/// The line and column (1-based) of byte `offset` of `text`.
fn position(text: &str, offset: usize) -> Position {
    let before = &text[..offset.min(text.len())];
    let line = memchr::memchr_iter(b'\n', before.as_bytes()).count() + 1;
    let column = before
        .rfind('\n')
        .map_or(before, |n| &before[n + 1..])
        .chars()
        .count()
        + 1;
    Position::new(line as u32, column as u32)
}

/// The file template `name` came from (its name when unknown).
pub(crate) fn file_of(sources: &BTreeMap<String, PathBuf>, name: &str) -> PathBuf {
    sources
        .get(name.trim_end_matches(".html"))
        .cloned()
        .unwrap_or_else(|| PathBuf::from(name))
}

/// A bound of [`TEMPLATE_LIMIT`] found before rendering.
fn limit(file: PathBuf, at: Position, message: Text, hint: Text) -> Diagnostic {
    Diagnostic::error(TEMPLATE_LIMIT, file, at, message).with_hint(hint)
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
        "retirez l’inclusion, l’extension ou l’appel de composant qui referme la boucle",
        "remove the include, extends or component call that closes the loop",
    ))
}

/// Cycles through include, extends and component calls, and literal
/// ranges over the budget, in the templates `raw` (name and text), whose
/// files are `sources`. A cycle is reported at each call that closes it
/// (each must go). Also returns the templates others depend on (extended,
/// included, or defining a component another file calls), whose change
/// shows on pages they do not render directly.
pub fn check(
    raw: &[(String, String)],
    sources: &BTreeMap<String, PathBuf>,
) -> (Diagnostics, BTreeSet<String>) {
    let mut ds = Diagnostics::new();
    let scans: Vec<(&str, &str, Scanned)> = raw
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str(), scan(n, t)))
        .collect();
    let components: BTreeSet<&str> = scans
        .iter()
        .flat_map(|(_, _, s)| s.components.iter().map(String::as_str))
        .collect();
    let templates: BTreeSet<&str> = raw.iter().map(|(n, _)| n.as_str()).collect();
    let defined_in: HashMap<&str, &str> = scans
        .iter()
        .flat_map(|(n, _, s)| s.components.iter().map(move |c| (c.as_str(), *n)))
        .collect();
    let mut shared = BTreeSet::new();
    // Edges with the file (template name) and offset of the call.
    let mut graph: BTreeMap<Key, Vec<(Key, usize, usize)>> = BTreeMap::new();
    for (index, (name, text, s)) in scans.iter().enumerate() {
        graph.entry(Key::Template(name.to_string())).or_default();
        for c in &s.components {
            graph.entry(Key::Component(c.clone())).or_default();
        }
        for (from, to, offset) in &s.calls {
            let known = match to {
                Key::Template(t) => templates.contains(t.as_str()),
                Key::Component(c) => components.contains(c.as_str()),
            };
            let target = match to {
                Key::Template(t) => Some(t.as_str()),
                Key::Component(c) => defined_in.get(c.as_str()).copied(),
            };
            if let Some(t) = target.filter(|t| t != name) {
                shared.insert(t.to_string());
            }
            if known {
                graph
                    .entry(from.clone())
                    .or_default()
                    .push((to.clone(), index, *offset));
            }
        }
        for (count, offset) in &s.ranges {
            ds.push(limit(
                file_of(sources, name),
                position(text, *offset),
                Text::new(
                    format!("range() de {count} éléments : une page peut en parcourir au plus {MAX_RANGE_ITEMS}"),
                    format!("range() of {count} items: a page may loop over at most {MAX_RANGE_ITEMS}"),
                ),
                Text::new("réduisez les bornes de la boucle", "reduce the bounds of the loop"),
            ));
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
    // How deep rendering nests below each node, and the call that leads
    // deepest: known once the node is done (its calls are done before).
    let mut depth: HashMap<&Key, (usize, Option<Place>)> = HashMap::new();
    // How many templates and components rendering each node enters, each
    // call counted once: known once the node is done, like its depth.
    let mut renders: HashMap<&Key, u64> = HashMap::new();
    let mut looped = false;
    for &root in &keys {
        if mark[root] != Mark::New {
            continue;
        }
        let mut stack: Vec<(&Key, usize)> = vec![(root, 0)];
        mark.insert(root, Mark::Open);
        while let Some((key, i)) = stack.pop() {
            let edges = &graph[key];
            let Some((to, file, offset)) = edges.get(i) else {
                mark.insert(key, Mark::Done);
                let deepest = edges
                    .iter()
                    .filter_map(|(to, file, offset)| Some((depth.get(to)?.0, (*file, *offset))))
                    .max_by_key(|(d, _)| *d);
                depth.insert(key, deepest.map_or((1, None), |(d, at)| (d + 1, Some(at))));
                let entered = edges
                    .iter()
                    .filter_map(|(to, ..)| renders.get(to))
                    .fold(1u64, |n, r| n.saturating_add(*r));
                renders.insert(key, entered);
                continue;
            };
            stack.push((key, i + 1));
            let Some((to, _)) = graph.get_key_value(to) else {
                continue;
            };
            match mark[to] {
                Mark::New => {
                    mark.insert(to, Mark::Open);
                    stack.push((to, 0));
                }
                Mark::Open => {
                    looped = true;
                    let from = stack.iter().position(|(k, _)| *k == to).unwrap_or(0);
                    let chain: Vec<&str> = stack[from..]
                        .iter()
                        .map(|(k, _)| k.show())
                        .chain([to.show()])
                        .collect();
                    let (name, text, _) = &scans[*file];
                    ds.push(recursion(
                        file_of(sources, name),
                        position(text, *offset),
                        &chain,
                    ));
                }
                Mark::Done => {}
            }
        }
    }
    if !looped {
        // Each level of nesting is frames on a worker's stack while a page
        // renders: a long enough chain would overflow it, which no error
        // handling survives. Reported at the top of each chain only.
        let called: BTreeSet<&Key> = graph.values().flatten().map(|(to, ..)| to).collect();
        for key in &keys {
            let Some((levels, at)) = depth.get(key) else {
                continue;
            };
            if *levels <= MAX_NESTING || called.contains(key) {
                continue;
            }
            let Some((file, offset)) = at else { continue };
            let (name, text, _) = &scans[*file];
            ds.push(limit(
                file_of(sources, name),
                position(text, *offset),
                Text::new(
                    format!("{} s’imbrique sur {levels} niveaux (inclusions, extensions, composants) : au plus {MAX_NESTING}", key.show()),
                    format!("{} nests {levels} levels deep (includes, extends, components): at most {MAX_NESTING}", key.show()),
                ),
                Text::new(
                    "regroupez des modèles inclus les uns dans les autres",
                    "merge some of the templates that include one another",
                ),
            ));
        }
        for key in &keys {
            if let Some(d) = fan_out(key, &graph, &renders, &scans, sources) {
                ds.push(d);
            }
        }
    }
    (ds, shared)
}

/// The error for `key` when rendering it enters more than [`MAX_RENDERS`]
/// templates and components while each of its calls stays within: so that
/// it is reported once, where the count crosses the bound, at the call
/// that weighs most (the first of them).
fn fan_out(
    key: &Key,
    graph: &BTreeMap<Key, Vec<(Key, usize, usize)>>,
    renders: &HashMap<&Key, u64>,
    scans: &[(&str, &str, Scanned)],
    sources: &BTreeMap<String, PathBuf>,
) -> Option<Diagnostic> {
    let total = *renders.get(key)?;
    let weight = |to: &Key| renders.get(to).copied().unwrap_or(0);
    let edges = graph.get(key)?;
    if total <= MAX_RENDERS || edges.iter().any(|(to, ..)| weight(to) > MAX_RENDERS) {
        return None;
    }
    let heaviest = edges.iter().map(|(to, ..)| weight(to)).max()?;
    let (to, file, offset) = edges.iter().find(|(to, ..)| weight(to) == heaviest)?;
    let calls = edges.iter().filter(|(t, ..)| t == to).count();
    let (name, text, _) = &scans[*file];
    Some(limit(
        file_of(sources, name),
        position(text, *offset),
        Text::new(
            format!(
                "{} entre dans {total} modèles et composants pour une page ({calls} appels de {}, qui en rend {heaviest}) : au plus {MAX_RENDERS}",
                key.show(),
                to.show()
            ),
            format!(
                "{} enters {total} templates and components for one page ({calls} calls of {}, which renders {heaviest}): at most {MAX_RENDERS}",
                key.show(),
                to.show()
            ),
        ),
        Text::new(
            "des composants qui s’appellent chacun plusieurs fois se multiplient : appelez-les moins souvent, ou une fois dans une boucle sur des données",
            "components that each call the next several times multiply: call them less often, or once inside a loop over data",
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_text_is_scanned_and_checked_without_panicking(text in "[{}%#<>/\\\\\"'` a-zé=(),.+-]{0,80}") {
            let raw = vec![("t.html".to_string(), text)];
            let _ = check(&raw, &BTreeMap::new());
        }

        #[test]
        fn recursion_is_reported_exactly_when_calls_loop(calls in proptest::collection::vec((0usize..4, 0usize..4), 0..7)) {
            // Components c0…c3, ci calling cj for each (i, j).
            let mut text = String::new();
            for i in 0..4 {
                text.push_str(&format!("{{% component c{i}() %}}x"));
                for (_, j) in calls.iter().filter(|(from, _)| *from == i) {
                    text.push_str(&format!("{{{{<c{j} />}}}}"));
                }
                text.push_str(&format!("{{% endcomponent c{i} %}}\n"));
            }
            let mut reach = [[false; 4]; 4];
            for (i, j) in &calls {
                reach[*i][*j] = true;
            }
            for k in 0..4 {
                for i in 0..4 {
                    for j in 0..4 {
                        reach[i][j] |= reach[i][k] && reach[k][j];
                    }
                }
            }
            let loops = (0..4).any(|i| reach[i][i]);
            let (ds, _) = check(&[("t.html".to_string(), text)], &BTreeMap::new());
            prop_assert_eq!(ds.iter().any(|d| d.rule == TEMPLATE_RECURSION), loops);
        }
    }

    /// The diagnostics of `check` for one template named page.html.
    fn check_one(text: &str) -> Vec<Diagnostic> {
        let raw = vec![("page.html".to_string(), text.to_string())];
        check(&raw, &BTreeMap::new()).0.iter().cloned().collect()
    }

    fn edges(name: &str, text: &str) -> Vec<(String, String, usize)> {
        scan(name, text)
            .calls
            .into_iter()
            .map(|(f, t, o)| (f.show().to_string(), t.show().to_string(), o))
            .collect()
    }

    #[test]
    fn the_scanner_sees_includes_extends_and_component_calls_with_their_tag() {
        let text = "{% extends \"base.html\" %}\n{% component toc(page) %}{{<date value={page.date} />}}{% endcomponent toc %}\n{%- include 'part.html' -%}{% <box title=\"a\"> %}x{% </box> %}";
        let got = edges("page.html", text);
        let date = text.find("{{<date").unwrap();
        let inc = text.find("{%- include").unwrap();
        let boxed = text.find("{% <box").unwrap();
        assert_eq!(
            got,
            vec![
                ("page.html".into(), "base.html".into(), 0),
                ("toc".into(), "date".into(), date),
                ("page.html".into(), "part.html".into(), inc),
                ("page.html".into(), "box".into(), boxed),
            ]
        );
        assert_eq!(scan("page.html", text).components, vec!["toc".to_string()]);
    }

    #[test]
    fn any_text_is_scanned_without_panicking() {
        // Every prefix of a text mixing accents, tags cut short and
        // unclosed strings: the scanner slices at byte offsets.
        let text = "é{{ «<ça» }}{% include 'é.html' %}{{ \"unclosed %}{# ü {% raw %}ö{{<x/>}}{% endraw %}{{ range(end=1e9) }}{%";
        for (end, _) in text.char_indices() {
            let _ = scan("t.html", &text[..end]);
        }
        let got = edges("t.html", "é{{ «<ça» }}");
        assert_eq!(got.len(), 0, "«<ça» names no component: {got:?}");
    }

    #[test]
    fn comments_raw_blocks_and_strings_hide_nothing_but_themselves() {
        let text = "{# {{<loop />}} {% include \"x.html\" %} #}{% raw %}{{<loop />}}{% endraw %}{{ \"<loop\" ~ '%}' }}{% include \"y.html\" %}";
        let got = edges("t.html", text);
        assert_eq!(
            got,
            vec![(
                "t.html".into(),
                "y.html".into(),
                text.find("{% include \"y").unwrap()
            )]
        );
    }

    #[test]
    fn a_component_calling_itself_is_a_cycle_at_each_call() {
        let all = check_one("{% component loop(n) %}\n{{ n }}\n  {{<loop n={n} />}}{{<loop n={n} />}}\n{% endcomponent loop %}\n{{<loop n=1 />}}");
        assert_eq!(all.len(), 2, "{all:?}");
        assert!(all.iter().all(|d| d.rule == TEMPLATE_RECURSION));
        assert_eq!(all[0].position, Position::new(3, 3));
        assert_eq!(all[1].position, Position::new(3, 21));
    }

    /// Loops the review found hidden from the first scanner: each is
    /// refused now.
    #[test]
    fn escaped_quotes_raw_blocks_and_spaced_names_hide_no_call() {
        let boom = "{% component boom(n) %}{{<boom n={n} />}}{% endcomponent boom %}";
        for text in [
            format!("{{{{ \"\\\"\" }}}}{boom}"),
            format!("{{{{ 'l\\'été' }}}}{boom}"),
            "{% component boom(n) %}{{ \"\\\"\" ~ <boom n={n} /> ~ \"\\\"\" }}{% endcomponent boom %}".to_string(),
            format!("{{% raw %}}{{% \" %}}{{% endraw %}}{boom}"),
            format!("{{% raw %}}{{%{{% endraw %}}{boom}"),
            "{% component my . boom() %}{{< my . boom />}}{% endcomponent my.boom %}".to_string(),
        ] {
            let all = check_one(&text);
            assert!(
                all.iter().any(|d| d.rule == TEMPLATE_RECURSION),
                "{text}: {all:?}"
            );
        }
        // And an escaped quote inside a string is not a call either.
        assert!(check_one(
            "{% component date(v) %}{{ \"\\\"<date\" ~ \"\\\"\" }}{% endcomponent date %}"
        )
        .is_empty());
    }

    #[test]
    fn a_tag_of_many_ranges_is_scanned_in_linear_time() {
        let text = format!("{{{{ {}", "range(end=1,".repeat(200_000));
        let started = std::time::Instant::now();
        let _ = check_one(&text);
        // Quadratic, this took minutes; linear, milliseconds.
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn nesting_deeper_than_the_bound_is_refused_at_the_top_of_the_chain() {
        let chain = |n: usize| -> Vec<(String, String)> {
            (0..n)
                .map(|i| {
                    let text = if i + 1 < n {
                        format!("x\n{{% include \"i{}.html\" %}}", i + 1)
                    } else {
                        "end".to_string()
                    };
                    (format!("i{i}.html"), text)
                })
                .collect()
        };
        let (ok, _) = check(&chain(MAX_NESTING), &BTreeMap::new());
        assert!(ok.is_empty(), "{ok:?}");
        let (deep, _) = check(&chain(MAX_NESTING + 1), &BTreeMap::new());
        let all: Vec<_> = deep.iter().collect();
        assert_eq!(all.len(), 1, "{all:?}");
        assert_eq!(all[0].rule, TEMPLATE_LIMIT);
        assert_eq!(all[0].file, Path::new("i0.html"));
        assert_eq!(all[0].position, Position::new(2, 1));
    }

    /// Components c0 … c(n-1), each calling the next `calls` times, one
    /// per line, and a page calling c0.
    fn fanned(n: usize, calls: usize) -> String {
        let mut text = String::from("{{<c0 />}}\n");
        for i in 0..n {
            text.push_str(&format!("{{% component c{i}() %}}\n"));
            if i + 1 < n {
                for _ in 0..calls {
                    text.push_str(&format!("{{{{<c{} />}}}}\n", i + 1));
                }
            }
            text.push_str(&format!("{{% endcomponent c{i} %}}\n"));
        }
        text
    }

    #[test]
    fn components_that_multiply_are_refused_where_the_count_crosses_the_bound() {
        // c9 renders once, c8 4 times, c7 13, c6 40, … c1 9,841, c0 29,524
        // and the page 29,525: c1 is within the bound, c0 crosses it.
        let text = fanned(10, 3);
        let all = check_one(&text);
        assert_eq!(all.len(), 1, "{all:?}");
        assert_eq!(all[0].rule, TEMPLATE_LIMIT);
        // c0's first call of c1, on the line after c0's opening tag.
        let c0 = text.find("{% component c0()").unwrap();
        let line = text[..c0].lines().count() + 2;
        assert_eq!(all[0].position, Position::new(line as u32, 1));
        assert!(
            all[0].message.en.contains("c0 enters 29524"),
            "{}",
            all[0].message.en
        );
        assert!(
            all[0]
                .message
                .en
                .contains("3 calls of c1, which renders 9841"),
            "{}",
            all[0].message.en
        );
    }

    #[test]
    fn components_that_fan_out_within_the_bound_pass() {
        // Twice per level: c0 enters 2^10 - 1 = 1,023.
        assert!(check_one(&fanned(10, 2)).is_empty());
        // Many calls of a leaf are many renders, but each counted once.
        assert!(check_one(&fanned(2, 500)).is_empty());
    }

    #[test]
    fn a_comparison_is_not_a_call_unless_it_names_a_component() {
        assert!(check_one(
            "{% component item(n) %}{% if n <limit %}x{% endif %}{% endcomponent item %}"
        )
        .is_empty());
    }

    #[test]
    fn templates_extended_included_or_lending_components_are_shared() {
        let raw = vec![
            ("base.html".to_string(), "{% block content %}{% endblock content %}".to_string()),
            ("components.html".to_string(), "{% component date(v) %}{{ v }}{% endcomponent date %}".to_string()),
            ("part.html".to_string(), "x".to_string()),
            ("page.html".to_string(), "{% extends \"base.html\" %}{% block content %}{{<date v=1 />}}{% include \"part.html\" %}{% endblock content %}".to_string()),
            ("alone.html".to_string(), "{% component own() %}y{% endcomponent own %}{{<own />}}".to_string()),
        ];
        let (ds, shared) = check(&raw, &BTreeMap::new());
        assert!(ds.is_empty());
        let shared: Vec<&str> = shared.iter().map(String::as_str).collect();
        assert_eq!(shared, ["base.html", "components.html", "part.html"]);
    }

    #[test]
    fn literal_ranges_over_the_budget_are_found_with_their_line() {
        let all = check_one("a\n{% for i in range(end=10) %}{% endfor %}\n{% for i in range(start=1, end=100000000) %}{% endfor %}");
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].rule, TEMPLATE_LIMIT);
        assert_eq!(all[0].position, Position::new(3, 1));
    }
}
