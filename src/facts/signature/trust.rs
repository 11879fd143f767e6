//! Trust anchors and certification paths. Anchors come only from the binary (the Vietnamese roots
//! in `trust/vn/`) and from `--trust DIR`; never from a submission. Intermediates may come from the
//! CMS certificate set and from the built-in Vietnamese sub-CAs (VGCA tokens embed only the signer's
//! own certificate). Nothing is fetched.

use super::cert::Certificate;
use jiff::Timestamp;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;

/// Longer paths are refused: no real hierarchy is this deep, and a crafted set must stay cheap.
const MAX_PATH: usize = 12;
/// Issuer candidates tried per certificate before giving up (bounds a crafted certificate set).
const MAX_CANDIDATES: usize = 8;
/// Certificate signatures checked per path search: with many look-alike CAs the search tree would
/// otherwise grow exponentially.
const MAX_SIGNATURE_CHECKS: usize = 64;

/// The built-in Vietnamese certificates (source: `trust/README.md`): roots are anchors, the rest are
/// known intermediates.
const BUILTIN: &[(&str, &str)] = &[
    ("vgca-root-g1", include_str!("../../../trust/vn/vgca-root-g1.pem")),
    ("vgca-root-g2", include_str!("../../../trust/vn/vgca-root-g2.pem")),
    ("neac-root-2014", include_str!("../../../trust/vn/neac-root-2014.pem")),
    ("mic-root-2008", include_str!("../../../trust/vn/mic-root-2008.pem")),
    ("vgca-cp-g1", include_str!("../../../trust/vn/vgca-cp-g1.pem")),
    ("vgca-dcs-g1", include_str!("../../../trust/vn/vgca-dcs-g1.pem")),
    ("vgca-bca-g1", include_str!("../../../trust/vn/vgca-bca-g1.pem")),
    ("vgca-btc-g1", include_str!("../../../trust/vn/vgca-btc-g1.pem")),
    ("vgca-bng-g1", include_str!("../../../trust/vn/vgca-bng-g1.pem")),
    ("vgca-cp-g2", include_str!("../../../trust/vn/vgca-cp-g2.pem")),
    ("vgca-dcs-g2", include_str!("../../../trust/vn/vgca-dcs-g2.pem")),
    ("vgca-ss-g2", include_str!("../../../trust/vn/vgca-ss-g2.pem")),
    ("vnpt-ca-sha2", include_str!("../../../trust/vn/vnpt-ca-sha2.pem")),
    ("vnpt-ca-mic", include_str!("../../../trust/vn/vnpt-ca-mic.pem")),
    ("viettel-ca-mic", include_str!("../../../trust/vn/viettel-ca-mic.pem")),
    ("fpt-ca-mic", include_str!("../../../trust/vn/fpt-ca-mic.pem")),
    ("bkav-ca-mic", include_str!("../../../trust/vn/bkav-ca-mic.pem")),
    ("ca2-mic", include_str!("../../../trust/vn/ca2-mic.pem")),
    ("newtel-ca-mic", include_str!("../../../trust/vn/newtel-ca-mic.pem")),
    ("smartsign-mic", include_str!("../../../trust/vn/smartsign-mic.pem")),
    ("safe-ca-mic", include_str!("../../../trust/vn/safe-ca-mic.pem")),
    ("efy-ca-mic", include_str!("../../../trust/vn/efy-ca-mic.pem")),
    ("trustca-g1-mic", include_str!("../../../trust/vn/trustca-g1-mic.pem")),
];

#[derive(Debug, Default)]
pub struct TrustStore {
    anchors: Vec<Certificate>,
    intermediates: Vec<Certificate>,
    /// Certificate signatures already checked, by (certificate, issuer) digest: the same few CA
    /// links recur in every file of a province, and an RSA check costs more than the rest.
    checked: Mutex<HashMap<CertificateLink, bool>>,
}

/// SHA-256 of a certificate and of its presumed issuer.
type CertificateLink = ([u8; 32], [u8; 32]);

/// Why no trusted path was found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "why", rename_all = "kebab-case")]
pub enum TrustProblem {
    /// No known certificate issued `issuer` (the DN where the climb stopped).
    NoPath {
        issuer: String,
    },
    TooLong,
    /// A CA on the path was outside its validity at the signing time.
    CaNotValidAtTime {
        subject: String,
    },
    /// A certificate on the path is not allowed to issue certificates.
    NotCa {
        subject: String,
    },
    /// A certificate on the path carries a critical extension this verifier does not process
    /// (RFC 5280 §4.2: the path must then fail).
    UnknownCriticalExtension {
        subject: String,
        oid: String,
    },
    /// A name of `subject` lies outside what the CA `ca` may certify (its name constraints).
    NameConstraints {
        subject: String,
        name: String,
        ca: String,
    },
    /// The path search stopped at its budget of certificate signatures checked.
    SearchBudget {
        signature_checks: usize,
    },
}

/// A path from the signer to an anchor (subjects, signer first), or why there is none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathResult {
    pub path: Vec<String>,
    /// The certificate that issued the signer's (found by name and signature), trusted or not.
    pub issuer: Option<Certificate>,
    pub problem: Option<TrustProblem>,
}

impl TrustStore {
    /// SHA-256 over every anchor and intermediate: facts cached under one store are not reused
    /// under another (a trust verdict depends on it).
    pub fn fingerprint(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut digest = Sha256::new();
        for (tag, certificates) in [(b"A", &self.anchors), (b"I", &self.intermediates)] {
            for certificate in certificates.iter() {
                digest.update(tag);
                digest.update(Sha256::digest(&certificate.der));
            }
        }
        crate::facts::hex(&digest.finalize())
    }

    /// The built-in Vietnamese roots and intermediates.
    pub fn builtin() -> TrustStore {
        let mut store = TrustStore::default();
        for (_, pem) in BUILTIN {
            for cert in Certificate::parse_file(pem.as_bytes()) {
                if cert.is_self_issued() {
                    store.anchors.push(cert);
                } else {
                    store.intermediates.push(cert);
                }
            }
        }
        store
    }

    /// No anchors at all (tests, and `--trust` alone if the built-ins were ever switched off).
    pub fn empty() -> TrustStore {
        TrustStore::default()
    }

    /// Adds every certificate in `dir` (`.pem`, `.crt`, `.cer`, `.der`) as an anchor, as pyHanko's
    /// `trust_roots` does. Returns how many were added.
    pub fn add_dir(&mut self, dir: &Path) -> Result<usize, String> {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .map_err(|e| e.to_string())?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                let ext = p.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
                matches!(ext.as_str(), "pem" | "crt" | "cer" | "der") && p.is_file()
            })
            .collect();
        entries.sort();
        let mut added = 0;
        for path in entries {
            let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let certs = Certificate::parse_file(&bytes);
            if certs.is_empty() {
                return Err(format!("{}: no certificate could be read", path.display()));
            }
            added += certs.len();
            self.anchors.extend(certs);
        }
        Ok(added)
    }

    pub fn anchor_count(&self) -> usize {
        self.anchors.len()
    }

    fn is_anchor(&self, cert: &Certificate) -> bool {
        self.anchors.iter().any(|a| a.der == cert.der)
    }

    /// Builds a path from `signer` to an anchor, using `extra` (the CMS certificate set) and the
    /// known intermediates, every certificate checked at `time`.
    pub fn validate(&self, signer: &Certificate, extra: &[Certificate], time: Timestamp) -> PathResult {
        let mut path = vec![signer];
        let mut problem = None;
        let checks = std::cell::Cell::new(0);
        let found = self.climb(&mut path, extra, time, &mut problem, &checks);
        let subjects = |p: &[&Certificate]| p.iter().map(|c| c.subject.clone()).collect();
        let issuer = path.get(1).map(|c| (*c).clone()).or_else(|| {
            // The same budget bounds this look-up: a crafted set names the signer's issuer many times.
            let candidates = self.anchors.iter().chain(extra).chain(&self.intermediates);
            candidates
                .filter(|c| signer.names_issuer(c) && c.der != signer.der)
                .take(MAX_CANDIDATES)
                .find(|c| self.signed_by(signer, c))
                .cloned()
        });
        if found {
            return PathResult { path: subjects(&path), issuer, problem: None };
        }
        let problem = problem.unwrap_or_else(|| TrustProblem::NoPath { issuer: signer.issuer.clone() });
        PathResult { path: subjects(&path), issuer, problem: Some(problem) }
    }

    fn signed_by(&self, cert: &Certificate, issuer: &Certificate) -> bool {
        let key = (Sha256::digest(&cert.der).into(), Sha256::digest(&issuer.der).into());
        if let Some(&known) = self.checked.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return known;
        }
        let verdict = cert.verify_signed_by(issuer).is_ok();
        self.checked.lock().unwrap_or_else(|e| e.into_inner()).insert(key, verdict);
        verdict
    }

    /// Depth-first search; `path` holds the chain so far (and, on failure, the deepest attempt).
    fn climb<'s>(
        &'s self,
        path: &mut Vec<&'s Certificate>,
        extra: &'s [Certificate],
        time: Timestamp,
        problem: &mut Option<TrustProblem>,
        checks: &std::cell::Cell<usize>,
    ) -> bool {
        let current = *path.last().unwrap();
        if self.is_anchor(current) {
            return true;
        }
        if let Some(oid) = current.extensions.unknown_critical.first() {
            problem.get_or_insert(TrustProblem::UnknownCriticalExtension {
                subject: current.subject.clone(),
                oid: oid.clone(),
            });
            return false;
        }
        if path.len() >= MAX_PATH {
            *problem = Some(TrustProblem::TooLong);
            return false;
        }
        let candidates = self
            .anchors
            .iter()
            .chain(extra.iter())
            .chain(self.intermediates.iter())
            .filter(|c| current.names_issuer(c) && !path.iter().any(|p| p.der == c.der))
            .take(MAX_CANDIDATES)
            .collect::<Vec<_>>();
        for candidate in candidates {
            checks.set(checks.get() + 1);
            if checks.get() > MAX_SIGNATURE_CHECKS {
                *problem = Some(TrustProblem::SearchBudget { signature_checks: MAX_SIGNATURE_CHECKS });
                return false;
            }
            if !self.signed_by(current, candidate) {
                continue;
            }
            let intermediates_below = path.len() - 1;
            let ca_ok = match candidate.basic_constraints {
                Some((true, limit)) => limit.is_none_or(|l| intermediates_below as u32 <= l),
                // A v1 root without extensions is accepted only as an anchor.
                None => self.is_anchor(candidate),
                Some((false, _)) => false,
            };
            if !ca_ok || !candidate.may_sign_certificates {
                problem.get_or_insert(TrustProblem::NotCa { subject: candidate.subject.clone() });
                continue;
            }
            if !candidate.valid_at(time) {
                problem.get_or_insert(TrustProblem::CaNotValidAtTime { subject: candidate.subject.clone() });
                continue;
            }
            // An anchor's own constraints are not applied (pyHanko's default trust anchor qualifiers).
            let violation = (!self.is_anchor(candidate)).then(|| name_constraint_violation(candidate, path)).flatten();
            if let Some(violation) = violation {
                problem.get_or_insert(violation);
                continue;
            }
            path.push(candidate);
            if self.climb(path, extra, time, problem, checks) {
                return true;
            }
            path.pop();
        }
        problem.get_or_insert(TrustProblem::NoPath { issuer: current.issuer.clone() });
        false
    }
}

/// RFC 5280 §6.1.3 (b, c): the names of every certificate below `ca` must lie within its permitted
/// subtrees and outside its excluded ones; a self-issued intermediate's subject is exempt.
fn name_constraint_violation(ca: &Certificate, below: &[&Certificate]) -> Option<TrustProblem> {
    let constraints = ca.extensions.name_constraints.as_ref()?;
    below.iter().enumerate().find_map(|(position, cert)| {
        let names = &cert.extensions.names;
        let names = if position > 0 && cert.is_self_issued() { &names[names.len()..] } else { &names[..] };
        let name = constraints.violation(names)?;
        Some(TrustProblem::NameConstraints {
            subject: cert.subject.clone(),
            name: name.to_string(),
            ca: ca.subject.clone(),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_roots_and_intermediates_load() {
        let store = TrustStore::builtin();
        assert_eq!(store.anchors.len(), 4, "VGCA G1, G2, NEAC 2014, MIC 2008");
        assert_eq!(store.intermediates.len(), BUILTIN.len() - 4);
        assert!(store.anchors.iter().any(|c| c.subject.contains("RootCA chuyên dùng Chính phủ G2")));
    }

    #[test]
    fn every_builtin_intermediate_chains_to_a_builtin_root() {
        let store = TrustStore::builtin();
        for cert in &store.intermediates {
            // Signature and name chaining only: some of these CAs have expired since.
            let time = cert.not_before + jiff::SignedDuration::from_hours(24);
            let result = store.validate(cert, &[], time);
            assert!(result.problem.is_none(), "{}: {:?}", cert.subject, result.problem);
            assert_eq!(result.path.len(), 2);
        }
    }
}
