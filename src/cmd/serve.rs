//! `engage serve`: parses its options and hands them to [`crate::serve`].

use std::net::IpAddr;
use std::path::Path;

use crate::cmd::{Ended, Stopped};
use crate::core::diagnostic::Diagnostics;
use crate::core::lang::Lang;
use crate::site::BuildOptions;

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Port to serve on; the next free one is used when it is taken.
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// Address to listen on. The default is only reachable from this
    /// computer; record previews are served on such an address only.
    #[arg(long, default_value = "127.0.0.1", value_name = "IP")]
    pub bind: IpAddr,
    /// Open the preview in the default browser.
    #[arg(long)]
    pub open: bool,
    /// Include pages marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// Show the calendar as on this day (YYYY-MM-DD).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<jiff::civil::Date>,
}

pub fn run(root: &Path, lang: Lang, args: &ServeArgs) -> Ended {
    let options = crate::serve::Options {
        bind: args.bind,
        port: args.port,
        open: args.open,
        build: BuildOptions {
            drafts: args.drafts,
            today: args.today,
            ..BuildOptions::default()
        },
        lang,
    };
    match crate::serve::run(root, options) {
        Ok(()) => Ok(Diagnostics::new()),
        Err(e) => {
            eprintln!("{}", e.get(lang));
            Err(Stopped::Usage)
        }
    }
}
