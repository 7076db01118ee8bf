//! What the core knows of HTML: how to embed data in a page safely.

/// JSON for a `<script>` element: `<`, `>` and `&` escaped so that no text
/// of a page can close the script early.
pub fn script_safe_json(value: &serde_json::Value) -> String {
    serde_json::to_string(value)
        .unwrap_or_default()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}
