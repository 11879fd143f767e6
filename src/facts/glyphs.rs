//! Text of fonts that carry no (or a partial) ToUnicode map, read the way poppler reads them:
//! glyph names (`/Differences [1 /adotbelow /uni1ED8 /ohorn]`) through the Adobe Glyph List and
//! the `uniXXXX` / `uXXXXX` conventions, and the embedded font program's own tables (a TrueType
//! `cmap` read backwards, `post` glyph names) through `ttf-parser`. Many Vietnamese PDFs made by
//! Ghostscript, iText or old printer drivers are only readable this way.

use lopdf::{Dictionary, Document, Object};
use std::collections::HashMap;
use std::sync::LazyLock;

/// The Adobe Glyph List (`fixtures/agl`: Adobe's file, BSD licence), by glyph name.
static AGL: LazyLock<HashMap<&'static str, String>> = LazyLock::new(|| {
    include_str!("../../fixtures/agl/glyphlist.txt")
        .lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| {
            let (name, codes) = line.split_once(';')?;
            let text: Option<String> = codes
                .split_whitespace()
                .map(|hex| u32::from_str_radix(hex, 16).ok().and_then(char::from_u32))
                .collect();
            Some((name, text?))
        })
        .collect()
});

/// The text a glyph name stands for (AGL specification §2): a suffix after `.` is dropped,
/// components joined by `_` are read one by one, each through the list, `uniXXXX[XXXX…]` or
/// `uXXXX[XX]`.
pub fn name_to_text(name: &str) -> Option<String> {
    let base = name.split('.').next().unwrap_or(name);
    if base.is_empty() {
        return None;
    }
    base.split('_').map(component).collect()
}

fn component(name: &str) -> Option<String> {
    if let Some(text) = AGL.get(name) {
        return Some(text.clone());
    }
    let scalar = |hex: &str| u32::from_str_radix(hex, 16).ok().filter(|v| !(0xD800..=0xDFFF).contains(v));
    if let Some(hex) = name.strip_prefix("uni").filter(|h| !h.is_empty() && h.len() % 4 == 0) {
        if hex.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_lowercase()) {
            return (0..hex.len()).step_by(4).map(|i| scalar(&hex[i..i + 4]).and_then(char::from_u32)).collect();
        }
    }
    if let Some(hex) = name.strip_prefix('u').filter(|h| (4..=6).contains(&h.len())) {
        if hex.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_lowercase()) {
            return scalar(hex).and_then(char::from_u32).map(String::from);
        }
    }
    None
}

/// An embedded TrueType/OpenType program's glyphs as text: each glyph id with the character the
/// font's Unicode `cmap` maps to it, else its `post` name read as a glyph name; and, for simple
/// fonts, codes through a symbolic (3,0) or Macintosh (1,0) `cmap`.
pub struct FontProgram {
    glyph_text: HashMap<u16, String>,
    by_name: HashMap<String, u16>,
    symbol_codes: HashMap<u8, u16>,
}

impl FontProgram {
    /// The font program of a font (or of its descendant), when it is TrueType/OpenType.
    pub fn of(doc: &Document, font: &Dictionary, limit: usize) -> Option<FontProgram> {
        let descriptor = deref_dict(doc, font.get(b"FontDescriptor").ok()?)?;
        let stream = ["FontFile2", "FontFile3"].iter().find_map(|key| descriptor.get(key.as_bytes()).ok()).and_then(
            |object| match object {
                Object::Reference(id) => doc.get_object(*id).ok()?.as_stream().ok(),
                other => other.as_stream().ok(),
            },
        )?;
        let bytes = if stream.dict.get(b"Filter").is_ok() {
            stream.decompressed_content_with_limit(limit).ok()?
        } else {
            stream.content.clone()
        };
        FontProgram::parse(&bytes)
    }

    pub fn parse(bytes: &[u8]) -> Option<FontProgram> {
        let face = ttf_parser::Face::parse(bytes, 0).ok()?;
        let mut glyph_text = HashMap::new();
        let mut symbol_codes = HashMap::new();
        if let Some(cmap) = face.tables().cmap {
            for subtable in cmap.subtables {
                if subtable.is_unicode() {
                    subtable.codepoints(|code| {
                        if let (Some(gid), Some(c)) = (subtable.glyph_index(code), char::from_u32(code)) {
                            // Private-use code points say nothing; keep the first real one.
                            if !(0xE000..=0xF8FF).contains(&code) {
                                glyph_text.entry(gid.0).or_insert_with(|| c.to_string());
                            }
                        }
                    });
                }
                let symbolic = matches!(subtable.platform_id, ttf_parser::PlatformId::Windows)
                    && subtable.encoding_id == 0
                    || matches!(subtable.platform_id, ttf_parser::PlatformId::Macintosh);
                if symbolic {
                    for code in 0..=255u8 {
                        let found = subtable
                            .glyph_index(0xF000 + u32::from(code))
                            .or_else(|| subtable.glyph_index(u32::from(code)));
                        if let Some(gid) = found {
                            symbol_codes.entry(code).or_insert(gid.0);
                        }
                    }
                }
            }
        }
        let mut by_name = HashMap::new();
        for gid in 0..face.number_of_glyphs() {
            if let Some(name) = face.glyph_name(ttf_parser::GlyphId(gid)) {
                by_name.entry(name.to_string()).or_insert(gid);
                if let (std::collections::hash_map::Entry::Vacant(slot), Some(text)) =
                    (glyph_text.entry(gid), name_to_text(name))
                {
                    slot.insert(text);
                }
            }
        }
        Some(FontProgram { glyph_text, by_name, symbol_codes })
    }

    pub fn glyph(&self, gid: u16) -> Option<&str> {
        self.glyph_text.get(&gid).map(String::as_str)
    }

    /// A name the glyph list does not know (`g123`, `glyph45`), through the font's own names.
    pub fn named(&self, name: &str) -> Option<&str> {
        self.by_name.get(name).and_then(|gid| self.glyph(*gid))
    }

    /// A simple font's code with no encoding of its own: the symbolic `cmap`.
    pub fn code(&self, code: u8) -> Option<&str> {
        self.symbol_codes.get(&code).and_then(|gid| self.glyph(*gid))
    }
}

fn deref_dict<'a>(doc: &'a Document, object: &'a Object) -> Option<&'a Dictionary> {
    match object {
        Object::Reference(id) => doc.get_dictionary(*id).ok(),
        other => other.as_dict().ok(),
    }
}

/// A simple font's 256 codes as text: its base encoding (lopdf's tables), `/Differences` through
/// glyph names (and the font's own names when the list does not know one), a symbolic TrueType
/// font's `cmap` when it has no encoding, and the ToUnicode map over all of them.
pub fn simple_font_table(
    doc: &Document,
    font: &Dictionary,
    to_unicode: Option<&super::cmap::CodeMap>,
    limit: usize,
) -> Vec<Option<String>> {
    let encoding = font.get(b"Encoding").ok().and_then(|e| match e {
        Object::Reference(id) => doc.get_object(*id).ok(),
        other => Some(other),
    });
    let (base_name, differences) = match encoding {
        Some(Object::Name(name)) => (Some(name.clone()), None),
        Some(Object::Dictionary(dict)) => (
            dict.get(b"BaseEncoding").and_then(Object::as_name).ok().map(<[u8]>::to_vec),
            dict.get(b"Differences").and_then(Object::as_array).ok(),
        ),
        _ => (None, None),
    };
    let program = FontProgram::of(doc, font, limit);
    let mut table = base_table(doc, base_name.as_deref());
    if let Some(program) = &program {
        // A symbolic TrueType font with no encoding: its own cmap says what each code draws; with
        // one, the codes the encoding leaves empty (a re-encoded subset puts glyphs there).
        for (code, slot) in table.iter_mut().enumerate() {
            if base_name.is_none() || slot.is_none() {
                if let Some(text) = program.code(code as u8) {
                    *slot = Some(text.to_string());
                }
            }
        }
    }
    if let Some(differences) = differences {
        let mut code: i64 = 0;
        for item in differences {
            match item {
                Object::Integer(start) => code = *start,
                Object::Name(name) => {
                    if (0..256).contains(&code) {
                        let name = String::from_utf8_lossy(name);
                        let text = name_to_text(&name)
                            .or_else(|| program.as_ref().and_then(|p| p.named(&name)).map(str::to_string));
                        table[code as usize] = text;
                    }
                    code += 1;
                }
                _ => {}
            }
        }
    }
    if let Some(map) = to_unicode {
        for (code, slot) in table.iter_mut().enumerate() {
            if let Some(units) = map.get(code as u32, 1) {
                *slot = Some(String::from_utf16_lossy(&units));
            }
        }
    }
    table
}

/// WinAnsi, MacRoman, MacExpert or Standard encoding, as lopdf's tables hold them: read through
/// lopdf by decoding each code of a font dictionary that names only that encoding.
fn base_table(doc: &Document, name: Option<&[u8]>) -> Vec<Option<String>> {
    let mut probe = lopdf::dictionary! { "Type" => "Font", "Subtype" => "Type1" };
    if let Some(name) = name {
        probe.set("Encoding", Object::Name(name.to_vec()));
    }
    let Ok(encoding) = probe.get_font_encoding(doc) else { return vec![None; 256] };
    (0..=255u8)
        .map(|code| {
            let mut out = String::new();
            encoding.write_to_string(&[code], &mut out).ok()?;
            (!out.is_empty()).then_some(out)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::dictionary;

    #[test]
    fn glyph_names_as_the_specification_reads_them() {
        assert_eq!(name_to_text("adotbelow").as_deref(), Some("ạ"));
        assert_eq!(name_to_text("ohorn").as_deref(), Some("ơ"));
        assert_eq!(name_to_text("ocircumflextilde").as_deref(), Some("ỗ"));
        assert_eq!(name_to_text("dcroat").as_deref(), Some("đ"));
        assert_eq!(name_to_text("uni1ED8").as_deref(), Some("Ộ"));
        assert_eq!(name_to_text("uni00410301").as_deref(), Some("A\u{301}"));
        assert_eq!(name_to_text("u1EA0").as_deref(), Some("Ạ"));
        assert_eq!(name_to_text("a.sc").as_deref(), Some("a"));
        assert_eq!(name_to_text("f_i").as_deref(), Some("fi"));
        assert_eq!(name_to_text("afii10017").as_deref(), Some("А"));
        for unknown in ["g123", "uni1ed8", "uniD800", "", ".notdef", "glyph45"] {
            assert_eq!(name_to_text(unknown), None, "{unknown}");
        }
    }

    #[test]
    fn differences_over_a_base_encoding_and_a_partial_to_unicode() {
        let mut doc = Document::with_version("1.5");
        let encoding = doc.add_object(dictionary! {
            "Type" => "Encoding", "BaseEncoding" => "WinAnsiEncoding",
            "Differences" => vec![1.into(), Object::Name(b"uni1ED8".to_vec()), Object::Name(b"Itilde".to_vec()), Object::Name(b"g7".to_vec())],
        });
        let font = dictionary! { "Type" => "Font", "Subtype" => "TrueType", "Encoding" => encoding };
        let cmap = super::super::cmap::CodeMap::parse(
            b"1 begincodespacerange <00> <FF> endcodespacerange 1 beginbfchar <03> <01B0> endbfchar",
        )
        .unwrap();
        let table = simple_font_table(&doc, &font, Some(&cmap), 1 << 20);
        assert_eq!(table[1].as_deref(), Some("Ộ"));
        assert_eq!(table[2].as_deref(), Some("Ĩ"));
        assert_eq!(table[3].as_deref(), Some("ư"), "ToUnicode over a name nothing knows");
        assert_eq!(table[b'A' as usize].as_deref(), Some("A"), "the base encoding under the differences");
        assert_eq!(table[0x80].as_deref(), Some("€"), "WinAnsi, not Standard");
    }
}
