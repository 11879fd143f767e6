//! Entry names of a zip: decoded (UTF-8, or the Windows code page a name was written in) and
//! judged safe to place inside the archive's folder, or not.
//!
//! Windows' "Send to → Compressed folder" writes names without the UTF-8 flag, in the OEM code
//! page: windows-1258 on Vietnamese Windows, whose letters carry their tones as separate combining
//! marks (decomposed: NFC makes them one character again); cp437 on most other systems. A name
//! that is not UTF-8 is read as 1258 unless it holds bytes 1258 does not define, or cp437 reads
//! more of it as Latin letters.

use unicode_normalization::UnicodeNormalization;

/// An entry name as text, in NFC.
pub fn decode(raw: &[u8], utf8_flag: bool) -> String {
    let text = match std::str::from_utf8(raw) {
        Ok(text) => text.to_string(),
        Err(_) if utf8_flag => String::from_utf8_lossy(raw).into_owned(),
        Err(_) => legacy(raw),
    };
    text.nfc().collect()
}

/// A name without the UTF-8 flag: windows-1258 or cp437, whichever reads as more Latin letters.
fn legacy(raw: &[u8]) -> String {
    let (vietnamese, _, _) = encoding_rs::WINDOWS_1258.decode(raw);
    let vietnamese: String = vietnamese.nfc().collect();
    let dos: String = raw.iter().map(|&b| cp437(b)).collect::<String>().nfc().collect();
    // Bytes 1258 leaves undefined decode to C1 controls: not a 1258 name.
    let undefined = vietnamese.chars().any(|c| ('\u{80}'..='\u{9f}').contains(&c));
    if undefined || latin_letters(&dos) > latin_letters(&vietnamese) {
        dos
    } else {
        vietnamese
    }
}

/// Letters beyond ASCII in the Latin blocks (Vietnamese letters with their tones among them).
fn latin_letters(text: &str) -> usize {
    text.chars()
        .filter(|&c| {
            matches!(c, '\u{c0}'..='\u{24f}' | '\u{1e00}'..='\u{1eff}')
                && c != '\u{d7}'
                && c != '\u{f7}'
                && c.is_alphabetic()
        })
        .count()
}

/// IBM code page 437, the upper half (the lower half is ASCII).
fn cp437(byte: u8) -> char {
    const HIGH: [char; 128] = [
        'Ç', 'ü', 'é', 'â', 'ä', 'à', 'å', 'ç', 'ê', 'ë', 'è', 'ï', 'î', 'ì', 'Ä', 'Å', //
        'É', 'æ', 'Æ', 'ô', 'ö', 'ò', 'û', 'ù', 'ÿ', 'Ö', 'Ü', '¢', '£', '¥', '₧', 'ƒ', //
        'á', 'í', 'ó', 'ú', 'ñ', 'Ñ', 'ª', 'º', '¿', '⌐', '¬', '½', '¼', '¡', '«', '»', //
        '░', '▒', '▓', '│', '┤', '╡', '╢', '╖', '╕', '╣', '║', '╗', '╝', '╜', '╛', '┐', //
        '└', '┴', '┬', '├', '─', '┼', '╞', '╟', '╚', '╔', '╩', '╦', '╠', '═', '╬', '╧', //
        '╨', '╤', '╥', '╙', '╘', '╒', '╓', '╫', '╪', '┘', '┌', '█', '▄', '▌', '▐', '▀', //
        'α', 'ß', 'Γ', 'π', 'Σ', 'σ', 'µ', 'τ', 'Φ', 'Θ', 'Ω', 'δ', '∞', 'φ', 'ε', '∩', //
        '≡', '±', '≥', '≤', '⌠', '⌡', '÷', '≈', '°', '∙', '·', '√', 'ⁿ', '²', '■', '\u{a0}',
    ];
    if byte < 0x80 {
        byte as char
    } else {
        HIGH[usize::from(byte - 0x80)]
    }
}

/// Where a decoded name places its entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placed {
    /// Inside the archive's folder: its parts, without `.` and empty ones.
    Inside(Vec<String>),
    /// It would land outside the archive's folder, or nowhere a folder can hold: never read.
    Escapes(&'static str),
}

/// Places a name inside the archive's folder, or says how it leaves it: `../` climbing above the
/// top, an absolute path, a drive letter (`C:`), a `\` used as a separator, a NUL byte.
pub fn place(name: &str) -> Placed {
    if name.contains('\0') {
        return Placed::Escapes("NUL");
    }
    if name.contains('\\') {
        return Placed::Escapes("\\");
    }
    if name.starts_with('/') {
        return Placed::Escapes("/");
    }
    let first = name.split('/').next().unwrap_or_default();
    if first.len() >= 2 && first.as_bytes()[1] == b':' && first.as_bytes()[0].is_ascii_alphabetic() {
        return Placed::Escapes("C:");
    }
    let mut parts: Vec<String> = Vec::new();
    for part in name.split('/') {
        match part {
            "" | "." => {}
            // Any `..` is refused, even one that stays inside: no honest zipper writes one.
            ".." => return Placed::Escapes(".."),
            part => parts.push(part.to_string()),
        }
    }
    Placed::Inside(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_windows_names_are_read_and_composed() {
        // "Kế hoạch.pdf" as Vietnamese Windows writes it: ê, then the acute tone as its own byte;
        // a, then the dot below as its own byte.
        let raw = b"K\xea\xec ho\x61\xf2ch.pdf";
        assert_eq!(decode(raw, false), "Kế hoạch.pdf");
        assert_eq!(decode("Kế hoạch.pdf".as_bytes(), false), "Kế hoạch.pdf");
        // NFD written as UTF-8 (a Mac's zipper) comes out NFC.
        let nfd: String = "Kế hoạch.pdf".nfd().collect();
        assert_eq!(decode(nfd.as_bytes(), true), "Kế hoạch.pdf");
    }

    #[test]
    fn cp437_names_are_read_when_1258_does_not_fit() {
        // "Báo cáo.pdf" from a US Windows: á is 0xA0 in cp437 (a no-break space in 1258).
        assert_eq!(decode(b"B\xa0o c\xa0o.pdf", false), "Báo cáo.pdf");
        // 0x81 is undefined in 1258: ü in cp437.
        assert_eq!(decode(b"M\x81ller.pdf", false), "Müller.pdf");
    }

    #[test]
    fn names_that_leave_the_folder_are_refused() {
        for (name, how) in [
            ("../evil.pdf", ".."),
            ("a/../../evil.pdf", ".."),
            ("/abs.pdf", "/"),
            ("C:\\x.pdf", "\\"),
            ("C:/x.pdf", "C:"),
            ("a\\..\\b.pdf", "\\"),
            ("a\0b.pdf", "NUL"),
        ] {
            assert_eq!(place(name), Placed::Escapes(how), "{name}");
        }
        assert_eq!(
            place("so-khcn/./1.1//kh.pdf"),
            Placed::Inside(vec!["so-khcn".into(), "1.1".into(), "kh.pdf".into()])
        );
        assert_eq!(place("1.1 - Kế hoạch/kh.pdf"), Placed::Inside(vec!["1.1 - Kế hoạch".into(), "kh.pdf".into()]));
    }
}
