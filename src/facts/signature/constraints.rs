//! RFC 5280 certificate extensions a path must honour beyond signatures and validity: a critical
//! extension this verifier does not process fails the path (§4.2), and a CA's name constraints
//! (§4.2.1.10: directoryName, rfc822Name, dNSName subtrees) bind every certificate below it.
//! Matching is over literal names, so it is tested without certificates.

use x509_parser::prelude::{GeneralName, X509Certificate, X509Name};

/// Extensions this verifier processes or may safely ignore when critical (pyHanko's certvalidator
/// list). Policies are accepted without a required policy set (the default validation inputs).
const KNOWN_EXTENSIONS: &[&str] = &[
    "2.5.29.14",            // subjectKeyIdentifier
    "2.5.29.35",            // authorityKeyIdentifier
    "2.5.29.15",            // keyUsage
    "2.5.29.37",            // extendedKeyUsage
    "2.5.29.19",            // basicConstraints
    "2.5.29.17",            // subjectAltName
    "2.5.29.18",            // issuerAltName
    "2.5.29.30",            // nameConstraints
    "2.5.29.32",            // certificatePolicies
    "2.5.29.33",            // policyMappings
    "2.5.29.36",            // policyConstraints
    "2.5.29.54",            // inhibitAnyPolicy
    "2.5.29.31",            // cRLDistributionPoints
    "2.5.29.46",            // freshestCRL
    "1.3.6.1.5.5.7.1.1",    // authorityInfoAccess
    "1.3.6.1.5.5.7.48.1.5", // id-pkix-ocsp-nocheck
];

const EMAIL_ADDRESS: &str = "1.2.840.113549.1.9.1";

/// A name as constraints compare it: a distinguished name as its RDNs (each a sorted set of
/// `(type, normalised value)`), an e-mail address, or a DNS name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Name {
    Directory(Vec<Vec<(String, String)>>),
    Email(String),
    Dns(String),
}

/// A CA's permitted and excluded subtrees (only the name forms enforced here).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameConstraints {
    pub permitted: Vec<Name>,
    pub excluded: Vec<Name>,
}

/// What the path checks need from one certificate's extensions and names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extensions {
    /// OIDs of critical extensions not in [`KNOWN_EXTENSIONS`].
    pub unknown_critical: Vec<String>,
    pub name_constraints: Option<NameConstraints>,
    /// The subject DN, its e-mail attributes and the subjectAltName entries, as constraints see them.
    pub names: Vec<Name>,
}

impl Extensions {
    pub fn of(cert: &X509Certificate) -> Extensions {
        let mut found = Extensions::default();
        let subject = &cert.tbs_certificate.subject;
        if subject.iter().next().is_some() {
            found.names.push(Name::Directory(directory(subject)));
        }
        for rdn in subject.iter() {
            for attribute in rdn.iter() {
                if attribute.attr_type().to_id_string() == EMAIL_ADDRESS {
                    if let Ok(email) = attribute.as_str() {
                        found.names.push(Name::Email(email.to_lowercase()));
                    }
                }
            }
        }
        for extension in cert.extensions() {
            let oid = extension.oid.to_id_string();
            if extension.critical && !KNOWN_EXTENSIONS.contains(&oid.as_str()) {
                found.unknown_critical.push(oid);
            }
            match extension.parsed_extension() {
                x509_parser::extensions::ParsedExtension::SubjectAlternativeName(san) => {
                    found.names.extend(san.general_names.iter().filter_map(name_of));
                }
                x509_parser::extensions::ParsedExtension::NameConstraints(constraints) => {
                    let subtrees = |list: &Option<Vec<x509_parser::extensions::GeneralSubtree>>| -> Vec<Name> {
                        list.iter().flatten().filter_map(|subtree| name_of(&subtree.base)).collect()
                    };
                    found.name_constraints = Some(NameConstraints {
                        permitted: subtrees(&constraints.permitted_subtrees),
                        excluded: subtrees(&constraints.excluded_subtrees),
                    });
                }
                _ => {}
            }
        }
        found
    }
}

fn name_of(name: &GeneralName) -> Option<Name> {
    match name {
        GeneralName::DirectoryName(dn) => Some(Name::Directory(directory(dn))),
        GeneralName::RFC822Name(email) => Some(Name::Email(email.to_lowercase())),
        GeneralName::DNSName(dns) => Some(Name::Dns(dns.trim_end_matches('.').to_lowercase())),
        _ => None,
    }
}

/// RDNs with values compared as RFC 5280 §7.1 asks: case-insensitively, spaces collapsed.
fn directory(name: &X509Name) -> Vec<Vec<(String, String)>> {
    name.iter()
        .map(|rdn| {
            let mut set: Vec<(String, String)> = rdn
                .iter()
                .map(|attribute| {
                    let value = attribute
                        .as_str()
                        .map(normalise)
                        .unwrap_or_else(|_| crate::facts::hex(attribute.attr_value().data));
                    (attribute.attr_type().to_id_string(), value)
                })
                .collect();
            set.sort();
            set
        })
        .collect()
}

fn normalise(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// Is `name` inside the subtree `base` (same form only; other forms say nothing)?
pub fn within(name: &Name, base: &Name) -> Option<bool> {
    match (name, base) {
        (Name::Directory(name), Name::Directory(base)) => {
            Some(base.len() <= name.len() && base.iter().zip(name).all(|(b, n)| b == n))
        }
        (Name::Email(email), Name::Email(base)) => Some(email_within(email, base)),
        (Name::Dns(host), Name::Dns(base)) => Some(dns_within(host, base)),
        _ => None,
    }
}

/// `base` is a mailbox (`a@b.vn`), a host (`b.vn`: any mailbox there) or a domain (`.b.vn`: any
/// host under it).
fn email_within(email: &str, base: &str) -> bool {
    if base.contains('@') {
        return email == base;
    }
    let Some((_, host)) = email.rsplit_once('@') else { return false };
    if base.starts_with('.') {
        host.ends_with(base)
    } else {
        host == base
    }
}

/// A host is within a DNS base when it is the base or ends with `.` + the base (labels added on
/// the left); an empty base holds every host.
fn dns_within(host: &str, base: &str) -> bool {
    let base = base.trim_start_matches('.');
    base.is_empty() || host == base || host.ends_with(&format!(".{base}"))
}

impl NameConstraints {
    /// The first of `names` the constraints forbid: inside an excluded subtree, or, where subtrees
    /// of its form are permitted, inside none of them.
    pub fn violation<'n>(&self, names: &'n [Name]) -> Option<&'n Name> {
        names.iter().find(|name| {
            let excluded = self.excluded.iter().any(|base| within(name, base) == Some(true));
            let verdicts: Vec<bool> = self.permitted.iter().filter_map(|base| within(name, base)).collect();
            excluded || (!verdicts.is_empty() && !verdicts.contains(&true))
        })
    }
}

impl std::fmt::Display for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Name::Directory(rdns) => {
                let parts: Vec<String> =
                    rdns.iter().flat_map(|rdn| rdn.iter().map(|(oid, value)| format!("{oid}={value}"))).collect();
                write!(f, "{}", parts.join(", "))
            }
            Name::Email(email) => write!(f, "{email}"),
            Name::Dns(host) => write!(f, "{host}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const C: &str = "2.5.4.6";
    const O: &str = "2.5.4.10";
    const CN: &str = "2.5.4.3";

    fn dn(parts: &[(&str, &str)]) -> Name {
        Name::Directory(parts.iter().map(|(t, v)| vec![(t.to_string(), normalise(v))]).collect())
    }

    #[test]
    fn directory_names_match_by_leading_rdns() {
        let base = dn(&[(C, "VN"), (O, "Ban Cơ yếu Chính phủ")]);
        assert_eq!(within(&dn(&[(C, "VN"), (O, "Ban Cơ yếu Chính phủ"), (CN, "Nguyễn Văn An")]), &base), Some(true));
        assert_eq!(within(&dn(&[(C, "vn"), (O, "ban  cơ yếu chính phủ")]), &base), Some(true), "case, spaces");
        assert_eq!(within(&dn(&[(C, "VN"), (O, "Công ty khác"), (CN, "X")]), &base), Some(false));
        assert_eq!(within(&dn(&[(C, "VN")]), &base), Some(false), "shorter than the base");
        assert_eq!(within(&dn(&[(O, "Ban Cơ yếu Chính phủ"), (C, "VN")]), &base), Some(false), "order counts");
    }

    #[test]
    fn email_bases_are_a_mailbox_a_host_or_a_domain() {
        let email = |s: &str| Name::Email(s.into());
        assert_eq!(within(&email("an@ca.gov.vn"), &email("an@ca.gov.vn")), Some(true));
        assert_eq!(within(&email("binh@ca.gov.vn"), &email("an@ca.gov.vn")), Some(false));
        assert_eq!(within(&email("an@ca.gov.vn"), &email("ca.gov.vn")), Some(true));
        assert_eq!(within(&email("an@hn.ca.gov.vn"), &email("ca.gov.vn")), Some(false), "a host, not a domain");
        assert_eq!(within(&email("an@hn.ca.gov.vn"), &email(".ca.gov.vn")), Some(true));
        assert_eq!(
            within(&email("an@ca.gov.vn"), &email(".ca.gov.vn")),
            Some(false),
            "the domain itself is not under it"
        );
        assert_eq!(within(&email("an@evilca.gov.vn"), &email(".ca.gov.vn")), Some(false));
    }

    #[test]
    fn dns_bases_add_labels_on_the_left_only() {
        let dns = |s: &str| Name::Dns(s.into());
        assert_eq!(within(&dns("gov.vn"), &dns("gov.vn")), Some(true));
        assert_eq!(within(&dns("hanoi.gov.vn"), &dns("gov.vn")), Some(true));
        assert_eq!(within(&dns("evilgov.vn"), &dns("gov.vn")), Some(false));
        assert_eq!(within(&dns("gov.vn"), &Name::Email("gov.vn".into())), None, "forms do not mix");
    }

    #[test]
    fn permitted_and_excluded_subtrees() {
        let constraints = NameConstraints {
            permitted: vec![dn(&[(C, "VN"), (O, "Bộ Công an")]), Name::Email(".bca.gov.vn".into())],
            excluded: vec![dn(&[(C, "VN"), (O, "Bộ Công an"), (CN, "Cấm")])],
        };
        let inside = dn(&[(C, "VN"), (O, "Bộ Công an"), (CN, "Nguyễn Văn An")]);
        assert_eq!(constraints.violation(std::slice::from_ref(&inside)), None);
        let outside = dn(&[(C, "VN"), (O, "Công ty X"), (CN, "Nguyễn Văn An")]);
        assert_eq!(constraints.violation(&[inside.clone(), outside.clone()]), Some(&outside));
        let excluded = dn(&[(C, "VN"), (O, "Bộ Công an"), (CN, "Cấm"), (CN, "Con")]);
        assert_eq!(constraints.violation(std::slice::from_ref(&excluded)), Some(&excluded));
        let email = Name::Email("an@x.bca.gov.vn".into());
        assert_eq!(constraints.violation(std::slice::from_ref(&email)), None);
        let foreign = Name::Email("an@gmail.com".into());
        assert_eq!(constraints.violation(std::slice::from_ref(&foreign)), Some(&foreign));
        let dns = Name::Dns("example.com".into());
        assert_eq!(constraints.violation(std::slice::from_ref(&dns)), None, "no DNS subtree: unconstrained");
    }
}
