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

/// `text` safe inside HTML text and attribute values: the five characters
/// that matter are escaped, and `/` is left readable (Tera's default
/// escaping turns it into `&#x2F;`, which makes URLs unreadable).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
