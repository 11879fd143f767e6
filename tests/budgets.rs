//! Parser budgets: a PDF over a limit gets an over-budget outcome naming the limit, and the run goes on.

mod common;

use kiemchung::facts::signature::TrustStore;
use kiemchung::facts::{facts_from_bytes, Budget, Outcome};
use lopdf::{dictionary, Object};

fn pdf_with_objects(extra: usize) -> Vec<u8> {
    let font = |doc: &mut lopdf::Document| {
        for i in 0..extra {
            doc.add_object(Object::Integer(i as i64));
        }
        dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding" }
    };
    common::one_page_pdf(font, vec![b"So: 1/KH-UBND".to_vec()])
}

fn outcome(bytes: &[u8], budget: &Budget) -> Outcome {
    facts_from_bytes(bytes, "pdf", budget, &TrustStore::empty(), std::time::Instant::now()).outcome
}

#[test]
fn too_many_objects_is_over_budget_and_says_so() {
    let bytes = pdf_with_objects(2_000);
    let tight = Budget { max_objects: 1_000, ..Budget::default() };
    match outcome(&bytes, &tight) {
        Outcome::OverBudget(which) => assert!(which.starts_with("objects:"), "{which}"),
        other => panic!("expected over budget, got {other:?}"),
    }
    assert_eq!(outcome(&bytes, &Budget::default()), Outcome::Ok, "within the default budget");
}

#[test]
fn too_many_pages_is_over_budget() {
    let bytes = pdf_with_objects(0);
    let no_pages = Budget { max_pages: 0, ..Budget::default() };
    assert!(matches!(outcome(&bytes, &no_pages), Outcome::OverBudget(which) if which.starts_with("pages:")));
}
