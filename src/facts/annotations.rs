//! What annotations draw on a page (filled form fields, stamps, free text), read as page text the
//! way a viewer and poppler show it.

use super::text::over_limit;
use crate::budget::{At, BudgetHit, BudgetName};
use lopdf::{Dictionary, Document, Object, ObjectId};

/// Appearance streams with their resources, and the budget one of them went past, if one did.
type Appearances<'d> = (Vec<(Vec<u8>, Option<&'d Dictionary>)>, Option<BudgetHit>);

/// Annotations shown on a page: each one's normal appearance (the state `/AS` names when it has
/// several), with its resources; hidden ones (flag bit 2) and popups are left out.
pub(super) fn annotation_appearances(doc: &Document, page_id: ObjectId, limit: usize) -> Appearances<'_> {
    const MAX_ANNOTATIONS: usize = 1_000;
    let deref = |object: &Object| -> Option<&Object> {
        match object {
            Object::Reference(id) => doc.get_object(*id).ok(),
            _ => None,
        }
    };
    let Ok(page) = doc.get_dictionary(page_id) else { return (Vec::new(), None) };
    let annots = match page.get(b"Annots") {
        Ok(Object::Array(items)) => items.as_slice(),
        Ok(reference) => deref(reference).and_then(|a| a.as_array().ok()).map_or(&[][..], Vec::as_slice),
        Err(_) => &[],
    };
    let mut out = Vec::new();
    let mut over = None;
    for annot in annots.iter().take(MAX_ANNOTATIONS) {
        let Some(annot) = deref(annot).or(Some(annot)).and_then(|a| a.as_dict().ok()) else { continue };
        let hidden = annot.get(b"F").and_then(Object::as_i64).is_ok_and(|flags| flags & 2 != 0);
        let popup = annot.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Popup".as_slice());
        if hidden || popup {
            continue;
        }
        let normal = annot.get(b"AP").ok().and_then(|ap| deref(ap).or(Some(ap))).and_then(|ap| ap.as_dict().ok());
        let Some(normal) = normal.and_then(|ap| ap.get(b"N").ok()) else { continue };
        let normal = deref(normal).unwrap_or(normal);
        let stream = match normal {
            Object::Stream(stream) => Some(stream),
            Object::Dictionary(states) => annot
                .get(b"AS")
                .and_then(Object::as_name)
                .ok()
                .and_then(|state| states.get(state).ok())
                .and_then(|s| deref(s).or(Some(s)))
                .and_then(|s| s.as_stream().ok()),
            _ => None,
        };
        let Some(stream) = stream else { continue };
        let content = match stream.decompressed_content_with_limit(limit) {
            Ok(content) => content,
            Err(error) if over_limit(&error) => {
                over = Some(BudgetHit::over(BudgetName::DecompressedBytes, limit).at(At::Annotation));
                continue;
            }
            Err(_) => stream.content.clone(),
        };
        let resources =
            stream.dict.get(b"Resources").ok().and_then(|r| deref(r).or(Some(r))).and_then(|r| r.as_dict().ok());
        out.push((content, resources));
    }
    (out, over)
}
