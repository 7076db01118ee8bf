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
    // Runs without a character to escape are copied whole: text is mostly
    // such runs.
    let mut from = 0;
    for (i, b) in text.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&text[from..i]);
        out.push_str(entity);
        from = i + 1;
    }
    out.push_str(&text[from..]);
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn the_five_characters_are_escaped_and_the_rest_kept() {
        assert_eq!(
            escape("<a href=\"/x?a=1&b='2'\">é</a>"),
            "&lt;a href=&quot;/x?a=1&amp;b=&#39;2&#39;&quot;&gt;é&lt;/a&gt;"
        );
        assert_eq!(escape(""), "");
        assert_eq!(escape("plain / text"), "plain / text");
    }
}
