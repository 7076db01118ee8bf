//! The command line in French: `--help`, and the usage errors that come
//! before any command runs. clap speaks English only; when messages are in
//! French (`--lang fr`, or LANG, as for every other message), each text of
//! the parsed command is replaced from the tables below, and clap's usage
//! errors are said again in French. The English texts stay where they are
//! written, on the arguments in `cmd/`.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::Command;

use crate::core::lang::Lang;

/// What each command does, in French, by its path (`""` for engage
/// itself, `check`, `new portfolio`). Its examples are the English ones:
/// command lines, under a French heading.
const COMMANDS: &[(&str, &str)] = &[
    (
        "",
        "Site bilingue et vérification des portfolios des programmes d’engagement citoyen",
    ),
    (
        "build",
        "Construire le site public dans public/",
    ),
    (
        "check",
        "Vérifier les portfolios selon les règles de leur programme",
    ),
    (
        "new",
        "Créer un fichier depuis un modèle (le portfolio d’un·e étudiant·e)",
    ),
    (
        "new portfolio",
        "Le portfolio d’un·e étudiant·e, depuis le modèle de son programme",
    ),
    (
        "report",
        "Tableau de bord de tous les portfolios pour l’équipe (HTML privé dans report/, CSV, JSON)",
    ),
    (
        "attest",
        "Attestation et certificat Open Badges 3.0 d’un portfolio complet",
    ),
    (
        "schema",
        "Écrire les schémas JSON des fichiers de programme et des portfolios de chaque programme (data/schemas/portfolio-<id>.schema.json), pour les éditeurs",
    ),
    (
        "serve",
        "Prévisualiser le site pendant l’écriture : servi à http://127.0.0.1:1111, reconstruit et rechargé à chaque enregistrement, les erreurs affichées sur la page",
    ),
    (
        "translations",
        "Lister chaque page et chaque question de la FAQ avec l’état de sa traduction par langue (traduite, manquante, dépassée selon l’historique git)",
    ),
];

/// An argument's help in French: the command's path, the argument's id
/// (its field name) and the text.
const ARGS: &[(&str, &str, &str)] = &[
    ("", "root", "Le dossier du site (qui contient content/, data/ et themes/) ; par défaut : le dossier courant"),
    ("", "lang", "Langue des messages : fr ou en (par défaut : selon LANG, sinon le français)"),
    ("build", "drafts", "Inclure les pages marquées `draft: true`"),
    ("build", "base_url", "Utiliser cette adresse au lieu de base_url de data/site.yml (aperçus)"),
    ("build", "output", "Écrire le site ici plutôt que dans public/ sous la racine"),
    ("build", "today", "Afficher le calendrier tel qu’à ce jour (AAAA-MM-JJ), pour des constructions reproductibles"),
    ("check", "path", "Le dossier d’un portfolio (data/portfolios/<identifiant>) ou son portfolio.yml, depuis la racine, ou data/portfolios pour tous ; sans chemin, tout le dépôt : contenu du site, calendrier, pages des programmes et tous les portfolios"),
    ("check", "today", "La date de la vérification (AAAA-MM-JJ), pour des résultats reproductibles ; par défaut : aujourd’hui"),
    ("check", "format", "Format de sortie : human (diagnostics sur stderr, une ligne par portfolio sur stdout), json (un document JSON sur stdout) ou github (annotations GitHub Actions et résumé Markdown), décrits dans le README (« `engage check` reference ») ; par défaut : github si GITHUB_ACTIONS=true, sinon human"),
    ("check", "pr", "Vérifier la pull request qu’est HEAD : les fichiers changés depuis la base commune avec --base, et ce que son auteur·e peut changer"),
    ("check", "base", "La branche visée par la PR (par exemple origin/main), avec --pr"),
    ("check", "author", "L’auteur·e de la PR (identifiant GitHub), avec --pr ; par défaut : GITHUB_ACTOR"),
    ("new portfolio", "programme", "L’identifiant du programme (un fichier de data/programmes/)"),
    ("new portfolio", "handle", "L’identifiant de l’étudiant·e sur la plateforme git, qui nomme le dossier"),
    ("new portfolio", "today", "La date écrite dans le modèle (AAAA-MM-JJ) ; par défaut : aujourd’hui"),
    ("report", "format", "Ce qui est écrit : html (tableau de bord privé dans report/), csv (une ligne par étudiant·e sur stdout, pour les tableurs) ou json (tout le tableau de bord sur stdout) ; par défaut : html"),
    ("report", "today", "Le jour du rapport (AAAA-MM-JJ), pour des résultats reproductibles ; par défaut : aujourd’hui"),
    ("report", "programme", "Seulement ce programme (son identifiant, par exemple ceci)"),
    ("report", "intake", "Seulement cette cohorte (par exemple 2025-02, ou 2024-2025 pour une première année)"),
    ("report", "output", "Le dossier du tableau de bord HTML (par défaut : report/ sous la racine)"),
    ("attest", "handle", "L’identifiant de l’étudiant·e (le nom du dossier de son portfolio)"),
    ("attest", "verify", "Vérifier plutôt la preuve d’un certificat signé"),
    ("attest", "key", "Le fichier de la clé Ed25519 (64 chiffres hexadécimaux) ; sans elle, le certificat est écrit sans signature"),
    ("attest", "today", "Le jour de délivrance (AAAA-MM-JJ) ; par défaut : aujourd’hui"),
    ("attest", "output", "Le dossier où écrire (par défaut : attestations/<identifiant> sous la racine)"),
    ("schema", "output", "Écrire les schémas ici plutôt que dans data/schemas/ sous la racine"),
    ("serve", "port", "Le port ; le suivant libre est pris s’il est occupé (par défaut : 1111)"),
    ("serve", "bind", "L’adresse d’écoute. Celle par défaut (127.0.0.1) n’est joignable que depuis cet ordinateur ; les aperçus de portfolios ne sont servis que sur une telle adresse"),
    ("serve", "open", "Ouvrir l’aperçu dans le navigateur par défaut"),
    ("serve", "drafts", "Inclure les pages marquées `draft: true`"),
    ("serve", "today", "Afficher le calendrier tel qu’à ce jour (AAAA-MM-JJ)"),
    ("translations", "json", "Un document JSON sur stdout au lieu d’un tableau"),
];

/// clap's layout, with its English headings said in French ("Options"
/// and "Arguments" are French words already).
const TEMPLATE: &str =
    "{before-help}{about-with-newline}\nUtilisation : {usage}\n\n{all-args}{after-help}";

/// The language of messages as the command line asks for it, before clap
/// reads it: `--lang fr`, `--lang=en`, else LANG.
pub fn lang_of(args: &[std::ffi::OsString]) -> Lang {
    let mut words = args.iter().skip(1).filter_map(|a| a.to_str());
    while let Some(w) = words.next() {
        if w == "--" {
            break;
        }
        let value = match w.strip_prefix("--lang") {
            Some("") => words.next(),
            Some(rest) => rest.strip_prefix('='),
            None => None,
        };
        if let Some(lang) = value.and_then(|v| v.parse().ok()) {
            return lang;
        }
    }
    Lang::from_env()
}

/// `cmd` with its texts in `lang`.
pub fn localized(cmd: Command, lang: Lang) -> Command {
    match lang {
        Lang::En => cmd,
        Lang::Fr => {
            let mut cmd = french(cmd, "");
            // `engage help build`: clap adds that command when it builds
            // the others; its text is replaced once it is there.
            cmd.build();
            cmd.mut_subcommand("help", |h| {
                h.about("Afficher l’aide d’engage ou d’une de ses commandes")
                    .help_template(TEMPLATE)
            })
        }
    }
}

fn french(mut cmd: Command, path: &str) -> Command {
    if let Some((_, about)) = COMMANDS.iter().find(|(p, _)| *p == path) {
        cmd = cmd.about(*about).long_about(None);
    }
    if let Some(examples) = cmd.get_after_help().map(|h| h.to_string()) {
        cmd = cmd.after_help(examples.replacen("Examples:", "Exemples :", 1));
    }
    for (_, id, help) in ARGS.iter().filter(|(p, _, _)| *p == path) {
        cmd = cmd.mut_arg(*id, |a| {
            let takes_values = a.get_action().takes_values();
            a.help(*help)
                .long_help(None)
                .hide_default_value(takes_values)
                .hide_possible_values(takes_values)
        });
    }
    let subcommands: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in subcommands {
        let sub = if path.is_empty() {
            name.clone()
        } else {
            format!("{path} {name}")
        };
        cmd = cmd.mut_subcommand(&name, |s| french(s, &sub));
    }
    if path.is_empty() {
        cmd = cmd.disable_version_flag(true).arg(
            clap::Arg::new("version")
                .short('V')
                .long("version")
                .action(clap::ArgAction::Version)
                .help("Afficher la version"),
        );
    }
    cmd = cmd
        .help_template(TEMPLATE)
        .subcommand_help_heading(HEADINGS[0])
        .disable_help_flag(true)
        .arg(
            clap::Arg::new("help")
                .short('h')
                .long("help")
                .action(clap::ArgAction::Help)
                .help("Afficher l’aide"),
        );
    let ids: Vec<(String, bool)> = cmd
        .get_arguments()
        .map(|a| (a.get_id().to_string(), a.is_positional()))
        .collect();
    for (id, positional) in ids {
        let heading = HEADINGS[if positional { 1 } else { 2 }];
        cmd = cmd.mut_arg(id, |a| a.help_heading(heading));
    }
    cmd
}

/// The headings of commands, arguments and options: clap puts a colon
/// right after them, French typography a narrow space before it.
const HEADINGS: [&str; 3] = ["Commandes\u{202F}", "Arguments\u{202F}", "Options\u{202F}"];

/// A usage error of clap in `lang`: clap's own in English, a French
/// sentence with the same facts otherwise (and the usage line after it).
pub fn usage_error(e: &clap::Error, lang: Lang) -> Option<String> {
    if lang == Lang::En {
        return None;
    }
    let get = |k: ContextKind| match e.get(k) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join(", "),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let arg = get(ContextKind::InvalidArg);
    let value = get(ContextKind::InvalidValue);
    let sentence = match e.kind() {
        ErrorKind::UnknownArgument => format!("argument inattendu `{arg}`"),
        ErrorKind::InvalidSubcommand => format!(
            "commande inconnue `{}`",
            get(ContextKind::InvalidSubcommand)
        ),
        ErrorKind::InvalidValue if value.is_empty() => {
            format!("une valeur est attendue après {arg}")
        }
        ErrorKind::InvalidValue => {
            let valid = get(ContextKind::ValidValue);
            if valid.is_empty() {
                format!("valeur `{value}` refusée pour {arg}")
            } else {
                format!("valeur `{value}` refusée pour {arg} ; valeurs possibles : {valid}")
            }
        }
        ErrorKind::ValueValidation => {
            format!(
                "valeur `{value}` refusée pour {arg} ({})",
                expected_of(&arg, e)
            )
        }
        ErrorKind::MissingRequiredArgument => format!("argument obligatoire manquant : {arg}"),
        ErrorKind::ArgumentConflict => match get(ContextKind::PriorArg) {
            prior if prior == arg => format!("{arg} ne peut être donné qu’une fois"),
            prior => format!("{arg} ne peut pas être utilisé avec {prior}"),
        },
        ErrorKind::MissingSubcommand => "une commande est attendue".to_string(),
        ErrorKind::NoEquals => format!("{arg} attend une valeur après « = »"),
        ErrorKind::TooManyValues => format!("trop de valeurs pour {arg} : `{value}`"),
        ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => {
            format!("nombre de valeurs incorrect pour {arg}")
        }
        _ => return None,
    };
    let mut out = format!("erreur : {sentence}\n");
    // clap lists its suggestions from the least to the most likely.
    for kind in [
        ContextKind::SuggestedArg,
        ContextKind::SuggestedSubcommand,
        ContextKind::SuggestedValue,
    ] {
        let best = match e.get(kind) {
            Some(ContextValue::String(s)) => Some(s.clone()),
            Some(ContextValue::Strings(v)) => v.last().cloned(),
            _ => None,
        };
        if let Some(s) = best {
            out.push_str(&format!("\n  astuce : vouliez-vous dire `{s}` ?\n"));
        }
    }
    let usage = get(ContextKind::Usage);
    if let Some(line) = usage.strip_prefix("Usage: ") {
        out.push_str(&format!("\nUtilisation : {line}\n"));
    }
    out.push_str("\nPour en savoir plus, essayez « --help ».\n");
    Some(out)
}

/// What a refused value should have been, by the kind of value the
/// argument takes; else what its parser said (in English), which clap
/// keeps as the error's source.
fn expected_of(arg: &str, e: &clap::Error) -> String {
    let expected = if arg.contains("DATE") || arg.contains("YYYY-MM-DD") {
        "attendu : une date qui existe, écrite AAAA-MM-JJ"
    } else if arg.contains("PORT") {
        "attendu : un nombre de 1 à 65535"
    } else if arg.contains("<IP>") {
        "attendu : une adresse IP, par exemple 127.0.0.1"
    } else if arg.contains("LANG") {
        "attendu : fr ou en"
    } else {
        return std::error::Error::source(e)
            .map(|s| s.to_string())
            .unwrap_or_default();
    };
    expected.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmd::Cli;
    use clap::CommandFactory;

    fn french_cli() -> Command {
        localized(Cli::command(), Lang::Fr)
    }

    /// Every command and argument, with its path: (path, command, args).
    fn all(cmd: &Command, path: &str, out: &mut Vec<(String, Vec<String>)>) {
        let args = cmd
            .get_arguments()
            .filter(|a| !a.is_global_set() || path.is_empty())
            .map(|a| a.get_id().to_string())
            .filter(|id| id != "help" && id != "version")
            .collect();
        out.push((path.to_string(), args));
        for s in cmd.get_subcommands() {
            let sub = match path {
                "" => s.get_name().to_string(),
                _ => format!("{path} {}", s.get_name()),
            };
            all(s, &sub, out);
        }
    }

    #[test]
    fn every_command_and_argument_has_its_french_text() {
        let mut found = Vec::new();
        all(&Cli::command(), "", &mut found);
        for (path, args) in &found {
            assert!(
                COMMANDS.iter().any(|(p, _)| p == path),
                "no French text for `engage {path}`"
            );
            for id in args {
                assert!(
                    ARGS.iter().any(|(p, a, _)| p == path && a == id),
                    "no French help for `{id}` of `engage {path}`"
                );
            }
        }
        // And no text for an argument that is gone.
        for (p, a, _) in ARGS {
            assert!(
                found
                    .iter()
                    .any(|(path, args)| path == p && args.iter().any(|x| x == a)),
                "`{a}` of `engage {p}` is translated but does not exist"
            );
        }
    }

    #[test]
    fn the_french_command_line_is_well_formed() {
        // clap's own checks, which a mistake in the texts' settings trips
        // (a default hidden on a flag) only when that command is used.
        french_cli().debug_assert();
        Cli::command().debug_assert();
        let shown = french_cli()
            .try_get_matches_from(["engage", "check", "--help"])
            .unwrap_err();
        assert_eq!(shown.kind(), ErrorKind::DisplayHelp);
        let help = shown.to_string();
        assert!(help.starts_with("Vérifier les portfolios"), "{help}");
        assert!(help.contains("Utilisation : engage check"), "{help}");
        assert!(
            help.contains("Options\u{202F}:") && help.contains("Exemples :"),
            "{help}"
        );
        assert!(
            !help.contains("Usage") && !help.contains("Print help"),
            "{help}"
        );
    }

    #[test]
    fn usage_errors_are_said_in_french() {
        let said = |args: &[&str]| {
            let e = french_cli().try_get_matches_from(args).unwrap_err();
            usage_error(&e, Lang::Fr).unwrap()
        };
        let unknown = said(&["engage", "check", "--formt", "json"]);
        assert!(
            unknown.starts_with("erreur : argument inattendu `--formt`\n\n  astuce : vouliez-vous dire `--format` ?"),
            "{unknown}"
        );
        assert!(said(&["engage", "chek"]).contains("vouliez-vous dire `check` ?"));
        let date = said(&["engage", "build", "--today", "2025-02-30"]);
        assert!(
            date.starts_with("erreur : valeur `2025-02-30` refusée pour --today <YYYY-MM-DD> (attendu : une date qui existe, écrite AAAA-MM-JJ)"),
            "{date}"
        );
        let missing = said(&["engage", "new", "portfolio", "--handle", "x"]);
        assert!(
            missing.contains("argument obligatoire manquant : --programme <ID>"),
            "{missing}"
        );
        assert!(said(&["engage", "check", "--pr", "--base"])
            .starts_with("erreur : une valeur est attendue après --base <REV>"));
        let twice = said(&["engage", "build", "--output", "a", "--output", "b"]);
        assert!(
            twice.starts_with("erreur : --output <DIR> ne peut être donné qu’une fois"),
            "{twice}"
        );
        // `engage help build` shows that command's help, as in English.
        let shown = french_cli()
            .try_get_matches_from(["engage", "help", "build"])
            .unwrap_err();
        assert_eq!(shown.kind(), ErrorKind::DisplayHelp);
        assert!(shown.to_string().starts_with("Construire le site public"));
        let e = Cli::command()
            .try_get_matches_from(["engage", "chek"])
            .unwrap_err();
        assert_eq!(usage_error(&e, Lang::En), None, "English is clap's own");
    }

    #[test]
    fn the_language_is_read_before_the_arguments_are() {
        let lang = |args: &[&str]| {
            let args: Vec<std::ffi::OsString> = args.iter().map(Into::into).collect();
            lang_of(&args)
        };
        assert_eq!(lang(&["engage", "--lang", "en", "check"]), Lang::En);
        assert_eq!(lang(&["engage", "check", "--lang=en"]), Lang::En);
        assert_eq!(lang(&["engage", "--lang", "fr", "--help"]), Lang::Fr);
        // After `--`, a word is a value, not an option.
        assert_eq!(
            lang(&["engage", "--lang", "fr", "check", "--", "--lang=en"]),
            Lang::Fr
        );
    }
}
