//! What a later revision changed, compared object by object with the revision before it, in the
//! spirit of pyHanko's difference analysis: every change must be explained by a rule that allows
//! it (a new signature, DSS/timestamp data, form filling, an added annotation); anything else —
//! page content, the page tree, the catalog's other entries, a changed stream — is OTHER.

use lopdf::{Dictionary, Document, Object, ObjectId};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// pyHanko's `ModificationLevel`, in increasing order of concern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ModificationLevel {
    None,
    LtaUpdates,
    FormFilling,
    Annotations,
    Other,
}

impl ModificationLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            ModificationLevel::None => "NONE",
            ModificationLevel::LtaUpdates => "LTA_UPDATES",
            ModificationLevel::FormFilling => "FORM_FILLING",
            ModificationLevel::Annotations => "ANNOTATIONS",
            ModificationLevel::Other => "OTHER",
        }
    }
}

/// What kind of object changed (rendered in words by the report and `inspect`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeKind {
    NewSignature,
    DocumentTimestamp,
    SecurityStore,
    Metadata,
    DocumentInfo,
    FormField,
    Widget,
    Annotation,
    PageContent,
    PageTree,
    Catalog,
    SignatureDictionary,
    Trailer,
    Deleted,
    Object,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Change {
    pub level: ModificationLevel,
    pub kind: ChangeKind,
    /// `12 0 R`, or the dictionary key for catalog changes.
    pub at: String,
}

/// The objects of `new` that differ from `old`, each classified. `new_end` is where the new
/// revision ends in the file (its `%%EOF`, and the end of its end-of-line).
pub fn compare(old: &Document, new: &Document, new_end: (usize, usize)) -> Vec<Change> {
    let context = Context::new(old, new, new_end);
    let mut changes = Vec::new();
    let mut note = |level, kind, at: String| changes.push(Change { level, kind, at });
    for key in [b"Root".as_slice(), b"Encrypt"] {
        if old.trailer.get(key).ok() != new.trailer.get(key).ok() {
            note(ModificationLevel::Other, ChangeKind::Trailer, String::from_utf8_lossy(key).into_owned());
        }
    }
    for (&id, object) in &new.objects {
        match old.objects.get(&id) {
            None => {
                if let Some((level, kind)) = context.new_object(object) {
                    note(level, kind, reference(id));
                }
            }
            Some(before) if before != object => {
                let (level, kind) = context.changed_object(id, before, object);
                let mut at = reference(id);
                if let (Ok(old), Ok(new)) = (before.as_dict(), object.as_dict()) {
                    for key in changed_keys(old, new) {
                        at.push_str(" /");
                        at.push_str(&String::from_utf8_lossy(&key));
                    }
                }
                note(level, kind, at);
            }
            Some(_) => {}
        }
    }
    for (&id, object) in &old.objects {
        if !new.objects.contains_key(&id) && !is_structural(object) {
            note(ModificationLevel::Other, ChangeKind::Deleted, reference(id));
        }
    }
    changes.sort_by(|a, b| b.level.cmp(&a.level).then_with(|| a.at.cmp(&b.at)));
    changes
}

pub fn level(changes: &[Change]) -> ModificationLevel {
    changes.iter().map(|c| c.level).max().unwrap_or(ModificationLevel::None)
}

fn reference(id: ObjectId) -> String {
    format!("{} {} R", id.0, id.1)
}

fn type_name(dict: &Dictionary) -> Option<&[u8]> {
    dict.get(b"Type").and_then(Object::as_name).ok()
}

fn is_structural(object: &Object) -> bool {
    let Object::Stream(stream) = object else { return false };
    matches!(type_name(&stream.dict), Some(b"XRef" | b"ObjStm"))
}

/// Facts about the new revision that the rules need.
struct Context<'a> {
    old: &'a Document,
    new: &'a Document,
    root: Option<ObjectId>,
    info: Option<ObjectId>,
    acroform: Option<ObjectId>,
    pages: HashSet<ObjectId>,
    /// Indirect `/Annots` arrays of pages and `/Fields`/`/Kids` arrays of the form.
    annotation_arrays: HashSet<ObjectId>,
    field_arrays: HashSet<ObjectId>,
    /// Everything reachable from the catalog's `/DSS` and `/Extensions`.
    security_store: HashSet<ObjectId>,
    new_end: (usize, usize),
    /// Who refers to each object in the old revision (built on first use).
    referrers: std::cell::OnceCell<HashMap<ObjectId, Vec<Referrer>>>,
}

/// One reference to an object: from which object (None = the trailer), and whether it sits under an
/// `/AP` key (an appearance).
#[derive(Debug, Clone, Copy)]
struct Referrer {
    from: Option<ObjectId>,
    under_appearance: bool,
}

impl<'a> Context<'a> {
    fn new(old: &'a Document, new: &'a Document, new_end: (usize, usize)) -> Self {
        let root = new.trailer.get(b"Root").and_then(Object::as_reference).ok();
        // The Info dictionary: the signed revision's, or a new object. Pointing /Info at an existing
        // page or stream must not excuse changing it.
        let old_info = old.trailer.get(b"Info").and_then(Object::as_reference).ok();
        let info = new
            .trailer
            .get(b"Info")
            .and_then(Object::as_reference)
            .ok()
            .filter(|id| Some(*id) == old_info || !old.objects.contains_key(id));
        let catalog = root.and_then(|id| new.get_dictionary(id).ok());
        let acroform = catalog.and_then(|c| c.get(b"AcroForm").and_then(Object::as_reference).ok());
        let pages: HashSet<ObjectId> = new.get_pages().into_values().collect();
        let mut annotation_arrays = HashSet::new();
        for &page in &pages {
            if let Ok(Object::Reference(id)) = new.get_dictionary(page).and_then(|p| p.get(b"Annots")) {
                annotation_arrays.insert(*id);
            }
        }
        // Arrays of form fields as the signed revision has them (the form's /Fields, fields' /Kids):
        // a new object cannot turn a page's /Kids or /Contents array into one.
        let mut field_arrays = HashSet::new();
        let old_catalog =
            old.trailer.get(b"Root").and_then(Object::as_reference).ok().and_then(|id| old.get_dictionary(id).ok());
        let old_form = old_catalog.and_then(|c| match c.get(b"AcroForm").ok()? {
            Object::Reference(id) => old.get_dictionary(*id).ok(),
            other => other.as_dict().ok(),
        });
        if let Some(Ok(Object::Reference(id))) = old_form.map(|f| f.get(b"Fields")) {
            field_arrays.insert(*id);
        }
        for object in old.objects.values() {
            if let Ok(dict) = object.as_dict() {
                if let (true, Ok(Object::Reference(id))) = (is_field_or_widget(dict), dict.get(b"Kids")) {
                    field_arrays.insert(*id);
                }
            }
        }
        // DSS and extension objects: those the signed revision already had there, and new ones.
        let mut security_store = HashSet::new();
        let mut earlier = HashSet::new();
        for key in [b"DSS".as_slice(), b"Extensions"] {
            if let Some(value) = old_catalog.and_then(|c| c.get(key).ok()) {
                reach(old, value, &mut earlier, 6);
            }
            if let Some(value) = catalog.and_then(|c| c.get(key).ok()) {
                reach(new, value, &mut security_store, 6);
            }
        }
        security_store.retain(|id| earlier.contains(id) || !old.objects.contains_key(id));
        Context {
            old,
            new,
            root,
            info,
            acroform,
            pages,
            annotation_arrays,
            field_arrays,
            security_store,
            new_end,
            referrers: std::cell::OnceCell::new(),
        }
    }

    fn referrers(&self, id: ObjectId) -> &[Referrer] {
        let map = self.referrers.get_or_init(|| {
            let mut map: HashMap<ObjectId, Vec<Referrer>> = HashMap::new();
            let trailer = Object::Dictionary(self.old.trailer.clone());
            collect_references(&trailer, None, false, &mut map, 0);
            for (&from, object) in &self.old.objects {
                collect_references(object, Some(from), false, &mut map, 0);
            }
            map
        });
        map.get(&id).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Is `id` used only as the appearance of fields and widgets (directly or through an
    /// appearance dictionary) in the signed revision? Then replacing it is filling a form.
    fn only_an_appearance(&self, id: ObjectId) -> bool {
        let referrers = self.referrers(id);
        !referrers.is_empty()
            && referrers.iter().all(|r| match r.from {
                Some(from) if r.under_appearance => self.is_field_or_widget(from),
                Some(from) => {
                    let is_appearance_dict = self
                        .old
                        .get_dictionary(from)
                        .is_ok_and(|d| d.iter().all(|(k, _)| matches!(k.as_slice(), b"N" | b"R" | b"D")));
                    is_appearance_dict
                        && self
                            .referrers(from)
                            .iter()
                            .all(|r| r.under_appearance && r.from.is_some_and(|f| self.is_field_or_widget(f)))
                }
                None => false,
            })
    }

    /// A field (or its widget) of type /Sig, directly or through its /Parent.
    fn is_signature_field(&self, dict: &Dictionary) -> bool {
        let mut current = Some(dict);
        for _ in 0..8 {
            let Some(field) = current else { return false };
            if let Ok(kind) = field.get(b"FT").and_then(Object::as_name) {
                return kind == b"Sig";
            }
            current =
                field.get(b"Parent").and_then(Object::as_reference).ok().and_then(|p| self.new.get_dictionary(p).ok());
        }
        false
    }

    /// A widget listed in the /Kids of a signature field (the kids array may be indirect).
    fn is_kid_of_signature_field(&self, widget: ObjectId) -> bool {
        self.new.objects.values().filter_map(|o| o.as_dict().ok()).any(|field| {
            field.get(b"FT").and_then(Object::as_name).ok() == Some(b"Sig".as_slice())
                && self
                    .resolve_array(field.get(b"Kids"))
                    .is_some_and(|kids| kids.iter().any(|k| k.as_reference().ok() == Some(widget)))
        })
    }

    fn is_field_or_widget(&self, id: ObjectId) -> bool {
        self.old.get_dictionary(id).is_ok_and(is_field_or_widget)
    }

    /// A new signature belongs to the revision that adds it: its range must end there.
    fn signs_this_revision(&self, dict: &Dictionary) -> bool {
        let end = dict.get(b"ByteRange").and_then(Object::as_array).ok().and_then(|r| {
            Some(r.get(r.len().checked_sub(2)?)?.as_i64().ok()?.saturating_add(r.last()?.as_i64().ok()?))
        });
        end.is_some_and(|end| end >= (self.new_end.0 + 5) as i64 && end <= self.new_end.1 as i64)
    }

    fn new_object(&self, object: &Object) -> Option<(ModificationLevel, ChangeKind)> {
        let dict = match object {
            Object::Dictionary(dict) => dict,
            Object::Stream(stream) => &stream.dict,
            _ => return None,
        };
        // A signature copied in from elsewhere (its range does not end with this revision) is not a
        // signature of this revision: unexplained.
        match type_name(dict) {
            Some(b"Sig") if !self.signs_this_revision(dict) => {
                Some((ModificationLevel::Other, ChangeKind::NewSignature))
            }
            Some(b"DocTimeStamp") if !self.signs_this_revision(dict) => {
                Some((ModificationLevel::Other, ChangeKind::DocumentTimestamp))
            }
            Some(b"Sig") => Some((ModificationLevel::FormFilling, ChangeKind::NewSignature)),
            Some(b"DocTimeStamp") => Some((ModificationLevel::LtaUpdates, ChangeKind::DocumentTimestamp)),
            // Any other new object matters only through the existing object that now refers to it.
            _ => None,
        }
    }

    fn changed_object(&self, id: ObjectId, before: &Object, after: &Object) -> (ModificationLevel, ChangeKind) {
        use ChangeKind as K;
        use ModificationLevel as L;
        if self.security_store.contains(&id) {
            return (L::LtaUpdates, K::SecurityStore);
        }
        if Some(id) == self.info {
            return (L::LtaUpdates, K::DocumentInfo);
        }
        if Some(id) == self.root {
            return self.catalog(before, after);
        }
        if self.annotation_arrays.contains(&id) {
            return self.annotations(before.as_array().ok(), after.as_array().ok());
        }
        if self.field_arrays.contains(&id) {
            return match additions_only(before.as_array().ok(), after.as_array().ok()) {
                true => (L::FormFilling, K::FormField),
                false => (L::Other, K::FormField),
            };
        }
        match (before, after) {
            (Object::Stream(old), Object::Stream(new)) => match (type_name(&old.dict), type_name(&new.dict)) {
                (Some(b"Metadata"), Some(b"Metadata")) => (L::LtaUpdates, K::Metadata),
                (Some(b"XRef" | b"ObjStm"), _) => (L::None, K::Object),
                _ if self.only_an_appearance(id) => (L::FormFilling, K::Widget),
                _ => (L::Other, K::PageContent),
            },
            (Object::Dictionary(old), Object::Dictionary(new)) => self.dictionary(id, old, new),
            _ => (L::Other, K::Object),
        }
    }

    fn dictionary(&self, id: ObjectId, old: &Dictionary, new: &Dictionary) -> (ModificationLevel, ChangeKind) {
        use ChangeKind as K;
        use ModificationLevel as L;
        let changed = changed_keys(old, new);
        if self.pages.contains(&id) {
            if changed.iter().all(|k| k == b"Annots") {
                return self
                    .annotations(self.resolve_array(old.get(b"Annots")), self.resolve_array(new.get(b"Annots")));
            }
            return (L::Other, K::PageContent);
        }
        if Some(id) == self.acroform {
            let allowed = [b"SigFlags".as_slice(), b"DR", b"DA", b"NeedAppearances"];
            let fields_ok =
                additions_only(self.resolve_array(old.get(b"Fields")), self.resolve_array(new.get(b"Fields")));
            let ok = changed.iter().all(|k| allowed.contains(&k.as_slice()) || (k == b"Fields" && fields_ok));
            return if ok { (L::FormFilling, K::FormField) } else { (L::Other, K::FormField) };
        }
        match type_name(new) {
            Some(b"Pages") => return (L::Other, K::PageTree),
            Some(b"Sig" | b"DocTimeStamp") => return (L::Other, K::SignatureDictionary),
            _ => {}
        }
        let is_widget = new.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Widget".as_slice());
        let is_field = new.has(b"FT") || new.has(b"T") || new.has(b"Parent");
        if is_widget || is_field {
            // Filling a field: its value and appearance; a signature field's value may be set once,
            // never replaced; an appearance object shared with anything else may not be swapped out.
            let allowed = [b"V".as_slice(), b"AS", b"AP", b"Kids", b"Lock", b"SV", b"MK", b"DA", b"P", b"F"];
            let replaces_signature = changed.iter().any(|k| k == b"V")
                && new.get(b"FT").and_then(Object::as_name).ok() == Some(b"Sig".as_slice())
                && old.has(b"V");
            let shared_appearance = changed.iter().any(|k| k == b"AP")
                && matches!(old.get(b"AP"), Ok(Object::Reference(ap)) if self.referrers(*ap).len() > 1);
            // A signature already made keeps the appearance it was signed with.
            let repaints_signature = changed.iter().any(|k| k == b"AP")
                && old.has(b"V")
                && old.get(b"FT").and_then(Object::as_name).ok() == Some(b"Sig".as_slice());
            let shared_appearance = shared_appearance || repaints_signature;
            let ok =
                changed.iter().all(|k| allowed.contains(&k.as_slice())) && !replaces_signature && !shared_appearance;
            let kind = if is_widget && !is_field { K::Widget } else { K::FormField };
            return if ok { (L::FormFilling, kind) } else { (L::Other, kind) };
        }
        (L::Other, K::Object)
    }

    fn catalog(&self, before: &Object, after: &Object) -> (ModificationLevel, ChangeKind) {
        use ModificationLevel as L;
        let (Ok(old), Ok(new)) = (before.as_dict(), after.as_dict()) else { return (L::Other, ChangeKind::Catalog) };
        let mut level = L::None;
        for key in changed_keys(old, new) {
            let key_level = match key.as_slice() {
                b"DSS" | b"Extensions" | b"Metadata" | b"Version" => L::LtaUpdates,
                b"AcroForm" => match (old.get(b"AcroForm"), new.get(b"AcroForm")) {
                    (Ok(Object::Dictionary(a)), Ok(Object::Dictionary(b))) => {
                        let allowed = [b"SigFlags".as_slice(), b"DR", b"DA", b"NeedAppearances", b"Fields"];
                        let fields_ok =
                            additions_only(self.resolve_array(a.get(b"Fields")), self.resolve_array(b.get(b"Fields")));
                        let ok = changed_keys(a, b).iter().all(|k| allowed.contains(&k.as_slice())) && fields_ok;
                        if ok {
                            L::FormFilling
                        } else {
                            L::Other
                        }
                    }
                    // A form created where there was none, or moved to an object of its own.
                    _ => L::FormFilling,
                },
                _ => L::Other,
            };
            level = level.max(key_level);
        }
        (level, ChangeKind::Catalog)
    }

    /// A page's annotations: widgets added = form filling (a new signature's widget); other
    /// annotations added = ANNOTATIONS; anything removed or reordered = OTHER.
    fn annotations(&self, old: Option<&Vec<Object>>, new: Option<&Vec<Object>>) -> (ModificationLevel, ChangeKind) {
        if !additions_only(old, new) {
            return (ModificationLevel::Other, ChangeKind::Annotation);
        }
        let before = old.map_or(0, Vec::len);
        let added = new.map(|n| &n[before..]).unwrap_or(&[]);
        // Only the widget of a signature field may appear after signing; any other widget or
        // annotation can be drawn over the page.
        let all_widgets = added.iter().all(|annotation| {
            let (dict, id) = match annotation {
                Object::Reference(id) => (self.new.get_dictionary(*id).ok(), Some(*id)),
                Object::Dictionary(dict) => (Some(dict), None),
                _ => (None, None),
            };
            dict.is_some_and(|d| {
                d.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Widget".as_slice())
                    && (self.is_signature_field(d) || id.is_some_and(|id| self.is_kid_of_signature_field(id)))
            })
        });
        if all_widgets {
            (ModificationLevel::FormFilling, ChangeKind::Widget)
        } else {
            (ModificationLevel::Annotations, ChangeKind::Annotation)
        }
    }

    /// An array given inline or by reference (looked up in the revision that holds it).
    fn resolve_array(&self, value: Result<&'a Object, lopdf::Error>) -> Option<&'a Vec<Object>> {
        match value.ok()? {
            Object::Array(items) => Some(items),
            Object::Reference(id) => {
                self.new.objects.get(id).or_else(|| self.old.objects.get(id)).and_then(|o| o.as_array().ok())
            }
            _ => None,
        }
    }
}

fn is_field_or_widget(dict: &Dictionary) -> bool {
    dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Widget".as_slice())
        || dict.has(b"FT")
        || dict.has(b"T")
        || dict.has(b"Parent")
}

/// Records every reference inside `object` (bounded depth).
fn collect_references(
    object: &Object,
    from: Option<ObjectId>,
    under_appearance: bool,
    map: &mut HashMap<ObjectId, Vec<Referrer>>,
    depth: usize,
) {
    if depth > 32 {
        return;
    }
    match object {
        Object::Reference(id) => map.entry(*id).or_default().push(Referrer { from, under_appearance }),
        Object::Array(items) => {
            items.iter().for_each(|item| collect_references(item, from, under_appearance, map, depth + 1))
        }
        Object::Dictionary(dict) => dict
            .iter()
            .for_each(|(key, value)| collect_references(value, from, under_appearance || key == b"AP", map, depth + 1)),
        Object::Stream(stream) => stream
            .dict
            .iter()
            .for_each(|(key, value)| collect_references(value, from, under_appearance || key == b"AP", map, depth + 1)),
        _ => {}
    }
}

/// Keys whose values differ (present in one only, or unequal).
fn changed_keys(old: &Dictionary, new: &Dictionary) -> Vec<Vec<u8>> {
    let mut keys: Vec<Vec<u8>> = Vec::new();
    for (key, value) in new.iter() {
        if old.get(key).ok() != Some(value) {
            keys.push(key.clone());
        }
    }
    for (key, _) in old.iter() {
        if !new.has(key) {
            keys.push(key.clone());
        }
    }
    keys
}

/// The new array keeps the old one as its prefix.
fn additions_only(old: Option<&Vec<Object>>, new: Option<&Vec<Object>>) -> bool {
    match (old, new) {
        (None, _) => true,
        (Some(old), Some(new)) => new.len() >= old.len() && new[..old.len()] == old[..],
        (Some(old), None) => old.is_empty(),
    }
}

/// Object ids reachable from `start`, to a bounded depth.
fn reach(doc: &Document, start: &Object, seen: &mut HashSet<ObjectId>, depth: usize) {
    if depth == 0 || seen.len() > 100_000 {
        return;
    }
    match start {
        Object::Reference(id) if seen.insert(*id) => {
            if let Ok(object) = doc.get_object(*id) {
                reach(doc, object, seen, depth - 1);
            }
        }
        Object::Array(items) => items.iter().for_each(|item| reach(doc, item, seen, depth - 1)),
        Object::Dictionary(dict) => dict.iter().for_each(|(_, value)| reach(doc, value, seen, depth - 1)),
        Object::Stream(stream) => stream.dict.iter().for_each(|(_, value)| reach(doc, value, seen, depth - 1)),
        _ => {}
    }
}
