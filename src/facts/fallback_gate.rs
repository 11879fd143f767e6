//! What pdf-extract may be given. It reads a document with no bound of its own: it follows Form
//! XObjects recursively without a depth limit (a form that draws itself overflows its thread's
//! stack and aborts the whole process, which no `catch_unwind` contains), draws a form as often as
//! it is drawn (fan-out), expands every ToUnicode range code by code, and decompresses every stream
//! whole. So before the fallback runs, the same graph is walked here, bounded: the depth of nested
//! forms (cycles included), the draws per page, the codes a CMap spans and the bytes streams inflate
//! to, and the /Parent chain it climbs for a page's inherited attributes. A document over any of
//! these is over budget, the budget named.

use super::cmap::CodeMap;
use super::content::Lexer;
use crate::budget::{At, BudgetHit, BudgetName};
use lopdf::{Dictionary, Document, Object, ObjectId};
use std::collections::{BTreeMap, HashMap};

/// Forms nested deeper than this are not handed to pdf-extract; its thread's stack is sized for it.
pub const MAX_FORM_DEPTH: usize = 32;
/// Parent hops above a page: real page trees are a few levels deep; a longer chain is a loop.
pub const MAX_PAGE_TREE_DEPTH: usize = 64;
/// The fallback thread's stack: generous for `MAX_FORM_DEPTH` levels of pdf-extract's recursion
/// (a few kilobytes each) and lopdf's nested-object parser (100 levels). Reserved, not committed.
pub const FALLBACK_STACK_BYTES: usize = 256 << 20;

/// The limits the walk applies.
pub struct GateLimits {
    pub max_stream_bytes: usize,
    pub max_decoded_bytes: usize,
    pub max_form_visits: usize,
}

/// Why pdf-extract may not read this document (a budget, named), or `None` when it may.
pub fn refusal(doc: &Document, pages: &BTreeMap<u32, ObjectId>, limits: &GateLimits) -> Option<BudgetHit> {
    let mut walk =
        Walk { doc, limits, decoded_bytes: 0, memo: HashMap::new(), path: Vec::new(), resources_seen: HashMap::new() };
    walk.streams()
        .err()
        .or_else(|| walk.to_unicode_maps().err())
        .or_else(|| pages.values().find_map(|&page_id| walk.parent_chain(page_id).err()))
        .or_else(|| pages.values().find_map(|&page_id| walk.page(page_id).err()))
}

/// A form with the resources it is drawn with (a form without its own inherits its caller's).
type FormKey = (ObjectId, usize);

struct Walk<'a> {
    doc: &'a Document,
    limits: &'a GateLimits,
    decoded_bytes: usize,
    /// Per form already walked: (draws within it, itself included; nesting below it).
    memo: HashMap<FormKey, (usize, usize)>,
    /// The forms being walked, outermost first: one met again is a cycle.
    path: Vec<FormKey>,
    /// Resources dictionaries by address, for the forms that inherit them.
    resources_seen: HashMap<usize, &'a Dictionary>,
}

impl<'a> Walk<'a> {
    /// Every stream inflates within the stream budget, and all of them within the file's.
    fn streams(&mut self) -> Result<(), BudgetHit> {
        for (id, object) in &self.doc.objects {
            let Ok(stream) = object.as_stream() else { continue };
            if stream.dict.get(b"Filter").is_err() {
                continue;
            }
            let decoded = stream.decompressed_content_with_limit(self.limits.max_stream_bytes).map_err(|_| {
                BudgetHit::over(BudgetName::DecompressedBytes, self.limits.max_stream_bytes).at(At::Stream(id.0, id.1))
            })?;
            self.count(decoded.len())?;
        }
        Ok(())
    }

    fn count(&mut self, bytes: usize) -> Result<(), BudgetHit> {
        self.decoded_bytes += bytes;
        if self.decoded_bytes > self.limits.max_decoded_bytes {
            return Err(BudgetHit::over(BudgetName::DecompressedBytes, self.limits.max_decoded_bytes));
        }
        Ok(())
    }

    /// pdf-extract builds a table entry per code of every ToUnicode range.
    fn to_unicode_maps(&self) -> Result<(), BudgetHit> {
        for object in self.doc.objects.values() {
            let Ok(font) = object.as_dict() else { continue };
            let Some(stream) = font.get(b"ToUnicode").ok().and_then(|o| self.deref(o)).and_then(|o| o.as_stream().ok())
            else {
                continue;
            };
            let Ok(program) = stream.decompressed_content_with_limit(self.limits.max_stream_bytes) else { continue };
            if let Some(over) = CodeMap::parse(&program).and_then(|map| map.over_budget) {
                return Err(over);
            }
        }
        Ok(())
    }

    fn deref(&self, object: &'a Object) -> Option<&'a Object> {
        match object {
            Object::Reference(id) => self.doc.get_object(*id).ok(),
            other => Some(other),
        }
    }

    /// pdf-extract looks a page's MediaBox up the /Parent chain with no guard: a chain that loops
    /// (found by the fallback fuzz target) kept its thread busy for ever, past every deadline.
    fn parent_chain(&self, page_id: ObjectId) -> Result<(), BudgetHit> {
        let mut id = page_id;
        for _ in 0..=MAX_PAGE_TREE_DEPTH {
            let Ok(parent) = self.doc.get_dictionary(id).and_then(|page| page.get(b"Parent")?.as_reference()) else {
                return Ok(());
            };
            id = parent;
        }
        Err(BudgetHit::over(BudgetName::PageTreeDepth, MAX_PAGE_TREE_DEPTH))
    }

    fn page(&mut self, page_id: ObjectId) -> Result<(), BudgetHit> {
        let doc = self.doc;
        let resources = doc.get_page_resources(page_id).ok().and_then(|(direct, referenced)| {
            direct.or_else(|| referenced.iter().find_map(|id| doc.get_dictionary(*id).ok()))
        });
        let content = doc.get_page_content_with_limit(page_id, self.limits.max_stream_bytes).unwrap_or_default();
        let mut visits = 0usize;
        for form in self.forms_drawn(&content, resources) {
            let (draws, _) = self.form(form, 1)?;
            visits = visits.saturating_add(draws);
            if visits > self.limits.max_form_visits {
                return Err(BudgetHit::over(BudgetName::FormVisits, self.limits.max_form_visits));
            }
        }
        Ok(())
    }

    /// Draws within `key` (itself included) and the nesting below it, `depth` its own nesting.
    fn form(&mut self, key: FormKey, depth: usize) -> Result<(usize, usize), BudgetHit> {
        let too_deep = || BudgetHit::over(BudgetName::FormDepth, MAX_FORM_DEPTH);
        if depth > MAX_FORM_DEPTH || self.path.contains(&key) {
            return Err(too_deep());
        }
        if let Some(&(draws, below)) = self.memo.get(&key) {
            return if depth + below > MAX_FORM_DEPTH { Err(too_deep()) } else { Ok((draws, below)) };
        }
        let Some(stream) = self.doc.get_object(key.0).ok().and_then(|o| o.as_stream().ok()) else {
            return Ok((1, 0));
        };
        let content = stream.decompressed_content_with_limit(self.limits.max_stream_bytes).unwrap_or_default();
        let own = stream.dict.get(b"Resources").ok().and_then(|r| self.deref(r)).and_then(|r| r.as_dict().ok());
        let resources = own.or_else(|| self.resources_seen.get(&key.1).copied());
        self.path.push(key);
        let mut draws = 1usize;
        let mut below = 0usize;
        for inner in self.forms_drawn(&content, resources) {
            let (inner_draws, inner_below) = self.form(inner, depth + 1)?;
            draws = draws.saturating_add(inner_draws);
            below = below.max(inner_below + 1);
            if draws > self.limits.max_form_visits {
                return Err(BudgetHit::over(BudgetName::FormVisits, self.limits.max_form_visits));
            }
        }
        self.path.pop();
        self.memo.insert(key, (draws, below));
        Ok((draws, below))
    }

    /// The Form XObjects a content stream draws, once per `Do`, with the resources they inherit.
    fn forms_drawn(&mut self, content: &[u8], resources: Option<&'a Dictionary>) -> Vec<FormKey> {
        let Some(resources) = resources else { return Vec::new() };
        let address = resources as *const Dictionary as usize;
        self.resources_seen.insert(address, resources);
        let xobjects = resources.get(b"XObject").ok().and_then(|x| self.deref(x)).and_then(|x| x.as_dict().ok());
        let Some(xobjects) = xobjects else { return Vec::new() };
        let mut lexer = Lexer::new(content);
        let mut operands = Vec::new();
        let mut drawn = Vec::new();
        while let Some(operator) = lexer.next_operation(&mut operands) {
            if operator != b"Do" {
                continue;
            }
            let Some(name) = operands.first().and_then(|o| o.name()) else { continue };
            let Ok(Object::Reference(id)) = xobjects.get(name) else { continue };
            let is_form = self
                .doc
                .get_object(*id)
                .ok()
                .and_then(|o| o.as_stream().ok())
                .is_some_and(|s| s.dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Form".as_slice()));
            if is_form {
                drawn.push((*id, address));
                if drawn.len() > self.limits.max_form_visits {
                    break;
                }
            }
        }
        drawn
    }
}
