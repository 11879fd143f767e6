//! Page text over lopdf's content operations. Unlike lopdf's own extractor it follows Form
//! XObjects (`Do`: stamped and flattened pages keep their text there) and starts a new line when
//! the text position moves down. Bounded: nesting depth, operations and output size.

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Encoding, Object, ObjectId};
use std::collections::BTreeMap;

/// Nested forms deeper than this are not followed (and cycles end here too).
const MAX_FORM_DEPTH: usize = 8;
/// Content operations interpreted per page, over all forms.
const MAX_OPERATIONS: usize = 2_000_000;
/// Characters kept per page.
const MAX_PAGE_CHARS: usize = 1_000_000;

struct Extractor<'a> {
    doc: &'a Document,
    max_stream_bytes: usize,
    out: String,
    operations: usize,
}

/// The text of one page, in content order, lines separated by `\n`.
pub fn page_text(doc: &Document, page_id: ObjectId, max_stream_bytes: usize) -> String {
    let mut extractor = Extractor { doc, max_stream_bytes, out: String::new(), operations: 0 };
    let resources = page_resources(doc, page_id);
    if let Ok(content) = doc.get_page_content_with_limit(page_id, max_stream_bytes) {
        extractor.run(&content, resources, 0);
    }
    extractor.out
}

fn page_resources(doc: &Document, page_id: ObjectId) -> Option<&Dictionary> {
    let (direct, referenced) = doc.get_page_resources(page_id).ok()?;
    direct.or_else(|| referenced.iter().find_map(|id| doc.get_dictionary(*id).ok()))
}

impl<'a> Extractor<'a> {
    fn deref(&self, object: &'a Object) -> Option<&'a Object> {
        match object {
            Object::Reference(id) => self.doc.get_object(*id).ok(),
            other => Some(other),
        }
    }

    fn fonts(&self, resources: Option<&'a Dictionary>) -> BTreeMap<Vec<u8>, Encoding<'a>> {
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
            if let Ok(encoding) = font.get_font_encoding_with_limit(self.doc, self.max_stream_bytes) {
                fonts.insert(name.clone(), encoding);
            }
        }
        fonts
    }

    fn form(&self, resources: Option<&'a Dictionary>, name: &[u8]) -> Option<(Vec<u8>, Option<&'a Dictionary>)> {
        let xobjects = resources?.get(b"XObject").ok().and_then(|x| self.deref(x))?.as_dict().ok()?;
        let stream = self.deref(xobjects.get(name).ok()?)?.as_stream().ok()?;
        if stream.dict.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Form".as_slice()) {
            return None;
        }
        let content =
            stream.decompressed_content_with_limit(self.max_stream_bytes).unwrap_or_else(|_| stream.content.clone());
        let own = stream.dict.get(b"Resources").ok().and_then(|r| self.deref(r)).and_then(|r| r.as_dict().ok());
        Some((content, own.or(resources)))
    }

    fn newline(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with('\n') {
            self.out.push('\n');
        }
    }

    fn run(&mut self, content: &[u8], resources: Option<&'a Dictionary>, depth: usize) {
        let Ok(content) = Content::decode(content) else {
            return;
        };
        let fonts = self.fonts(resources);
        let mut encoding: Option<&Encoding> = None;
        let mut last_y: Option<f32> = None;
        for op in &content.operations {
            self.operations += 1;
            if self.operations > MAX_OPERATIONS || self.out.len() > MAX_PAGE_CHARS {
                return;
            }
            let number = |i: usize| op.operands.get(i).and_then(|o| o.as_float().ok());
            match op.operator.as_str() {
                "Tf" => encoding = op.operands.first().and_then(|o| o.as_name().ok()).and_then(|n| fonts.get(n)),
                "Tj" | "TJ" => self.show(encoding, &op.operands),
                "'" => {
                    self.newline();
                    self.show(encoding, &op.operands);
                }
                "\"" => {
                    self.newline();
                    self.show(encoding, op.operands.get(2..).unwrap_or(&[]));
                }
                "T*" | "ET" => self.newline(),
                "Td" | "TD" if number(1).is_some_and(|dy| dy.abs() > 0.01) => self.newline(),
                "Tm" => {
                    let y = number(5);
                    if let (Some(y), Some(previous)) = (y, last_y) {
                        if (y - previous).abs() > 0.01 {
                            self.newline();
                        }
                    }
                    last_y = y;
                }
                "Do" if depth < MAX_FORM_DEPTH => {
                    let name = op.operands.first().and_then(|o| o.as_name().ok());
                    if let Some((inner, inner_resources)) = name.and_then(|n| self.form(resources, n)) {
                        self.newline();
                        self.run(&inner, inner_resources, depth + 1);
                        self.newline();
                    }
                }
                _ => {}
            }
        }
    }

    fn show(&mut self, encoding: Option<&Encoding>, operands: &[Object]) {
        let Some(encoding) = encoding else { return };
        for operand in operands {
            match operand {
                Object::String(bytes, _) => {
                    let _ = encoding.write_to_string(bytes, &mut self.out);
                }
                Object::Array(items) => self.show(Some(encoding), items),
                // A large negative adjustment in TJ is a word space.
                Object::Integer(i) if *i < -100 => self.out.push(' '),
                Object::Real(r) if *r < -100.0 => self.out.push(' '),
                _ => {}
            }
        }
    }
}
