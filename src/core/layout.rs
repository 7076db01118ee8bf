//! The repository layout: every folder and file engage reads or writes,
//! named once. Paths are relative to the site root.

/// The site configuration.
pub const CONFIG_FILE: &str = "data/site.yml";
/// Pages, as `<name>.<lang>.md`, in folders that become sections.
pub const CONTENT_DIR: &str = "content";
/// Themes, one folder each (`themes/<name>/templates`, `i18n.yml`, `static`).
pub const THEMES_DIR: &str = "themes";
/// A theme's templates, inside its folder.
pub const THEME_TEMPLATES: &str = "templates";
/// A theme's interface strings, inside its folder.
pub const THEME_STRINGS: &str = "i18n.yml";
/// A theme's static files, inside its folder.
pub const THEME_STATIC: &str = "static";
/// The site's own templates, replacing the theme's of the same name.
pub const SITE_TEMPLATES: &str = "templates";
/// The site's own static files, copied over the theme's.
pub const SITE_STATIC: &str = "static";
/// Workshop calendars, `*.yml`.
pub const CALENDAR_DIR: &str = "data/calendar";
/// Programme files, `<id>.yml`.
pub const PROGRAMMES_DIR: &str = "data/programmes";
/// Students' records, one folder per handle.
pub const PORTFOLIOS_DIR: &str = "data/portfolios";
/// The record file inside a record folder.
pub const RECORD_FILE: &str = "portfolio.yml";
/// Who may change what in a pull request.
pub const STAFF_FILE: &str = "data/staff.yml";
/// JSON Schemas for editors.
pub const SCHEMAS_DIR: &str = "data/schemas";
/// Where `engage build` writes the site by default.
pub const OUTPUT_DIR: &str = "public";

/// Whether a file name is a YAML file engage reads.
pub fn is_yaml(name: &str) -> bool {
    name.ends_with(".yml") || name.ends_with(".yaml")
}
