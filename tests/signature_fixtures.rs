//! The crypto variety a verifier must handle, one signed PDF each (`fixtures/signatures/`, made by
//! its `make.py` with pyHanko; pyHanko's own verdicts are in its `expected.json`): RSA PKCS#1 v1.5
//! 2048 and 8192, RSA-PSS 3072, ECDSA P-384 and P-521, a weak RSA-1024/SHA-1 signature, and two
//! hostile certificate sets (a loop, a 50-certificate chain).

use kiemchung::checks::signature::modified_after_signing;
use kiemchung::facts::signature::diff::ModificationLevel;
use kiemchung::facts::signature::revision::Coverage;
use kiemchung::facts::signature::{SignatureFacts, SignatureProblem, TrustProblem, TrustStore};
use kiemchung::facts::{self, Budget, Outcome};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/signatures").join(name)
}

fn store(dir: &str) -> TrustStore {
    let mut store = TrustStore::builtin();
    store.add_dir(&fixture(dir)).unwrap();
    store
}

fn only_signature(name: &str, trust: &TrustStore) -> (SignatureFacts, Duration) {
    let started = Instant::now();
    let facts = facts::extract(&fixture(name), &Budget::default(), trust);
    let took = started.elapsed();
    assert_eq!(facts.outcome, Outcome::Ok, "{name}");
    let mut signatures = facts.pdf.unwrap().signatures;
    assert_eq!(signatures.len(), 1, "{name}");
    (signatures.remove(0), took)
}

/// `kiemchung check --select KC1` on one fixture (copied into a folder of its own), as JSON.
fn signature_audit(name: &str, trust: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture(name), dir.path().join(name)).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kiemchung"))
        .args(["check", "--format", "json", "--select", "KC1", "--trust"])
        .arg(fixture(trust))
        .arg(dir.path())
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn every_algorithm_verifies_and_chains_to_the_test_root() {
    let trust = store("trust");
    let cases = [
        ("rsa2048-pkcs1-sha256.pdf", "sha256", "sha256WithRSAEncryption", "RSA", 2048),
        ("rsa3072-pss-sha256.pdf", "sha256", "RSASSA-PSS", "RSA", 3072),
        ("rsa8192-sha256.pdf", "sha256", "sha256WithRSAEncryption", "RSA", 8192),
        ("ecdsa-p384-sha384.pdf", "sha384", "ecdsa-with-SHA384", "ECDSA P-384", 384),
        ("ecdsa-p521-sha512.pdf", "sha512", "ecdsa-with-SHA512", "ECDSA P-521", 521),
        ("rsa1024-sha1.pdf", "sha1", "sha1WithRSAEncryption", "RSA", 1024),
    ];
    for (name, digest, algorithm, key, bits) in cases {
        let (sig, _) = only_signature(name, &trust);
        assert!(sig.intact && sig.valid && sig.trusted, "{name}: {:?}", sig.problems);
        assert_eq!(sig.digest_algorithm.as_deref(), Some(digest), "{name}");
        assert_eq!(sig.signature_algorithm.as_deref(), Some(algorithm), "{name}");
        assert_eq!(sig.key_algorithm.as_deref(), Some(key), "{name}");
        assert_eq!(sig.key_bits, Some(bits), "{name}");
        assert_eq!(sig.coverage, Coverage::EntireFile, "{name}");
        assert_eq!(sig.modification_level, ModificationLevel::None, "{name}");
        assert_eq!(sig.trust_path.len(), 3, "{name}: signer, Kiemchung Test CA, root");
        assert_eq!(sig.signer_name.as_deref(), Some("Nguyễn Văn An"), "{name}");
        // make.py pins the clock; pyHanko writes `:` in /M as an octal escape.
        assert_eq!(sig.signing_time.map(|t| t.to_string()).as_deref(), Some("2024-06-01T12:00:00Z"), "{name}");
    }
}

#[test]
fn without_the_root_the_same_signatures_are_intact_but_untrusted() {
    let (sig, _) = only_signature("ecdsa-p521-sha512.pdf", &TrustStore::builtin());
    assert!(sig.intact && sig.valid && !sig.trusted);
    assert!(sig.problems.iter().any(|p| matches!(p, SignatureProblem::Untrusted(TrustProblem::NoPath { .. }))));
}

#[test]
fn the_weak_signature_gets_kc106() {
    let report = signature_audit("rsa1024-sha1.pdf", "trust");
    let codes: Vec<&str> = report["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["KC106"]);
    let message = report["findings"][0]["message"].as_str().unwrap();
    assert!(message.contains("SHA-1") && message.contains("1024"), "{message}");
}

#[test]
fn a_certificate_loop_ends_untrusted_and_fast() {
    let (sig, took) = only_signature("cert-loop.pdf", &store("trust"));
    assert!(sig.intact && sig.valid, "the signature itself is sound");
    assert!(!sig.trusted);
    assert!(sig.problems.iter().any(|p| matches!(p, SignatureProblem::Untrusted(TrustProblem::NoPath { .. }))));
    assert!(!modified_after_signing(&sig));
    assert!(took < Duration::from_secs(5), "{took:?}");
}

#[test]
fn a_fifty_certificate_chain_is_refused_as_too_long() {
    // Even with its root trusted: no real hierarchy is deeper than three, and a crafted one must stay cheap.
    let (sig, took) = only_signature("chain-50.pdf", &store("trust-chain50"));
    assert!(sig.intact && sig.valid);
    assert!(!sig.trusted);
    assert!(
        sig.problems.iter().any(|p| matches!(p, SignatureProblem::Untrusted(TrustProblem::TooLong))),
        "{:?}",
        sig.problems
    );
    assert!(took < Duration::from_secs(5), "{took:?}");
}

/// A real Vietnamese public-CA signature of 2013: adbe.pkcs7.sha1, no signed attributes, RSA 1024.
#[test]
fn the_real_vietnamese_sha1_signature_verifies_and_is_flagged_weak() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/vn-real/tokhai-gtgt-2013-01-sieuviet-ca2.pdf");
    let facts = facts::extract(&path, &Budget::default(), &TrustStore::builtin());
    let sig = &facts.pdf.as_ref().unwrap().signatures[0];
    assert_eq!(sig.subfilter.as_deref(), Some("adbe.pkcs7.sha1"));
    assert!(sig.intact && sig.valid, "{:?}", sig.problems);
    assert_eq!((sig.digest_algorithm.as_deref(), sig.key_bits), (Some("sha1"), Some(1024)));
    assert_eq!(sig.signer_name.as_deref(), Some("CÔNG TY CỔ PHẦN SIÊU VIỆT TRỰC TUYẾN"));
    assert_eq!(sig.signing_time.map(|t| t.to_string()).as_deref(), Some("2013-02-20T01:56:54Z"));
    assert_eq!(sig.certificate_valid_at_signing(), Some(true), "valid in 2013, expired since");
    assert!(!sig.trusted, "issued by an older CA2 key than the built-in one");
    assert_eq!(sig.coverage, Coverage::EntireFile);
}

/// Revocation data carried in the signature (adbe-revocationInfoArchival): a CRL or an OCSP response
/// signed by the issuing CA or its delegated responder. Revoked before signing is KC104; revoked after signing is not.
#[test]
fn embedded_revocation_data_is_used() {
    let trust = store("trust-revocation");
    let revoked = |sig: &SignatureFacts| {
        sig.problems.iter().find_map(|p| match p {
            SignatureProblem::Revoked { at, source } => Some((at.to_string(), source.clone())),
            _ => None,
        })
    };
    let (sig, _) = only_signature("revoked-crl.pdf", &trust);
    assert!(sig.intact && sig.valid && !sig.trusted);
    assert_eq!(revoked(&sig), Some(("2024-05-01T00:00:00Z".into(), "CRL".into())));
    let (sig, _) = only_signature("revoked-ocsp.pdf", &trust);
    assert!(!sig.trusted);
    assert_eq!(revoked(&sig), Some(("2024-05-01T00:00:00Z".into(), "OCSP".into())));
    let (sig, _) = only_signature("revoked-after-signing-crl.pdf", &trust);
    assert!(sig.trusted, "revoked a month after it signed: {:?}", sig.problems);
    assert_eq!(revoked(&sig), None);
    // A responder the CA delegated to (id-kp-OCSPSigning) speaks for it; any other certificate of
    // that CA does not (RFC 6960 §4.2.2.2), as pyHanko also decides (expected-revocation.json).
    let (sig, _) = only_signature("revoked-ocsp-delegated.pdf", &trust);
    assert_eq!(revoked(&sig), Some(("2024-05-01T00:00:00Z".into(), "OCSP".into())));
    let (sig, _) = only_signature("ocsp-responder-without-eku.pdf", &trust);
    assert!(sig.intact && sig.valid && sig.trusted, "{:?}", sig.problems);
    assert_eq!(revoked(&sig), None, "an unauthorised responder's answer is not evidence");

    let report = signature_audit("revoked-crl.pdf", "trust-revocation");
    let finding = &report["findings"][0];
    assert_eq!(finding["code"], "KC104");
    assert!(finding["message"].as_str().unwrap().contains("thu hồi"), "{finding}");
}
