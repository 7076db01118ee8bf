//! `engage serve`: the live preview for the people who write the site.
//!
//! The site is built in memory ([`snapshot`]), never into public/, with
//! `base_url` replaced by the local address, and served over HTTP
//! ([`http`], axum on a small tokio runtime). A debounced watcher
//! ([`watch`]) turns saves into rebuilds; open pages hear about them
//! through server-sent events and reload, or swap their stylesheets when
//! only CSS changed ([`page`] holds the injected script). A save with
//! errors keeps the last good site served, with an overlay listing the
//! errors over every page, and the terminal shows them once per rebuild.
//! A record's change re-runs its check, shown at `/_engage/records/<handle>/`
//! only, and only on a loopback address.

pub mod http;
pub mod page;
pub mod snapshot;
pub mod watch;

use std::io::Write;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::mpsc::Receiver;
use std::sync::{Arc, RwLock};

use crate::core::diagnostic::{emit_human, Diagnostics, Text};
use crate::core::lang::{pick as t, Lang};
use crate::core::layout::{CONFIG_FILE, PORTFOLIOS_DIR};
use crate::core::source::{Disk, Files, Kind, Source};
use crate::records::check::Scope;
use crate::serve::http::{Event, Live, Shared, RECORDS_PATH};
use crate::serve::snapshot::{Preview, Rebuild};
use crate::site::BuildOptions;
use crate::workspace::{Parts, Workspace};

/// What `engage serve` was asked for.
#[derive(Debug, Clone)]
pub struct Options {
    pub bind: IpAddr,
    /// The port asked for; the next free one is taken when it is in use.
    pub port: u16,
    /// Open the preview in the default browser once it is served.
    pub open: bool,
    /// Drafts and "today" as for `engage build`; `base_url` and `output`
    /// are ignored (the preview has its own address and writes nothing).
    pub build: BuildOptions,
    /// Language of the terminal messages and record previews.
    pub lang: Lang,
}

/// Binds `port` on `ip`, else one of the next ten, else any free port:
/// a second preview (or another tool on 1111) must not stop this one.
/// Says which port was asked for when another one was taken.
fn bind(ip: IpAddr, port: u16) -> std::io::Result<(TcpListener, bool)> {
    let mut last = None;
    for p in (0..=10).filter_map(|i| port.checked_add(i)) {
        match TcpListener::bind((ip, p)) {
            Ok(l) => return Ok((l, p != port)),
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    match TcpListener::bind((ip, 0)) {
        Ok(l) => Ok((l, true)),
        Err(e) => Err(last.unwrap_or(e)),
    }
}

/// The address pages link to: the bound one, or localhost when bound to
/// every interface (a browser cannot open 0.0.0.0).
fn local_url(addr: SocketAddr) -> String {
    if addr.ip().is_unspecified() {
        format!("http://localhost:{}", addr.port())
    } else {
        format!("http://{addr}")
    }
}

/// Serves the site under `root` until Ctrl-C. Errors are those that keep
/// the preview from starting at all (not a site folder, no port, no
/// watcher); problems in the content are shown, never returned.
pub fn run(root: &Path, options: Options) -> Result<(), Text> {
    let lang = options.lang;
    let root = root.canonicalize().map_err(|e| {
        Text::new(
            format!("{} : {e}", root.display()),
            format!("{}: {e}", root.display()),
        )
    })?;
    let disk = Disk::new(&root);
    if disk.kind(Path::new(CONFIG_FILE)) != Some(Kind::File) {
        return Err(Text::new(
            format!(
                "{} n’est pas le dossier d’un site : {CONFIG_FILE} manque",
                root.display()
            ),
            format!(
                "{} is not a site folder: {CONFIG_FILE} is missing",
                root.display()
            ),
        ));
    }
    let (listener, moved) = bind(options.bind, options.port).map_err(|e| {
        Text::new(
            format!(
                "impossible d’écouter sur {}:{} : {e}",
                options.bind, options.port
            ),
            format!("cannot listen on {}:{}: {e}", options.bind, options.port),
        )
    })?;
    let addr = listener
        .local_addr()
        .map_err(|e| Text::new(e.to_string(), e.to_string()))?;
    let url = local_url(addr);
    let mut build = options.build.clone();
    build.base_url = Some(url.clone());
    build.output = None;

    let (preview, first) = Preview::load(&root, &build);
    let shared = Arc::new(Shared {
        live: RwLock::new(Live::default()),
        events: tokio::sync::broadcast::channel(64).0,
        source: disk,
        options: build,
        lang,
        records: addr.ip().is_loopback(),
    });
    let mut first = first;
    let pages = first.snapshot.as_ref().map(|s| s.pages);
    publish(&shared, &mut first);
    report(&first, preview.files(), pages, lang);

    let (tx, rx) = std::sync::mpsc::channel();
    let watcher = watch::Watcher::start(&root, tx).map_err(|e| {
        Text::new(
            format!("impossible de surveiller {} : {e}", root.display()),
            format!("cannot watch {}: {e}", root.display()),
        )
    })?;
    {
        let shared = shared.clone();
        let root = root.clone();
        std::thread::Builder::new()
            .name("engage-watch".into())
            .spawn(move || rebuild_loop(&root, &shared, preview, rx, watcher))
            .map_err(|e| Text::new(e.to_string(), e.to_string()))?;
    }

    if moved {
        eprintln!(
            "{}",
            t(
                lang,
                format!(
                    "Le port {} est pris : l’aperçu utilise le port {}.",
                    options.port,
                    addr.port()
                ),
                format!(
                    "Port {} is taken: the preview uses port {}.",
                    options.port,
                    addr.port()
                ),
            )
        );
    }
    if !shared.records {
        eprintln!(
            "{}",
            t(
                lang,
                format!("Attention : {url} est visible du réseau ; les aperçus des dossiers sont désactivés."),
                format!("Note: {url} is visible from the network; record previews are off."),
            )
        );
    }
    eprintln!(
        "{}",
        t(
            lang,
            format!("Aperçu sur {url}/ (dossiers : {url}{RECORDS_PATH}). Ctrl-C pour arrêter."),
            format!("Preview at {url}/ (records: {url}{RECORDS_PATH}). Ctrl-C to stop."),
        )
    );
    if options.open {
        // A machine without a browser still serves the preview.
        if let Err(e) = opener::open(format!("{url}/")) {
            eprintln!("{e}");
        }
    }

    serve_until_ctrl_c(listener, shared)
        .map_err(|e| Text::new(format!("serveur : {e}"), format!("server: {e}")))?;
    eprintln!("{}", t(lang, "Aperçu arrêté.", "Preview stopped."));
    Ok(())
}

fn serve_until_ctrl_c(listener: TcpListener, shared: Arc<Shared>) -> std::io::Result<()> {
    listener.set_nonblocking(true)?;
    // Two workers: a preview serves one author; the rebuilds run on their
    // own thread (and rayon's), not here.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        let stop = shared.clone();
        axum::serve(listener, http::router(shared))
            .with_graceful_shutdown(async move {
                // If the handler cannot be installed, the preview runs
                // until killed, as any server.
                if tokio::signal::ctrl_c().await.is_ok() {
                    // Ends the event streams, so that no open page keeps
                    // the graceful shutdown waiting.
                    stop.send(Event::Shutdown);
                } else {
                    std::future::pending::<()>().await;
                }
            })
            .await
    })
}

/// Prints a rebuild's diagnostics and what the preview now shows. Called
/// once per change of what is served, never per file event.
fn report(r: &Rebuild, files: &Files, pages: Option<usize>, lang: Lang) {
    let mut err = crate::core::diagnostic::stderr();
    let _ = emit_human(&mut err, files, &r.diagnostics, lang);
    let ms = r.elapsed.as_millis();
    let warnings = r.diagnostics.warning_count();
    let n = r.rendered.len();
    let line = match pages {
        Some(pages) => t(
            lang,
            format!("Site reconstruit : {n} fichier(s) sur {pages} pages rendus en {ms} ms ({warnings} avertissement(s))."),
            format!("Site rebuilt: {n} file(s) of {pages} pages rendered in {ms} ms ({warnings} warning(s))."),
        ),
        None => t(
            lang,
            format!(
                "{} erreur(s) : l’aperçu garde le dernier site correct et affiche les erreurs.",
                r.diagnostics.error_count()
            ),
            format!(
                "{} error(s): the preview keeps the last good site and shows the errors.",
                r.diagnostics.error_count()
            ),
        ),
    };
    let _ = writeln!(err, "{line}");
}

/// Makes a rebuild what is served: a good site replaces the last one and
/// clears the overlay; errors keep the last good site and set the overlay.
/// Open pages reload only when what they would show changed: one save
/// often comes as two batches of events (a folder removed, then its
/// files), and the second rebuild must not reload the page again.
fn publish(shared: &Shared, r: &mut Rebuild) -> bool {
    let changed = {
        let mut live = shared.live.write().unwrap_or_else(|e| e.into_inner());
        match r.snapshot.take() {
            Some(s) => {
                let same = live.errors.is_none() && live.site.is_some() && !r.changed;
                live.site = Some(s);
                live.errors = None;
                !same
            }
            None => {
                let errors: Diagnostics = r
                    .diagnostics
                    .iter()
                    .filter(|d| d.is_error())
                    .cloned()
                    .collect();
                let same = live
                    .errors
                    .as_ref()
                    .is_some_and(|old| old.iter().eq(errors.iter()));
                live.errors = Some(Arc::new(errors));
                !same
            }
        }
    };
    if changed {
        shared.send(Event::Reload("/".into()));
    }
    changed
}

/// Re-runs the check of the record in folder `handle`, prints it, and
/// reloads its preview page.
fn recheck(root: &Path, shared: &Shared, handle: &str) {
    let lang = shared.lang;
    let ws = Workspace::load(Files::new(Disk::new(root)), Parts::RECORDS, &shared.options);
    let dir = PathBuf::from(PORTFOLIOS_DIR).join(handle);
    let mut err = crate::core::diagnostic::stderr();
    if ws.record_dirs.contains(&dir) {
        let report = ws.check(&Scope::Record(dir));
        let _ = emit_human(&mut err, &ws.files, &report.diagnostics, lang);
        let _ = crate::formats::summary::write_summary(&mut err, &report, lang);
    } else {
        let _ = writeln!(
            err,
            "{}",
            t(
                lang,
                format!("Dossier {handle} retiré."),
                format!("Record {handle} removed.")
            )
        );
    }
    shared.send(Event::Reload(format!("{RECORDS_PATH}{handle}/")));
}

/// Waits for batches of changed paths and acts on each: one rebuild per
/// batch, however many events it holds.
fn rebuild_loop(
    root: &Path,
    shared: &Shared,
    mut preview: Preview,
    rx: Receiver<Vec<PathBuf>>,
    mut watcher: watch::Watcher,
) {
    let mut css = 0u64;
    let mut next: Option<Vec<PathBuf>> = None;
    while let Some(mut batch) = next.take().or_else(|| rx.recv().ok()) {
        // Batches that arrived during the last rebuild are one change.
        while let Ok(more) = rx.try_recv() {
            batch.extend(more);
        }
        let changes = watch::classify(root, batch);
        if changes.rewatch {
            watcher.rewatch();
        }
        let mut reloaded = false;
        // Static files are listed at build time: a new or removed image
        // needs the list made again (their bytes are read when asked for).
        if changes.rebuild || changes.statics {
            let inputs: Vec<PathBuf> = changes.inputs.iter().cloned().collect();
            // Only the list of static files changed: listed again, nothing
            // rendered.
            let r = preview
                .apply(&inputs)
                .or_else(|| changes.statics.then(|| preview.relist()));
            if let Some(mut r) = r {
                let pages = r.snapshot.as_ref().map(|s| s.pages);
                reloaded = publish(shared, &mut r);
                if reloaded {
                    report(&r, preview.files(), pages, shared.lang);
                }
                // The search indexes and sitemap, after the reload: a
                // changed one is fetched by the next search, no reload.
                // A save already waiting goes first (they stay pending).
                if let Ok(b) = rx.try_recv() {
                    next = Some(b);
                } else if let Some(mut later) = preview.finish() {
                    if later.snapshot.is_some() {
                        later.changed = false;
                        publish(shared, &mut later);
                    }
                }
            }
        }
        if reloaded {
            // Static files are read when asked for: the reload shows them.
        } else if changes.statics {
            shared.send(Event::Reload("/".into()));
        } else if changes.css {
            css += 1;
            shared.send(Event::Css(css));
        }
        if shared.records {
            for handle in &changes.records {
                recheck(root, shared, handle);
            }
            // Programmes or calendar changed: every record's check may
            // change, and its preview page runs it again when reloaded.
            if changes.all_records && !reloaded {
                shared.send(Event::Reload(RECORDS_PATH.into()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_taken_port_moves_on() {
        let ip: IpAddr = [127, 0, 0, 1].into();
        let (first, _) = bind(ip, 0).unwrap();
        let port = first.local_addr().unwrap().port();
        let (second, moved) = bind(ip, port).unwrap();
        assert!(moved);
        assert_ne!(second.local_addr().unwrap().port(), port);
    }

    #[test]
    fn every_interface_is_browsed_as_localhost() {
        assert_eq!(
            local_url(([0, 0, 0, 0], 1111).into()),
            "http://localhost:1111"
        );
        assert_eq!(
            local_url(([127, 0, 0, 1], 1111).into()),
            "http://127.0.0.1:1111"
        );
    }
}
