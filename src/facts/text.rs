//! Page text over the page's content operations (`content::Lexer`). Unlike lopdf's own extractor it follows Form
//! XObjects (`Do`: stamped and flattened pages keep their text there) and starts a new line when
//! the text position moves down. Bounded: nesting depth, operations and output size.

use super::annotations::annotation_appearances;
use super::cmap::CodeMap;
use super::content::{Lexer, Operand};
use super::glyphs::{FontProgram, SimpleFont};
use crate::budget::{At, BudgetHit, BudgetName};
use lopdf::{Dictionary, Document, Encoding, Object, ObjectId};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;
use std::time::Instant;

use crate::vn::legacy::{decode_tcvn3, decode_vni, Legacy};

/// Nested forms deeper than this are not followed (and cycles end here too).
const MAX_FORM_DEPTH: usize = 8;
/// Characters kept per page.
const MAX_PAGE_CHARS: usize = 1_000_000;

/// Glyphs a page must show before its decoding rate says anything.
const MIN_GLYPHS_FOR_UNREAD: usize = 20;

/// One page's text, and whether lopdf failed to decode most of the glyphs it shows.
#[derive(Debug, Default)]
pub struct PageText {
    pub text: String,
    pub unread: bool,
}

/// Reads the pages of one document; font encodings (ToUnicode maps are costly to parse) are built
/// once per font and shared by every page and form that uses it.
pub struct PageReader<'a> {
    doc: &'a Document,
    max_stream_bytes: usize,
    /// Keyed by the font dictionary's address: fonts given inline have no object id.
    fonts: HashMap<usize, Option<Rc<Font<'a>>>>,
    /// A pre-Unicode Vietnamese font was used for text (KC606).
    pub legacy: Option<Legacy>,
    /// The file's deadline: checked every few thousand operations, so that one pathological page
    /// cannot hold the run.
    deadline: Option<Instant>,
    /// The deadline passed while a page was being read: its text is cut short.
    pub timed_out: bool,
    limits: ReadLimits,
    /// Stream bytes handed to the interpreter so far, over every page of the file.
    decoded_bytes: usize,
    /// Form XObjects decoded once, however often they are drawn.
    forms: HashMap<ObjectId, Rc<[u8]>>,
    /// The budget a page went past (named, with its limit): its text is cut short.
    pub over_budget: Option<BudgetHit>,
}

/// The budgets of one file's reading (`Budget`'s fields of the same names).
#[derive(Debug, Clone, Copy)]
pub struct ReadLimits {
    pub max_decoded_bytes: usize,
    pub max_page_operations: usize,
    pub max_form_visits: usize,
}

impl ReadLimits {
    pub fn of(budget: &super::Budget) -> Self {
        ReadLimits {
            max_decoded_bytes: budget.max_decoded_bytes,
            max_page_operations: budget.max_page_operations,
            max_form_visits: budget.max_form_visits,
        }
    }
}

/// A decode refused by lopdf's size bound (rather than a broken stream, read raw).
pub(super) fn over_limit(error: &lopdf::Error) -> bool {
    matches!(error, lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. }))
}

/// Operations interpreted between two looks at the clock.
const OPERATIONS_PER_CLOCK_CHECK: usize = 4096;

/// A font as text extraction needs it.
struct Font<'a> {
    decoder: Decoder<'a>,
    /// Bytes per character code: 2 for composite (Type0) fonts, for counting the glyphs shown.
    code_bytes: usize,
    /// `.VnTime` (TCVN3; `true` for the capitals fonts `…H`) or `VNI-Times`.
    legacy: Option<(Legacy, bool)>,
    /// Codes are fixed-length (`code_bytes`): a simple font, or a composite one under Identity-H/V.
    fixed_length_codes: bool,
    /// Codes already decoded through the ToUnicode map, by code: a lookup allocates, and a
    /// document shows the same few hundred codes thousands of times.
    decoded: RefCell<HashMap<u32, Box<str>>>,
}

/// How a font's codes become text.
enum Decoder<'a> {
    /// A simple font's 256 codes (ToUnicode over `/Differences` glyph names over the base
    /// encoding), and its font program, loaded the first time a code needs it.
    Table { font: Box<SimpleFont>, program: std::cell::OnceCell<Option<FontProgram>>, load: ProgramSource<'a> },
    /// A composite font's ToUnicode map, read by `cmap`.
    ToUnicode(CodeMap),
    /// A composite Identity font without ToUnicode: CID → glyph (CIDToGIDMap) → the font
    /// program's `cmap` read backwards or its glyph names.
    Glyphs { program: FontProgram, cid_to_gid: Option<Vec<u16>> },
    /// lopdf's encoding: predefined CMaps of composite fonts.
    Lopdf(Encoding<'a>),
}

impl Font<'_> {
    fn write_text(&self, bytes: &[u8], out: &mut String) {
        let utf16 = |units: Vec<u16>| String::from_utf16_lossy(&units);
        let lookup = |code: u32, length: u8| -> Option<String> {
            match &self.decoder {
                Decoder::Table { font, program, load } => {
                    let code = u8::try_from(code).ok()?;
                    let program =
                        font.needs_program(code).then(|| program.get_or_init(|| load.load())).and_then(Option::as_ref);
                    font.text(code, program)
                }
                Decoder::ToUnicode(map) => map.get(code, length).map(utf16),
                Decoder::Glyphs { program, cid_to_gid } => {
                    let gid = match cid_to_gid {
                        Some(map) => *map.get(code as usize)?,
                        None => u16::try_from(code).ok()?,
                    };
                    program.glyph(gid).map(str::to_string)
                }
                Decoder::Lopdf(Encoding::UnicodeMapEncoding(cmap)) => cmap.get(code, length).map(utf16),
                Decoder::Lopdf(_) => None,
            }
        };
        let by_code = self.fixed_length_codes
            && !matches!(self.decoder, Decoder::Lopdf(ref e) if !matches!(e, Encoding::UnicodeMapEncoding(_)));
        if !by_code {
            if let Decoder::Lopdf(encoding) = &self.decoder {
                let _ = encoding.write_to_string(bytes, out);
            }
            return;
        }
        let mut decoded = self.decoded.borrow_mut();
        for code in bytes.chunks(self.code_bytes) {
            let value = code.iter().fold(0u32, |value, &byte| value << 8 | u32::from(byte));
            // A trailing odd byte of a two-byte font is its own (one-byte) key.
            let key = value | (code.len() as u32) << 24;
            let text = decoded.entry(key).or_insert_with(|| {
                lookup(value, code.len() as u8).unwrap_or_else(|| "\u{FFFD}".into()).into_boxed_str()
            });
            out.push_str(text);
        }
    }
}

impl<'a> PageReader<'a> {
    pub fn new(doc: &'a Document, max_stream_bytes: usize) -> Self {
        PageReader {
            doc,
            max_stream_bytes,
            fonts: HashMap::new(),
            legacy: None,
            deadline: None,
            timed_out: false,
            limits: ReadLimits::of(&super::Budget::default()),
            decoded_bytes: 0,
            forms: HashMap::new(),
            over_budget: None,
        }
    }

    pub fn with_limits(mut self, limits: ReadLimits) -> Self {
        self.limits = limits;
        self
    }

    fn exceeded(&mut self, budget: BudgetHit) {
        self.over_budget.get_or_insert(budget);
    }

    /// Stops reading (and sets `timed_out`) once `deadline` has passed.
    pub fn with_deadline(mut self, deadline: Instant) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// The text of page `number`, in content order, lines separated by `\n`.
    pub fn page_text(&mut self, number: u32, page_id: ObjectId) -> PageText {
        let doc = self.doc;
        let limit = self.max_stream_bytes;
        let mut extractor = Extractor {
            reader: self,
            page: number,
            out: String::new(),
            operations: 0,
            form_visits: 0,
            glyphs: 0,
            decoded: 0,
        };
        let resources = page_resources(doc, page_id);
        match doc.get_page_content_with_limit(page_id, limit) {
            Ok(content) => extractor.run(&content, resources, 0),
            Err(error) if over_limit(&error) => {
                let hit = BudgetHit::over(BudgetName::DecompressedBytes, limit).at(At::PageContent(number));
                extractor.reader.exceeded(hit)
            }
            Err(_) => {}
        }
        // What annotations draw on the page (filled form fields, stamps, free text), as a viewer
        // and poppler show it.
        let (appearances, over) = annotation_appearances(doc, page_id, limit);
        if let Some(over) = over {
            extractor.reader.exceeded(over);
        }
        for (appearance, own_resources) in appearances {
            extractor.newline();
            extractor.run(&appearance, own_resources.or(resources), 1);
        }
        // Most glyphs shown but few of them decoded: a font lopdf cannot map (a CMap it fails to
        // parse, an encoding it does not know). A scan shows no glyphs and is not "unread".
        let unread = extractor.glyphs >= MIN_GLYPHS_FOR_UNREAD && extractor.decoded * 2 < extractor.glyphs;
        PageText { text: extractor.out, unread }
    }

    fn font(&mut self, font: &'a Dictionary) -> Option<Rc<Font<'a>>> {
        let (doc, limit) = (self.doc, self.max_stream_bytes);
        let over = &mut self.over_budget;
        self.fonts
            .entry(font as *const Dictionary as usize)
            .or_insert_with(|| {
                let name = font.get(b"BaseFont").and_then(Object::as_name).ok();
                let legacy = name.and_then(|n| Legacy::from_font_name(&String::from_utf8_lossy(n)));
                let composite = font.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Type0".as_slice());
                let encoding = font.get(b"Encoding").ok();
                let identity = matches!(encoding.and_then(|e| e.as_name().ok()), Some(b"Identity-H" | b"Identity-V"));
                let decoder = if !composite {
                    // The PDF's order (9.10.2): ToUnicode first, then the encoding and glyph names.
                    let map = to_unicode_map(doc, font, limit, over);
                    Decoder::Table {
                        font: Box::new(SimpleFont::new(doc, font, map.as_ref())),
                        program: std::cell::OnceCell::new(),
                        load: ProgramSource { doc, font, limit },
                    }
                } else if identity {
                    match to_unicode_map(doc, font, limit, over) {
                        Some(map) => Decoder::ToUnicode(map),
                        None => composite_glyphs(doc, font, limit)?,
                    }
                } else {
                    Decoder::Lopdf(font.get_font_encoding_with_limit(doc, limit).ok()?)
                };
                Some(Rc::new(Font {
                    decoder,
                    code_bytes: if composite { 2 } else { 1 },
                    legacy,
                    fixed_length_codes: !composite || identity,
                    decoded: RefCell::new(HashMap::new()),
                }))
            })
            .clone()
    }
}

/// Where a simple font's program is, for loading it when a code first needs it.
struct ProgramSource<'a> {
    doc: &'a Document,
    font: &'a Dictionary,
    limit: usize,
}

impl ProgramSource<'_> {
    fn load(&self) -> Option<FontProgram> {
        FontProgram::of(self.doc, self.font, self.limit)
    }
}

/// A composite font without ToUnicode, through its descendant's embedded font program.
fn composite_glyphs<'a>(doc: &Document, font: &Dictionary, limit: usize) -> Option<Decoder<'a>> {
    let descendant = match font.get(b"DescendantFonts").ok()? {
        Object::Reference(id) => doc.get_object(*id).ok()?.as_array().ok()?.first()?,
        Object::Array(items) => items.first()?,
        _ => return None,
    };
    let descendant = match descendant {
        Object::Reference(id) => doc.get_dictionary(*id).ok()?,
        other => other.as_dict().ok()?,
    };
    let program = FontProgram::of(doc, descendant, limit)?;
    let cid_to_gid = match descendant.get(b"CIDToGIDMap").ok() {
        Some(Object::Reference(id)) => doc.get_object(*id).ok()?.as_stream().ok().map(|stream| {
            let bytes = stream.decompressed_content_with_limit(limit).ok().unwrap_or_else(|| stream.content.clone());
            bytes.chunks_exact(2).map(|pair| u16::from_be_bytes([pair[0], pair[1]])).collect()
        }),
        _ => None,
    };
    Some(Decoder::Glyphs { program, cid_to_gid })
}

/// The font's ToUnicode map read by `cmap`, when there is one it finds mappings in; a budget it
/// goes past is noted in `over`.
fn to_unicode_map(doc: &Document, font: &Dictionary, limit: usize, over: &mut Option<BudgetHit>) -> Option<CodeMap> {
    let stream = match font.get(b"ToUnicode").ok()? {
        Object::Reference(id) => doc.get_object(*id).ok()?.as_stream().ok()?,
        other => other.as_stream().ok()?,
    };
    let program = match stream.decompressed_content_with_limit(limit) {
        Ok(program) => program,
        Err(error) if over_limit(&error) => {
            over.get_or_insert(BudgetHit::over(BudgetName::DecompressedBytes, limit).at(At::ToUnicode));
            return None;
        }
        Err(_) => stream.content.clone(),
    };
    let map = CodeMap::parse(&program)?;
    if let Some(budget) = &map.over_budget {
        over.get_or_insert(budget.clone());
    }
    Some(map)
}

struct Extractor<'r, 'a> {
    reader: &'r mut PageReader<'a>,
    page: u32,
    out: String,
    operations: usize,
    form_visits: usize,
    /// Character codes shown, and characters decoded from them (neither control nor U+FFFD).
    glyphs: usize,
    decoded: usize,
}

fn page_resources(doc: &Document, page_id: ObjectId) -> Option<&Dictionary> {
    let (direct, referenced) = doc.get_page_resources(page_id).ok()?;
    direct.or_else(|| referenced.iter().find_map(|id| doc.get_dictionary(*id).ok()))
}

impl<'a> Extractor<'_, 'a> {
    fn deref(&self, object: &'a Object) -> Option<&'a Object> {
        match object {
            Object::Reference(id) => self.reader.doc.get_object(*id).ok(),
            other => Some(other),
        }
    }

    fn fonts(&mut self, resources: Option<&'a Dictionary>) -> BTreeMap<Vec<u8>, Rc<Font<'a>>> {
        let mut fonts = BTreeMap::new();
        let Some(font_dict) =
            resources.and_then(|r| r.get(b"Font").ok()).and_then(|f| self.deref(f)).and_then(|f| f.as_dict().ok())
        else {
            return fonts;
        };
        for (name, value) in font_dict.iter() {
            let Some(font) = self.deref(value).and_then(|f| f.as_dict().ok()) else {
                continue;
            };
            if let Some(font) = self.reader.font(font) {
                fonts.insert(name.clone(), font);
            }
        }
        fonts
    }

    /// A Form XObject's content (decoded once per file) and resources; `None` for anything else.
    fn form(&mut self, resources: Option<&'a Dictionary>, name: &[u8]) -> Option<(Rc<[u8]>, Option<&'a Dictionary>)> {
        let xobjects = resources?.get(b"XObject").ok().and_then(|x| self.deref(x))?.as_dict().ok()?;
        let reference = xobjects.get(name).ok()?;
        let stream = self.deref(reference)?.as_stream().ok()?;
        if stream.dict.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Form".as_slice()) {
            return None;
        }
        let limit = self.reader.max_stream_bytes;
        let cached = reference.as_reference().ok().and_then(|id| self.reader.forms.get(&id).cloned());
        let content = match cached {
            Some(content) => content,
            None => {
                let content: Rc<[u8]> = match stream.decompressed_content_with_limit(limit) {
                    Ok(content) => content.into(),
                    Err(error) if over_limit(&error) => {
                        let hit = BudgetHit::over(BudgetName::DecompressedBytes, limit).at(At::FormXObject);
                        self.reader.exceeded(hit);
                        return None;
                    }
                    Err(_) => stream.content.as_slice().into(),
                };
                if let Ok(id) = reference.as_reference() {
                    self.reader.forms.insert(id, content.clone());
                }
                content
            }
        };
        let own = stream.dict.get(b"Resources").ok().and_then(|r| self.deref(r)).and_then(|r| r.as_dict().ok());
        Some((content, own.or(resources)))
    }

    fn newline(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with('\n') {
            self.out.push('\n');
        }
    }

    fn run(&mut self, content: &[u8], resources: Option<&'a Dictionary>, depth: usize) {
        // Every reading counts, the same stream drawn by many pages or forms too.
        self.reader.decoded_bytes = self.reader.decoded_bytes.saturating_add(content.len());
        if self.reader.decoded_bytes > self.reader.limits.max_decoded_bytes {
            let hit = BudgetHit::over(BudgetName::DecompressedBytes, self.reader.limits.max_decoded_bytes);
            self.reader.exceeded(hit);
        }
        if self.reader.over_budget.is_some() {
            return;
        }
        let fonts = self.fonts(resources);
        let mut font: Option<&Rc<Font>> = None;
        let mut last_y: Option<f32> = None;
        let mut lexer = Lexer::new(content);
        let mut operands = Vec::new();
        while let Some(operator) = lexer.next_operation(&mut operands) {
            self.operations += 1;
            if self.operations > self.reader.limits.max_page_operations {
                let max = self.reader.limits.max_page_operations;
                self.reader.exceeded(BudgetHit::over(BudgetName::PageOperators, max).at(At::Page(self.page)));
            }
            if self.out.len() > MAX_PAGE_CHARS || self.reader.timed_out || self.reader.over_budget.is_some() {
                return;
            }
            if self.operations.is_multiple_of(OPERATIONS_PER_CLOCK_CHECK)
                && self.reader.deadline.is_some_and(|deadline| Instant::now() > deadline)
            {
                self.reader.timed_out = true;
                return;
            }
            let number = |i: usize| operands.get(i).and_then(Operand::number);
            match operator {
                b"Tf" => font = operands.first().and_then(Operand::name).and_then(|n| fonts.get(n)),
                b"Tj" | b"TJ" => self.show(font.map(|f| &**f), &operands),
                b"'" => {
                    self.newline();
                    self.show(font.map(|f| &**f), &operands);
                }
                b"\"" => {
                    self.newline();
                    self.show(font.map(|f| &**f), operands.get(2..).unwrap_or(&[]));
                }
                b"T*" | b"ET" => self.newline(),
                b"Td" | b"TD" if number(1).is_some_and(|dy| dy.abs() > 0.01) => self.newline(),
                b"Tm" => {
                    let y = number(5);
                    if let (Some(y), Some(previous)) = (y, last_y) {
                        if (y - previous).abs() > 0.01 {
                            self.newline();
                        }
                    }
                    last_y = y;
                }
                b"Do" if depth < MAX_FORM_DEPTH => {
                    let name = operands.first().and_then(Operand::name);
                    if let Some((inner, inner_resources)) = name.and_then(|n| self.form(resources, n)) {
                        self.form_visits += 1;
                        if self.form_visits > self.reader.limits.max_form_visits {
                            let max = self.reader.limits.max_form_visits;
                            self.reader.exceeded(BudgetHit::over(BudgetName::FormVisits, max));
                            return;
                        }
                        self.newline();
                        self.run(&inner, inner_resources, depth + 1);
                        self.newline();
                    }
                }
                _ => {}
            }
        }
    }

    fn show(&mut self, font: Option<&Font>, operands: &[Operand]) {
        let Some(font) = font else { return };
        for operand in operands {
            match operand {
                Operand::String(bytes) => {
                    let before = self.out.len();
                    self.show_string(font, bytes);
                    self.glyphs += bytes.len() / font.code_bytes;
                    self.decoded += self.out[before..].chars().filter(|c| !c.is_control() && *c != '\u{fffd}').count();
                }
                Operand::Array(items) => self.show(Some(font), items),
                // A large negative adjustment in TJ is a word space.
                Operand::Number(adjustment) if *adjustment < -100.0 => self.out.push(' '),
                _ => {}
            }
        }
    }

    fn show_string(&mut self, font: &Font, bytes: &[u8]) {
        if let Some((legacy, _)) = font.legacy {
            self.reader.legacy.get_or_insert(legacy);
        }
        match font.legacy {
            Some((Legacy::Tcvn3, capitals)) => self.out.push_str(&decode_tcvn3(bytes, capitals)),
            Some((Legacy::Vni, _)) => self.out.push_str(&decode_vni(bytes)),
            _ => font.write_text(bytes, &mut self.out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::{dictionary, Stream};

    /// A document holding one font whose ToUnicode map sends each `(code, hex length)` to `text`.
    fn document(subtype: &str, encoding: Option<&str>, map: &[(&str, &str)]) -> (Document, Dictionary) {
        let mut cmap = String::from(
            "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CMapName /Test def\n/CMapType 2 def\n1 begincodespacerange\n",
        );
        let width = map.first().map_or(2, |(code, _)| code.len());
        cmap +=
            &format!("<{}> <{}>\nendcodespacerange\n{} beginbfchar\n", "0".repeat(width), "F".repeat(width), map.len());
        for (code, text) in map {
            let utf16: String = text.encode_utf16().map(|u| format!("{u:04X}")).collect();
            cmap += &format!("<{code}> <{utf16}>\n");
        }
        cmap += "endbfchar\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
        let mut doc = Document::with_version("1.7");
        let to_unicode = doc.add_object(Stream::new(dictionary! {}, cmap.into_bytes()));
        let mut font = dictionary! { "Type" => "Font", "Subtype" => subtype, "ToUnicode" => to_unicode };
        if let Some(encoding) = encoding {
            font.set("Encoding", Object::Name(encoding.as_bytes().to_vec()));
        }
        (doc, font)
    }

    fn decode(doc: &Document, font: &Dictionary, bytes: &[u8]) -> String {
        let mut reader = PageReader::new(doc, 1 << 20);
        let font = reader.font(font).expect("font");
        let mut out = String::new();
        font.write_text(bytes, &mut out);
        // Twice: the second time from the memo, the same text.
        let mut again = String::new();
        font.write_text(bytes, &mut again);
        assert_eq!(out, again);
        out
    }

    #[test]
    fn one_byte_codes_through_the_to_unicode_map() {
        let (doc, font) = document("TrueType", None, &[("01", "Ỉ"), ("02", "ư"), ("03", "ffi")]);
        assert_eq!(decode(&doc, &font, b"\x01\x02\x03\x01"), "Ỉưffiỉ".replace('ỉ', "Ỉ"));
        assert_eq!(decode(&doc, &font, b"\x01\x09"), "Ỉ\u{FFFD}", "an unmapped code is a replacement character");
    }

    /// A one-page document showing `lines` lines of text in `font`.
    fn page(mut doc: Document, font: Dictionary, lines: usize) -> (Document, ObjectId) {
        use lopdf::content::{Content, Operation};
        let font_id = doc.add_object(font);
        let mut operations = vec![Operation::new("BT", vec![]), Operation::new("Tf", vec!["F1".into(), 12.into()])];
        for _ in 0..lines {
            operations.push(Operation::new("Tj", vec![Object::string_literal(vec![1u8, 2])]));
            operations.push(Operation::new("T*", vec![]));
        }
        operations.push(Operation::new("ET", vec![]));
        let content = Content { operations }.encode().unwrap();
        let content_id = doc.add_object(Stream::new(dictionary! {}, content));
        let resources = dictionary! { "Font" => dictionary! { "F1" => font_id } };
        let page_id =
            doc.add_object(dictionary! { "Type" => "Page", "Contents" => content_id, "Resources" => resources });
        (doc, page_id)
    }

    #[test]
    fn a_passed_deadline_stops_a_page_midway() {
        let (doc, font) = document("TrueType", None, &[("01", "a"), ("02", "b")]);
        let (doc, page_id) = page(doc, font, 50_000);
        let whole = PageReader::new(&doc, 1 << 26).page_text(1, page_id).text;
        assert_eq!(whole.matches("ab").count(), 50_000);
        let mut late = PageReader::new(&doc, 1 << 26).with_deadline(Instant::now());
        let cut = late.page_text(1, page_id).text;
        assert!(late.timed_out, "the deadline was noticed");
        assert!(cut.len() < whole.len() / 10, "stopped within a few thousand operations: {} chars", cut.len());
    }

    #[test]
    fn two_byte_codes_of_an_identity_font() {
        let (doc, font) = document("Type0", Some("Identity-H"), &[("0102", "Đ"), ("0001", "ấ")]);
        assert_eq!(decode(&doc, &font, b"\x01\x02\x00\x01"), "Đấ");
        assert!(decode(&doc, &font, b"\x01\x02\x01").starts_with('Đ'), "a dangling byte does not lose the rest");
    }
}
