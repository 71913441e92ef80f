//! CONFIG REWRITE for modules whose `loadmodule` line lives in an included file: the line is
//! replaced in that file, so the main file never gets a second copy (Redis #14404 /
//! Valkey #2678).

use std::collections::BTreeMap;

use modules_core::IncludedLine;

use super::path_of;

/// `old` with line `line` (1-based) replaced by `text` when it is a `loadmodule` line; `None`
/// when that line is something else now (the file was edited since start-up).
fn replace_line(old: &[u8], line: u32, text: &[u8]) -> Option<Vec<u8>> {
    let mut lines: Vec<&[u8]> = old.split(|&b| b == b'\n').collect();
    let at = usize::try_from(line).ok()?.checked_sub(1)?;
    let current = lines.get(at)?.trim_ascii();
    let is_loadmodule = current
        .split(|&b| b == b' ' || b == b'\t')
        .next()
        .is_some_and(|w| w.eq_ignore_ascii_case(b"loadmodule"));
    if !is_loadmodule {
        return None;
    }
    lines[at] = text;
    Some(lines.join(&b'\n'))
}

/// Writes each changed line into its included file (atomically, through a temporary file).
/// A line that no longer holds a `loadmodule` directive is left alone.
pub(crate) fn rewrite_included(lines: &[IncludedLine]) -> std::io::Result<()> {
    let mut by_file: BTreeMap<&[u8], Vec<&IncludedLine>> = BTreeMap::new();
    for l in lines {
        by_file.entry(&l.file).or_default().push(l);
    }
    for (file, lines) in by_file {
        let path = path_of(file);
        let mut text = std::fs::read(&path)?;
        for l in lines {
            if let Some(new) = replace_line(&text, l.line, &l.text) {
                text = new;
            }
        }
        let mut tmp = path.as_os_str().to_owned();
        tmp.push(format!(".tmp-{}", std::process::id()));
        std::fs::write(&tmp, &text)?;
        std::fs::rename(&tmp, &path)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::replace_line;

    #[test]
    fn only_the_loadmodule_line_is_replaced() {
        let old = b"# mods\nloadmodule /m/a.so 1\nport 1\n";
        assert_eq!(
            replace_line(old, 2, b"loadmodule /m/a.so 2").as_deref(),
            Some(&b"# mods\nloadmodule /m/a.so 2\nport 1\n"[..])
        );
        assert_eq!(replace_line(old, 3, b"loadmodule /m/a.so 2"), None);
        assert_eq!(replace_line(old, 9, b"x"), None);
        assert_eq!(replace_line(old, 0, b"x"), None);
    }
}
