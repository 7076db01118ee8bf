//! `engage new portfolio --programme ID --handle HANDLE`: a commented record
//! template in data/portfolios/<handle>/portfolio.yml.

use std::path::Path;

use crate::cmd::{Ended, Stopped};
use crate::core::diagnostic::{did_you_mean, emit_human, Diagnostics, Text};
use crate::core::lang::Lang;
use crate::core::source::{Disk, Files};
use crate::core::values::Handle;
use crate::records::scaffold::{record_file, record_template};
use crate::site::BuildOptions;
use crate::workspace::{Parts, Workspace};

/// Arguments of `engage new`.
#[derive(Debug, clap::Args)]
pub struct NewArgs {
    #[command(subcommand)]
    pub what: NewCommand,
}

/// What `engage new` creates.
#[derive(Debug, clap::Subcommand)]
pub enum NewCommand {
    /// A student's record, from their programme's template.
    #[command(
        after_help = "Examples:\n  engage new portfolio --programme ceci --handle alice\n  engage --lang en new portfolio --programme escom --handle hugo"
    )]
    Portfolio(NewPortfolioArgs),
}

/// Arguments of `engage new portfolio`.
#[derive(Debug, clap::Args)]
pub struct NewPortfolioArgs {
    /// The programme's id (a file of data/programmes/).
    #[arg(long, value_name = "ID")]
    pub programme: String,
    /// The student's handle on the git hosting service, which names the folder.
    #[arg(long, value_name = "HANDLE")]
    pub handle: String,
    /// The date written in the template (YYYY-MM-DD); default: today.
    #[arg(long, value_name = "DATE")]
    pub today: Option<jiff::civil::Date>,
}

/// Writes the template; 0 written, 1 a record already exists or the
/// programme file has errors, 2 bad arguments or a write failure.
pub fn run(root: &Path, lang: Lang, args: &NewArgs) -> Ended {
    match &args.what {
        NewCommand::Portfolio(a) => portfolio(root, lang, a),
    }
}

fn portfolio(root: &Path, lang: Lang, args: &NewPortfolioArgs) -> Ended {
    let say = |t: Text| eprintln!("{}", t.get(lang));
    let Some(handle) = Handle::parse(&args.handle) else {
        say(Text::new(
            format!(
                "`{}` n’est pas un pseudo valide : lettres, chiffres et tirets simples, 39 caractères au plus",
                args.handle
            ),
            format!(
                "`{}` is not a valid handle: letters, digits and single hyphens, at most 39 characters",
                args.handle
            ),
        ));
        return Err(Stopped::Usage);
    };
    let ws = Workspace::load(
        Files::new(Disk::new(root)),
        Parts::DATA,
        &BuildOptions::default(),
    );
    let programmes = &ws.programmes;
    let ds = &ws.problems.data;
    let Some(programme) = programmes.get(&args.programme) else {
        if programmes.is_broken(&args.programme) {
            return match emit_human(&mut super::stderr(), &ws.files, ds, lang) {
                Ok(()) => Ok(ds.clone()),
                Err(_) => Err(Stopped::Usage),
            };
        }
        let known: Vec<&str> = programmes.ids().collect();
        let hint = match did_you_mean(&args.programme, known.iter().copied()) {
            Some(k) => format!(
                " ({})",
                Text::new(
                    format!("vouliez-vous dire `{k}` ?"),
                    format!("did you mean `{k}`?")
                )
                .get(lang)
            ),
            None => String::new(),
        };
        say(Text::new(
            format!(
                "programme inconnu `{}`{hint} ; programmes connus : {}",
                args.programme,
                known.join(", ")
            ),
            format!(
                "unknown programme `{}`{hint}; known programmes: {}",
                args.programme,
                known.join(", ")
            ),
        ));
        return Err(Stopped::Usage);
    };
    let rel = record_file(&handle);
    let path = root.join(&rel);
    if path.exists() {
        say(Text::new(
            format!("{} existe déjà : rien n’est écrasé", rel.display()),
            format!("{} already exists: nothing is overwritten", rel.display()),
        ));
        return Err(Stopped::Content);
    }
    let today = args.today.unwrap_or_else(|| jiff::Zoned::now().date());
    let text = record_template(programme, &handle, today, lang);
    let written = path
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| {
            // `create_new`: a record appearing meanwhile is not overwritten either.
            use std::io::Write;
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
                .and_then(|mut f| f.write_all(text.as_bytes()))
        });
    if let Err(e) = written {
        say(Text::new(
            format!("impossible d’écrire {} : {e}", rel.display()),
            format!("cannot write {}: {e}", rel.display()),
        ));
        return Err(Stopped::Usage);
    }
    println!(
        "{}",
        Text::new(
            format!("{} créé pour le programme {}", rel.display(), programme.id),
            format!(
                "{} created for the programme {}",
                rel.display(),
                programme.id
            ),
        )
        .get(lang)
    );
    if !root
        .join(super::schema::DEFAULT_DIR)
        .join(crate::records::schema::file_name(&programme.id))
        .exists()
    {
        println!(
            "{}",
            Text::new(
                "pour la complétion dans votre éditeur, lancez `engage schema`",
                "for completion in your editor, run `engage schema`",
            )
            .get(lang)
        );
    }
    Ok(Diagnostics::new())
}
