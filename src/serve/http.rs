//! The preview's HTTP side (axum): the site from the last good
//! [`Snapshot`], with the live-reload script and the error overlay put into
//! HTML pages; the server-sent events stream; and the record previews.

use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tokio::sync::broadcast;

use crate::core::diagnostic::Diagnostics;
use crate::core::lang::Lang;
use crate::core::layout::PORTFOLIOS_DIR;
use crate::core::source::{Disk, Files, Source};
use crate::records::check::Scope;
use crate::serve::page;
use crate::serve::snapshot::Snapshot;
use crate::site::BuildOptions;
use crate::workspace::{Parts, Workspace};

/// Where the record previews live; nothing else serves student data.
pub const RECORDS_PATH: &str = "/_engage/records/";

/// What the open pages are told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Pages whose path starts with this prefix reload (`/` for all).
    Reload(String),
    /// Stylesheets changed; the number makes their address new.
    Css(u64),
    /// The server is stopping: streams end, so that it can stop cleanly.
    Shutdown,
}

/// What is served now.
#[derive(Debug, Default)]
pub struct Live {
    /// The last site that built without error.
    pub site: Option<Arc<Snapshot>>,
    /// The errors of the last build, when it failed: shown over every page.
    pub errors: Option<Arc<Diagnostics>>,
}

/// Everything the handlers share.
#[derive(Debug)]
pub struct Shared {
    pub live: RwLock<Live>,
    pub events: broadcast::Sender<Event>,
    /// The site's folder, read for static files and records.
    pub source: Disk,
    pub options: BuildOptions,
    /// Language of the record previews (the command's `--lang`).
    pub lang: Lang,
    /// Record previews are served only on a loopback address: a student's
    /// progress is not for the network.
    pub records: bool,
}

impl Shared {
    /// Says `event` to every open page; nobody listening is fine.
    pub fn send(&self, event: Event) {
        let _ = self.events.send(event);
    }

    fn live(&self) -> (Option<Arc<Snapshot>>, Option<Arc<Diagnostics>>) {
        // A poisoned lock only means a rebuild thread panicked mid-swap;
        // the values inside are whole `Arc`s, still good to serve.
        let live = self.live.read().unwrap_or_else(|e| e.into_inner());
        (live.site.clone(), live.errors.clone())
    }
}

/// The preview's routes.
pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route(page::EVENTS_PATH, get(events))
        .fallback(get(file))
        .with_state(shared)
}

async fn events(
    State(shared): State<Arc<Shared>>,
) -> Sse<impl futures_util::Stream<Item = Result<SseEvent, Infallible>>> {
    let rx = shared.events.subscribe();
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        let event = match rx.recv().await {
            Ok(Event::Shutdown) | Err(broadcast::error::RecvError::Closed) => return None,
            Ok(Event::Reload(prefix)) => SseEvent::default().event("reload").data(prefix),
            Ok(Event::Css(n)) => SseEvent::default().event("css").data(n.to_string()),
            // Missed events: whatever they were, a reload shows the latest.
            Err(broadcast::error::RecvError::Lagged(_)) => {
                SseEvent::default().event("reload").data("/")
            }
        };
        Some((Ok(event), rx))
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// The content type of a served file, by extension.
fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
    match ext.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "ics" => "text/calendar; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

fn respond(status: StatusCode, path: &str, body: impl Into<Body>) -> Response {
    let mut r = Response::new(body.into());
    *r.status_mut() = status;
    let headers = r.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(path)),
    );
    // A preview is always fresh: no cache may keep an old page.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// An HTML page with the script and, while the last save has errors, the
/// overlay in `lang`.
fn html(status: StatusCode, bytes: &[u8], errors: Option<&Diagnostics>, lang: Lang) -> Response {
    let overlay = errors.map(|e| page::overlay(e, lang));
    let text = String::from_utf8_lossy(bytes);
    respond(
        status,
        "index.html",
        page::inject(&text, overlay.as_deref()),
    )
}

/// What a request path names in the snapshot.
#[derive(Debug, PartialEq, Eq)]
pub enum Found {
    /// A rendered output, by key.
    Output(String),
    /// A static file, by its path in the source.
    Static(String, PathBuf),
    /// A folder asked for without its final `/`.
    Redirect(String),
    /// Nothing: the 404 page of this key, if the site has one.
    NotFound(Option<String>),
}

/// Looks `path` (decoded, starting with `/`) up in `site`.
pub fn find(site: &Snapshot, path: &str) -> Found {
    let key = path.trim_start_matches('/');
    if key.split('/').any(|s| s == "..") {
        return Found::NotFound(not_found_page(site, path));
    }
    let index = if key.is_empty() || key.ends_with('/') {
        format!("{key}index.html")
    } else {
        key.to_string()
    };
    if site.outputs.contains_key(&index) {
        return Found::Output(index);
    }
    if let Some(src) = site.statics.get(&index) {
        return Found::Static(index, src.clone());
    }
    if site.outputs.contains_key(&format!("{key}/index.html")) {
        return Found::Redirect(format!("{path}/"));
    }
    Found::NotFound(not_found_page(site, path))
}

fn not_found_page(site: &Snapshot, path: &str) -> Option<String> {
    let lang = site.lang_of(path);
    [format!("{}/404.html", lang.code()), "404.html".to_string()]
        .into_iter()
        .find(|k| site.outputs.contains_key(k))
}

async fn file(State(shared): State<Arc<Shared>>, uri: Uri) -> Response {
    let path = percent_encoding::percent_decode_str(uri.path())
        .decode_utf8_lossy()
        .into_owned();
    if let Some(rest) = path.strip_prefix(RECORDS_PATH) {
        return record(shared, rest.trim_end_matches('/').to_string()).await;
    }
    let (site, errors) = shared.live();
    let Some(site) = site else {
        // Never built: every address shows what keeps the site from building.
        let errors = errors.unwrap_or_default();
        return respond(
            StatusCode::SERVICE_UNAVAILABLE,
            "index.html",
            page::no_site(&errors, shared.lang),
        );
    };
    let lang = site.lang_of(&path);
    match find(&site, &path) {
        Found::Output(key) => {
            let bytes = site.outputs[&key].bytes();
            if content_type(&key).starts_with("text/html") {
                html(StatusCode::OK, &bytes, errors.as_deref(), lang)
            } else {
                respond(StatusCode::OK, &key, bytes)
            }
        }
        Found::Static(key, src) => match shared.source.read(&src) {
            Ok(bytes) => respond(StatusCode::OK, &key, bytes),
            // Removed since the last build: the next event rebuilds.
            Err(_) => respond(StatusCode::NOT_FOUND, "404.txt", "not found\n"),
        },
        Found::Redirect(to) => {
            let mut r = StatusCode::MOVED_PERMANENTLY.into_response();
            if let Ok(v) = HeaderValue::from_str(&to) {
                r.headers_mut().insert(header::LOCATION, v);
            }
            r
        }
        Found::NotFound(Some(key)) => html(
            StatusCode::NOT_FOUND,
            &site.outputs[&key].bytes(),
            errors.as_deref(),
            lang,
        ),
        Found::NotFound(None) => match errors {
            Some(e) => html(StatusCode::NOT_FOUND, b"", Some(&e), lang),
            None => respond(StatusCode::NOT_FOUND, "404.txt", "not found\n"),
        },
    }
}

/// `/_engage/records/<handle>/`: the record's check as its student sees it,
/// run now on the files on disk; `/_engage/records/`: the list of records.
async fn record(shared: Arc<Shared>, handle: String) -> Response {
    if !shared.records {
        return respond(
            StatusCode::NOT_FOUND,
            "404.txt",
            "record previews are served on a loopback address only\n",
        );
    }
    let lang = shared.lang;
    let root = shared.source.root().to_path_buf();
    let options = shared.options.clone();
    // Loading records reads files: not on the async workers.
    let page =
        tokio::task::spawn_blocking(move || record_page(&root, &options, &handle, lang)).await;
    match page {
        Ok(Some(html)) => respond(StatusCode::OK, "index.html", html),
        Ok(None) => respond(StatusCode::NOT_FOUND, "404.txt", "no such record\n"),
        Err(_) => respond(
            StatusCode::INTERNAL_SERVER_ERROR,
            "500.txt",
            "the check failed\n",
        ),
    }
}

/// The page of `handle`'s record (or of the list, for an empty handle);
/// `None` when there is no such record folder.
pub fn record_page(
    root: &Path,
    options: &BuildOptions,
    handle: &str,
    lang: Lang,
) -> Option<String> {
    let ws = Workspace::load(Files::new(Disk::new(root)), Parts::RECORDS, options);
    if handle.is_empty() {
        let handles: Vec<String> = ws
            .record_dirs
            .iter()
            .filter_map(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
            .collect();
        return Some(page::record_list(&handles, lang));
    }
    // Only an existing folder of data/portfolios: the handle comes from
    // the address bar and must not name anything else.
    let dir = Path::new(PORTFOLIOS_DIR).join(handle);
    if handle.contains('/') || !ws.record_dirs.contains(&dir) {
        return None;
    }
    let report = ws.check(&Scope::Record(dir));
    Some(page::record(handle, &report, lang))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> Snapshot {
        let mut s = Snapshot {
            languages: vec![Lang::Fr, Lang::En],
            ..Snapshot::default()
        };
        for k in [
            "index.html",
            "fr/index.html",
            "fr/faq/index.html",
            "fr/404.html",
            "en/404.html",
            "404.html",
            "sitemap.xml",
        ] {
            s.outputs
                .insert(k.to_string(), crate::serve::snapshot::Stored::new(b""));
        }
        s.statics.insert(
            "style.css".into(),
            PathBuf::from("themes/default/static/style.css"),
        );
        s
    }

    #[test]
    fn paths_find_outputs_statics_and_404s() {
        let s = site();
        assert_eq!(find(&s, "/"), Found::Output("index.html".into()));
        assert_eq!(
            find(&s, "/fr/faq/"),
            Found::Output("fr/faq/index.html".into())
        );
        assert_eq!(find(&s, "/fr/faq"), Found::Redirect("/fr/faq/".into()));
        assert_eq!(
            find(&s, "/sitemap.xml"),
            Found::Output("sitemap.xml".into())
        );
        assert!(matches!(find(&s, "/style.css"), Found::Static(..)));
        assert_eq!(
            find(&s, "/en/nope/"),
            Found::NotFound(Some("en/404.html".into()))
        );
        assert_eq!(
            find(&s, "/nope"),
            Found::NotFound(Some("fr/404.html".into()))
        );
        assert_eq!(
            find(&s, "/fr/../sitemap.xml"),
            Found::NotFound(Some("fr/404.html".into()))
        );
    }

    #[test]
    fn types_by_extension() {
        assert_eq!(content_type("fr/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("a/B.PNG"), "image/png");
        assert_eq!(content_type("x"), "application/octet-stream");
    }
}
