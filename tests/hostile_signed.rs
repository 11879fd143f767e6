//! Hostile signed PDFs that cost time or memory, each stopped by a named per-file budget, and the
//! RFC 5280 path rules (unknown critical extensions, name constraints, the search budget). Made from
//! the demo's signed PDF and its certificate chain by this test's own edits.

#[path = "common/measured.rs"]
mod measured;

use kiemchung::facts::signature::cert::Certificate;
use kiemchung::facts::signature::constraints::{Name, NameConstraints};
use kiemchung::facts::signature::{
    cms, der, ByteRangeFault, SignatureFacts, SignatureProblem, TrustProblem, TrustStore,
};
use kiemchung::facts::{facts_from_bytes, Budget, FileFacts, Outcome};
use lopdf::{dictionary, Document, Object, Stream};
use std::path::Path;
use std::time::{Duration, Instant};

#[path = "common/demo_signed.rs"]
mod demo_signed;
use demo_signed::{original, trust};

fn read(bytes: &[u8], budget: &Budget) -> FileFacts {
    facts_from_bytes(bytes, "pdf", budget, &trust(), Instant::now())
}

/// The budget hit, in its English form (`hashed bytes: 12 > 10`).
fn over_budget(facts: &FileFacts) -> String {
    match &facts.outcome {
        Outcome::OverBudget(which) => which.to_string(),
        other => panic!("expected over budget, got {other:?}"),
    }
}

/// Neither valid nor broken: stopped, naming the budget.
fn assert_stopped(sig: &SignatureFacts, budget: &str) {
    assert!(sig.budget_hit().is_some_and(|which| which.to_string().starts_with(budget)), "{:?}", sig.problems);
    assert!(!sig.valid && !sig.trusted, "a signature not verified is not valid");
    assert!(!sig.problems.iter().any(|p| matches!(p, SignatureProblem::DigestMismatch)), "nor tampered");
}

/// The demo's signature dictionary and its `/Contents` (the CMS).
fn signature_dictionary(doc: &Document) -> (lopdf::ObjectId, lopdf::Dictionary) {
    doc.objects
        .iter()
        .find_map(|(id, o)| o.as_dict().ok().filter(|d| d.has(b"ByteRange")).map(|d| (*id, d.clone())))
        .expect("a signature dictionary")
}

fn saved(doc: &mut Document) -> Vec<u8> {
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    bytes
}

#[test]
fn sixty_signature_dictionaries_stop_at_the_signature_budget() {
    let mut doc = Document::load_mem(&original()).unwrap();
    let (_, dict) = signature_dictionary(&doc);
    for _ in 0..60 {
        doc.add_object(Object::Dictionary(dict.clone()));
    }
    let facts = read(&saved(&mut doc), &Budget::default());
    assert_eq!(over_budget(&facts), "signatures: 61 > 50");
    let signatures = facts.pdf.unwrap().signatures;
    assert_eq!(signatures.len(), 61, "every dictionary is listed");
    assert_eq!(signatures.iter().filter(|s| s.budget_hit().is_some()).count(), 11);
    signatures.iter().filter(|s| s.budget_hit().is_some()).for_each(|s| assert_stopped(s, "signatures: "));
}

#[test]
fn repeated_and_overlapping_byte_ranges_are_refused_before_hashing() {
    let original = original();
    let file_length = original.len() as i64;
    let mut doc = Document::load_mem(&original).unwrap();
    let (id, mut dict) = signature_dictionary(&doc);
    // The whole file a thousand times over: hashed as given, a 100 MB file would cost 100 GB.
    let repeated: Vec<Object> = (0..1000).flat_map(|_| [Object::Integer(0), Object::Integer(file_length)]).collect();
    dict.set("ByteRange", repeated);
    doc.objects.insert(id, Object::Dictionary(dict));
    let facts = read(&saved(&mut doc), &Budget::default());
    let sig = &facts.pdf.as_ref().unwrap().signatures[0];
    assert!(!sig.intact && !sig.valid);
    assert!(
        sig.problems.iter().any(|p| matches!(p, SignatureProblem::ByteRange(ByteRangeFault::Overlap { .. }))),
        "{:?}",
        sig.problems
    );
}

#[test]
fn bytes_hashed_per_file_are_bounded() {
    let budget = Budget { max_hashed_bytes: 50_000, ..Budget::default() };
    let facts = read(&original(), &budget);
    let which = over_budget(&facts);
    assert!(which.starts_with("hashed bytes: ") && which.ends_with("> 50000"), "{which}");
    assert_stopped(&facts.pdf.unwrap().signatures[0], "hashed bytes: ");
}

/// The demo's CMS with its certificate set replaced by `copies` copies of its first certificate.
fn cms_with_certificates(copies: usize) -> (Vec<u8>, Vec<u8>) {
    let bytes = original();
    let doc = Document::load_mem(&bytes).unwrap();
    let (_, dict) = signature_dictionary(&doc);
    let contents = dict.get(b"Contents").unwrap().as_str().unwrap().to_vec();
    let (content_info, _) = der::read(&contents).unwrap();
    let parts = content_info.items().unwrap();
    let signed_data = parts[1].children().next().unwrap().unwrap();
    let mut fields = Vec::new();
    for field in signed_data.children() {
        let field = field.unwrap();
        if field.is_context(0) {
            let first = field.children().next().unwrap().unwrap().raw;
            fields.extend(der::encode(0xa0, &first.repeat(copies)));
        } else {
            fields.extend_from_slice(field.raw);
        }
    }
    let signed_data = der::encode(der::SEQUENCE, &fields);
    let mut info = parts[0].raw.to_vec();
    info.extend(der::encode(0xa0, &signed_data));
    (der::encode(der::SEQUENCE, &info), bytes)
}

#[test]
fn a_cms_with_too_many_certificates_is_not_verified() {
    let (contents, _) = cms_with_certificates(501);
    let sig = kiemchung::facts::signature::check_contents(&contents, &[b"x"], None, &trust());
    assert_stopped(&sig, "certificates: 501 > 500");
    let (contents, _) = cms_with_certificates(3);
    let sig = kiemchung::facts::signature::check_contents(&contents, &[b"x"], None, &trust());
    assert!(sig.budget_hit().is_none(), "a handful is verified: {:?}", sig.problems);
}

/// A DSS holding `count` CRL streams of `each` bytes (Flate-compressed zeros: a small file that
/// inflates to far more).
fn with_dss(count: usize, each: usize) -> Vec<u8> {
    let mut doc = Document::load_mem(&original()).unwrap();
    let mut crls = Vec::new();
    for _ in 0..count {
        let mut stream = Stream::new(dictionary! {}, vec![0u8; each]);
        stream.compress().unwrap();
        crls.push(Object::Reference(doc.add_object(stream)));
    }
    let dss = doc.add_object(dictionary! { "CRLs" => crls });
    let root = doc.trailer.get(b"Root").unwrap().as_reference().unwrap();
    doc.get_dictionary_mut(root).unwrap().set("DSS", dss);
    saved(&mut doc)
}

#[test]
fn a_dss_with_many_large_crls_stops_at_the_revocation_budget() {
    let facts = read(&with_dss(40, 8 * 1024 * 1024), &Budget::default());
    let which = over_budget(&facts);
    assert!(which.starts_with("revocation bytes: "), "{which}");
    assert_stopped(&facts.pdf.unwrap().signatures[0], "revocation bytes: ");
}

#[test]
fn the_binary_reports_the_large_dss_over_budget_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("dss.pdf"), with_dss(40, 8 * 1024 * 1024)).unwrap();
    let dir_arg = dir.path().to_str().unwrap();
    // In English: the budget as English reports name it.
    let run = measured::run_kiemchung(
        &["--lang", "en", "check", dir_arg, "--format", "json", "--no-cache", "--no-ocr", "--jobs", "2"],
        Duration::from_secs(120),
    );
    assert!(!run.killed_by_watchdog && run.code.is_some(), "{}", run.stderr);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let file = &report["files"].as_array().unwrap()[0];
    assert_eq!(file["status"], "over-budget", "{file}");
    assert!(report.to_string().contains("revocation bytes"), "{report}");
    assert!(run.max_rss_mib < 512, "peak RSS {} MiB", run.max_rss_mib);
}

/// The demo followed by `count` incremental updates, each rewriting one small object.
fn with_revisions(count: usize) -> Vec<u8> {
    let mut bytes = original();
    let doc = Document::load_mem(&bytes).unwrap();
    let root = doc.trailer.get(b"Root").unwrap().as_reference().unwrap();
    let size = doc.max_id + 1;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let mut previous: usize =
        text.rsplit("startxref").next().unwrap().split_whitespace().next().unwrap().parse().unwrap();
    for revision in 0..count {
        let offset = bytes.len() + 1;
        bytes.extend_from_slice(format!("\n{size} 0 obj\n<< /Revision {revision} >>\nendobj\n").as_bytes());
        let xref = bytes.len();
        bytes.extend_from_slice(
            format!(
                "xref\n{size} 1\n{offset:010} 00000 n \ntrailer\n<< /Size {} /Root {} {} R /Prev {previous} >>\nstartxref\n{xref}\n%%EOF\n",
                size + 1,
                root.0,
                root.1
            )
            .as_bytes(),
        );
        previous = xref;
    }
    bytes
}

#[test]
fn many_later_revisions_stop_at_the_revision_budget() {
    let facts = read(&with_revisions(70), &Budget::default());
    assert_eq!(over_budget(&facts), "revisions: 65 > 64");
    let sig = &facts.pdf.as_ref().unwrap().signatures[0];
    assert!(sig.intact && sig.valid, "the signature itself was verified: {:?}", sig.problems);
    assert!(sig.budget_hit().is_some());
    let facts = read(&with_revisions(5), &Budget::default());
    assert_eq!(facts.outcome, Outcome::Ok);
    assert_eq!(facts.pdf.unwrap().signatures[0].later_revisions.len(), 5);
}

/// The demo's signer certificate and its issuing CA (from the CMS), and the signing time.
fn demo_chain() -> (Certificate, Certificate, jiff::Timestamp) {
    let bytes = original();
    let doc = Document::load_mem(&bytes).unwrap();
    let (_, dict) = signature_dictionary(&doc);
    let contents = dict.get(b"Contents").unwrap().as_str().unwrap().to_vec();
    let signed = cms::parse(&contents).unwrap();
    let certificates: Vec<Certificate> = signed.certificates.iter().filter_map(|c| Certificate::parse(c)).collect();
    let signer = certificates.iter().find(|c| !c.basic_constraints.is_some_and(|(ca, _)| ca)).unwrap().clone();
    let ca_pem = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/trust/test-government-ca.pem"));
    let ca = Certificate::parse_file(&ca_pem.unwrap()).pop().unwrap();
    let time = signer.not_before + jiff::SignedDuration::from_hours(24);
    (signer, ca, time)
}

/// Only the root is an anchor: the CA comes from the signature, as it would in a real CMS.
fn root_only() -> TrustStore {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/trust/test-government-root-ca.pem"),
        dir.path().join("root.pem"),
    )
    .unwrap();
    let mut store = TrustStore::empty();
    store.add_dir(dir.path()).unwrap();
    store
}

#[test]
fn the_demo_chain_validates_through_the_ca_from_the_signature() {
    let (signer, ca, time) = demo_chain();
    let result = root_only().validate(&signer, &[ca], time);
    assert_eq!(result.problem, None, "{:?}", result.path);
}

#[test]
fn an_unknown_critical_extension_fails_the_path_naming_its_oid() {
    let (signer, mut ca, time) = demo_chain();
    ca.extensions.unknown_critical = vec!["1.2.3.4.5".into()];
    let result = root_only().validate(&signer, &[ca.clone()], time);
    let expected = TrustProblem::UnknownCriticalExtension { subject: ca.subject.clone(), oid: "1.2.3.4.5".into() };
    assert_eq!(result.problem, Some(expected));
    let mut signer = signer;
    signer.extensions.unknown_critical = vec!["1.3.6.1.4.1.99999.1".into()];
    let (_, ca, _) = demo_chain();
    let result = root_only().validate(&signer, &[ca], time);
    assert!(
        matches!(&result.problem, Some(TrustProblem::UnknownCriticalExtension { oid, .. }) if oid == "1.3.6.1.4.1.99999.1"),
        "{:?}",
        result.problem
    );
}

#[test]
fn an_unknown_critical_extension_read_from_the_certificate_bytes() {
    // keyUsage (2.5.29.15, critical in the demo CA) renamed to 2.5.29.127 in place: the signature
    // over the certificate breaks, but the extension rule is judged first and named.
    let (signer, _, time) = demo_chain();
    let mut der = signer.der.clone();
    let at = der.windows(5).position(|w| w == [0x06, 0x03, 0x55, 0x1d, 0x0f]).expect("keyUsage");
    der[at + 4] = 0x7f;
    let edited = Certificate::parse(&der).unwrap();
    if !edited.extensions.unknown_critical.is_empty() {
        let result = root_only().validate(&edited, &[], time);
        assert!(matches!(result.problem, Some(TrustProblem::UnknownCriticalExtension { .. })), "{:?}", result.problem);
    } else {
        // keyUsage was not marked critical in this certificate: then it must not fail for it.
        assert!(!edited.extensions.unknown_critical.contains(&"2.5.29.127".to_string()));
    }
}

#[test]
fn name_constraints_of_the_ca_bind_the_signer() {
    let (signer, mut ca, time) = demo_chain();
    let Some(Name::Directory(signer_dn)) = signer.extensions.names.first().cloned() else {
        panic!("the signer has a subject DN")
    };
    // Permitted: the signer's own country and organisation RDNs (its DN minus the last RDN).
    let prefix = Name::Directory(signer_dn[..signer_dn.len() - 1].to_vec());
    ca.extensions.name_constraints = Some(NameConstraints { permitted: vec![prefix.clone()], excluded: vec![] });
    assert_eq!(root_only().validate(&signer, &[ca.clone()], time).problem, None);
    // Excluded: the same subtree.
    ca.extensions.name_constraints = Some(NameConstraints { permitted: vec![], excluded: vec![prefix] });
    let result = root_only().validate(&signer, &[ca.clone()], time);
    assert!(
        matches!(&result.problem, Some(TrustProblem::NameConstraints { ca: name, .. }) if *name == ca.subject),
        "{:?}",
        result.problem
    );
    // Permitted: another organisation only.
    let other =
        Name::Directory(vec![vec![("2.5.4.6".into(), "vn".into())], vec![("2.5.4.10".into(), "công ty khác".into())]]);
    ca.extensions.name_constraints = Some(NameConstraints { permitted: vec![other], excluded: vec![] });
    let result = root_only().validate(&signer, &[ca.clone()], time);
    assert!(matches!(result.problem, Some(TrustProblem::NameConstraints { .. })), "{:?}", result.problem);
    // Permitted e-mail subtree: a signer without e-mail names is not bound by it.
    ca.extensions.name_constraints =
        Some(NameConstraints { permitted: vec![Name::Email(".gov.vn".into())], excluded: vec![] });
    let has_email = signer.extensions.names.iter().any(|n| matches!(n, Name::Email(_)));
    assert_eq!(root_only().validate(&signer, &[ca], time).problem.is_some(), has_email);
}

#[test]
fn a_web_of_look_alike_cas_stops_at_the_search_budget_named_as_such() {
    let (signer, ca, time) = demo_chain();
    // Nine copies of the CA, each naming itself as issuer: every one signed the signer, none is
    // signed by another, so the search tries 9 × 8 links.
    let copies: Vec<Certificate> = (0..9u8)
        .map(|i| {
            let mut copy = ca.clone();
            copy.der.push(i);
            copy.issuer_raw = copy.subject_raw.clone();
            copy.issuer = copy.subject.clone();
            copy.authority_key_id = None;
            copy
        })
        .collect();
    let result = root_only().validate(&signer, &copies, time);
    assert_eq!(result.problem, Some(TrustProblem::SearchBudget { signature_checks: 64 }));
}
