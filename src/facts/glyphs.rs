//! Text of fonts that carry no (or a partial) ToUnicode map, read the way poppler reads them:
//! glyph names (`/Differences [1 /adotbelow /uni1ED8 /ohorn]`) through the Adobe Glyph List and
//! the `uniXXXX` / `uXXXXX` conventions, and the embedded font program's own tables (a TrueType
//! `cmap` read backwards, `post` glyph names, a CFF program's charset and encoding) through
//! `ttf-parser`. Many Vietnamese PDFs made by
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
        let Ok(face) = ttf_parser::Face::parse(bytes, 0) else {
            return FontProgram::parse_cff(bytes);
        };
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

    /// A bare CFF program (`FontFile3` of a Type1C font): glyph names from its charset, codes
    /// through its own encoding.
    fn parse_cff(bytes: &[u8]) -> Option<FontProgram> {
        let cff = ttf_parser::cff::Table::parse(bytes)?;
        let mut glyph_text = HashMap::new();
        let mut by_name = HashMap::new();
        for gid in 0..cff.number_of_glyphs() {
            if let Some(name) = cff.glyph_name(ttf_parser::GlyphId(gid)) {
                by_name.entry(name.to_string()).or_insert(gid);
                if let Some(text) = name_to_text(name) {
                    glyph_text.insert(gid, text);
                }
            }
        }
        let symbol_codes = (0..=255u8).filter_map(|code| Some((code, cff.glyph_index(code)?.0))).collect();
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
/// glyph names, and the ToUnicode map over all of them. What these leave open is answered from
/// the embedded font program, loaded only when such a code is shown: most documents never need it.
pub struct SimpleFont {
    /// The base encoding (shared, built once per process).
    base: &'static [Option<char>; 256],
    /// Codes `/Differences` or the ToUnicode map say something else of (`None`: a name nobody knows).
    overrides: HashMap<u8, Option<String>>,
    /// `/Differences` names the glyph list does not know (`g123`), for the font's own names.
    unknown_names: HashMap<u8, String>,
    /// No encoding at all: a symbolic font whose `cmap` says what each code draws.
    symbolic: bool,
    /// Codes the ToUnicode map answers: nothing else is asked about them.
    mapped: [bool; 256],
}

impl SimpleFont {
    pub fn new(doc: &Document, font: &Dictionary, to_unicode: Option<&super::cmap::CodeMap>) -> SimpleFont {
        let encoding = font.get(b"Encoding").ok().and_then(|e| match e {
            Object::Reference(id) => doc.get_object(*id).ok(),
            other => Some(other),
        });
        let (base_name, differences) = match encoding {
            Some(Object::Name(name)) => (Some(name.as_slice()), None),
            Some(Object::Dictionary(dict)) => (
                dict.get(b"BaseEncoding").and_then(Object::as_name).ok(),
                dict.get(b"Differences").and_then(Object::as_array).ok(),
            ),
            _ => (None, None),
        };
        let mut overrides = HashMap::new();
        let mut unknown_names = HashMap::new();
        let mut code: i64 = 0;
        for item in differences.into_iter().flatten() {
            match item {
                Object::Integer(start) => code = *start,
                Object::Name(name) => {
                    if (0..256).contains(&code) {
                        let name = String::from_utf8_lossy(name);
                        let text = name_to_text(&name);
                        if text.is_none() {
                            unknown_names.insert(code as u8, name.into_owned());
                        }
                        overrides.insert(code as u8, text);
                    }
                    code += 1;
                }
                _ => {}
            }
        }
        let mut mapped = [false; 256];
        if let Some(map) = to_unicode {
            for (code, is_mapped) in mapped.iter_mut().enumerate() {
                if let Some(units) = map.get(code as u32, 1) {
                    overrides.insert(code as u8, Some(String::from_utf16_lossy(&units)));
                    unknown_names.remove(&(code as u8));
                    *is_mapped = true;
                }
            }
        }
        SimpleFont { base: base_table(base_name), overrides, unknown_names, symbolic: encoding.is_none(), mapped }
    }

    fn table(&self, code: u8) -> Option<String> {
        match self.overrides.get(&code) {
            Some(text) => text.clone(),
            None => self.base[code as usize].map(String::from),
        }
    }

    /// Does this code need the font program (the tables above leave it open, or the font is symbolic)?
    pub fn needs_program(&self, code: u8) -> bool {
        !self.mapped[code as usize]
            && (self.unknown_names.contains_key(&code) || self.symbolic || self.table(code).is_none())
    }

    /// The text of `code`; `program` is asked only when [`needs_program`](Self::needs_program).
    pub fn text(&self, code: u8, program: Option<&FontProgram>) -> Option<String> {
        if let Some(program) = program.filter(|_| !self.mapped[code as usize]) {
            if let Some(name) = self.unknown_names.get(&code) {
                if let Some(text) = program.named(name) {
                    return Some(text.to_string());
                }
            }
            if self.symbolic || self.table(code).is_none() {
                if let Some(text) = program.code(code) {
                    return Some(text.to_string());
                }
            }
        }
        self.table(code)
    }
}

/// WinAnsi, MacRoman, MacExpert or Standard encoding (the default), as lopdf's tables hold them:
/// read once per process through lopdf, by decoding each code of a font that names only that
/// encoding.
fn base_table(name: Option<&[u8]>) -> &'static [Option<char>; 256] {
    static TABLES: LazyLock<[[Option<char>; 256]; 4]> = LazyLock::new(|| {
        ["StandardEncoding", "WinAnsiEncoding", "MacRomanEncoding", "MacExpertEncoding"].map(|name| {
            let doc = Document::with_version("1.5");
            let probe = lopdf::dictionary! { "Type" => "Font", "Subtype" => "Type1", "Encoding" => name };
            let mut table = [None; 256];
            if let Ok(encoding) = probe.get_font_encoding(&doc) {
                for (code, slot) in table.iter_mut().enumerate() {
                    let mut out = String::new();
                    if encoding.write_to_string(&[code as u8], &mut out).is_ok() {
                        *slot = out.chars().next();
                    }
                }
            }
            table
        })
    });
    let index = match name {
        Some(b"WinAnsiEncoding") => 1,
        Some(b"MacRomanEncoding") => 2,
        Some(b"MacExpertEncoding") => 3,
        _ => 0,
    };
    &TABLES[index]
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
            "Differences" => vec![1.into(), Object::Name(b"uni1ED8".to_vec()), Object::Name(b"Itilde".to_vec()), Object::Name(b"g7".to_vec()), Object::Name(b"g8".to_vec())],
        });
        let font = dictionary! { "Type" => "Font", "Subtype" => "TrueType", "Encoding" => encoding };
        let cmap = super::super::cmap::CodeMap::parse(
            b"1 begincodespacerange <00> <FF> endcodespacerange 1 beginbfchar <03> <01B0> endbfchar",
        )
        .unwrap();
        let simple = SimpleFont::new(&doc, &font, Some(&cmap));
        let text = |code: u8| simple.text(code, None);
        assert_eq!(text(1).as_deref(), Some("Ộ"));
        assert_eq!(text(2).as_deref(), Some("Ĩ"));
        assert_eq!(text(3).as_deref(), Some("ư"), "ToUnicode over a name nothing knows");
        assert_eq!(text(b'A').as_deref(), Some("A"), "the base encoding under the differences");
        assert_eq!(text(0x80).as_deref(), Some("€"), "WinAnsi, not Standard");
        assert!(!simple.needs_program(1) && !simple.needs_program(3) && !simple.needs_program(b'A'));
        assert!(simple.needs_program(4), "g8: only the font's own names can say");
        assert_eq!(text(4), None);
    }
}
