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
/// that matter are escaped, and `/` is left readable (Tera 1's escaping
/// turned it into `&#x2F;`, which makes URLs unreadable).
pub fn escape(text: &str) -> String {
    let mut out = Vec::with_capacity(text.len() + 8);
    // Writing to a Vec cannot fail.
    let _ = escape_to(text, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// [`escape`] into a writer: the theme's autoescape (Tera 2's own writes
/// byte by byte through `dyn Write`, 7% of a build's instructions).
pub fn escape_to(text: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    // Runs without a character to escape are copied whole: text is mostly
    // such runs.
    let bytes = text.as_bytes();
    let mut from = 0;
    for (i, b) in bytes.iter().enumerate() {
        let entity: &[u8] = match b {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' => b"&quot;",
            b'\'' => b"&#39;",
            _ => continue,
        };
        out.write_all(&bytes[from..i])?;
        out.write_all(entity)?;
        from = i + 1;
    }
    out.write_all(&bytes[from..])
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn the_autoescape_writes_what_tera_would() {
        // Ours replaces tera's for speed only: same bytes for any text.
        let mut all: String = (0u8..128).map(char::from).collect();
        all.push_str("é«»’ &amp; <&>\"'/");
        for end in 0..all.len() {
            let Some(text) = all.get(..end) else { continue };
            let mut ours = Vec::new();
            let mut theirs = Vec::new();
            super::escape_to(text, &mut ours).unwrap();
            tera::escape_html(text, &mut theirs).unwrap();
            assert_eq!(ours, theirs, "{text:?}");
        }
    }

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
